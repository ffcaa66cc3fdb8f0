"""Outgoing wires: the hold, the limits, screening, compliance review and four eyes.

Every wire moves money through the ledger's posting service only:

- created: customer -> wire clearing (amount) and -> wire fees (fee), one posting, in the
  durable transaction that writes the wire, completes the Idempotency-Key and audits it;
- sent: wire clearing -> wire settlement, at once below the review threshold, else when
  compliance approves;
- rejected or cancelled: a new posting that reverses the hold, linked to it.

Locks are always taken in one order: the customer's source account, then the wire's row,
then the bank's system accounts (by the posting service), so no two wire paths can wait
on each other.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import Account, ApprovalRequest, LedgerEntry, Posting, User
from accounts.services.approvals import (
    approval_approve,
    approval_lock,
    approval_request_create,
    approval_withdraw,
)
from accounts.services.bank_accounts import system_account
from accounts.services.ledger import Leg, ledger_transaction, posting_create
from accounts.sessions import session_hold
from audit import actions
from audit.services import audit_record
from bankcore import metrics
from bankcore.cache import get_or_set
from bankcore.config import config_get
from bankcore.errors import (
    AccountNotActive,
    CurrencyMismatch,
    InsufficientFunds,
    InvalidState,
    KycRequired,
    LimitExceeded,
    NotFound,
    NotPermitted,
    ReasonRequired,
)
from bankcore.money import CURRENCIES, format_amount
from kyc.models import KycLevel, KycProfile, KycStatus
from kyc.screening import screening_run
from transfers import cache
from transfers.idempotency import IdempotencyClaim
from transfers.models import BusinessHoliday, WireLimitOverride, WireTransfer
from transfers.services.beneficiary_checks import wire_beneficiary_review_reason

SYSTEM_WIRE_CLEARING = "wire_clearing"
SYSTEM_WIRE_SETTLEMENT = "wire_settlement"
SYSTEM_WIRE_FEES = "wire_fees"
REVIEW_PERMISSION = "transfers.review_wire"
WIRE_RELEASE_APPROVAL = "transfers.wire_release"
# Wires that hold money or have sent it: what counts against the limits and in the stats.
COUNTED_STATUSES = (
    WireTransfer.Status.PENDING_REVIEW,
    WireTransfer.Status.APPROVED,
    WireTransfer.Status.SENT,
)
# The furthest a value date can lie ahead (a run of holidays longer than this is a mistake).
_MAX_VALUE_DATE_DAYS = 31


class WireOwnAccount(NotPermitted):
    code = "wire_own_account"
    detail = "Nobody decides a wire from their own account."


class WireSecondApproverRequired(NotPermitted):
    code = "approval_by_requester"
    detail = "This wire needs a second, different member of staff to approve it."


# ---- Time: the wire day, the value date -------------------------------------------------------


def wire_time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(config_get("wires.time_zone"))


def _day_starts(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of ``now``'s day and month in the wire time zone."""
    local = now.astimezone(wire_time_zone())
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day.replace(day=1)


def wire_value_date(*, now: datetime.datetime) -> datetime.date:
    """The day a wire made at ``now`` settles: today if that is a business day and the
    cut-off has not passed, else the next business day. Weekends and BusinessHoliday rows
    are not business days. One query."""
    local = now.astimezone(wire_time_zone())
    hours, minutes = (int(part) for part in config_get("wires.cutoff_time").split(":"))
    day = local.date()
    if (local.hour, local.minute) >= (hours, minutes):
        day += datetime.timedelta(days=1)
    holidays = set(
        BusinessHoliday.objects.filter(
            date__gte=day, date__lte=day + datetime.timedelta(days=_MAX_VALUE_DATE_DAYS)
        ).values_list("date", flat=True)
    )
    for _ in range(_MAX_VALUE_DATE_DAYS):
        if day.weekday() < 5 and day not in holidays:
            return day
        day += datetime.timedelta(days=1)
    return day


# ---- Limits ---------------------------------------------------------------------------------


def _whole_units(setting: str, currency: str) -> int:
    """A per-currency setting in minor units of ``currency``; 0 when the setting does not name it."""
    table = config_get(setting)
    units = table.get(currency) if isinstance(table, dict) else None
    if isinstance(units, bool) or not isinstance(units, int) or units < 0:
        return 0
    return units * 10 ** CURRENCIES[currency].exponent


