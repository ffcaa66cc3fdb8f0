"""What the wire endpoints cost in SQL: create, list, detail, stats, limits and cancel."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


def test_create_query_count(customer_client, source, assert_num_queries_excluding_savepoints):
    post_wire(customer_client, source, amount="1.00")  # opens the system accounts once
    # claim, sanctions list version, the locks (the customer's row: their limits and
    # unreviewed total span all their accounts; the session; the claim; the source account:
    # one statement on PostgreSQL, four elsewhere), KYC, the customer's limit overrides in the
    # currency with the limits and unreviewed total used, the system accounts (clearing, and
    # settlement for a wire sent at once), the hold's customer side (posting, balance and
    # entry: one statement on PostgreSQL, three elsewhere), the release posting, the wire
    # (inserted sent; the value date's holidays are cached), claim completed, audit created,
    # audit sent; last, the system side of both postings (clearing and settlement balances
    # and entries: one statement on PostgreSQL, three elsewhere), the wire's events (created,
    # released, sent: one insert)
    customer_side = system_side = 1 if connection.vendor == "postgresql" else 3
    locks = 1 if connection.vendor == "postgresql" else 4
    with assert_num_queries_excluding_savepoints(11 + locks + customer_side + system_side):
        response = post_wire(customer_client, source, amount="2.00")
    assert response.status_code == 201, response.json()


def test_list_detail_and_filters(customer_client, source, wire_settings, django_assert_num_queries):
    wire_settings(review_threshold={"USD": 100})
    sent = post_wire(customer_client, source, amount="10.00").json()
    held = post_wire(customer_client, source, amount="100.00").json()
    with django_assert_num_queries(1):
        listed = customer_client.get("/api/wire-transfers").json()
    assert [w["id"] for w in listed["results"]] == [held["id"], sent["id"]]
    assert listed["next"] is None
    with django_assert_num_queries(1):
        pending = customer_client.get("/api/wire-transfers?status=pending_review").json()
    assert [w["id"] for w in pending["results"]] == [held["id"]]
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert customer_client.get("/api/wire-transfers", {"created_after": later}).json()["results"] == []
    with django_assert_num_queries(1):
        detail = customer_client.get(f"/api/wire-transfers/{held['id']}")
    assert detail.json() == held
    page = customer_client.get("/api/wire-transfers?page_size=1").json()
    assert len(page["results"]) == 1
    assert page["next"]


def test_stats_per_currency_and_cached_until_a_wire_changes(
    customer_client, source, wire_settings, django_assert_num_queries
):
    wire_settings(review_threshold={"USD": 100})
    post_wire(customer_client, source, amount="10.00")
    held = post_wire(customer_client, source, amount="200.00").json()
    with django_assert_num_queries(1):
        stats = customer_client.get("/api/wire-transfers/stats").json()
    [usd] = stats["currencies"]
    assert usd == {
        "currency": "USD",
        "today": {"count": 2, "total": "210.00"},
        "this_month": {"count": 2, "total": "210.00"},
        "pending_review": {"count": 1, "total": "200.00"},
    }
    with django_assert_num_queries(0):
        assert customer_client.get("/api/wire-transfers/stats").json()["currencies"] == [usd]
    customer_client.post(f"/api/wire-transfers/{held['id']}/cancel")
    [usd] = customer_client.get("/api/wire-transfers/stats").json()["currencies"]
    assert usd["pending_review"] == {"count": 0, "total": "0.00"}
    assert usd["today"] == {"count": 1, "total": "10.00"}


def test_limits_with_used_and_remaining_cached_until_a_wire_changes(
    customer_client, source, wire_settings, django_assert_num_queries
):
    wire_settings(limit_daily={"USD": 5000}, limit_daily_count=3)
    post_wire(customer_client, source, amount="1200.00")
    with django_assert_num_queries(3):
        limits = customer_client.get(f"/api/wire-transfers/limits?account={source.pk}").json()
    assert limits["daily"] == {"limit": "5000.00", "used": "1200.00", "remaining": "3800.00"}
    assert limits["daily_count"] == {"limit": 3, "used": 1, "remaining": 2}
    assert limits["per_wire"]["limit"] == "100000.00"
    with django_assert_num_queries(0):  # the account (its owner) and the limits come from the cache
        customer_client.get(f"/api/wire-transfers/limits?account={source.pk}")
    post_wire(customer_client, source, amount="100.00")
    limits = customer_client.get(f"/api/wire-transfers/limits?account={source.pk}").json()
    assert limits["daily"]["used"] == "1300.00"
    wire_settings(limit_daily={"USD": 6000})
    limits = customer_client.get(f"/api/wire-transfers/limits?account={source.pk}").json()
    assert limits["daily"]["remaining"] == "4700.00"


def test_cancel_query_count(customer_client, source, wire_settings, assert_num_queries_excluding_savepoints):
    wire_settings(review_threshold={"USD": 1})
    held = post_wire(customer_client, source, amount="5.00").json()
    # the wire (scoped read), the wire in the service, source lock, wire lock with its hold,
    # clearing, the reversal's customer side (posting, balance and entry: one statement on
    # PostgreSQL, three elsewhere), the transition, audit; last, the clearing balance and
    # entry (one statement on PostgreSQL, two elsewhere), the event
    customer_side = 1 if connection.vendor == "postgresql" else 3
    system_side = 1 if connection.vendor == "postgresql" else 2
    with assert_num_queries_excluding_savepoints(8 + customer_side + system_side):
        assert customer_client.post(f"/api/wire-transfers/{held['id']}/cancel").status_code == 200


def test_cancel_query_count_with_a_first_approval(
    customer_client, source, wire_settings, reviewer_factory, assert_num_queries_excluding_savepoints
):
    from transfers.services.wires.review import wire_approve

    wire_settings(review_threshold={"USD": 1}, four_eyes_threshold={"USD": 5})
    held = post_wire(customer_client, source, amount="5.00").json()
    wire_approve(wire_id=held["id"], reviewer=reviewer_factory(), note="first")
    # as above, with the four-eyes request locked first, then withdrawn and audited
    customer_side = 1 if connection.vendor == "postgresql" else 3
    system_side = 1 if connection.vendor == "postgresql" else 2
    with assert_num_queries_excluding_savepoints(11 + customer_side + system_side):
        assert customer_client.post(f"/api/wire-transfers/{held['id']}/cancel").status_code == 200
