"""Wire limits per account and per customer, and the structuring rule: wires split below the
review threshold, from one account or many, still reach compliance."""

import pytest

from accounts.tests.factories import AccountFactory, fund
from transfers.models import WireTransfer
from transfers.services.wires.review import wire_approve
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(approved_customer):
    # Two accounts of 2,000.00: a test may fund 10,000.00 in all before deposits need approval.
    return fund(AccountFactory(customer=approved_customer), 2_000_00)


def test_wires_split_below_the_review_threshold_are_held_once_the_days_unreviewed_total_reaches_it(
    customer_client, source, wire_settings
):
    wire_settings(review_threshold={"USD": 100})
    bodies = [post_wire(customer_client, source, amount="99.99").json() for _ in range(4)]
    assert [body["status"] for body in bodies] == [
        "sent",
        "pending_review",
        "pending_review",
        "pending_review",
    ]
    assert bodies[1]["review_reason"]["rule"] == "daily_total_threshold"
    assert (bodies[1]["review_reason"]["threshold"], bodies[1]["review_reason"]["sent_today_unreviewed"]) == (
        "100.00",
        "99.99",
    )
    # The held ones are not "sent unreviewed": the fourth sees the same total as the second.
    assert bodies[3]["review_reason"]["sent_today_unreviewed"] == "99.99"


def test_the_unreviewed_total_spans_all_the_customers_accounts(
    customer_client, source, second_source, wire_settings
):
    wire_settings(review_threshold={"USD": 100})
    assert post_wire(customer_client, source, amount="60.00").json()["status"] == "sent"
    held = post_wire(customer_client, second_source, amount="40.00").json()
    assert (held["status"], held["review_reason"]["rule"]) == ("pending_review", "daily_total_threshold")
    assert post_wire(customer_client, second_source, amount="39.99").json()["status"] == "sent"


def test_wires_a_reviewer_approved_or_the_customer_cancelled_leave_the_unreviewed_total(
    customer_client, source, wire_settings, reviewer_factory
):
    wire_settings(review_threshold={"USD": 100})
    assert post_wire(customer_client, source, amount="90.00").json()["status"] == "sent"
    held = post_wire(customer_client, source, amount="20.00").json()
    wire_approve(wire_id=held["id"], reviewer=reviewer_factory(), note="known payee")
    assert WireTransfer.objects.get(pk=held["id"]).status == "sent"
    assert post_wire(customer_client, source, amount="9.99").json()["status"] == "sent"
    cancelled = post_wire(customer_client, source, amount="0.01").json()
    assert cancelled["status"] == "pending_review"
    customer_client.post(f"/api/wire-transfers/{cancelled['id']}/cancel")
    assert post_wire(customer_client, source, amount="0.01").json()["status"] == "pending_review"


def test_the_daily_limit_is_the_customers_across_accounts_and_the_refusal_says_what_remains(
    customer_client, source, second_source, wire_settings
):
    wire_settings(limit_daily={"USD": 1000})
    assert post_wire(customer_client, source, amount="800.00").status_code == 201
    refused = post_wire(customer_client, second_source, amount="300.00")
    assert refused.status_code == 422
    body = refused.json()
    assert (body["code"], body["limit"], body["scope"]) == ("limit_exceeded", "daily", "customer")
    assert (body["limit_value"], body["used"], body["remaining"]) == ("1000.00", "800.00", "200.00")
    assert post_wire(customer_client, second_source, amount="200.00").status_code == 201


def test_the_daily_count_is_the_customers_across_accounts(
    customer_client, source, second_source, wire_settings
):
    wire_settings(limit_daily_count=3)
    for account in (source, second_source, source):
        assert post_wire(customer_client, account, amount="1.00").status_code == 201
    body = post_wire(customer_client, second_source, amount="1.00").json()
    assert (body["limit"], body["scope"], body["used"], body["remaining"]) == (
        "daily_count",
        "customer",
        3,
        0,
    )


def test_an_accounts_own_tighter_limit_is_named_as_the_accounts(
    customer_client, source, second_source, wire_settings, limits_officer_factory
):
    from transfers.services.wires.limit_overrides import wire_limit_override_set

    wire_limit_override_set(
        account=second_source,
        per_wire=None,
        daily=50_00,
        monthly=None,
        daily_count=None,
        reason="new customer",
        actor=limits_officer_factory(),
    )
    body = post_wire(customer_client, second_source, amount="50.01").json()
    assert (body["limit"], body["scope"], body["remaining"]) == ("daily", "account", "50.00")
