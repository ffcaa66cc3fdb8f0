"""Wire review at its edges: the four-eyes threshold, the fee given back, what each decision
records and the reasons a withdrawn four-eyes request keeps.

Each test pins a line of transfers/services/wires/review.py that could be wrong without the
review tests noticing (make mutate finds such lines).
"""

import pytest

from accounts.errors import AccountNotActive
from accounts.models import Account, ApprovalRequest, LedgerEntry
from accounts.services.bank_accounts import account_freeze
from accounts.tests.factories import AccountFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import InvalidState, NotFound, NotPermitted
from transfers.errors import WireSecondApproverRequired
from transfers.models import WireTransfer
from transfers.services.wires.review import (
    wire_approve,
    wire_cancel,
    wire_four_eyes_needed,
    wire_reject,
    wire_release_describe,
)
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_wire(customer_client, source, wire_settings):
    """Wires held for review from 1000.00 USD, four eyes from 5000.00, a 5.00 fee."""
    wire_settings(review_threshold={"USD": 1000}, four_eyes_threshold={"USD": 5000}, fee={"USD": 5})

    def make(amount="2500.00"):
        body = post_wire(customer_client, source, amount=amount).json()
        assert body["status"] == "pending_review", body
        return WireTransfer.objects.get(pk=body["id"])

    return make


def balance(account):
    return Account.objects.get(pk=account.pk).balance


def system_balance(code):
    return Account.objects.get(system_code=code, currency="USD").balance


def test_four_eyes_from_exactly_the_threshold(wire_settings):
    wire_settings(four_eyes_threshold={"USD": 5000})
    assert wire_four_eyes_needed(WireTransfer(amount=5_000_00, currency="USD")) is True
    assert wire_four_eyes_needed(WireTransfer(amount=4_999_99, currency="USD")) is False


def test_a_rejection_gives_back_the_amount_and_the_fee_and_records_the_decision(
    held_wire, reviewer_factory, source
):
    wire = held_wire("2500.00")
    assert balance(source) == 10_000_00 - 2_505_00
    reviewer = reviewer_factory()
    rejected = wire_reject(wire_id=wire.pk, reviewer=reviewer, note="  unverifiable  ")
    assert balance(source) == 10_000_00
    assert (system_balance("wire_clearing"), system_balance("wire_fees")) == (0, 0)
    legs = dict(rejected.reversal_posting.entries.values_list("type", "amount").filter(account=source))
    assert legs == {LedgerEntry.Type.WIRE_REVERSAL: 2_505_00}
    fee_leg = rejected.reversal_posting.entries.get(type=LedgerEntry.Type.FEE)
    assert fee_leg.amount == -5_00
    stored = WireTransfer.objects.get(pk=wire.pk)
    assert (stored.status, stored.decided_by, stored.decision_note) == ("rejected", reviewer, "unverifiable")
    event = AuditEvent.objects.get(action=actions.WIRE_REJECTED, object_id=str(wire.pk))
    assert event.before == {"status": "pending_review"}
    assert event.after == {
        "status": "rejected",
        "note": "unverifiable",
        "posting": rejected.reversal_posting_id,
        "reverses": wire.hold_posting_id,
    }


def test_a_cancel_is_the_customers_own_and_records_no_decider(held_wire, source, customer):
    wire = held_wire("1500.00")
    with pytest.raises(NotFound):
        wire_cancel(customer=AccountFactory().customer, wire_id=wire.pk)
    cancelled = wire_cancel(customer=customer, wire_id=wire.pk)
    assert (cancelled.status, balance(source)) == ("cancelled", 10_000_00)
    stored = WireTransfer.objects.get(pk=wire.pk)
    assert (stored.decided_by, stored.decision_note) == (None, "")
    event = AuditEvent.objects.get(action=actions.WIRE_CANCELLED, object_id=str(wire.pk))
    assert (event.actor, event.after["note"], event.after["status"]) == (customer, "", "cancelled")
    with pytest.raises(InvalidState) as refused:
        wire_cancel(customer=customer, wire_id=wire.pk)
    assert refused.value.detail == "Only a wire pending review can be cancelled; this one is cancelled."


