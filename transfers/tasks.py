"""The transfers app's background work (bankcore.celery)."""

from celery import shared_task

from transfers.idempotency import idempotency_keys_purge


@shared_task(name="transfers.purge_idempotency_keys")
def idempotency_keys_purge_task() -> int:
    """Forget Idempotency-Keys past their retention (daily by default). Idempotent."""
    return idempotency_keys_purge()
