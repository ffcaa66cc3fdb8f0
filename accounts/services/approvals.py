"""Four eyes: a staff action that waits for a second, different member of staff.

An app registers an action once (its name, the permission an approver needs, and the
function that carries it out). A request records the action, its requester and a JSON
payload. Approving carries the action out in the approval's own durable transaction,
next to the approval's audit event, so a failed action leaves the request pending and
nothing behind; rejecting is audited too. Every decision is a conditional update of a
pending row, so two clicks can never both win. A request whose subject is gone before
anyone decides it (a held wire rejected or cancelled) is withdrawn by the app that made it,
audited, so nobody is offered a decision that can no longer mean anything.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.errors import ApprovalAlreadyDecided, ApprovalByRequester
from accounts.models import ApprovalRequest, User
from accounts.services.ledger import ledger_transaction
from audit import actions
from audit.services import audit_record
from bankcore.errors import DomainError, NotFound, NotPermitted, ReasonRequired


@dataclass(frozen=True)
class ApprovalAction:
    name: str
    permission: str  # "app_label.codename" that an approver must hold
    # Carries the approved request out inside the approval's transaction; returns what
    # the approval's audit event records of the outcome (e.g. the posting it made).
    execute: Callable[[ApprovalRequest], dict]
    # One line for the staff who decide: what the request would do, in their words.
    describe: Callable[[dict], str] | None = None
    # What the request is, in the words of the staff who decide (the name, if not given).
    label: str | None = None


_registry: dict[str, ApprovalAction] = {}


def approval_action_register(
    *,
    name: str,
    permission: str,
    execute: Callable[[ApprovalRequest], dict],
    describe: Callable[[dict], str] | None = None,
    label: str | None = None,
) -> None:
    _registry[name] = ApprovalAction(
        name=name, permission=permission, execute=execute, describe=describe, label=label
    )


def approval_kinds() -> list[tuple[str, str]]:
    """Each registered action's name and label, for choosing among them."""
    return sorted((action.name, action.label or action.name) for action in _registry.values())


def approval_label(approval: ApprovalRequest) -> str:
    """What kind of request it is, as its action names itself to staff."""
    action = _registry.get(approval.action)
    return (action.label if action is not None else None) or approval.action


def approval_describe(approval: ApprovalRequest) -> str:
    """What the request would do, as its action describes it (its payload, if it doesn't)."""
    action = _registry.get(approval.action)
    if action is not None and action.describe is not None:
        return action.describe(approval.payload)
    return json.dumps(approval.payload, ensure_ascii=False)


def approval_permissions() -> set[str]:
    """The permissions that let a member of staff decide some kind of request."""
    return {action.permission for action in _registry.values()}


def approval_request_create(*, action: str, payload: dict, requester: User) -> ApprovalRequest:
    """Record a request that waits for a second member of staff, audited.

    Runs inside the caller's transaction, next to whatever else the caller records (a
    form's one-time token, for one).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("approval_request_create must run inside a transaction")
    if action not in _registry:
        raise KeyError(f"{action} is not a registered approval action")
    approval = ApprovalRequest.objects.create(action=action, payload=payload, requested_by=requester)
    audit_record(
        action=actions.APPROVAL_REQUESTED,
        actor=requester,
        target=approval,
        after={"action": action, "payload": payload},
    )
    return approval


def _decide(
    *, approval_id: int, decider: User, status: str, note: str
) -> tuple[ApprovalRequest, ApprovalAction]:
    approval = ApprovalRequest.objects.select_related("requested_by").filter(pk=approval_id).first()
    if approval is None:
        raise NotFound()
    registered = _registry[approval.action]
    if decider.pk == approval.requested_by_id:
        raise ApprovalByRequester()
    if not (decider.is_active and decider.is_staff and decider.has_perm(registered.permission)):
        raise NotPermitted(
            f"Deciding {approval.action} requests needs the {registered.permission} permission."
        )
    decided_at = timezone.now()
    claimed = ApprovalRequest.objects.filter(pk=approval.pk, status=ApprovalRequest.Status.PENDING).update(
        status=status, decided_by=decider, decided_at=decided_at, decision_note=note
    )
    if claimed != 1:
        raise ApprovalAlreadyDecided()
    approval.status, approval.decided_by, approval.decided_at, approval.decision_note = (
        status,
        decider,
        decided_at,
        note,
    )
    return approval, registered


def approval_approve(*, approval_id: int, approver: User, note: str = "") -> ApprovalRequest:
    """Approve a pending request and carry its action out, in one transaction, audited.

    The approver must be another member of staff than the requester and hold the action's
    permission. If the approval or the action refuses (a DomainError), nothing of it is kept:
    the request stays pending, and the refusal is audited on its own, after the rollback.
    """
    try:
        return _approval_carry_out(approval_id=approval_id, approver=approver, note=note)
    except DomainError as refusal:
        with transaction.atomic():
            audit_record(
                action=actions.APPROVAL_REFUSED,
                actor=approver,
                object_type=ApprovalRequest._meta.label_lower,
                object_id=str(approval_id),
                after={"refusal": refusal.code, "detail": refusal.detail},
            )
        raise


@ledger_transaction()  # the approved action may move money (a deposit, a wire's release)
def _approval_carry_out(*, approval_id: int, approver: User, note: str) -> ApprovalRequest:
    approval, registered = _decide(
        approval_id=approval_id, decider=approver, status=ApprovalRequest.Status.APPROVED, note=note.strip()
    )
    outcome = registered.execute(approval)
    audit_record(
        action=actions.APPROVAL_APPROVED,
        actor=approver,
        target=approval,
        before={"status": ApprovalRequest.Status.PENDING},
        after={
            "status": approval.status,
            "action": approval.action,
            "note": approval.decision_note,
            **outcome,
        },
    )
    return approval


@transaction.atomic(durable=True)
def approval_reject(*, approval_id: int, approver: User, note: str) -> ApprovalRequest:
    """Reject a pending request with a reason, audited; its action never runs."""
    if not note.strip():
        raise ReasonRequired("Give a reason to reject.")
    approval, _ = _decide(
        approval_id=approval_id, decider=approver, status=ApprovalRequest.Status.REJECTED, note=note.strip()
    )
    audit_record(
        action=actions.APPROVAL_REJECTED,
        actor=approver,
        target=approval,
        before={"status": ApprovalRequest.Status.PENDING},
        after={"status": approval.status, "action": approval.action, "note": approval.decision_note},
    )
    return approval


def approval_withdraw(*, approval_id: int, actor: User, reason: str) -> bool:
    """Close a pending request nobody may decide any more, audited with who closed it and why.

    Runs inside the caller's transaction, next to the change that made the request moot.
    The caller locks the request first (``accounts.locks.approval_request_lock``, as approving
    it does first, by its conditional update) wherever a second approver could be carrying it
    out at the same time. Returns whether it was pending: a request already decided is left
    as it was.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("approval_withdraw must run inside a transaction")
    withdrawn_at = timezone.now()
    withdrawn = ApprovalRequest.objects.filter(pk=approval_id, status=ApprovalRequest.Status.PENDING).update(
        status=ApprovalRequest.Status.WITHDRAWN, decided_at=withdrawn_at, decision_note=reason[:255]
    )
    if not withdrawn:
        return False
    audit_record(
        action=actions.APPROVAL_WITHDRAWN,
        actor=actor,
        object_type=ApprovalRequest._meta.label_lower,
        object_id=str(approval_id),
        before={"status": ApprovalRequest.Status.PENDING},
        after={"status": ApprovalRequest.Status.WITHDRAWN, "reason": reason},
    )
    return True
