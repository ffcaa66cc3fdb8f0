"""Delivery runs: one endpoint's due deliveries sent, each object's in order, at least once.

A run holds its endpoint (a lease in the endpoint's row, by the run's task id) so that two
runs never send one endpoint's deliveries side by side, which could reorder an object's
events. A run the worker lost (SIGKILL, a crash) is taken over when the broker hands its
task out again (the same task id), or by any run once its lease has passed. Each attempt is
recorded; a delivery whose attempt failed is tried again after RETRY_DELAYS (with jitter)
and marked failed once they run out, about three days after its first attempt. An
object's later deliveries wait for its earlier one to end; other objects' go on. A run stops
at an endpoint that does not answer (or answers 5xx or 429), so that a dead endpoint costs a
worker one timeout a run, not one a delivery; it never holds up another endpoint's run.
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta

import orjson
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bankcore.api.events import event_body
from bankcore.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from bankcore.webhooks.sending import Answer, Sender, signed_headers, signing_secrets
from bankcore.webhooks.targets import TargetRefused, target_resolve

RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
]
JITTER = 0.2
LEASE = timedelta(seconds=60)
# A run starts no attempt after RUN_SECONDS, and an attempt ends within ATTEMPT_SECONDS: a run
# ends well within its lease, renewed every quarter of it (the task's time limit is the
# last resort: bankcore.tasks).
RUN_SECONDS = 20
BATCH = 50


def retry_delay(attempts: int) -> timedelta | None:
    """How long after its ``attempts``-th failed attempt a delivery is tried again; None once
    the retries have run out (the delays add up to about three days)."""
    if attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter


def _lease_take(endpoint_id: int, owner: str) -> bool:
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    taken = WebhookEndpoint.objects.filter(free, pk=endpoint_id, enabled=True).update(
        lease_owner=owner, lease_until=now + LEASE
    )
    return taken == 1


def _lease_release(endpoint_id: int, owner: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id, lease_owner=owner).update(lease_owner="", lease_until=None)


def deliveries_due(endpoint_id: int, *, limit: int = BATCH) -> list[WebhookDelivery]:
    """The endpoint's pending deliveries that are due and first of their object's, in the
    order of their events."""
    earlier = WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id,
        state=DeliveryState.PENDING,
        object_type=OuterRef("object_type"),
        object_id=OuterRef("object_id"),
        event_id__lt=OuterRef("event_id"),
    )
    due = WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id, state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now()
    ).exclude(Exists(earlier))
    return list(due.select_related("event").order_by("event_id")[:limit])


def endpoints_due() -> list[int]:
    """The enabled endpoints with a delivery due."""
    due = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now(), endpoint__enabled=True
    )
    return list(due.order_by("endpoint_id").values_list("endpoint_id", flat=True).distinct())


@transaction.atomic
def attempt_record(delivery: WebhookDelivery, answer: Answer, *, started_at) -> WebhookDelivery:
    """Record an attempt and what follows from it: the delivery succeeded, waits for its next
    try, or failed for good — unless it changed since the attempt began (staff sent it again,
    or another run recorded it first): then the attempt is kept on record and the delivery
    left as the newer change made it."""
    WebhookAttempt.objects.create(
        delivery=delivery,
        started_at=started_at,
        duration_ms=answer.duration_ms,
        status_code=answer.status_code,
        error=answer.error[:200],
        response=answer.response,
        succeeded=answer.succeeded,
    )
    current = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if (current.state, current.attempts) != (DeliveryState.PENDING, delivery.attempts):
        return current
    now = timezone.now()
    delivery.attempts += 1
    delivery.first_attempt_at = delivery.first_attempt_at or started_at
    if answer.succeeded:
        delivery.state, delivery.ended_at = DeliveryState.SUCCEEDED, now
    else:
        delay = retry_delay(delivery.attempts)
        if delay is None:
            delivery.state, delivery.ended_at = DeliveryState.FAILED, now
        else:
            delivery.next_attempt_at = now + delay
    delivery.save(update_fields=["attempts", "first_attempt_at", "state", "ended_at", "next_attempt_at"])
    return delivery


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return orjson.dumps(event_body(delivery.event))


def _send(endpoint: WebhookEndpoint, sender: Sender, delivery: WebhookDelivery) -> Answer:
    body = delivery_body(delivery)
    now = timezone.now()
    headers = signed_headers(
        keys=signing_secrets(endpoint, now=now),
        message_id=f"msg_{delivery.event.uuid}",
        timestamp=now,
        body=body,
    )
    return sender.post(body=body, headers=headers)


@dataclass(frozen=True)
class Run:
    """What a run did: ``busy`` when another run held the endpoint, ``more`` when it stopped at
    its time limit with deliveries still due."""

    sent: int = 0
    failed: int = 0
    busy: bool = False
    more: bool = False


def endpoint_deliver(endpoint_id: int, *, owner: str, seconds: float = RUN_SECONDS) -> Run:
    """One run for one endpoint, as ``owner`` (the task's id), for at most ``seconds``."""
    if not _lease_take(endpoint_id, owner):
        return Run(busy=True)
    deadline = time.monotonic() + seconds
    renew_at = time.monotonic() + LEASE.total_seconds() / 4
    sent = failed = 0
    sender = None
    try:
        endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
        while due := deliveries_due(endpoint_id):
            sent_before = sent
            for delivery in due:
                if time.monotonic() > deadline:
                    return Run(sent=sent, failed=failed, more=True)
                if time.monotonic() > renew_at:
                    if not _lease_take(endpoint_id, owner):
                        return Run(sent=sent, failed=failed, busy=True)
                    renew_at = time.monotonic() + LEASE.total_seconds() / 4
                started_at = timezone.now()
                if sender is None:
                    try:
                        sender = Sender(target_resolve(endpoint.url))
                    except TargetRefused as exc:
                        attempt_record(delivery, Answer(False, 0, error=str(exc)), started_at=started_at)
                        return Run(sent=sent, failed=failed + 1)
                answer = _send(endpoint, sender, delivery)
                attempt_record(delivery, answer, started_at=started_at)
                if answer.succeeded:
                    sent += 1
                    continue
                failed += 1
                if answer.endpoint_down:
                    return Run(sent=sent, failed=failed)
            # A delivery that succeeded may have let its object's next one through.
            if sent == sent_before:
                break
        return Run(sent=sent, failed=failed)
    finally:
        if sender is not None:
            sender.close()
        _lease_release(endpoint_id, owner)
