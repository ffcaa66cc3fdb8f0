"""The audit app's background work (bankcore.celery)."""

import logging

from celery import shared_task

from audit.services import audit_seal

logger = logging.getLogger("bankcore.audit")


@shared_task(name="audit.seal")
def audit_seal_task() -> int:
    """Seal the committed audit events into the hash chain (every minute by default). Safe
    twice at once: one run extends the chain, another finds it held and leaves."""
    run = audit_seal()
    logger.info(
        "sealed %s audit events%s", run.sealed, " (another sealer holds the chain)" if run.busy else ""
    )
    return run.sealed