def test_an_approved_wire_is_sent_from_clearing_to_settlement(held_wire, reviewer_factory):
    wire = held_wire("2500.00")
    reviewer = reviewer_factory()
    sent = wire_approve(wire_id=wire.pk, reviewer=reviewer, note="fine")
    assert (system_balance("wire_clearing"), system_balance("wire_settlement")) == (0, 2_500_00)
    assert system_balance("wire_fees") == 5_00
    release = dict(sent.release_posting.entries.values_list("account__system_code", "amount"))
    assert release == {"wire_clearing": -2_500_00, "wire_settlement": 2_500_00}
    approved = AuditEvent.objects.get(action=actions.WIRE_APPROVED, object_id=str(wire.pk))
    assert approved.after == {"status": "approved", "note": "fine", "approvers": [reviewer.pk]}
    sent_event = AuditEvent.objects.get(action=actions.WIRE_SENT, object_id=str(wire.pk))
    assert sent_event.after == {"status": "sent", "posting": sent.release_posting_id}


def test_four_eyes_records_the_first_approval_then_sends_on_a_second_reviewer(held_wire, reviewer_factory):
    wire = held_wire("5000.00")
    first, second = reviewer_factory(), reviewer_factory()
    pending = wire_approve(wire_id=wire.pk, reviewer=first, note="checked")
    assert pending.status == "pending_review"
    approval = ApprovalRequest.objects.get(pk=pending.approval_id)
    assert (approval.action, approval.requested_by, approval.status) == (
        "transfers.wire_release",
        first,
        "pending",
    )
    assert approval.payload == {
        "wire": wire.pk,
        "uetr": str(wire.uetr),
        "amount": "5000.00",
        "currency": "USD",
        "beneficiary": wire.beneficiary_name,
        "note": "checked",
    }
    requested = AuditEvent.objects.get(action=actions.WIRE_APPROVAL_REQUESTED, object_id=str(wire.pk))
    assert requested.after == {"status": "pending_review", "approval": approval.pk, "note": "checked"}
    with pytest.raises(WireSecondApproverRequired):
        wire_approve(wire_id=wire.pk, reviewer=first, note="again")
    sent = wire_approve(wire_id=wire.pk, reviewer=second, note="agreed")
    assert (sent.status, sent.decided_by, sent.decision_note) == ("sent", second, "agreed")
    approved = AuditEvent.objects.get(action=actions.WIRE_APPROVED, object_id=str(wire.pk))
    assert approved.after["approvers"] == [first.pk, second.pk]
    assert system_balance("wire_settlement") == 5_000_00


@pytest.mark.parametrize(
    ("decide", "reason"),
    [("reject", "The wire was rejected: not ours"), ("cancel", "The wire was cancelled.")],
)
def test_a_withdrawn_four_eyes_request_says_why(held_wire, reviewer_factory, customer, decide, reason):
    wire = held_wire("6000.00")
    first = reviewer_factory()
    approval_id = wire_approve(wire_id=wire.pk, reviewer=first, note="checked").approval_id
    if decide == "reject":
        wire_reject(wire_id=wire.pk, reviewer=reviewer_factory(), note="not ours")
    else:
        wire_cancel(customer=customer, wire_id=wire.pk)
    approval = ApprovalRequest.objects.get(pk=approval_id)
    assert (approval.status, approval.decision_note) == ("withdrawn", reason)


def test_a_reviewer_without_the_permission_is_told_which_one(held_wire, staff_user):
    wire = held_wire()
    with pytest.raises(NotPermitted) as refused:
        wire_reject(wire_id=wire.pk, reviewer=staff_user, note="no")
    assert refused.value.detail == "Deciding wires needs the transfers.review_wire permission."
    assert WireTransfer.objects.get(pk=wire.pk).status == "pending_review"


def test_an_unknown_wire_is_not_found(reviewer_factory):
    with pytest.raises(NotFound):
        wire_approve(wire_id=987654, reviewer=reviewer_factory(), note="fine")
    with pytest.raises(NotFound):
        wire_reject(wire_id=987654, reviewer=reviewer_factory(), note="fine")


def test_a_wire_from_a_frozen_account_is_refused_with_the_accounts_status(
    held_wire, reviewer_factory, source
):
    wire = held_wire()
    account_freeze(account=source, actor=reviewer_factory(), reason="court order")
    with pytest.raises(AccountNotActive) as refused:
        wire_approve(wire_id=wire.pk, reviewer=reviewer_factory(), note="fine")
    assert refused.value.detail == f"Account {source.number} is frozen: its wires cannot be sent."


def test_the_release_request_describes_itself_to_staff():
    payload = {"wire": 7, "amount": "6000.00", "currency": "USD", "beneficiary": "Erika", "note": "ok"}
    assert wire_release_describe(payload) == "Send wire 7 of 6000.00 USD to Erika (first approval: ok)"
