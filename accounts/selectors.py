from django.db.models import QuerySet

from accounts.models import Account, LedgerEntry, User


def account_list_for_customer(*, customer: User) -> QuerySet[Account]:
    """The customer's accounts in one query: their balances are one consistent snapshot."""
    return Account.objects.filter(customer=customer).order_by("id")


def entry_list_for_customer(*, customer: User) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(customer=customer)


def entry_list_for_account(*, account: Account) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(account=account)
