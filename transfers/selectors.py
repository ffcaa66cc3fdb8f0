from django.db.models import QuerySet

from accounts.models import User
from transfers.models import Transfer


def transfer_list_for_customer(*, customer: User) -> QuerySet[Transfer]:
    return Transfer.objects.filter(customer=customer).select_related("destination")
