"""The relay: the outbox's committed events fanned out to the endpoints that take them, one
delivery each, in the background (bankcore.tasks' ``webhooks.relay``, every few seconds).

A transaction's events are committed together, and not in the order their ids were drawn:
a transfer whose id was drawn first may commit after one drawn later. So on PostgreSQL the
relay does not follow ids: each run reads the outbox in a snapshot and takes the events
whose transaction is visible in it and was not in the previous run's (the ``xid`` every
event row carries; bankcore/migrations/0005_webhooks.py), the way PgQ batches a queue. On
SQLite, where writes take turns, the order of the ids is the order of the commits.

An endpoint receives the events made from the time it was registered on, of the types it
names (every type when it names none), while it is enabled.
"""

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from bankcore.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint, WebhookRelay

logger = logging.getLogger("bankcore.webhooks")

CHUNK = 2000


@dataclass(frozen=True)
class _Row:
    id: int
    type: str
    object_type: str
    object_id: int
    created_at: object


def _takes(endpoint: WebhookEndpoint, event: _Row) -> bool:
    return event.created_at >= endpoint.created_at and (
        not endpoint.event_types or event.type in endpoint.event_types
    )


_COLUMNS = "id, type, object_type, object_id, created_at"


def _postgresql_batches(state: WebhookRelay, since):
    """The events committed between the state's snapshot and now's; moves the state on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_current_snapshot()::text, "
            "pg_snapshot_xmax(pg_current_snapshot()) < pg_snapshot_xmin(%s::pg_snapshot)",
            [state.snapshot or "1:1:"],
        )
        current, behind = cursor.fetchone()
        if state.snapshot and behind:
            # Transaction ids behind the last run's: a database restored into a new cluster.
            # Its snapshot means nothing here; start again from the endpoints' time.
            logger.warning(
                "the relay's snapshot %s is ahead of the database's; starting again", state.snapshot
            )
            state.snapshot = ""
        if state.snapshot:
            where = (
                "xid >= pg_snapshot_xmin(%s::pg_snapshot) "
                "AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot) "
                "AND pg_visible_in_snapshot(xid, %s::pg_snapshot)"
            )
            params = [state.snapshot, state.snapshot, current]
        else:  # the first run: the events of the endpoints' time, none older
            where = "created_at >= %s AND pg_visible_in_snapshot(xid, %s::pg_snapshot)"
            params = [since, current]
        sql = f"SELECT {_COLUMNS} FROM bankcore_event WHERE {where} ORDER BY id"  # noqa: S608 - constants
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield [_Row(*row) for row in rows]
    state.snapshot = current


def _sqlite_batches(state: WebhookRelay, since):
    rows = Event.objects.filter(id__gt=state.last_event_id, created_at__gte=since).order_by("id")
    last = state.last_event_id
    while batch := list(rows.filter(id__gt=last).values_list(*_COLUMNS.split(", "))[:CHUNK]):
        last = batch[-1][0]
        yield [_Row(*row) for row in batch]
    state.last_event_id = last


@transaction.atomic
def relay() -> int:
    """One run; returns how many deliveries it made. Runs take turns (the state's row lock)."""
    state, _ = WebhookRelay.objects.select_for_update().get_or_create(pk=1)
    endpoints = list(WebhookEndpoint.objects.filter(enabled=True))
    since = min((endpoint.created_at for endpoint in endpoints), default=timezone.now())
    batches = _postgresql_batches if connection.vendor == "postgresql" else _sqlite_batches
    now = timezone.now()
    made = 0
    for batch in batches(state, since):
        deliveries = [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event.id,
                object_type=event.object_type,
                object_id=event.object_id,
                state=DeliveryState.PENDING,
                next_attempt_at=now,
                created_at=now,
            )
            for event in batch
            for endpoint in endpoints
            if _takes(endpoint, event)
        ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        made += len(deliveries)
    state.relayed_at = now
    state.save()
    return made
