"""Wire limits at their edges: what remains, which limit a refusal names, the review rule's
threshold, and how overrides and full KYC set the limits.

Each test pins a line of transfers/services/wires/limits.py that could be wrong without the
API tests noticing (make mutate finds such lines).
"""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import AccountFactory
from transfers.errors import LimitExceeded
from transfers.services.wires.calendar import day_starts
from transfers.services.wires.limits import LimitUse, WireLimits, wire_limits, wire_review_threshold_reason
from transfers.services.wires.settings import wire_limit_defaults, wire_review_threshold
from transfers.tests.helpers import daily_limit_set


def limits(*, account=None, customer=None, currency="USD") -> WireLimits:
    roomy = {name: LimitUse(limit=1_000_00, used=0) for name in ("per_wire", "daily", "monthly")}
    roomy["daily_count"] = LimitUse(limit=20, used=0)
    return WireLimits(
        currency=currency,
        account={**roomy, **(account or {})},
        customer={**roomy, **(customer or {})},
        unreviewed_today=0,
    )


@pytest.mark.parametrize(("limit", "used", "remaining"), [(100, 30, 70), (100, 100, 0), (100, 130, 0)])
def test_what_remains_of_a_limit_is_never_below_zero(limit, used, remaining):
    assert LimitUse(limit=limit, used=used).remaining == remaining


def test_a_wire_of_exactly_what_remains_fits_and_one_minor_unit_more_is_refused():
    under = limits(account={"daily": LimitUse(limit=500_00, used=200_00)})
    assert under.refusal(300_00) is None
    refusal = under.refusal(300_01)
    assert isinstance(refusal, LimitExceeded)
    assert refusal.detail == "The wire is above the account's daily limit."
    assert refusal.extra == {
        "limit": "daily",
        "scope": "account",
        "limit_value": "500.00",
        "used": "200.00",
        "remaining": "300.00",
        "currency": "USD",
    }


def test_the_refusal_names_the_customers_limit_when_it_is_the_tighter():
    tight = limits(
        account={"monthly": LimitUse(limit=900_00, used=100_00)},
        customer={"monthly": LimitUse(limit=900_00, used=800_00)},
    )
    assert tight.refusal(100_00) is None
    refusal = tight.refusal(100_01)
    assert refusal.detail == "The wire is above your (all your accounts') monthly limit."
    assert (refusal.extra["scope"], refusal.extra["remaining"]) == ("customer", "100.00")


def test_when_both_leave_the_same_room_the_refusal_names_the_accounts_limit():
    even = limits(
        account={"per_wire": LimitUse(limit=50_00, used=0)},
        customer={"per_wire": LimitUse(limit=50_00, used=0)},
    )
    refusal = even.refusal(50_01)
    assert (refusal.extra["limit"], refusal.extra["scope"]) == ("per_wire", "account")
    assert refusal.detail == "The wire is above the account's per wire limit."


def test_the_daily_count_counts_wires_not_money_and_is_shown_as_numbers():
    one_left = limits(customer={"daily_count": LimitUse(limit=3, used=2)})
    assert one_left.refusal(999_00) is None
    none_left = limits(customer={"daily_count": LimitUse(limit=3, used=3)})
    refusal = none_left.refusal(1)
    assert refusal.extra == {
        "limit": "daily_count",
        "scope": "customer",
        "limit_value": 3,
        "used": 3,
        "remaining": 0,
        "currency": "USD",
    }


def test_the_limits_are_checked_per_wire_first():
    both = limits(account={"per_wire": LimitUse(limit=10_00, used=0), "daily": LimitUse(limit=5_00, used=0)})
    assert both.refusal(20_00).extra["limit"] == "per_wire"


