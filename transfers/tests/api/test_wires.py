import datetime
import uuid

import pytest
from django.utils import timezone

from accounts.models import Account, LedgerEntry, Posting
from accounts.tests.factories import AccountFactory, UserFactory, fund
from audit import actions
from audit.models import AuditEvent
from transfers.models import WireTransfer
from transfers.services.wires.review import (
    SYSTEM_WIRE_CLEARING,
    SYSTEM_WIRE_FEES,
    SYSTEM_WIRE_SETTLEMENT,
    wire_reject,
)
from transfers.tests.helpers import kyc_approve, post_wire

pytestmark = pytest.mark.django_db


def system_balance(code, currency="USD"):
    return (
        Account.objects.filter(system_code=code, currency=currency).values_list("balance", flat=True).first()
        or 0
    )


def test_wire_below_the_review_threshold_is_sent_at_once(customer_client, customer, source):
    response = post_wire(customer_client, source)
    assert response.status_code == 201, response.json()
    body = response.json()
    wire = WireTransfer.objects.get()
    assert body["status"] == "sent"
    assert body["review_reason"] is None
    assert body["amount"] == "2500.00"
    assert body["fee"] == "0.00"
    assert uuid.UUID(body["uetr"]).version == 4
    assert body["beneficiary_account"] == "DE89370400440532013000"
    assert body["hold_posting_id"] == wire.hold_posting_id
    assert body["release_posting_id"] == wire.release_posting_id is not None
    assert datetime.date.fromisoformat(body["value_date"]) >= timezone.localdate() - datetime.timedelta(
        days=1
    )
    source.refresh_from_db()
    assert source.balance == source.available_balance == 7_500_00
    assert system_balance(SYSTEM_WIRE_CLEARING) == 0
    assert system_balance(SYSTEM_WIRE_SETTLEMENT) == 2_500_00
    assert list(
        AuditEvent.objects.filter(object_id=str(wire.pk), object_type="transfers.wiretransfer")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [actions.WIRE_CREATED, actions.WIRE_SENT]


def test_wire_at_the_review_threshold_is_held_and_says_why(customer_client, source, wire_settings):
    wire_settings(review_threshold={"USD": 2500})
    response = post_wire(customer_client, source)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_review"
    assert body["review_reason"]["rule"] == "amount_threshold"
    assert body["review_reason"]["threshold"] == "2500.00"
    assert body["review_reason"]["amount"] == "2500.00"
    assert body["release_posting_id"] is None
    source.refresh_from_db()
    assert source.available_balance == 7_500_00, "the hold is taken at once"
    assert system_balance(SYSTEM_WIRE_CLEARING) == 2_500_00


def test_fee_is_held_with_the_amount(customer_client, source, wire_settings):
    wire_settings(fee={"USD": 25})
    response = post_wire(customer_client, source)
    assert response.status_code == 201, response.json()
    assert response.json()["fee"] == "25.00"
    source.refresh_from_db()
    assert source.balance == 10_000_00 - 2_500_00 - 25_00
    assert system_balance(SYSTEM_WIRE_FEES) == 25_00


def test_beneficiary_on_the_sanctions_list_is_held_for_review(customer_client, source, tmp_path):
    from kyc.services.screening import sanctions_list_load

    sdn = tmp_path / "sdn.csv"
    sdn.write_text('36,"MUSTERMANN, Erika","individual","SDGT",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"DOB 1970."\n')
    alt = tmp_path / "alt.csv"
    alt.write_text("")
    sanctions_list_load(sdn_path=sdn, alt_path=alt)
    response = post_wire(customer_client, source)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_review"
    assert body["review_reason"]["rule"] == "sanctions_screening"
    wire = WireTransfer.objects.get()
    assert wire.screening_hits[0]["listed_name"] == "MUSTERMANN, Erika"


def test_wire_needs_approved_kyc(customer_client, customer, source):
    customer.kyc_profile.status = "pending_review"
    customer.kyc_profile.save()
    response = post_wire(customer_client, source)
    assert response.status_code == 403
    assert response.json()["code"] == "kyc_required"
    assert not WireTransfer.objects.exists()


def test_wire_from_a_frozen_account_is_refused(customer_client, source, staff_user):
    from accounts.services.bank_accounts import account_freeze

    account_freeze(account=source, actor=staff_user, reason="fraud check")
    response = post_wire(customer_client, source)
    assert response.status_code == 422
    assert response.json()["code"] == "account_not_active"


def test_wire_in_another_currency_than_the_account_is_refused(customer_client, source):
    response = post_wire(customer_client, source, currency="EUR")
    assert response.status_code == 422
    assert response.json()["code"] == "currency_mismatch"


def test_wire_from_another_customers_account_is_404(customer_client, approved_customer):
    other = fund(AccountFactory(), 1_000_00)
    response = post_wire(customer_client, other, amount="10.00")
    assert response.status_code == 404
    assert not WireTransfer.objects.exists()


def test_wire_over_the_balance_is_refused(customer_client, source):
    response = post_wire(customer_client, source, amount="10000.01")
    assert response.status_code == 422
    assert response.json()["code"] == "insufficient_funds"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"beneficiary_account": "DE88370400440532013000"}, "beneficiary_account"),  # check digits
        ({"beneficiary_bic": "BNPAFRPPXXX"}, "beneficiary_bic"),  # a French BIC for a German IBAN
        (
            {
                "beneficiary_account": "123456789",
                "beneficiary_routing_number": "011000016",
                "beneficiary_country": "US",
                "beneficiary_bic": None,
            },
            "beneficiary_routing_number",
        ),
        ({"charge_bearer": "OUR"}, "charge_bearer"),
        ({"beneficiary_bic": "COBADEF"}, "beneficiary_bic"),
        ({"reference": "x" * 141}, "reference"),
        ({"reference": "line\nbreak"}, "reference"),
        ({"beneficiary_country": "XX"}, "beneficiary_country"),
        (
            {
                "beneficiary_account": "123456789",
                "beneficiary_routing_number": "011000015",
                "beneficiary_bic": "COBADEFFXXX",
            },
            "beneficiary_bic",
        ),
        ({"amount": "0.001"}, "amount"),
    ],
)
def test_invalid_wire_is_a_400_naming_the_field_and_holds_nothing(customer_client, source, overrides, field):
    entries = LedgerEntry.objects.count()
    response = post_wire(customer_client, source, **overrides)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"], body
    assert LedgerEntry.objects.count() == entries
    assert not WireTransfer.objects.exists()
    source.refresh_from_db()
    assert source.balance == 10_000_00


