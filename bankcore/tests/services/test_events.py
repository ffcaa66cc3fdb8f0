"""The outbox (bankcore.events): an event is written in the transaction of its change, or not
at all, and its row is never changed."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from bankcore import events
from bankcore.events import (
    EventOutsideTransaction,
    EventType,
    event_publish,
    event_type_named,
    event_types,
    events_publish,
)
from bankcore.models import Event

# A type every run declares (the accounts app's): the kernel's tests name no app's module.
CHANGED = event_type_named("account.opened")


@pytest.fixture
def someone(db):
    return get_user_model().objects.create_user(email="events@bankcore.test", password="x" * 20)


def test_an_event_rolls_back_with_its_change(someone):
    def change_undone():
        with transaction.atomic():
            event_publish(type=CHANGED, customer_id=someone.pk, object_id=7)
            raise RuntimeError("the change is undone")

    with pytest.raises(RuntimeError, match="undone"):
        change_undone()
    assert not Event.objects.exists()
    with transaction.atomic():
        event = event_publish(type=CHANGED, customer_id=someone.pk, object_id=7)
    assert Event.objects.get() == event


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(someone):
    with pytest.raises(EventOutsideTransaction):
        event_publish(type=CHANGED, customer_id=someone.pk, object_id=7)
    assert not Event.objects.exists()


def test_an_event_is_never_changed(someone):
    with transaction.atomic():
        event = event_publish(type=CHANGED, customer_id=someone.pk, object_id=7)
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(object_id=8)
    with pytest.raises(TypeError):
        event.delete()


def test_a_type_is_declared_once(monkeypatch):
    monkeypatch.setattr(events, "_types", dict(events._types))  # put back afterwards
    EventType(name="test.once", object_type="account", description="-", route="account-detail")
    with pytest.raises(ValueError, match="twice"):
        EventType(name="test.once", object_type="account", description="again", route="account-detail")


def test_every_declared_type_names_its_object_and_a_route():
    names = [event_type.name for event_type in event_types()]
    assert len(names) == len(set(names))
    for event_type in event_types():
        assert event_type.name.count(".") == 1, event_type
        assert event_type.object_type, event_type
        assert event_type.description, event_type
        assert event_type.route, event_type


@pytest.mark.requires_postgres("the insert-only triggers are PostgreSQL's")
def test_postgresql_refuses_changing_or_removing_an_event(someone):
    from django.db import connection

    with transaction.atomic():
        event = event_publish(type=CHANGED, customer_id=someone.pk, object_id=7)
    for sql in (
        "UPDATE bankcore_event SET object_id = 8 WHERE id = %s",
        "DELETE FROM bankcore_event WHERE id = %s",
    ):
        with pytest.raises(Exception, match="refused"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert Event.objects.get().object_id == 7


def test_events_published_together_still_send_save_signals_to_a_listener(someone):
    from django.db.models.signals import post_save

    heard = []

    def listener(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(listener, sender=Event, dispatch_uid="test-events-listener")
    try:
        with transaction.atomic():
            published = events_publish(types=[CHANGED, CHANGED], customer_id=someone.pk, object_id=7)
    finally:
        post_save.disconnect(sender=Event, dispatch_uid="test-events-listener")
    assert heard == [(published[0].pk, True), (published[1].pk, True)]
