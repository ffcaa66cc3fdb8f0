"""Outgoing wires: the hold, screening and the decision to send or hold; the day's calendar.

The limits and the structuring rule are in ``wire_limits``, an account's own limits in
``wire_limit_overrides``, the compliance review and four eyes in ``wire_review``.

Every wire moves money through the ledger's posting service only:

- created: customer -> wire clearing (amount) and -> wire fees (fee), one posting, in the
  durable transaction that writes the wire, completes the Idempotency-Key and audits it;
- sent: wire clearing -> wire settlement, at once below the review threshold, else when
  compliance approves;
- rejected or cancelled: a new posting that reverses the hold, linked to it.

Locks are always taken in one order: the customer's user row (a new wire, whose limits and
structuring total span all the customer's accounts; deposits take it first too, and a
password change before it deletes the session tokens), the session's token, the
customer's source account, then the wire's row, then the bank's system accounts (by the
posting service), so no two wire paths can wait on each other.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from knox.models import AuthToken

from accounts.locks import account_lock
from accounts.models import LedgerEntry, Posting, User
from accounts.services.bank_accounts import system_account
from accounts.services.ledger import Leg, debit_check, ledger_transaction, posting_create
from accounts.sessions import session_hold
from audit import actions
from audit.services import audit_record
from bankcore import metrics
from bankcore.cache import get_or_set
from bankcore.config import config_get
from bankcore.errors import (
    KycRequired,
    NotFound,
)
from bankcore.money import format_amount
from kyc.models import KycStatus
from kyc.screening import screening_run
from transfers import cache
from transfers.idempotency import IdempotencyClaim
from transfers.models import BusinessHoliday, WireTransfer
from transfers.services.beneficiary_checks import wire_beneficiary_review_reason
from transfers.services.wire_limit_overrides import wire_limit_override_set
from transfers.services.wire_limits import (
    COUNTED_STATUSES,
    WireLimits,
    customer_kyc,
    day_starts,
    whole_units,
    wire_customer_lock,
    wire_limits,
    wire_limits_body,
    wire_review_threshold_reason,
    wire_time_zone,
)
from transfers.services.wire_review import (
    REVIEW_PERMISSION,
    SYSTEM_WIRE_CLEARING,
    SYSTEM_WIRE_FEES,
    SYSTEM_WIRE_SETTLEMENT,
    WIRE_RELEASE_APPROVAL,
    WireOwnAccount,
    WireSecondApproverRequired,
    wire_approve,
    wire_cancel,
    wire_reject,
    wire_release,
    wire_release_approved,
    wire_release_describe,
)

# The wire services, as callers have always imported them: creating a wire and the reads are
# here; the limits, the review and an account's own limits are in the modules beside it.
__all__ = [
    "COUNTED_STATUSES",
    "REVIEW_PERMISSION",
    "SYSTEM_WIRE_CLEARING",
    "SYSTEM_WIRE_FEES",
    "SYSTEM_WIRE_SETTLEMENT",
    "WIRE_RELEASE_APPROVAL",
    "WireLimits",
    "WireOwnAccount",
    "WireRequest",
    "WireSecondApproverRequired",
    "business_holiday_add",
    "business_holiday_remove",
    "wire_approve",
    "wire_cancel",
    "wire_create",
    "wire_limit_override_set",
    "wire_limits",
    "wire_limits_body",
    "wire_reject",
    "wire_release_approved",
    "wire_release_describe",
    "wire_stats_body",
    "wire_time_zone",
    "wire_value_date",
]

# The furthest a value date can lie ahead (a run of holidays longer than this is a mistake).
_MAX_VALUE_DATE_DAYS = 31


# ---- Time: the wire day, the value date -------------------------------------------------------


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


def _review_reason(*, amount: int, currency: str, hits: list[dict], unreviewed_today: int) -> dict | None:
    if hits:
        return {
            "rule": "sanctions_screening",
            "detail": "The beneficiary resembles a listed party; compliance staff will review the wire.",
        }
    return wire_review_threshold_reason(amount=amount, currency=currency, unreviewed_today=unreviewed_today)


@ledger_transaction()
def _wire_post(
    *,
    customer: User,
    request: WireRequest,
    hits: list[dict],
    auth_token: AuthToken | None,
    idempotency_claim: IdempotencyClaim | None,
) -> WireTransfer:
    # The customer's row first: their wires from all their accounts are judged one at a time.
    # Before the session's token too: a password change updates the row, then deletes the
    # tokens, and a wire holding the token while it waited for the row deadlocked with it.
    wire_customer_lock(customer_id=customer.pk)
    if auth_token is not None:
        session_hold(auth_token=auth_token)
    if idempotency_claim is not None:
        idempotency_claim.hold()
    kyc = customer_kyc(customer.pk)
    if kyc is None or kyc[0] != KycStatus.APPROVED:
        raise KycRequired()
    source = account_lock(account_id=request.source_account_id, customer_id=customer.pk)
    if source is None:
        raise NotFound("You have no account with that id.")
    currency = request.currency
    fee = whole_units("wires.fee", currency)
    debit_check(source, amount=request.amount + fee, currency=currency)
    now = timezone.now()
    limits = wire_limits(account=source, kyc_level=kyc[1], now=now)
    refusal = limits.refusal(request.amount)
    if refusal is not None:
        raise refusal
    # A sanctioned jurisdiction or an unverifiable bank is a reason whatever the amount.
    review_reason = wire_beneficiary_review_reason(request) or _review_reason(
        amount=request.amount, currency=currency, hits=hits, unreviewed_today=limits.unreviewed_today
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
        wire_release(wire=wire, actor=customer, from_status=WireTransfer.Status.APPROVED, clearing=clearing)
    cache.wires_changed(customer_id=customer.pk)
    return wire


# ---- Staff settings: the business-day calendar ------------------------------------------------


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
    day_start, month_start = day_starts(now)
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