def test_domestic_wire_by_aba_routing_number(customer_client, source):
    response = post_wire(
        customer_client,
        source,
        beneficiary_account="123456789",
        beneficiary_routing_number="011000015",
        beneficiary_country="US",
        beneficiary_bic=None,
        charge_bearer="DEBT",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["beneficiary_routing_number"] == "011000015"


def test_iban_without_a_bic_is_accepted(customer_client, source):
    response = post_wire(customer_client, source, beneficiary_bic=None)
    assert response.status_code == 201, response.json()
    assert response.json()["beneficiary_bic"] == ""


def test_iban_with_spaces_is_stored_compact(customer_client, source):
    response = post_wire(customer_client, source, beneficiary_account="de89 3704 0044 0532 0130 00")
    assert response.status_code == 201, response.json()
    assert response.json()["beneficiary_account"] == "DE89370400440532013000"


def test_same_key_replays_the_wire(customer_client, source):
    first = post_wire(customer_client, source, key="wire-1")
    again = post_wire(customer_client, source, key="wire-1")
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert WireTransfer.objects.count() == 1
    reused = post_wire(customer_client, source, key="wire-1", amount="1.00")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"


def test_per_wire_limit_refusal_says_the_limit_used_and_remaining(customer_client, source, wire_settings):
    wire_settings(limit_per_wire={"USD": 1000})
    response = post_wire(customer_client, source, amount="1000.01")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "limit_exceeded"
    assert (body["limit"], body["limit_value"], body["used"], body["remaining"]) == (
        "per_wire",
        "1000.00",
        "0.00",
        "1000.00",
    )
    assert post_wire(customer_client, source, amount="1000.00").status_code == 201


def test_daily_count_limit(customer_client, source, wire_settings):
    wire_settings(limit_daily_count=2)
    assert post_wire(customer_client, source, amount="1.00").status_code == 201
    assert post_wire(customer_client, source, amount="1.00").status_code == 201
    refused = post_wire(customer_client, source, amount="1.00")
    assert refused.status_code == 422
    assert (refused.json()["limit"], refused.json()["used"], refused.json()["remaining"]) == (
        "daily_count",
        2,
        0,
    )


def test_account_override_and_full_kyc_raise_the_daily_limit(
    customer_client, customer, source, wire_settings, limits_officer_factory
):
    from accounts.services.approvals import approval_approve
    from transfers.services.wires.limit_overrides import wire_limit_override_set

    wire_settings(limit_daily={"USD": 1000})
    assert post_wire(customer_client, source, amount="1000.00").status_code == 201
    assert post_wire(customer_client, source, amount="1.00").json()["code"] == "limit_exceeded"
    request = wire_limit_override_set(
        account=source,
        per_wire=None,
        daily=1500_00,
        monthly=None,
        daily_count=None,
        reason="importer",
        actor=limits_officer_factory(),
    )
    approval_approve(approval_id=request.pk, approver=limits_officer_factory(), note="invoices seen")
    assert post_wire(customer_client, source, amount="500.00").status_code == 201
    assert post_wire(customer_client, source, amount="1.00").json()["code"] == "limit_exceeded"
    kyc_approve(customer, level="full")
    assert post_wire(customer_client, source, amount="1500.00").status_code == 201
    assert AuditEvent.objects.filter(action=actions.WIRE_LIMITS_CHANGED, object_id=str(source.pk)).exists()


def test_rejected_and_cancelled_wires_do_not_count_against_the_limits(
    customer_client, source, wire_settings, reviewer_factory
):
    wire_settings(limit_daily={"USD": 1000}, limit_daily_count=2, review_threshold={"USD": 1})
    rejected = post_wire(customer_client, source, amount="1000.00").json()
    wire_reject(wire_id=rejected["id"], reviewer=reviewer_factory(), note="beneficiary unverifiable")
    cancelled = post_wire(customer_client, source, amount="1000.00")
    assert cancelled.status_code == 201, cancelled.json()
    cancelled = cancelled.json()
    assert customer_client.post(f"/api/wire-transfers/{cancelled['id']}/cancel").status_code == 200
    assert WireTransfer.objects.get(pk=rejected["id"]).status == WireTransfer.Status.REJECTED
    limits = customer_client.get(f"/api/wire-transfers/limits?account={source.pk}").json()
    assert limits["daily"]["used"] == "0.00", limits
    assert post_wire(customer_client, source, amount="1000.00").status_code == 201
    # The wire held for review does count: the limit is used up.
    assert post_wire(customer_client, source, amount="0.01").json()["code"] == "limit_exceeded"


def test_another_customers_wires_are_404_and_absent(customer_client, bearer_client, source):
    wire = post_wire(customer_client, source, amount="10.00").json()
    other = UserFactory()
    kyc_approve(other)
    other_client = bearer_client(other)
    assert other_client.get(f"/api/wire-transfers/{wire['id']}").status_code == 404
    assert other_client.post(f"/api/wire-transfers/{wire['id']}/cancel").status_code == 404
    assert other_client.get("/api/wire-transfers").json()["results"] == []
    assert other_client.get("/api/wire-transfers/stats").json()["currencies"] == []
    assert other_client.get(f"/api/wire-transfers/limits?account={source.pk}").status_code == 404


def test_cancel_releases_the_hold_with_a_linked_reversal(customer_client, source, wire_settings):
    wire_settings(review_threshold={"USD": 100}, fee={"USD": 5})
    held = post_wire(customer_client, source, amount="300.00").json()
    source.refresh_from_db()
    assert source.balance == 10_000_00 - 305_00
    response = customer_client.post(f"/api/wire-transfers/{held['id']}/cancel")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    reversal = Posting.objects.get(pk=body["reversal_posting_id"])
    assert reversal.kind == Posting.Kind.REVERSAL
    assert reversal.reverses_id == held["hold_posting_id"]
    source.refresh_from_db()
    assert source.balance == 10_000_00
    assert system_balance(SYSTEM_WIRE_CLEARING) == 0
    assert system_balance(SYSTEM_WIRE_FEES) == 0
    again = customer_client.post(f"/api/wire-transfers/{held['id']}/cancel")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"


def test_a_sent_wire_cannot_be_cancelled(customer_client, source):
    sent = post_wire(customer_client, source, amount="10.00").json()
    response = customer_client.post(f"/api/wire-transfers/{sent['id']}/cancel")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_limits_need_an_account_parameter(customer_client, source):
    assert customer_client.get("/api/wire-transfers/limits").status_code == 400
    assert customer_client.get("/api/wire-transfers/limits?account=abc").status_code == 400


def test_value_date_skips_weekends_holidays_and_the_cut_off(db, staff_user, wire_settings):
    from transfers.services.wires.calendar import business_holiday_add, wire_value_date

    wire_settings(time_zone="UTC", cutoff_time="15:00")
    friday_morning = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    assert wire_value_date(now=friday_morning) == datetime.date(2026, 11, 27)
    friday_late = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=datetime.UTC)
    assert wire_value_date(now=friday_late) == datetime.date(2026, 11, 30)
    business_holiday_add(date=datetime.date(2026, 11, 30), name="Bank holiday", actor=staff_user)
    assert wire_value_date(now=friday_late) == datetime.date(2026, 12, 1)
    saturday = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)
    assert wire_value_date(now=saturday) == datetime.date(2026, 12, 1)
    assert AuditEvent.objects.filter(action=actions.WIRE_HOLIDAY_ADDED).count() == 1


