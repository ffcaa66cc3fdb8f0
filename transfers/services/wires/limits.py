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

from django.db import connection

from accounts.errors import SessionEnded
from accounts.locks import Guard, active_user_row_guard, user_row_lock
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
    user_row_lock(user_id=customer_id)


def wire_customer_guard(*, customer_id: int) -> Guard:
    """``wire_customer_lock`` as the first guard of a new wire's account lock (one statement
    on PostgreSQL), refusing a customer who is gone or no longer active: their session has
    ended (a deactivation that committed while the wire waited for the row included)."""
    return active_user_row_guard(user_id=customer_id, refusal=SessionEnded)


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
    each. One query: the overrides and the sums are read together (``_limits_used``)."""
    currency = account.currency
    defaults = wire_limit_defaults(currency)
    day_start, month_start = day_starts(now)
    used = _limits_used(account=account, day_start=day_start, month_start=month_start)
    factor = wire_full_kyc_multiplier() if full_kyc else 1

    def uses(scope: str) -> dict[str, LimitUse]:
        limits = {}
        for name in LIMIT_NAMES:
            override = used[f"{scope}_{name}_override"]
            if scope == "customer":
                # The highest override among the customer's accounts raises the default only.
                limit = defaults[name] if override is None else max(defaults[name], override)
            else:
                limit = defaults[name] if override is None else override
            spent = 0 if name == "per_wire" else used[f"{scope}_{name}"]
            limits[name] = LimitUse(limit=limit * factor, used=spent)
        return limits

    return WireLimits(
        currency=currency,
        account=uses("account"),
        customer=uses("customer"),
        unreviewed_today=used["unreviewed_today"],
    )


# What the wires of the day and the month use, and the overrides: ``_limits_used``'s columns.
_USED_COLUMNS = (
    "account_daily",
    "account_daily_count",
    "account_monthly",
    "customer_daily",
    "customer_daily_count",
    "customer_monthly",
    "unreviewed_today",
)
_OVERRIDE_COLUMNS = tuple(
    f"{scope}_{name}_override" for scope in ("account", "customer") for name in LIMIT_NAMES
)


def _limits_used(
    *, account: Account, day_start: datetime.datetime, month_start: datetime.datetime
) -> dict[str, int | None]:
    """In one statement: what the customer's counted wires of the month and the day in the
    account's currency sum to (for the account and across all the customer's accounts; the
    customer's wires by date, wire_customer_created_idx), and the overrides of the
    customer's accounts in the currency: the account's own, and the highest of each limit
    (None where no override sets it). Sums and counts are whole numbers, 0 for none.

    Plain SQL that any database runs (CASE rather than FILTER): the ORM spent more time
    building this statement than the database took to answer it.
    """
    quote = connection.ops.quote_name
    wires, overrides, accounts = (
        quote(model._meta.db_table) for model in (WireTransfer, WireLimitOverride, Account)
    )
    today, own = "w.created_at >= %s", "w.source_id = %s"
    sums = (
        f"SUM(CASE WHEN {today} AND {own} THEN w.amount END)",
        f"COUNT(CASE WHEN {today} AND {own} THEN 1 END)",
        f"SUM(CASE WHEN {own} THEN w.amount END)",
        f"SUM(CASE WHEN {today} THEN w.amount END)",
        f"COUNT(CASE WHEN {today} THEN 1 END)",
        "SUM(w.amount)",
        # Released by the rules, never held: the wire has no review reason.
        f"SUM(CASE WHEN {today} AND w.review_reason IS NULL THEN w.amount END)",
    )
    # The month starts on or before the day: the month's wires are all that the sums read.
    day, month = (connection.ops.adapt_datetimefield_value(value) for value in (day_start, month_start))
    sum_params = [day, account.pk, day, account.pk, account.pk, day, day, day]
    statuses = ", ".join(["%s"] * len(COUNTED_STATUSES))
    own_override = [f"MAX(CASE WHEN o.account_id = %s THEN o.{name} END)" for name in LIMIT_NAMES]
    highest_override = [f"MAX(o.{name})" for name in LIMIT_NAMES]
    # Table and column names are the models', every value is a parameter. Each side is one
    # aggregate row, so their product is one row.
    sql = (
        f"SELECT u.*, v.* FROM (SELECT {', '.join(sums)} FROM {wires} w "  # noqa: S608
        "WHERE w.customer_id = %s AND w.currency = %s AND w.created_at >= %s "
        f"AND w.status IN ({statuses})) u, "
        f"(SELECT {', '.join(own_override + highest_override)} FROM {overrides} o "
        f"JOIN {accounts} a ON a.id = o.account_id WHERE a.customer_id = %s AND a.currency = %s) v"
    )
    where_params = [account.customer_id, account.currency, month, *COUNTED_STATUSES]
    override_params = [account.pk] * len(LIMIT_NAMES) + [account.customer_id, account.currency]
    with connection.cursor() as cursor:
        cursor.execute(sql, sum_params + where_params + override_params)
        row = cursor.fetchone()
    sums_read, overrides_read = row[: len(_USED_COLUMNS)], row[len(_USED_COLUMNS) :]
    used = {name: int(value or 0) for name, value in zip(_USED_COLUMNS, sums_read, strict=True)}
    return used | dict(zip(_OVERRIDE_COLUMNS, overrides_read, strict=True))


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