@dataclass(frozen=True)
class WireLimits:
    """An account's wire limits now, and what is used of them; amounts in minor units."""

    currency: str
    per_wire: int
    daily: int
    daily_used: int
    monthly: int
    monthly_used: int
    daily_count: int
    daily_count_used: int

    def refusal(self, amount: int) -> LimitExceeded | None:
        """The refusal of a wire of ``amount`` under these limits, or None if it fits."""
        checks = [
            ("per_wire", self.per_wire, 0, amount, True),
            ("daily", self.daily, self.daily_used, amount, True),
            ("monthly", self.monthly, self.monthly_used, amount, True),
            ("daily_count", self.daily_count, self.daily_count_used, 1, False),
        ]
        for name, limit, used, wanted, is_amount in checks:
            remaining = max(limit - used, 0)
            if wanted > remaining:
                shown = (lambda value: format_amount(value, self.currency)) if is_amount else int
                return LimitExceeded(
                    f"The wire is above the account's {name.replace('_', ' ')} limit.",
                    extra={
                        "limit": name,
                        "limit_value": shown(limit),
                        "used": shown(used),
                        "remaining": shown(remaining),
                        "currency": self.currency,
                    },
                )
        return None


def wire_limits(*, account: Account, kyc_level: str | None, now: datetime.datetime) -> WireLimits:
    """``account``'s limits: the system defaults or the account's override, raised by full
    KYC, with what its counted wires of today and this month use. Two queries."""
    currency = account.currency
    override = WireLimitOverride.objects.filter(account_id=account.pk).first()
    per_wire = _whole_units("wires.limit_per_wire", currency)
    daily = _whole_units("wires.limit_daily", currency)
    monthly = _whole_units("wires.limit_monthly", currency)
    daily_count = config_get("wires.limit_daily_count")
    if override is not None:
        per_wire = per_wire if override.per_wire is None else override.per_wire
        daily = daily if override.daily is None else override.daily
        monthly = monthly if override.monthly is None else override.monthly
        daily_count = daily_count if override.daily_count is None else override.daily_count
    if kyc_level == KycLevel.FULL:
        factor = config_get("wires.full_kyc_multiplier")
        per_wire, daily, monthly, daily_count = (
            per_wire * factor,
            daily * factor,
            monthly * factor,
            daily_count * factor,
        )
    day_start, month_start = _day_starts(now)
    today = Q(created_at__gte=day_start)
    used = WireTransfer.objects.filter(
        source_id=account.pk, created_at__gte=min(day_start, month_start), status__in=COUNTED_STATUSES
    ).aggregate(
        daily=Sum("amount", filter=today),
        daily_count=Count("id", filter=today),
        monthly=Sum("amount", filter=Q(created_at__gte=month_start)),
    )
    return WireLimits(
        currency=currency,
        per_wire=per_wire,
        daily=daily,
        daily_used=used["daily"] or 0,
        monthly=monthly,
        monthly_used=used["monthly"] or 0,
        daily_count=daily_count,
        daily_count_used=used["daily_count"] or 0,
    )


def _kyc_of(customer_id: int) -> tuple[str, str] | None:
    row = KycProfile.objects.filter(customer_id=customer_id).values_list("status", "level").first()
    return row


# ---- Creating a wire --------------------------------------------------------------------------


@dataclass(frozen=True)
class WireRequest:
    """What a customer asks to wire, validated by the API (or made by bankcore itself)."""

    source_account_id: int
    amount: int
    currency: str
    beneficiary_name: str
    beneficiary_account: str
    beneficiary_bic: str
    beneficiary_country: str
    beneficiary_address: str
    beneficiary_routing_number: str
    reference: str
    charge_bearer: str


def wire_create(
    *,
    customer: User,
    request: WireRequest,
    auth_token: AuthToken | None,
    idempotency_claim: IdempotencyClaim | None,
) -> WireTransfer:
    """Hold a wire's amount and fee at once, and send it or hold it for review.

    The beneficiary is screened first (a read, outside the locks). Then one durable
    transaction locks the source account, checks KYC, the account and the limits under
    that lock (so concurrent wires cannot pass a limit together), posts the hold, writes
    the wire, completes the Idempotency-Key and audits the creation: all of it, or none.
    Below the review threshold and with no screening hit, the wire is released in the same
    transaction (``sent``); otherwise it waits in ``pending_review`` with its reason.
    """
    hits = screening_run(name=request.beneficiary_name, country=request.beneficiary_country)
    return _wire_post(
        customer=customer,
        request=request,
        hits=[
            {"uid": hit.uid, "listed_name": hit.listed_name, "score": hit.score, "list": hit.list_version}
            for hit in hits
        ],
        auth_token=auth_token,
        idempotency_claim=idempotency_claim,
    )