def test_value_date_sees_a_holiday_removed_at_once(db, staff_user, wire_settings):
    from transfers.models import BusinessHoliday
    from transfers.services.wires.calendar import (
        business_holiday_add,
        business_holiday_remove,
        wire_value_date,
    )

    wire_settings(time_zone="UTC", cutoff_time="15:00")
    friday_late = datetime.datetime(2026, 11, 27, 15, 0, tzinfo=datetime.UTC)
    business_holiday_add(date=datetime.date(2026, 11, 30), name="Bank holiday", actor=staff_user)
    assert wire_value_date(now=friday_late) == datetime.date(2026, 12, 1)  # the holidays are cached
    business_holiday_remove(holiday=BusinessHoliday.objects.get(), actor=staff_user)
    assert wire_value_date(now=friday_late) == datetime.date(2026, 11, 30)


def test_cut_off_and_time_zone_settings_are_checked(db, wire_settings):
    from bankcore.errors import InvalidSetting

    with pytest.raises(InvalidSetting):
        wire_settings(cutoff_time="25:00")
    with pytest.raises(InvalidSetting):
        wire_settings(time_zone="Mars/Olympus")


def test_stats_and_limits_bodies_are_what_their_serializers_write(customer_client, source, wire_settings):
    """The serializers declare the schema; the views write the selectors' bodies with
    with_iso_as_of: they cannot drift."""
    from transfers.api.wire_serializers import WireLimitsSerializer, WireStatsSerializer
    from transfers.selectors import wire_limits_body, wire_stats_body

    wire_settings(review_threshold={"USD": 100})
    post_wire(customer_client, source, amount="10.00")
    post_wire(customer_client, source, amount="200.00")
    stats = customer_client.get("/api/wire-transfers/stats").json()
    assert stats == WireStatsSerializer(wire_stats_body(customer_id=source.customer_id)).data
    assert stats["currencies"][0]["pending_review"] == {"count": 1, "total": "200.00"}
    limits = customer_client.get(f"/api/wire-transfers/limits?account={source.pk}").json()
    body = wire_limits_body(customer=source.customer, account_id=source.pk)
    assert limits == WireLimitsSerializer(body).data
    assert limits["as_of"].endswith("Z")


