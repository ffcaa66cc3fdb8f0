"""An account's own wire limits, set by compliance: never alone above the defaults.

An override at or below the system defaults (a restriction) applies at once. One above
them waits for a second member of staff holding the same permission (four eyes, through
accounts.services.approvals) and applies only when approved; none may pass
``wires.override_ceiling_multiple`` times the default. Nobody sets limits on their own
account or on a member of staff's, and no account but an active one is raised. Each
request, refusal and change is audited; a refusal in its own transaction, after the
refused change is rolled back.
"""

from django.db import transaction
from django.utils import timezone

from accounts.errors import AccountNotActive
from accounts.locks import account_lock, approval_request_lock
from accounts.models import Account, ApprovalRequest, User
from accounts.services.approvals import approval_request_create, approval_withdraw
from audit import actions
from audit.services import audit_record
from bankcore.errors import DomainError, InvalidState, NotFound, NotPermitted, ReasonRequired
from bankcore.money import InvalidAmount, format_amount
from transfers import cache
from transfers.errors import WireLimitsAboveCeiling, WireLimitsOwnAccount, WireLimitsStaffAccount
from transfers.models import WireLimitOverride
from transfers.services.wires.limits import AMOUNT_LIMITS, LIMIT_NAMES, wire_customer_lock
from transfers.services.wires.settings import wire_limit_defaults, wire_override_ceiling_multiple

OVERRIDE_PERMISSION = "transfers.change_wirelimitoverride"
WIRE_LIMITS_APPROVAL = "transfers.wire_limits"


def _fields(per_wire, daily, monthly, daily_count) -> dict:
    fields = {"per_wire": per_wire, "daily": daily, "monthly": monthly, "daily_count": daily_count}
    for name, value in fields.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise InvalidAmount(f"The {name.replace('_', ' ')} limit must be a whole number from 0 or blank.")
    return fields


def _shown(fields: dict, currency: str) -> dict:
    """The limits in the words staff use: decimal amounts of the currency, the count as is."""
    return {
        name: value if value is None or name == "daily_count" else format_amount(value, currency)
        for name, value in fields.items()
    }


def _locked_account(*, account_id: int) -> Account:
    """Lock the account's owner, then the account (the order of every wire path), and return
    the account as it is now."""
    owner_id = Account.objects.filter(pk=account_id).values_list("customer_id", flat=True).first()
    if owner_id is not None:
        wire_customer_lock(customer_id=owner_id)
    account = account_lock(account_id=account_id)
    if account is None:
        raise NotFound("There is no account with that id.")
    return account


def _override_check(*, account: Account, fields: dict, actor: User) -> bool:
    """Refuse what nobody may set; return whether the limits are above the defaults."""
    if not (actor.is_active and actor.is_staff and actor.has_perm(OVERRIDE_PERMISSION)):
        raise NotPermitted(f"Setting wire limits needs the {OVERRIDE_PERMISSION} permission.")
    if account.customer_id is None:
        raise NotPermitted("Only a customer's account has wire limits of its own.")
    if account.customer_id == actor.pk:
        raise WireLimitsOwnAccount()
    owner = User.objects.filter(pk=account.customer_id).values("is_staff", "is_superuser").get()
    if owner["is_staff"] or owner["is_superuser"]:
        raise WireLimitsStaffAccount()
    defaults = wire_limit_defaults(account.currency)
    multiple = wire_override_ceiling_multiple()
    raised = False
    for name, value in fields.items():
        if value is None:
            continue
        ceiling = defaults[name] * multiple
        if value > ceiling:
            shown = ceiling if name == "daily_count" else format_amount(ceiling, account.currency)
            raise WireLimitsAboveCeiling(
                f"The {name.replace('_', ' ')} limit may be at most {shown} ({multiple} times the default).",
                extra={"limit": name, "ceiling": shown, "currency": account.currency},
            )
        raised = raised or value > defaults[name]
    if raised and account.status != Account.Status.ACTIVE:
        raise AccountNotActive(f"Account {account.number} is {account.status}: its limits are not raised.")
    return raised


def _override_apply(*, account: Account, fields: dict, reason: str, actor: User, approval=None):
    current = WireLimitOverride.objects.filter(account=account).first()
    before = None if current is None else {name: getattr(current, name) for name in LIMIT_NAMES}
    override, _ = WireLimitOverride.objects.update_or_create(
        account=account,
        defaults={**fields, "reason": reason, "updated_by": actor, "updated_at": timezone.now()},
    )
    after = {**fields, "reason": reason}
    if approval is not None:
        after |= {"approval": approval.pk, "approvers": [approval.requested_by_id, approval.decided_by_id]}
    audit_record(action=actions.WIRE_LIMITS_CHANGED, actor=actor, target=account, before=before, after=after)
    cache.wires_changed(customer_id=account.customer_id)
    return override