def _review_reason(*, amount: int, currency: str, hits: list[dict]) -> dict | None:
    if hits:
        return {
            "rule": "sanctions_screening",
            "detail": "The beneficiary resembles a listed party; compliance staff will review the wire.",
        }
    threshold = _whole_units("wires.review_threshold", currency)
    if amount >= threshold:
        return {
            "rule": "amount_threshold",
            "threshold": format_amount(threshold, currency),
            "amount": format_amount(amount, currency),
            "detail": "Wires at or above the review threshold are approved by compliance staff.",
        }
    return None


@ledger_transaction()
def _wire_post(
    *,
    customer: User,
    request: WireRequest,
    hits: list[dict],
    auth_token: AuthToken | None,
    idempotency_claim: IdempotencyClaim | None,
) -> WireTransfer:
    if auth_token is not None:
        session_hold(auth_token=auth_token)
    if idempotency_claim is not None:
        idempotency_claim.hold()
    kyc = _kyc_of(customer.pk)
    if kyc is None or kyc[0] != KycStatus.APPROVED:
        raise KycRequired()
    source = (
        Account.objects.select_for_update().filter(pk=request.source_account_id, customer=customer).first()
    )
    if source is None:
        raise NotFound("You have no account with that id.")
    if source.status != Account.Status.ACTIVE:
        raise AccountNotActive(f"Account {source.number} is {source.status}.")
    currency = request.currency
    if currency != source.currency:
        raise CurrencyMismatch(f"The source account holds {source.currency}, the amount is in {currency}.")
    now = timezone.now()
    refusal = wire_limits(account=source, kyc_level=kyc[1], now=now).refusal(request.amount)
    if refusal is not None:
        raise refusal
    fee = _whole_units("wires.fee", currency)
    if source.balance < request.amount + fee:
        raise InsufficientFunds(
            f"Account {source.number} has {format_amount(source.balance, currency)} {currency}."
        )
    # A sanctioned jurisdiction or an unverifiable bank is a reason whatever the amount.
    review_reason = wire_beneficiary_review_reason(request) or _review_reason(
        amount=request.amount, currency=currency, hits=hits
    )
    clearing = system_account(code=SYSTEM_WIRE_CLEARING, currency=currency)
    legs = [
        Leg(source.pk, -(request.amount + fee), LedgerEntry.Type.WIRE_OUT),
        Leg(clearing.pk, request.amount, LedgerEntry.Type.WIRE_OUT),
    ]
    known = {source.pk: source, clearing.pk: clearing}
    if fee:
        fees = system_account(code=SYSTEM_WIRE_FEES, currency=currency)
        legs.append(Leg(fees.pk, fee, LedgerEntry.Type.FEE))
        known[fees.pk] = fees
    hold = posting_create(
        kind=Posting.Kind.WIRE,
        legs=legs,
        initiated_by=customer,
        description=f"Wire hold: {request.reference}",
        locked_accounts=known,
    )
    wire = WireTransfer.objects.create(
        customer=customer,
        source=source,
        amount=request.amount,
        fee=fee,
        currency=currency,
        beneficiary_name=request.beneficiary_name,
        beneficiary_account=request.beneficiary_account,
        beneficiary_bic=request.beneficiary_bic,
        beneficiary_country=request.beneficiary_country,
        beneficiary_address=request.beneficiary_address,
        beneficiary_routing_number=request.beneficiary_routing_number,
        reference=request.reference,
        charge_bearer=request.charge_bearer,
        value_date=wire_value_date(now=now),
        # A wire below the threshold is approved by the rule itself, and sent below.
        status=WireTransfer.Status.PENDING_REVIEW if review_reason else WireTransfer.Status.APPROVED,
        review_reason=review_reason,
        screening_hits=hits,
        hold_posting=hold,
        created_at=now,
        updated_at=now,
    )
    if idempotency_claim is not None:
        idempotency_claim.complete(result=wire)
    metrics.wire_state_entered(state=wire.status, currency=currency, amount=wire.amount)
    audit_record(
        action=actions.WIRE_CREATED,
        actor=customer,
        target=wire,
        after={
            "source": source.pk,
            "amount": request.amount,
            "fee": fee,
            "currency": currency,
            "uetr": str(wire.uetr),
            "status": wire.status,
            "review_reason": review_reason,
            "screening_hits": hits,
            "posting": hold.pk,
        },
    )
    if review_reason is None:
        _wire_release(wire=wire, actor=customer, from_status=WireTransfer.Status.APPROVED, clearing=clearing)
    cache.wires_changed(customer_id=customer.pk, account_id=source.pk)
    return wire


