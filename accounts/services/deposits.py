"""Cash deposits by staff, with limits and four-eyes approval of large ones."""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts import events, metrics
from accounts.errors import DepositLimitExceeded, DepositNotAllowed, FormAlreadySubmitted
from accounts.locks import users_lock
from accounts.models import Account, ApprovalRequest, FormSubmission, LedgerEntry, Posting, User
from accounts.services.approvals import approval_request_create
from accounts.services.bank_accounts import SYSTEM_CASH, system_account
from accounts.services.ledger import Leg, ledger_transaction, posting_create
from audit import actions
from audit.services import audit_record
from bankcore.config import config_get
from bankcore.errors import NotPermitted, ReasonRequired
from bankcore.events import event_publish
from bankcore.money import format_amount, parse_amount, whole_units_to_minor

DEPOSIT_APPROVAL = "accounts.deposit"


def form_submission_claim(*, token: uuid.UUID, actor: User) -> None:
    """Spend a back-office form's one-time token inside the caller's transaction.

    The token's unique row is kept only if the caller's transaction commits: a second
    submit of the same form is refused, and a refused first one can be sent again.
    """
    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, submitted_by=actor)
    except IntegrityError:
        raise FormAlreadySubmitted() from None


def _deposit_limit(setting: str, currency: str) -> int:
    """A deposit limit in minor units of ``currency``; 0 when the setting does not name it."""
    return whole_units_to_minor(config_get(setting), currency)


def _start_of_day() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _deposited_today(*, staff: User, currency: str) -> int:
    total = LedgerEntry.objects.filter(
        posting__kind=Posting.Kind.DEPOSIT,
        posting__initiated_by=staff,
        posting__created_at__gte=_start_of_day(),
        customer__isnull=False,
        currency=currency,
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def _deposited_today_without_approval(*, staff: User, currency: str) -> int:
    """What ``staff`` deposited today in ``currency`` on their own, with no second person.

    An approved deposit posts, as its requester, in the approval's transaction, just after
    the approval is decided; one decided before midnight and posted after it counts here as
    unapproved, which errs towards asking for approval.
    """
    approved = ApprovalRequest.objects.filter(
        action=DEPOSIT_APPROVAL,
        status=ApprovalRequest.Status.APPROVED,
        requested_by=staff,
        decided_at__gte=_start_of_day(),
        payload__currency=currency,
    ).values_list("payload", flat=True)
    # Whole payloads: SQLite reads a JSON key that looks like a number back as a float.
    approved_total = sum(parse_amount(payload["amount"], currency) for payload in approved)
    return _deposited_today(staff=staff, currency=currency) - approved_total


def _deposit_check(*, account: Account, amount: int, depositor: User) -> None:
    """The rules of a staff deposit, checked under a lock on the depositor and the owner.

    The depositor's row serialises their deposits, so two at once cannot both fit under
    the daily limit; the owner's row keeps them from turning staff meanwhile.
    """
    if account.customer_id is None:
        raise DepositNotAllowed("Deposits go to customer accounts only.")
    # FOR NO KEY UPDATE (accounts.locks): a wire committing rows that point at the owner
    # key-share locks the owner's row, and a full FOR UPDATE here deadlocked with it.
    users = users_lock({depositor.pk, account.customer_id})
    depositor, owner = users[depositor.pk], users[account.customer_id]
    if not (depositor.is_active and depositor.is_staff and depositor.has_perm("accounts.post_deposit")):
        raise NotPermitted("Posting deposits needs the accounts.post_deposit permission.")
    if owner.pk == depositor.pk:
        raise DepositNotAllowed("Nobody may deposit into their own account.")
    if owner.is_staff or owner.is_superuser:
        raise DepositNotAllowed("Deposits never go to an account of a member of staff.")
    currency = account.currency
    limit = _deposit_limit("deposits.daily_limit_per_staff", currency)
    remaining = max(limit - _deposited_today(staff=depositor, currency=currency), 0)
    if amount > remaining:
        left = format_amount(remaining, currency)
        raise DepositLimitExceeded(
            f"{depositor.email} may deposit {left} {currency} more today.", extra={"remaining": left}
        )


def _deposit_post(*, account: Account, amount: int, reason: str, actor: User, approval=None) -> Posting:
    """Post a deposit that ``_deposit_check`` has just passed, in the same transaction."""
    cash = system_account(code=SYSTEM_CASH, currency=account.currency)
    posting = posting_create(
        kind=Posting.Kind.DEPOSIT,
        legs=[
            Leg(cash.pk, -amount, LedgerEntry.Type.DEPOSIT),
            Leg(account.pk, amount, LedgerEntry.Type.DEPOSIT),
        ],
        initiated_by=actor,
        description=reason,
    )
    after = {"posting": posting.pk, "amount": amount, "currency": account.currency, "reason": reason}
    if approval is not None:
        after["approval"] = approval.pk
    audit_record(action=actions.DEPOSIT_POSTED, actor=actor, target=account, after=after)
    event_publish(type=events.DEPOSIT_POSTED, customer_id=account.customer_id, object_id=account.pk)
    metrics.deposit_committed(currency=account.currency, amount=amount)
    return posting


@ledger_transaction()
def deposit_create(
    *, account: Account, amount: int, reason: str, actor: User, form_token: uuid.UUID | None = None
) -> Posting | ApprovalRequest:
    """Cash in: credit a customer account from the bank's cash account, audited.

    Never into a system account, the actor's own or any staff member's account; at most
    the ``deposits.daily_limit_per_staff`` of the currency per member of staff and day,
    checked under a lock. ``deposits.approval_threshold`` caps both one deposit and the
    day's total that a member of staff posts alone in the currency: past it, nothing is
    posted and an approval request, returned instead of the posting, waits for a second
    member of staff, so splitting a large sum into small deposits still needs one.
    ``form_token``, a form's one-time token, is spent in the same transaction, so the same
    form never posts twice.
    """
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("Give the reason for the deposit.")
    if form_token is not None:
        form_submission_claim(token=form_token, actor=actor)
    # Refuses now what could never be approved (the approval checks again when it posts),
    # and locks the actor's row: concurrent deposits by one actor are summed one at a time.
    _deposit_check(account=account, amount=amount, depositor=actor)
    posted_alone = _deposited_today_without_approval(staff=actor, currency=account.currency)
    if posted_alone + amount <= _deposit_limit("deposits.approval_threshold", account.currency):
        return _deposit_post(account=account, amount=amount, reason=reason, actor=actor)
    return approval_request_create(
        action=DEPOSIT_APPROVAL,
        payload={
            "account": account.pk,
            "account_number": account.number,
            "amount": format_amount(amount, account.currency),
            "currency": account.currency,
            "reason": reason,
        },
        requester=actor,
    )


def deposit_describe(payload: dict) -> str:
    amount, currency = payload["amount"], payload["currency"]
    return f"Deposit {amount} {currency} to {payload['account_number']}: {payload['reason']}"


def deposit_approved(approval: ApprovalRequest) -> dict:
    """Post an approved large deposit, as its requester, inside the approval's transaction."""
    payload = approval.payload
    account = Account.objects.get(pk=payload["account"])
    amount = parse_amount(payload["amount"], account.currency)
    requester = approval.requested_by
    _deposit_check(account=account, amount=amount, depositor=requester)
    posting = _deposit_post(
        account=account, amount=amount, reason=payload["reason"], actor=requester, approval=approval
    )
    return {"posting": posting.pk}
