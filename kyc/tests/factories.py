import datetime

from django.utils import timezone

from kyc.services.documents import kyc_document_upload
from kyc.services.profile import kyc_profile_update
from kyc.services.review import kyc_submit
from kyc.tests import files

PROFILE = {
    "legal_name": "Zoë Ångström",
    "date_of_birth": datetime.date(1990, 4, 1),
    "nationality": "SE",
    "residence_country": "DE",
    "address": "Unter den Linden 1, 10117 Berlin",
    "national_id": "AB 1234-5678",
}


def submitted_profile(customer, **profile):
    """A customer's profile with a passport and a selfie, sent to review through the services."""
    kyc_profile_update(customer=customer, **{**PROFILE, **profile})
    seed = customer.pk % 250
    kyc_document_upload(
        customer=customer,
        document_type="passport",
        data=files.png(color=(seed, 1, 2)),
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    kyc_document_upload(customer=customer, document_type="selfie", data=files.jpeg(color=(seed, 3, 4)))
    return kyc_submit(customer=customer)
