"""Wire limits and the structuring rule: what an account and its customer may still wire.

Every limit (per wire, daily, monthly, daily count) holds twice: for the account, and for
the customer across all their accounts in the currency, so opening more accounts never
adds up to more. The customer's limits are the system defaults, raised to the highest
override among their accounts in the currency; full KYC raises both.

A wire is judged while its customer's user row is locked (``wire_customer_lock``), so two
wires of one customer, from any of their accounts, are summed one after the other.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from accounts.locks import users_lock
from accounts.models import Account
from bankcore.money import format_amount
from transfers.errors import LimitExceeded
from transfers.models import WireLimitOverride, WireTransfer
from transfers.services.wires.calendar import day_starts
from transfers.services.wires.settings import (
    wire_full_kyc_multiplier,
    wire_limit_defaults,
    wire_review_threshold,
)

# Wires that hold money or have sent it: what counts against the limits and in the stats.
COUNTED_STATUSES = (
    WireTransfer.Status.PENDING_REVIEW,
    WireTransfer.Status.APPROVED,
    WireTransfer.Status.SENT,
)
LIMIT_NAMES = ("per_wire", "daily", "monthly", "daily_count")
AMOUNT_LIMITS = ("per_wire", "daily", "monthly")


def wire_customer_lock(*, customer_id: int) -> None:
    """Lock the customer's user row: it serialises one customer's wires (and their limit
    changes) across all their accounts. Taken before any account lock, as deposits take
    their users' rows first. FOR NO KEY UPDATE: a concurrent commit's foreign-key check on
    the user (rows pointing at them) takes a key-share lock, which a full FOR UPDATE blocks."""
    users_lock([customer_id])


@dataclass(frozen=True)
class LimitUse:
    limit: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


@dataclass(frozen=True)
class WireLimits:
    """An account's and its customer's wire limits now, and what is used of them; amounts
    in minor units. ``unreviewed_today`` is what the customer sent today in the currency
    with no review (released by the rules), for the structuring rule."""

    currency: str
    account: dict[str, LimitUse]
    customer: dict[str, LimitUse]
    unreviewed_today: int

    def refusal(self, amount: int) -> LimitExceeded | None:
        """The refusal of a wire of ``amount`` under these limits, or None if it fits. It
        names the tighter of the account's and the customer's limit, so what it says remains
        is what a next wire may really send."""
        for name in LIMIT_NAMES:
            wanted = 1 if name == "daily_count" else amount
            scope, use = "account", self.account[name]
            if self.customer[name].remaining < use.remaining:
                scope, use = "customer", self.customer[name]
            if wanted <= use.remaining:
                continue
            shown = int if name == "daily_count" else (lambda value: format_amount(value, self.currency))
            whose = "the account's" if scope == "account" else "your (all your accounts')"
            return LimitExceeded(
                f"The wire is above {whose} {name.replace('_', ' ')} limit.",
                extra={
                    "limit": name,
                    "scope": scope,
                    "limit_value": shown(use.limit),
                    "used": shown(use.used),
                    "remaining": shown(use.remaining),
                    "currency": self.currency,
                },
            )
        return None


def wire_limits(*, account: Account, full_kyc: bool, now: datetime.datetime) -> WireLimits:
    """``account``'s limits (the defaults or its override) and its customer's (the defaults
    raised to their accounts' highest override in the currency), both raised when the
    customer's KYC level is full, with what the counted wires of today and this month use of
    each. Two queries."""
    currency = account.currency
    defaults = wire_limit_defaults(currency)
    account_limits, customer_limits = dict(defaults), dict(defaults)
    overrides = WireLimitOverride.objects.filter(
        account__customer_id=account.customer_id, account__currency=currency
    ).values("account_id", *LIMIT_NAMES)
    for override in overrides:
        for name in LIMIT_NAMES:
            if override[name] is None:
                continue
            customer_limits[name] = max(customer_limits[name], override[name])
            if override["account_id"] == account.pk:
                account_limits[name] = override[name]
    factor = wire_full_kyc_multiplier() if full_kyc else 1
    day_start, month_start = day_starts(now)
    today, month = Q(created_at__gte=day_start), Q(created_at__gte=month_start)
    own = Q(source_id=account.pk)
    # One customer's wires of the month and the day in the currency (wire_customer_created_idx).
    used = WireTransfer.objects.filter(
        customer_id=account.customer_id,
        currency=currency,
        created_at__gte=min(day_start, month_start),
        status__in=COUNTED_STATUSES,
    ).aggregate(
        account_daily=Sum("amount", filter=today & own),
        account_daily_count=Count("id", filter=today & own),
        account_monthly=Sum("amount", filter=month & own),
        customer_daily=Sum("amount", filter=today),
        customer_daily_count=Count("id", filter=today),
        customer_monthly=Sum("amount", filter=month),
        # Released by the rules, never held: the wire has no review reason.
        unreviewed_today=Sum("amount", filter=today & Q(review_reason__isnull=True)),
    )

    def uses(limits: dict[str, int], prefix: str) -> dict[str, LimitUse]:
        return {
            name: LimitUse(
                limit=limits[name] * factor,
                used=0 if name == "per_wire" else used[f"{prefix}_{name}"] or 0,
            )
            for name in LIMIT_NAMES
        }

    return WireLimits(
        currency=currency,
        account=uses(account_limits, "account"),
        customer=uses(customer_limits, "customer"),
        unreviewed_today=used["unreviewed_today"] or 0,
    )


def wire_review_threshold_reason(*, amount: int, currency: str, unreviewed_today: int) -> dict | None:
    """Why a wire of ``amount`` waits for review by the amount rules, or None.

    One wire at or above the review threshold waits; so does any wire that would bring
    what the customer sent today in the currency without review to the threshold or past
    it, so wires split below it (from one account or many) still reach compliance.
    """
    threshold = wire_review_threshold(currency)
    if amount >= threshold:
        return {
            "rule": "amount_threshold",
            "threshold": format_amount(threshold, currency),
            "amount": format_amount(amount, currency),
            "detail": "Wires at or above the review threshold are approved by compliance staff.",
        }
    if unreviewed_today + amount >= threshold:
        return {
            "rule": "daily_total_threshold",
            "threshold": format_amount(threshold, currency),
            "amount": format_amount(amount, currency),
            "sent_today_unreviewed": format_amount(unreviewed_today, currency),
            "detail": "Today's wires sent without review, this one with them, reach the review "
            "threshold; compliance staff will review it.",
        }
    return None
