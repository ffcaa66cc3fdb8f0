"""The KYC app's background work (bankcore.celery)."""

from celery import shared_task
from django.utils import timezone

from kyc.services.review import kyc_expire


@shared_task(name="kyc.expire_documents")
def kyc_expire_task() -> int:
    """Expire photo IDs past their date and ask their profiles for new ones (daily by
    default). Idempotent: a second run the same day moves nothing."""
    return kyc_expire(today=timezone.localdate())