@pytest.mark.django_db
def test_review_threshold_edges_for_one_wire_and_for_the_days_unreviewed_total():
    threshold = 10_000_00  # the default USD 10,000
    assert wire_review_threshold_reason(amount=threshold - 1, currency="USD", unreviewed_today=0) is None
    assert wire_review_threshold_reason(amount=threshold, currency="USD", unreviewed_today=0) == {
        "rule": "amount_threshold",
        "threshold": "10000.00",
        "amount": "10000.00",
        "detail": "Wires at or above the review threshold are approved by compliance staff.",
    }
    assert (
        wire_review_threshold_reason(amount=100_00, currency="USD", unreviewed_today=threshold - 100_01)
        is None
    )
    reason = wire_review_threshold_reason(amount=100_00, currency="USD", unreviewed_today=threshold - 100_00)
    assert {key: reason[key] for key in ("rule", "threshold", "amount", "sent_today_unreviewed")} == {
        "rule": "daily_total_threshold",
        "threshold": "10000.00",
        "amount": "100.00",
        "sent_today_unreviewed": "9900.00",
    }


@pytest.mark.django_db
def test_whole_units_are_minor_units_of_each_currency_and_a_currency_left_out_is_zero(wire_settings):
    wire_settings(review_threshold={"USD": 7, "JPY": 7, "KWD": 7, "EUR": 0})
    assert [wire_review_threshold(c) for c in ("USD", "JPY", "KWD", "EUR", "GBP")] == [
        700,
        7,
        7000,
        0,
        0,
    ]


@pytest.mark.django_db
def test_the_default_limits_are_the_settings_in_minor_units(wire_settings):
    wire_settings(
        limit_per_wire={"USD": 300}, limit_daily={"USD": 500}, limit_monthly={"USD": 900}, limit_daily_count=4
    )
    assert wire_limit_defaults("USD") == {
        "per_wire": 300_00,
        "daily": 500_00,
        "monthly": 900_00,
        "daily_count": 4,
    }


@pytest.mark.django_db
def test_the_day_and_the_month_start_in_the_wire_time_zone(wire_settings):
    wire_settings(time_zone="America/New_York")
    # 03:30 UTC on 1 March is still 28 February in New York.
    now = datetime.datetime(2026, 3, 1, 3, 30, tzinfo=datetime.UTC)
    day, month = day_starts(now)
    assert (day.isoformat(), month.isoformat()) == ("2026-02-28T00:00:00-05:00", "2026-02-01T00:00:00-05:00")


@pytest.mark.django_db
def test_an_accounts_override_is_its_own_and_raises_its_customers_limit(
    limits_officer_factory, wire_settings
):
    wire_settings(limit_daily={"USD": 1000})
    lower, higher, other_currency = (
        AccountFactory(),
        AccountFactory(),
        AccountFactory(currency="EUR"),
    )
    higher.customer = other_currency.customer = lower.customer
    higher.save(update_fields=["customer"]), other_currency.save(update_fields=["customer"])
    officer = limits_officer_factory()
    daily_limit_set(account=lower, daily=400_00, actor=officer)
    daily_limit_set(account=higher, daily=900_00, actor=officer)
    now = timezone.now()
    of_lower = wire_limits(account=lower, full_kyc=False, now=now)
    assert (of_lower.account["daily"].limit, of_lower.customer["daily"].limit) == (400_00, 1000_00)
    assert of_lower.account["per_wire"] == of_lower.customer["per_wire"]
    assert (of_lower.account["per_wire"].used, of_lower.unreviewed_today) == (0, 0)


@pytest.mark.django_db
def test_full_kyc_multiplies_every_limit(wire_settings):
    wire_settings(limit_daily={"USD": 1000}, limit_daily_count=4, full_kyc_multiplier=3)
    account = AccountFactory()
    now = timezone.now()
    basic = wire_limits(account=account, full_kyc=False, now=now)
    full = wire_limits(account=account, full_kyc=True, now=now)
    assert (basic.account["daily"].limit, basic.account["daily_count"].limit) == (1000_00, 4)
    assert (full.account["daily"].limit, full.customer["daily_count"].limit) == (3000_00, 12)