@pytest.mark.parametrize("held", [False, True])
def test_the_plain_wire_body_matches_its_serializer(customer_client, source, wire_settings, held):
    """The serializer declares the schema; the views render wire_body: the answer to a wire,
    its replay, the list, the detail and a cancel cannot drift from it."""
    from transfers.api.wire_serializers import WireOutputSerializer, wire_body

    wire_settings(fee={"USD": 25}, **({"review_threshold": {"USD": 2500}} if held else {}))
    made = post_wire(customer_client, source, key="wire-body-1")
    assert made.status_code == 201, made.json()
    wire = WireTransfer.objects.get()
    declared = WireOutputSerializer(wire).data
    assert wire_body(wire) == declared
    assert (wire.review_reason is not None) == held
    assert made.json() == declared
    assert post_wire(customer_client, source, key="wire-body-1").json() == declared
    assert customer_client.get(f"/api/wire-transfers/{wire.pk}").json() == declared
    assert customer_client.get("/api/wire-transfers").json()["results"] == [declared]
    if held:
        cancelled = customer_client.post(f"/api/wire-transfers/{wire.pk}/cancel")
        assert cancelled.status_code == 200, cancelled.json()
        wire.refresh_from_db()
        assert cancelled.json() == WireOutputSerializer(wire).data == wire_body(wire)


def test_a_review_reason_body_keeps_the_serializers_fields_only():
    from transfers.api.wire_serializers import ReviewReasonSerializer, _review_reason_body

    reason = {"rule": "sanctioned_jurisdiction", "detail": "d", "jurisdiction": "IR", "field": "bic_country"}
    odd = {**reason, "threshold": None, "internal": "not in the schema"}
    for value in (reason, odd):
        assert _review_reason_body(value) == ReviewReasonSerializer(value).data
