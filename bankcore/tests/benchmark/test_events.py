"""Events published together are one INSERT, in their order (bankcore.events)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from bankcore import events
from bankcore.events import EventType, events_publish
from bankcore.models import Event


@pytest.fixture
def someone(db):
    return get_user_model().objects.create_user(email="events-batch@bankcore.test", password="x" * 20)


@pytest.fixture
def declared(monkeypatch):
    """Declare event types for this test only: the registry is put back afterwards."""
    monkeypatch.setattr(events, "_types", dict(events._types))

    def declare(name: str) -> EventType:
        return EventType(name=name, object_type="account", description="-", route="account-detail")

    return declare


def test_events_published_together_are_one_insert_in_their_order(
    someone, declared, django_assert_num_queries
):
    types = [declared("test.batch_first"), declared("test.batch_second"), declared("test.batch_third")]
    with transaction.atomic(), django_assert_num_queries(1):
        published = events_publish(types=types, customer_id=someone.pk, object_id=9)
    stored = list(Event.objects.order_by("id"))
    assert [(e.pk, e.type, e.uuid) for e in stored] == [(e.pk, e.type, e.uuid) for e in published]
    assert [e.type for e in stored] == ["test.batch_first", "test.batch_second", "test.batch_third"]
