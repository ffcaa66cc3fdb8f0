"""The accounts app's background work (bankcore.celery)."""

import logging
import time

from celery import shared_task

from accounts.verification import ledger_verification_record, ledger_verify

logger = logging.getLogger("bankcore.ledger")


@shared_task(name="accounts.verify_ledger")
def ledger_verify_task() -> bool:
    """Check the ledger's invariants and record the result (daily by default), as
    ``manage.py verify_ledger`` does; a breach is logged as an error (Sentry, the alert on
    the recorded result). Reads only."""
    start = time.perf_counter()
    report = ledger_verify(limit=20)
    ledger_verification_record(report=report, seconds=time.perf_counter() - start)
    if not report.ok:
        logger.error("verify_ledger found a breach: %s", report)
    return report.ok