# ---- Transitions ------------------------------------------------------------------------------


def _transition(wire: WireTransfer, *, from_status: str, to_status: str, **fields) -> bool:
    """Move the wire from ``from_status`` to ``to_status``: a conditional update, so of two
    concurrent transitions from one state exactly one wins. The winner's ``wire`` is updated
    to match the row."""
    fields = {"status": to_status, "updated_at": timezone.now(), **fields}
    if not WireTransfer.objects.filter(pk=wire.pk, status=from_status).update(**fields):
        return False
    for name, value in fields.items():
        setattr(wire, name, value)
    metrics.wire_state_entered(state=to_status, currency=wire.currency, amount=wire.amount)
    return True


def _wire_release(
    *, wire: WireTransfer, actor: User, from_status: str, clearing: Account | None = None
) -> WireTransfer:
    """Send a held wire on: ``from_status`` -> approved -> sent, with the posting from the
    clearing account to the settlement account. Inside the caller's transaction."""
    if from_status != WireTransfer.Status.APPROVED and not _transition(
        wire, from_status=from_status, to_status=WireTransfer.Status.APPROVED
    ):
        raise InvalidState(f"The wire is {_status_of(wire.pk)}, not {from_status}.")
    clearing = clearing or system_account(code=SYSTEM_WIRE_CLEARING, currency=wire.currency)
    settlement = system_account(code=SYSTEM_WIRE_SETTLEMENT, currency=wire.currency)
    release = posting_create(
        kind=Posting.Kind.WIRE,
        legs=[
            Leg(clearing.pk, -wire.amount, LedgerEntry.Type.WIRE_OUT),
            Leg(settlement.pk, wire.amount, LedgerEntry.Type.WIRE_OUT),
        ],
        initiated_by=actor,
        description=f"Wire {wire.uetr} sent",
        locked_accounts={clearing.pk: clearing, settlement.pk: settlement},
    )
    if not _transition(
        wire,
        from_status=WireTransfer.Status.APPROVED,
        to_status=WireTransfer.Status.SENT,
        release_posting=release,
    ):
        raise InvalidState()
    audit_record(
        action=actions.WIRE_SENT,
        actor=actor,
        target=wire,
        before={"status": WireTransfer.Status.APPROVED},
        after={"status": WireTransfer.Status.SENT, "posting": release.pk},
    )
    return wire


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
        approval_lock(approval_id=locked_approval_id)
    source = Account.objects.select_for_update().get(pk=wire.source_id)
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
    if wire.approval_id is not None:
        approval_withdraw(
            approval_id=wire.approval_id,
            actor=actor,
            reason=f"The wire was {to_status}" + (f": {note}" if note else "."),
        )
    cache.wires_changed(customer_id=wire.customer_id, account_id=wire.source_id)
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
    source = Account.objects.select_for_update(no_key=True).get(pk=wire.source_id)
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


def _four_eyes(wire: WireTransfer) -> bool:
    return wire.amount >= _whole_units("wires.four_eyes_threshold", wire.currency)


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
    if not _four_eyes(wire):
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
    _wire_release(wire=wire, actor=reviewer, from_status=WireTransfer.Status.APPROVED)
    cache.wires_changed(customer_id=wire.customer_id, account_id=wire.source_id)


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


# ---- Staff settings: per-account limits, holidays ---------------------------------------------


