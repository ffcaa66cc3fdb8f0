"""Compliance decisions: approve, reject, four eyes, and who may decide."""

import pytest

from accounts.errors import AccountNotActive, ApprovalAlreadyDecided
from accounts.models import Account, ApprovalRequest, Posting
from accounts.services.approvals import approval_approve
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import InvalidState, NotPermitted, ReasonRequired
from transfers.models import WireTransfer
from transfers.services.wires.review import (
    SYSTEM_WIRE_CLEARING,
    SYSTEM_WIRE_SETTLEMENT,
    wire_approve,
    wire_reject,
)
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_wire(customer_client, source, wire_settings):
    """A 2500.00 USD wire held for review; four eyes from 5000.00."""
    wire_settings(review_threshold={"USD": 1000}, four_eyes_threshold={"USD": 5000})

    def make(amount="2500.00"):
        body = post_wire(customer_client, source, amount=amount).json()
        assert body["status"] == "pending_review", body
        return WireTransfer.objects.get(pk=body["id"])

    return make


def system_balance(code):
    return Account.objects.get(system_code=code, currency="USD").balance


def test_approval_sends_the_wire_audited_with_before_and_after(held_wire, reviewer_factory):
    wire = held_wire()
    reviewer = reviewer_factory()
    sent = wire_approve(wire_id=wire.pk, reviewer=reviewer, note="documents checked")
    assert sent.status == "sent"
    wire.refresh_from_db()
    assert (wire.status, wire.decided_by, wire.decision_note) == ("sent", reviewer, "documents checked")
    assert system_balance(SYSTEM_WIRE_CLEARING) == 0
    assert system_balance(SYSTEM_WIRE_SETTLEMENT) == 2_500_00
    approved = AuditEvent.objects.get(action=actions.WIRE_APPROVED, object_id=str(wire.pk))
    assert approved.actor == reviewer
    assert approved.before == {"status": "pending_review"}
    assert approved.after["status"] == "approved"
    assert approved.after["note"] == "documents checked"
    with pytest.raises(InvalidState):
        wire_approve(wire_id=wire.pk, reviewer=reviewer, note="again")
    with pytest.raises(InvalidState):
        wire_reject(wire_id=wire.pk, reviewer=reviewer, note="too late")


def test_rejection_gives_the_hold_back_by_a_linked_reversal(held_wire, reviewer_factory, source):
    wire = held_wire()
    rejected = wire_reject(wire_id=wire.pk, reviewer=reviewer_factory(), note="beneficiary unverifiable")
    assert rejected.status == "rejected"
    reversal = Posting.objects.get(pk=rejected.reversal_posting_id)
    assert reversal.reverses_id == wire.hold_posting_id
    source.refresh_from_db()
    assert source.balance == 10_000_00
    assert system_balance(SYSTEM_WIRE_CLEARING) == 0
    event = AuditEvent.objects.get(action=actions.WIRE_REJECTED, object_id=str(wire.pk))
    assert event.before == {"status": "pending_review"}
    assert event.after["note"] == "beneficiary unverifiable"


def test_decisions_need_a_note_and_the_permission(held_wire, reviewer_factory, staff_user):
    wire = held_wire()
    with pytest.raises(ReasonRequired):
        wire_approve(wire_id=wire.pk, reviewer=reviewer_factory(), note="  ")
    with pytest.raises(ReasonRequired):
        wire_reject(wire_id=wire.pk, reviewer=reviewer_factory(), note="")
    with pytest.raises(NotPermitted):
        wire_approve(wire_id=wire.pk, reviewer=staff_user, note="no permission")
    wire.refresh_from_db()
    assert wire.status == "pending_review"


def test_nobody_decides_a_wire_from_their_own_account(held_wire, customer):
    from django.contrib.auth.models import Permission

    wire = held_wire()
    customer.is_staff = True
    customer.save()
    customer.user_permissions.add(Permission.objects.get(codename="review_wire"))
    with pytest.raises(NotPermitted) as refusal:
        wire_approve(wire_id=wire.pk, reviewer=customer, note="mine")
    assert refusal.value.code == "wire_own_account"
    with pytest.raises(NotPermitted):
        wire_reject(wire_id=wire.pk, reviewer=customer, note="mine")


def test_four_eyes_wire_needs_two_different_approvers(held_wire, reviewer_factory):
    wire = held_wire("5000.00")
    first, second = reviewer_factory(), reviewer_factory()
    after_first = wire_approve(wire_id=wire.pk, reviewer=first, note="looks fine")
    assert after_first.status == "pending_review"
    assert after_first.approval.requested_by == first
    with pytest.raises(NotPermitted) as refusal:
        wire_approve(wire_id=wire.pk, reviewer=first, note="me again")
    assert refusal.value.code == "approval_by_requester"
    wire.refresh_from_db()
    assert wire.status == "pending_review"
    assert system_balance(SYSTEM_WIRE_CLEARING) == 5_000_00
    sent = wire_approve(wire_id=wire.pk, reviewer=second, note="second look")
    assert sent.status == "sent"
    assert sent.decided_by == second
    assert ApprovalRequest.objects.get(pk=after_first.approval_id).status == "approved"
    approved = AuditEvent.objects.get(action=actions.WIRE_APPROVED, object_id=str(wire.pk))
    assert approved.after["approvers"] == [first.pk, second.pk]
    assert system_balance(SYSTEM_WIRE_SETTLEMENT) == 5_000_00


