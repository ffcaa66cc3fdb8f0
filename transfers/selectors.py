"""The transfers app's reads: a customer's wire stats and wire limits as the API answers
them, each cached and retired by every change of the customer's wires (transfers.cache)."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Account, User
from accounts.selectors import account_cached
from bankcore.cache import get_or_set
from bankcore.errors import NotFound
from bankcore.money import format_amount
from kyc.selectors import kyc_standing
from transfers import cache
from transfers.models import WireTransfer
from transfers.services.wires.calendar import day_starts
from transfers.services.wires.limits import AMOUNT_LIMITS, COUNTED_STATUSES, LimitUse, wire_limits


def wire_stats_body(*, customer_id: int) -> dict:
    """A customer's wire counts and totals per currency: today, this month, pending review.
    Cached (``wireTransferStats(userId)``), retired on every change of their wires."""
    now = timezone.now()
    day_start, month_start = day_starts(now)
    return get_or_set(
        cache.wire_stats(customer_id, day_start.date().isoformat()),
        lambda: _wire_stats(customer_id=customer_id, day_start=day_start, month_start=month_start, now=now),
    )


def _wire_stats(
    *, customer_id: int, day_start: datetime.datetime, month_start: datetime.datetime, now: datetime.datetime
) -> dict:
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
    """The customer's account's wire limits, and the customer's across all their accounts in
    its currency, with used and remaining; 404 for an account that is not theirs. Cached
    (``wireTransferLimits(accountId)``), retired on every wire change of the customer."""
    # The account's cached row: its owner and currency never change.
    account = account_cached(account_id=account_id)
    if account is None or account.customer_id != customer.pk:
        raise NotFound("You have no account with that id.")
    now = timezone.now()
    day_start, _ = day_starts(now)
    return get_or_set(
        cache.wire_limits(account.pk, customer.pk, day_start.date().isoformat()),
        lambda: _limits_body(account=account, now=now),
    )


def _limits_body(*, account: Account, now: datetime.datetime) -> dict:
    standing = kyc_standing(customer_id=account.customer_id)
    limits = wire_limits(account=account, full_kyc=standing is not None and standing.full, now=now)
    currency = account.currency

    def shown(uses: dict[str, LimitUse]) -> dict:
        body = {
            name: {
                "limit": format_amount(uses[name].limit, currency),
                "used": format_amount(uses[name].used, currency),
                "remaining": format_amount(uses[name].remaining, currency),
            }
            for name in AMOUNT_LIMITS
        }
        count = uses["daily_count"]
        body["daily_count"] = {"limit": count.limit, "used": count.used, "remaining": count.remaining}
        return body

    return {
        "account": account.pk,
        "currency": currency,
        "as_of": now,
        **shown(limits.account),
        "customer": shown(limits.customer),
    }
