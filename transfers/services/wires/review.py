"""Compliance review of held wires: approve (with four eyes above a threshold), reject,
and the customer's cancel, each a transition guarded by a conditional update or a lock.

A held wire leaves ``pending_review`` once: approved and sent (clearing -> settlement), or
rejected or cancelled (a new posting that reverses the hold). Locks are taken in the order
of every wire path: the four-eyes request, the source account, the wire's row, then the
bank's system accounts (by the posting service).
"""

from django.utils import timezone

from accounts.errors import AccountNotActive
from accounts.locks import account_lock, approval_request_lock
from accounts.models import Account, ApprovalRequest, LedgerEntry, Posting, User
from accounts.services.approvals import (
    approval_approve,
    approval_request_create,
    approval_withdraw,
)
from accounts.services.bank_accounts import system_account
from accounts.services.ledger import Leg, ledger_transaction, posting_create
from audit import actions
from audit.services import audit_record
from bankcore.errors import InvalidState, NotFound, NotPermitted, ReasonRequired
from bankcore.events import event_publish, events_publish
from bankcore.money import format_amount
from bankcore.services import state_transition
from transfers import cache, events, metrics
from transfers.errors import WireOwnAccount, WireSecondApproverRequired
from transfers.models import WireTransfer
from transfers.services.wires.settings import wire_four_eyes_threshold

SYSTEM_WIRE_CLEARING = "wire_clearing"
SYSTEM_WIRE_SETTLEMENT = "wire_settlement"
SYSTEM_WIRE_FEES = "wire_fees"
REVIEW_PERMISSION = "transfers.review_wire"
WIRE_RELEASE_APPROVAL = "transfers.wire_release"


# ---- Transitions ------------------------------------------------------------------------------


def _transition(wire: WireTransfer, *, from_status: str, to_status: str, **fields) -> bool:
    """Move the wire from ``from_status`` to ``to_status``: a conditional update, so of two
    concurrent transitions from one state exactly one wins. The winner's ``wire`` is updated
    to match the row, and its new state counted on commit."""
    if not state_transition(
        wire, from_state=from_status, to_state=to_status, updated_at=timezone.now(), **fields
    ):
        return False
    metrics.wire_state_entered(state=to_status, currency=wire.currency, amount=wire.amount)
    return True


def wire_release(*, wire: WireTransfer, actor: User, from_status: str) -> WireTransfer:
    """Send a held wire on: ``from_status`` -> approved -> sent, with the posting from the
    clearing account to the settlement account. Inside the caller's transaction."""
    if from_status != WireTransfer.Status.APPROVED and not _transition(
        wire, from_status=from_status, to_status=WireTransfer.Status.APPROVED
    ):
        raise InvalidState(f"The wire is {_status_of(wire.pk)}, not {from_status}.")
    release = wire_release_posting(wire=wire, actor=actor)
    if not _transition(
        wire,
        from_status=WireTransfer.Status.APPROVED,
        to_status=WireTransfer.Status.SENT,
        release_posting=release,
    ):
        raise InvalidState()
    wire_sent_audit(wire=wire, actor=actor, release=release)
    events_publish(
        types=[events.WIRE_RELEASED, events.WIRE_SENT], customer_id=wire.customer_id, object_id=wire.pk
    )
    return wire


def wire_release_posting(
    *, wire: WireTransfer, actor: User, clearing: Account | None = None, settlement: Account | None = None
) -> Posting:
    """The posting that sends an approved wire's amount on, from the clearing account to the
    settlement account (either passed when the caller has read it)."""
    clearing = clearing or system_account(code=SYSTEM_WIRE_CLEARING, currency=wire.currency)
    settlement = settlement or system_account(code=SYSTEM_WIRE_SETTLEMENT, currency=wire.currency)
    return posting_create(
        kind=Posting.Kind.WIRE,
        legs=[
            Leg(clearing.pk, -wire.amount, LedgerEntry.Type.WIRE_OUT),
            Leg(settlement.pk, wire.amount, LedgerEntry.Type.WIRE_OUT),
        ],
        initiated_by=actor,
        description=f"Wire {wire.uetr} sent",
        locked_accounts={clearing.pk: clearing, settlement.pk: settlement},
    )


def wire_sent_audit(*, wire: WireTransfer, actor: User, release: Posting) -> None:
    """Audit an approved wire sent by its ``release`` posting."""
    audit_record(
        action=actions.WIRE_SENT,
        actor=actor,
        target=wire,
        before={"status": WireTransfer.Status.APPROVED},
        after={"status": WireTransfer.Status.SENT, "posting": release.pk},
    )


def _status_of(wire_id: int) -> str:
    return WireTransfer.objects.filter(pk=wire_id).values_list("status", flat=True).first() or "gone"