def test_four_eyes_request_can_be_approved_from_the_approvals_queue(held_wire, reviewer_factory):
    wire = held_wire("6000.00")
    first = reviewer_factory()
    requested = wire_approve(wire_id=wire.pk, reviewer=first, note="first")
    approval_approve(approval_id=requested.approval_id, approver=reviewer_factory(), note="second")
    wire.refresh_from_db()
    assert wire.status == "sent"


def test_rejecting_a_four_eyes_wire_withdraws_its_request_so_it_is_never_sent(
    held_wire, reviewer_factory, source
):
    wire = held_wire("6000.00")
    requested = wire_approve(wire_id=wire.pk, reviewer=reviewer_factory(), note="first")
    rejecter = reviewer_factory()
    wire_reject(wire_id=wire.pk, reviewer=rejecter, note="beneficiary unverifiable")
    approval = ApprovalRequest.objects.get(pk=requested.approval_id)
    assert approval.status == "withdrawn"
    assert approval.decided_by is None
    assert approval.decided_at is not None
    assert approval.decision_note == "The wire was rejected: beneficiary unverifiable"
    withdrawn = AuditEvent.objects.get(action=actions.APPROVAL_WITHDRAWN, object_id=str(approval.pk))
    assert withdrawn.actor == rejecter
    assert withdrawn.object_type == "accounts.approvalrequest"
    assert (withdrawn.before, withdrawn.after["status"]) == ({"status": "pending"}, "withdrawn")
    with pytest.raises(ApprovalAlreadyDecided) as refusal:
        approval_approve(approval_id=approval.pk, approver=reviewer_factory(), note="second")
    assert refusal.value.code == "approval_already_decided"
    wire.refresh_from_db()
    assert (wire.status, wire.release_posting_id) == ("rejected", None)
    source.refresh_from_db()
    assert source.balance == 10_000_00
    assert system_balance(SYSTEM_WIRE_CLEARING) == 0
    assert not Account.objects.filter(system_code=SYSTEM_WIRE_SETTLEMENT, balance__gt=0).exists()


def test_cancelling_a_four_eyes_wire_withdraws_its_request(
    held_wire, reviewer_factory, customer_client, customer
):
    wire = held_wire("6000.00")
    requested = wire_approve(wire_id=wire.pk, reviewer=reviewer_factory(), note="first")
    assert customer_client.post(f"/api/wire-transfers/{wire.pk}/cancel").status_code == 200
    approval = ApprovalRequest.objects.get(pk=requested.approval_id)
    assert (approval.status, approval.decision_note) == ("withdrawn", "The wire was cancelled.")
    withdrawn = AuditEvent.objects.get(action=actions.APPROVAL_WITHDRAWN, object_id=str(approval.pk))
    assert withdrawn.actor == customer
    with pytest.raises(ApprovalAlreadyDecided):
        approval_approve(approval_id=approval.pk, approver=reviewer_factory(), note="second")
    with pytest.raises(InvalidState):
        wire_approve(wire_id=wire.pk, reviewer=reviewer_factory(), note="second")
    wire.refresh_from_db()
    assert (wire.status, wire.release_posting_id) == ("cancelled", None)


def test_a_wire_rejected_before_any_approval_has_no_request_to_withdraw(held_wire, reviewer_factory):
    wire = held_wire("6000.00")
    wire_reject(wire_id=wire.pk, reviewer=reviewer_factory(), note="no")
    assert not ApprovalRequest.objects.exists()
    assert not AuditEvent.objects.filter(action=actions.APPROVAL_WITHDRAWN).exists()


def test_a_frozen_accounts_held_wire_is_never_sent_but_its_hold_comes_back(
    held_wire, reviewer_factory, source, staff_user, wire_settings
):
    from accounts.services.bank_accounts import account_freeze
    from accounts.verification import ledger_verify

    wire_settings(review_threshold={"USD": 1000}, four_eyes_threshold={"USD": 50000})
    wire, cancelled = held_wire(), held_wire()
    account_freeze(account=source, actor=staff_user, reason="fraud report")
    with pytest.raises(AccountNotActive):
        wire_approve(wire_id=wire.pk, reviewer=reviewer_factory(), note="looks fine")
    wire.refresh_from_db()
    assert (wire.status, wire.release_posting_id) == ("pending_review", None)
    assert not Account.objects.filter(system_code=SYSTEM_WIRE_SETTLEMENT, balance__gt=0).exists()

    rejected = wire_reject(wire_id=wire.pk, reviewer=reviewer_factory(), note="account frozen")
    assert rejected.status == "rejected"
    from transfers.services.wires.review import wire_cancel

    assert wire_cancel(customer=source.customer, wire_id=cancelled.pk).status == "cancelled"
    source.refresh_from_db()
    assert (source.status, source.balance) == ("frozen", 10_000_00)
    assert system_balance(SYSTEM_WIRE_CLEARING) == 0
    assert ledger_verify().ok
