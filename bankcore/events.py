"""Events: what happened to a customer's objects, for the apps built on bankcore
(docs/events.md).

An app declares its event types in its own ``events`` module (``EventType(name,
object_type, description, route)``, registered here as they are made: the kernel names no
domain) and publishes one with ``event_publish`` inside the transaction of the change it
announces: the row is an outbox entry, committed with the change or rolled back with it,
never written for work that did not happen. Customers read theirs from ``GET
/api/events``.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from bankcore.database.rows import new_rows_insert, row_insert
from bankcore.models import Event

_types: dict[str, "EventType"] = {}


@dataclass(frozen=True)
class EventType:
    """``name`` is ``<object>.<what happened>``, stable once published; ``object_type`` is
    the kind of object it names, read by the customer at the API route ``route`` (with the
    object's id, unless ``route_takes_id`` is false: a route that is the customer's one
    object of its kind)."""

    name: str
    object_type: str
    description: str
    route: str
    route_takes_id: bool = True

    def __post_init__(self):
        if _types.setdefault(self.name, self) is not self:
            raise ValueError(f"event type {self.name} is declared twice")


def event_types() -> list[EventType]:
    """Every declared event type, by name."""
    return sorted(_types.values(), key=lambda event_type: event_type.name)


def event_type_named(name: str) -> EventType | None:
    return _types.get(name)


class EventOutsideTransaction(RuntimeError):
    """An event was published outside a transaction: it could outlive the change it announces."""


def event_build(*, type: EventType, customer_id: int, object_id: int | None) -> Event:
    return Event(
        uuid=uuid.uuid4(),
        type=type.name,
        customer_id=customer_id,
        object_type=type.object_type,
        object_id=object_id,
        created_at=timezone.now(),
    )


def event_publish(*, type: EventType, customer_id: int, object_id: int) -> Event:
    """Write the event of a change, in the change's transaction (required: an event outside
    one is refused, as it would be sent for work that might yet roll back)."""
    (event,) = events_publish(types=[type], customer_id=customer_id, object_id=object_id)
    return event


def events_publish(*, types: Sequence[EventType], customer_id: int, object_id: int) -> list[Event]:
    """The events of one object's changes made together (a wire created and sent at once),
    in this order, by one INSERT."""
    if not connection.in_atomic_block:
        raise EventOutsideTransaction(f"{', '.join(t.name for t in types)} published outside a transaction")
    events = [event_build(type=t, customer_id=customer_id, object_id=object_id) for t in types]
    new_rows_insert(events)
    return events


def event_insert_sql(event: Event, *, object_id_sql: str) -> tuple[str, list]:
    """The INSERT of ``event`` whose object id is read by ``object_id_sql`` (a scalar
    subquery of the statement it joins, for an object written in that statement)."""
    return row_insert(event, expressions={"object_id": (object_id_sql, [])})