def _wire_reverse(
    *, wire_id: int, actor: User, to_status: str, action: str, note: str, customer: User | None = None
) -> WireTransfer:
    """Give a pending wire's hold back, as ``to_status``, by a new posting that reverses it,
    and withdraw its pending four-eyes request in the same transaction, so no second
    approver is ever offered a wire that is no longer held.

    Guarded by locks, in the order of every wire path: the four-eyes request (as approving
    it takes it first), the source account, then the wire's row, whose state is checked
    under the lock; the update is conditional too.
    """
    scope = {"customer": customer} if customer is not None else {}
    wire = WireTransfer.objects.filter(pk=wire_id, **scope).first()
    if wire is None:
        raise NotFound()
    if customer is None:
        _reviewer_check(wire=wire, reviewer=actor)
    locked_approval_id = wire.approval_id
    if locked_approval_id is not None:
        approval_request_lock(approval_id=locked_approval_id)
    source = account_lock(account_id=wire.source_id)
    wire = WireTransfer.objects.select_for_update(of=("self",)).select_related("hold_posting").get(pk=wire.pk)
    if wire.status != WireTransfer.Status.PENDING_REVIEW:
        raise InvalidState(f"Only a wire pending review can be {to_status}; this one is {wire.status}.")
    if wire.approval_id != locked_approval_id:
        # A first approval was recorded between the two reads: its request was not locked
        # first, and a second approver may hold it now. Nothing is kept; deciding again works.
        raise InvalidState("The wire's first approval was recorded just now; look at the wire again.")
    clearing = system_account(code=SYSTEM_WIRE_CLEARING, currency=wire.currency)
    legs = [
        Leg(source.pk, wire.amount + wire.fee, LedgerEntry.Type.WIRE_REVERSAL),
        Leg(clearing.pk, -wire.amount, LedgerEntry.Type.WIRE_REVERSAL),
    ]
    known = {source.pk: source, clearing.pk: clearing}
    if wire.fee:
        fees = system_account(code=SYSTEM_WIRE_FEES, currency=wire.currency)
        legs.append(Leg(fees.pk, -wire.fee, LedgerEntry.Type.FEE))
        known[fees.pk] = fees
    reversal = posting_create(
        kind=Posting.Kind.REVERSAL,
        legs=legs,
        initiated_by=actor,
        description=f"Wire {wire.uetr} {to_status}",
        reverses=wire.hold_posting,
        locked_accounts=known,
    )
    decided = (
        {"decided_by": actor, "decided_at": timezone.now(), "decision_note": note} if customer is None else {}
    )
    before_status = wire.status
    if not _transition(
        wire,
        from_status=WireTransfer.Status.PENDING_REVIEW,
        to_status=to_status,
        reversal_posting=reversal,
        **decided,
    ):
        raise InvalidState()
    audit_record(
        action=action,
        actor=actor,
        target=wire,
        before={"status": before_status},
        after={"status": to_status, "note": note, "posting": reversal.pk, "reverses": wire.hold_posting_id},
    )
    event_publish(
        type=events.WIRE_REJECTED if to_status == WireTransfer.Status.REJECTED else events.WIRE_CANCELLED,
        customer_id=wire.customer_id,
        object_id=wire.pk,
    )
    if wire.approval_id is not None:
        approval_withdraw(
            approval_id=wire.approval_id,
            actor=actor,
            reason=f"The wire was {to_status}" + (f": {note}" if note else "."),
        )
    cache.wires_changed(customer_id=wire.customer_id)
    return wire


@ledger_transaction()
def wire_cancel(*, customer: User, wire_id: int) -> WireTransfer:
    """The customer takes back a wire still pending review: the hold is reversed, audited.
    Any other state is a 409 ``invalid_state``; another customer's wire a 404."""
    return _wire_reverse(
        wire_id=wire_id,
        actor=customer,
        to_status=WireTransfer.Status.CANCELLED,
        action=actions.WIRE_CANCELLED,
        note="",
        customer=customer,
    )


def _source_lock_active(wire: WireTransfer) -> Account:
    """Lock the wire's source account (first, as every wire path does) and refuse to send from
    one that is frozen or closed: a freeze stops money leaving, approved or not. The hold can
    still be given back (rejected or cancelled)."""
    source = account_lock(account_id=wire.source_id)
    if source.status != Account.Status.ACTIVE:
        raise AccountNotActive(f"Account {source.number} is {source.status}: its wires cannot be sent.")
    return source


def _reviewer_check(*, wire: WireTransfer, reviewer: User) -> None:
    if not (reviewer.is_active and reviewer.is_staff and reviewer.has_perm(REVIEW_PERMISSION)):
        raise NotPermitted(f"Deciding wires needs the {REVIEW_PERMISSION} permission.")
    if wire.customer_id == reviewer.pk:
        raise WireOwnAccount()


@ledger_transaction()
def wire_reject(*, wire_id: int, reviewer: User, note: str) -> WireTransfer:
    """Compliance refuses a pending wire, with a note: the hold goes back to the customer by
    a reversing posting, audited with before and after."""
    note = note.strip()
    if not note:
        raise ReasonRequired("Give a note for the decision.")
    return _wire_reverse(
        wire_id=wire_id,
        actor=reviewer,
        to_status=WireTransfer.Status.REJECTED,
        action=actions.WIRE_REJECTED,
        note=note,
    )


def wire_four_eyes_needed(wire: WireTransfer) -> bool:
    """Whether approving ``wire`` takes two different members of staff."""
    return wire.amount >= wire_four_eyes_threshold(wire.currency)