@transaction.atomic
def wire_limit_override_set(
    *, account: Account, per_wire, daily, monthly, daily_count, reason: str, actor: User
) -> WireLimitOverride:
    """Give one account its own wire limits (None keeps the default), audited with before/after."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    current = WireLimitOverride.objects.select_for_update().filter(account=account).first()
    fields = {"per_wire": per_wire, "daily": daily, "monthly": monthly, "daily_count": daily_count}
    before = None if current is None else {name: getattr(current, name) for name in fields}
    override, _ = WireLimitOverride.objects.update_or_create(
        account=account,
        defaults={**fields, "reason": reason, "updated_by": actor, "updated_at": timezone.now()},
    )
    audit_record(
        action=actions.WIRE_LIMITS_CHANGED,
        actor=actor,
        target=account,
        before=before,
        after={**fields, "reason": reason},
    )
    cache.wires_changed(customer_id=account.customer_id, account_id=account.pk)
    return override


@transaction.atomic
def business_holiday_add(*, date: datetime.date, name: str, actor: User) -> BusinessHoliday:
    holiday = BusinessHoliday.objects.create(date=date, name=name)
    audit_record(
        action=actions.WIRE_HOLIDAY_ADDED, actor=actor, target=holiday, after={"date": date, "name": name}
    )
    return holiday


@transaction.atomic
def business_holiday_remove(*, holiday: BusinessHoliday, actor: User) -> None:
    audit_record(
        action=actions.WIRE_HOLIDAY_REMOVED,
        actor=actor,
        target=holiday,
        before={"date": holiday.date, "name": holiday.name},
    )
    holiday.delete()


# ---- Reads ------------------------------------------------------------------------------------


def wire_stats_body(*, customer_id: int) -> dict:
    """A customer's wire counts and totals per currency: today, this month, pending review.
    Cached (``wireTransferStats(userId)``), retired on every change of their wires."""
    now = timezone.now()
    day_start, month_start = _day_starts(now)
    return get_or_set(
        cache.wire_stats(customer_id, day_start.date().isoformat()),
        lambda: _wire_stats(customer_id=customer_id, day_start=day_start, month_start=month_start, now=now),
    )


def _wire_stats(*, customer_id: int, day_start, month_start, now) -> dict:
    counted = Q(status__in=COUNTED_STATUSES)
    today = counted & Q(created_at__gte=day_start)
    month = counted & Q(created_at__gte=month_start)
    pending = Q(status=WireTransfer.Status.PENDING_REVIEW)
    rows = (
        WireTransfer.objects.filter(customer_id=customer_id)
        .filter(Q(created_at__gte=min(day_start, month_start)) | pending)
        .values("currency")
        .annotate(
            today_count=Count("id", filter=today),
            today_total=Sum("amount", filter=today),
            month_count=Count("id", filter=month),
            month_total=Sum("amount", filter=month),
            pending_count=Count("id", filter=pending),
            pending_total=Sum("amount", filter=pending),
        )
        .order_by("currency")
    )

    def summary(row, prefix):
        return {
            "count": row[f"{prefix}_count"],
            "total": format_amount(row[f"{prefix}_total"] or 0, row["currency"]),
        }

    return {
        "as_of": now,
        "currencies": [
            {
                "currency": row["currency"],
                "today": summary(row, "today"),
                "this_month": summary(row, "month"),
                "pending_review": summary(row, "pending"),
            }
            for row in rows
        ],
    }


def wire_limits_body(*, customer: User, account_id: int) -> dict:
    """The customer's account's wire limits with used and remaining; 404 for an account that
    is not theirs. Cached (``wireTransferLimits(accountId)``), retired on every wire change."""
    account = Account.objects.filter(pk=account_id, customer=customer).first()
    if account is None:
        raise NotFound("You have no account with that id.")
    now = timezone.now()
    day_start, _ = _day_starts(now)
    return get_or_set(
        cache.wire_limits(account.pk, customer.pk, day_start.date().isoformat()),
        lambda: _limits_body(account=account, now=now),
    )


def _limits_body(*, account: Account, now) -> dict:
    kyc = _kyc_of(account.customer_id)
    limits = wire_limits(account=account, kyc_level=kyc[1] if kyc else None, now=now)
    currency = account.currency

    def amounts(limit, used):
        return {
            "limit": format_amount(limit, currency),
            "used": format_amount(used, currency),
            "remaining": format_amount(max(limit - used, 0), currency),
        }

    return {
        "account": account.pk,
        "currency": currency,
        "as_of": now,
        "per_wire": amounts(limits.per_wire, 0),
        "daily": amounts(limits.daily, limits.daily_used),
        "monthly": amounts(limits.monthly, limits.monthly_used),
        "daily_count": {
            "limit": limits.daily_count,
            "used": limits.daily_count_used,
            "remaining": max(limits.daily_count - limits.daily_count_used, 0),
        },
    }