def _pending_raises(*, account_id: int) -> list[int]:
    return list(
        ApprovalRequest.objects.filter(
            action=WIRE_LIMITS_APPROVAL, status=ApprovalRequest.Status.PENDING, payload__account=account_id
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def wire_limit_override_set(
    *, account: Account, per_wire, daily, monthly, daily_count, reason: str, actor: User
) -> WireLimitOverride | ApprovalRequest:
    """Give one account its own wire limits (minor units; None keeps the default).

    At or below the defaults they apply at once, audited with before and after; above them
    the return is a pending four-eyes request, and nothing applies until another member of
    staff approves it. A refusal (no permission, the actor's own account, a staff member's
    account, above the ceiling, raising a frozen or closed account) is audited and raised.
    """
    try:
        return _override_set(
            account_id=account.pk,
            fields=_fields(per_wire, daily, monthly, daily_count),
            reason=reason.strip(),
            actor=actor,
        )
    except DomainError as refusal:
        with transaction.atomic():
            audit_record(
                action=actions.WIRE_LIMITS_CHANGE_REFUSED,
                actor=actor,
                target=account,
                after={
                    "per_wire": per_wire,
                    "daily": daily,
                    "monthly": monthly,
                    "daily_count": daily_count,
                    "reason": reason,
                    "refusal": refusal.code,
                },
            )
        raise


@transaction.atomic
def _override_set(*, account_id: int, fields: dict, reason: str, actor: User):
    """Set the limits, or ask for their approval, and withdraw the account's raises still
    waiting: a newer change makes them moot, and approving one later would undo it.

    Locks in the order an approval carried out takes them: its request (locked by the
    approval's conditional update) first, then the owner and the account.
    """
    if not reason:
        raise ReasonRequired()
    waiting = _pending_raises(account_id=account_id)
    for approval_id in waiting:
        approval_request_lock(approval_id=approval_id)
    account = _locked_account(account_id=account_id)
    raised = _override_check(account=account, fields=fields, actor=actor)
    if not set(_pending_raises(account_id=account.pk)) <= set(waiting):
        # A raise was asked for between the read and the locks: it is not locked here, and a
        # second officer may be approving it. Nothing is kept; changing the limits again works.
        raise InvalidState("A raise of this account's wire limits was asked for just now; look again.")
    for approval_id in waiting:
        approval_withdraw(
            approval_id=approval_id, actor=actor, reason="The account's wire limits were changed since."
        )
    if not raised:
        return _override_apply(account=account, fields=fields, reason=reason, actor=actor)
    approval = approval_request_create(
        action=WIRE_LIMITS_APPROVAL,
        payload={
            "account": account.pk,
            "account_number": account.number,
            "currency": account.currency,
            "limits": fields,
            "shown": _shown(fields, account.currency),
            "reason": reason,
        },
        requester=actor,
    )
    audit_record(
        action=actions.WIRE_LIMITS_CHANGE_REQUESTED,
        actor=actor,
        target=account,
        after={**fields, "reason": reason, "approval": approval.pk},
    )
    return approval


def wire_limits_approved(approval: ApprovalRequest) -> dict:
    """Apply an approved raise inside the approval's transaction, after checking again what
    the request was checked for, for both people: the requester and the approver may not
    own the account, it may not belong to staff now, nor be above the ceiling or frozen."""
    payload = approval.payload
    account = _locked_account(account_id=payload["account"])
    fields = _fields(*(payload["limits"][name] for name in LIMIT_NAMES))
    for person in (approval.decided_by, approval.requested_by):
        _override_check(account=account, fields=fields, actor=person)
    override = _override_apply(
        account=account, fields=fields, reason=payload["reason"], actor=approval.decided_by, approval=approval
    )
    return {"override": override.pk, "account": account.pk}


def wire_limits_describe(payload: dict) -> str:
    shown = payload["shown"]
    parts = ", ".join(
        f"{name.replace('_', ' ')} {shown[name]}"
        + (f" {payload['currency']}" if name in AMOUNT_LIMITS else "")
        for name in LIMIT_NAMES
        if shown[name] is not None
    )
    return f"Wire limits of {payload['account_number']}: {parts} ({payload['reason']})"
