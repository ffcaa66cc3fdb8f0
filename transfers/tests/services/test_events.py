"""Transfers and wires publish their events (bankcore.events) in the transaction of the
change: in order, for the wire's customer, and never for a change that rolled back."""

import uuid

import pytest

from accounts.tests.factories import AccountFactory
from bankcore.models import Event
from transfers.models import Transfer, WireTransfer
from transfers.services.wires.review import wire_approve, wire_cancel, wire_reject
from transfers.tests.helpers import post_wire, send


def events_of(customer, **filters) -> list[tuple[str, str, int]]:
    rows = Event.objects.filter(customer=customer, **filters).order_by("id")
    return [(e.type, e.object_type, e.object_id) for e in rows]


def new_events(customer, since: int) -> list[str]:
    return [e.type for e in Event.objects.filter(customer=customer, id__gt=since).order_by("id")]


def newest_id() -> int:
    newest = Event.objects.order_by("-id").first()
    return newest.pk if newest else 0


@pytest.mark.django_db(transaction=True)
def test_a_transfer_publishes_transfer_created_for_its_sender_only(
    customer_client, source, approved_customer
):
    destination = AccountFactory()
    since = newest_id()
    response = send(customer_client, source, destination.number, amount="12.34")
    assert response.status_code == 201, response.content
    transfer = Transfer.objects.get(pk=response.json()["id"])
    rows = list(Event.objects.filter(id__gt=since))
    assert [(e.type, e.object_type, e.object_id, e.customer_id) for e in rows] == [
        ("transfer.created", "transfer", transfer.pk, approved_customer.pk)
    ]
    assert rows[0].uuid.version == 4
    assert rows[0].created_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_refused_transfer_publishes_nothing(customer_client, source):
    since = newest_id()
    response = send(customer_client, source, AccountFactory().number, amount="1000000.00")
    assert response.status_code == 422
    assert not Event.objects.filter(id__gt=since).exists()


@pytest.mark.django_db(transaction=True)
def test_a_replayed_transfer_publishes_once(customer_client, source):
    destination, key = AccountFactory(), str(uuid.uuid4())
    since = newest_id()
    for _ in range(2):
        assert send(customer_client, source, destination.number, key=key).status_code == 201
    assert Event.objects.filter(id__gt=since).count() == 1


def test_a_wire_sent_at_once_publishes_created_released_sent(customer_client, source, approved_customer):
    since = newest_id()
    response = post_wire(customer_client, source, amount="50.00")
    assert response.status_code == 201, response.content
    wire = WireTransfer.objects.get(pk=response.json()["id"])
    assert wire.status == WireTransfer.Status.SENT
    assert new_events(approved_customer, since) == ["wire.created", "wire.released", "wire.sent"]
    assert {e.object_id for e in Event.objects.filter(id__gt=since)} == {wire.pk}


def test_a_held_wire_then_approved_publishes_held_released_sent(held, approved_customer, reviewer_factory):
    since = newest_id()
    wire = held("500.00")
    assert new_events(approved_customer, since) == ["wire.created", "wire.held"]
    wire_approve(wire_id=wire.pk, reviewer=reviewer_factory(), note="known payee")
    assert new_events(approved_customer, since) == [
        "wire.created",
        "wire.held",
        "wire.released",
        "wire.sent",
    ]


def test_a_held_wire_rejected_or_cancelled_says_so(held, approved_customer, reviewer_factory):
    rejected, cancelled = held("500.00"), held("600.00")
    since = newest_id()
    wire_reject(wire_id=rejected.pk, reviewer=reviewer_factory(), note="unknown payee")
    wire_cancel(customer=approved_customer, wire_id=cancelled.pk)
    assert events_of(approved_customer, id__gt=since) == [
        ("wire.rejected", "wire_transfer", rejected.pk),
        ("wire.cancelled", "wire_transfer", cancelled.pk),
    ]


def test_a_decision_that_loses_its_race_publishes_nothing(held, approved_customer, reviewer_factory):
    wire = held("500.00")
    wire_cancel(customer=approved_customer, wire_id=wire.pk)
    since = newest_id()
    with pytest.raises(Exception, match="cancelled"):
        wire_reject(wire_id=wire.pk, reviewer=reviewer_factory(), note="too late")
    assert not Event.objects.filter(id__gt=since).exists()