def wire_approve(*, wire_id: int, reviewer: User, note: str) -> WireTransfer:
    """Compliance approves a pending wire, with a note, and it is sent.

    At or above the four-eyes threshold the first approval records a four-eyes request
    (accounts.services.approvals) and the wire stays pending; a second, different member of
    staff approving it sends the wire. The same member of staff approving again is refused.
    Nobody decides a wire from their own account.
    """
    note = note.strip()
    if not note:
        raise ReasonRequired("Give a note for the decision.")
    wire, approval_id = _wire_approve_first(wire_id=wire_id, reviewer=reviewer, note=note)
    if approval_id is None:
        return wire
    approval_approve(approval_id=approval_id, approver=reviewer, note=note)
    return WireTransfer.objects.get(pk=wire_id)


@ledger_transaction()
def _wire_approve_first(*, wire_id: int, reviewer: User, note: str) -> tuple[WireTransfer, int | None]:
    """Approve and send a wire below the four-eyes threshold; above it, record the first
    approval, or return the pending four-eyes request for the caller to approve as second."""
    wire = WireTransfer.objects.filter(pk=wire_id).first()
    if wire is None:
        raise NotFound()
    _reviewer_check(wire=wire, reviewer=reviewer)
    _source_lock_active(wire)
    if not wire_four_eyes_needed(wire):
        if not _transition(
            wire,
            from_status=WireTransfer.Status.PENDING_REVIEW,
            to_status=WireTransfer.Status.APPROVED,
            decided_by=reviewer,
            decided_at=timezone.now(),
            decision_note=note,
        ):
            raise InvalidState(
                f"Only a wire pending review can be approved; this one is {_status_of(wire.pk)}."
            )
        _wire_approved(wire=wire, reviewer=reviewer, note=note, approvers=[reviewer.pk])
        return wire, None
    # The row lock makes the first approval once: two first approvers cannot both record one.
    wire = WireTransfer.objects.select_for_update(of=("self",)).select_related("approval").get(pk=wire.pk)
    if wire.status != WireTransfer.Status.PENDING_REVIEW:
        raise InvalidState(f"Only a wire pending review can be approved; this one is {wire.status}.")
    if wire.approval is not None and wire.approval.status == ApprovalRequest.Status.PENDING:
        if wire.approval.requested_by_id == reviewer.pk:
            raise WireSecondApproverRequired()
        return wire, wire.approval.pk
    approval = approval_request_create(
        action=WIRE_RELEASE_APPROVAL,
        payload={
            "wire": wire.pk,
            "uetr": str(wire.uetr),
            "amount": format_amount(wire.amount, wire.currency),
            "currency": wire.currency,
            "beneficiary": wire.beneficiary_name,
            "note": note,
        },
        requester=reviewer,
    )
    WireTransfer.objects.filter(pk=wire.pk).update(approval=approval, updated_at=timezone.now())
    wire.approval = approval
    audit_record(
        action=actions.WIRE_APPROVAL_REQUESTED,
        actor=reviewer,
        target=wire,
        before={"status": wire.status},
        after={"status": wire.status, "approval": approval.pk, "note": note},
    )
    return wire, None


def _wire_approved(*, wire: WireTransfer, reviewer: User, note: str, approvers: list[int]) -> None:
    audit_record(
        action=actions.WIRE_APPROVED,
        actor=reviewer,
        target=wire,
        before={"status": WireTransfer.Status.PENDING_REVIEW},
        after={"status": WireTransfer.Status.APPROVED, "note": note, "approvers": approvers},
    )
    wire_release(wire=wire, actor=reviewer, from_status=WireTransfer.Status.APPROVED)
    cache.wires_changed(customer_id=wire.customer_id)


def wire_release_approved(approval: ApprovalRequest) -> dict:
    """The second approval of a four-eyes wire, inside the approval's transaction: the wire
    goes pending_review -> approved -> sent, or the approval is refused and stays pending."""
    wire = WireTransfer.objects.filter(pk=approval.payload["wire"]).first()
    if wire is None:
        raise NotFound()
    _reviewer_check(wire=wire, reviewer=approval.decided_by)
    _source_lock_active(wire)
    if not _transition(
        wire,
        from_status=WireTransfer.Status.PENDING_REVIEW,
        to_status=WireTransfer.Status.APPROVED,
        decided_by=approval.decided_by,
        decided_at=approval.decided_at,
        decision_note=approval.decision_note,
    ):
        raise InvalidState(f"Only a wire pending review can be approved; this one is {_status_of(wire.pk)}.")
    _wire_approved(
        wire=wire,
        reviewer=approval.decided_by,
        note=approval.decision_note,
        approvers=[approval.requested_by_id, approval.decided_by_id],
    )
    return {"wire": wire.pk, "posting": wire.release_posting.pk}


def wire_release_describe(payload: dict) -> str:
    return (
        f"Send wire {payload['wire']} of {payload['amount']} {payload['currency']} to "
        f"{payload['beneficiary']} (first approval: {payload['note']})"
    )
