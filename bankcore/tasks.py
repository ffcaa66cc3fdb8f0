"""The kernel's background work (bankcore.celery): webhooks out (bankcore.webhooks)."""

import logging

from celery import shared_task

from bankcore.webhooks.dispatch import endpoint_deliver, endpoints_due
from bankcore.webhooks.relay import relay

logger = logging.getLogger("bankcore.webhooks")

# A delivery run not started within this long is dropped: the relay sends another.
DELIVER_EXPIRES_SECONDS = 60


@shared_task(name="webhooks.relay")
def webhooks_relay_task() -> int:
    """Fan the newly committed events out to the endpoints (every 5 s by default), then start
    a delivery run for each endpoint with deliveries due. Safe twice at once: runs take
    turns, and an event has at most one delivery per endpoint."""
    made = relay()
    for endpoint_id in endpoints_due():
        webhooks_deliver_task.apply_async((endpoint_id,), expires=DELIVER_EXPIRES_SECONDS)
    return made


@shared_task(name="webhooks.deliver", bind=True, soft_time_limit=40, time_limit=50)
def webhooks_deliver_task(self, endpoint_id: int) -> int:
    """Send one endpoint's due deliveries. Safe twice at once: one run holds the endpoint."""
    run = endpoint_deliver(endpoint_id, owner=self.request.id or "")
    if run.sent or run.failed:
        logger.info("webhooks to endpoint %s: %s sent, %s failed", endpoint_id, run.sent, run.failed)
    if run.more:
        webhooks_deliver_task.apply_async((endpoint_id,), expires=DELIVER_EXPIRES_SECONDS)
    return run.sent
