"""Wires in /metrics: each state a wire enters is counted with its amount once it commits,
and the compliance queue's length and the age of its oldest wire are read when scraped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bankcore.tests.helpers import scrape, value
from transfers.models import WireTransfer
from transfers.services.wires.review import wire_reject
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


def delta(before: dict, after: dict, name: str, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_wires_are_counted_by_the_state_they_enter_and_the_queue_is_read_when_scraped(
    client, customer_client, source, wire_settings, reviewer_factory, django_capture_on_commit_callbacks
):
    wire_settings(review_threshold={"USD": 100})
    before = scrape(client)
    assert value(before, "bankcore_wire_reviews_pending") == 0
    assert value(before, "bankcore_wire_review_oldest_pending_seconds") == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert post_wire(customer_client, source, amount="10.00").json()["status"] == "sent"
        held = [post_wire(customer_client, source, amount="150.00").json() for _ in range(2)]
        assert {wire["status"] for wire in held} == {"pending_review"}
        wire_reject(wire_id=held[0]["id"], reviewer=reviewer_factory(), note="beneficiary unknown")
    WireTransfer.objects.filter(pk=held[1]["id"]).update(created_at=timezone.now() - timedelta(hours=5))
    after = scrape(client)

    # The wire below the threshold is approved by the rule, then sent.
    for state, count, amount in [
        ("approved", 1, 10_00),
        ("sent", 1, 10_00),
        ("pending_review", 2, 300_00),
        ("rejected", 1, 150_00),
    ]:
        assert delta(before, after, "bankcore_wires_total", state=state, currency="USD") == count
        moved = delta(before, after, "bankcore_wire_amount_minor_units_total", state=state, currency="USD")
        assert moved == amount
    assert value(after, "bankcore_wire_reviews_pending") == 1
    assert 5 * 3600 <= value(after, "bankcore_wire_review_oldest_pending_seconds") < 5 * 3600 + 60
