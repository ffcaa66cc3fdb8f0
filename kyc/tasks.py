"""The KYC app's background work (bankcore.celery)."""

import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from kyc.services.review import kyc_expire
from kyc.services.screening import sanctions_list_load

logger = logging.getLogger("bankcore.kyc")


@shared_task(name="kyc.expire_documents")
def kyc_expire_task() -> int:
    """Expire photo IDs past their date and ask their profiles for new ones (daily by
    default). Idempotent: a second run the same day moves nothing."""
    return kyc_expire(today=timezone.localdate())


@shared_task(name="kyc.refresh_sanctions")
def sanctions_refresh_task() -> int | None:
    """Load the sanctions list files the settings name (SANCTIONS_SDN_FILE, and
    SANCTIONS_ALT_FILE) as the newest version when they changed (daily by default); the
    same files again change nothing. Returns the version screened against, or None where no
    file is configured. A missing or malformed file fails the run (the task's failure metric
    and the worker's log say so) and leaves the list as it was."""
    if not settings.SANCTIONS_SDN_FILE:
        logger.info("no SANCTIONS_SDN_FILE: the sanctions list is loaded by hand only")
        return None
    alt = Path(settings.SANCTIONS_ALT_FILE) if settings.SANCTIONS_ALT_FILE else None
    sanctions_list, created = sanctions_list_load(sdn_path=Path(settings.SANCTIONS_SDN_FILE), alt_path=alt)
    logger.info(
        "sanctions list version %s %s (%s entries)",
        sanctions_list.pk,
        "loaded" if created else "unchanged",
        sanctions_list.entry_count,
    )
    return sanctions_list.pk
