"""The transfers app's cache families, one function each, and the writes that retire them.
Nothing else spells their keys."""

from bankcore.cache import TTL, Slot, bump_on_commit, prefetch
from bankcore.config import CONFIG
from kyc.config import SANCTIONED_JURISDICTIONS
from kyc.selectors import kyc_cache_scope

# Generation scope: a wire's creation, any change of its state or of a limit override bumps it.
# Limits span all of a customer's accounts, so everything wired is summed per customer.
WIRE_CUSTOMER = "wire-customer"
# Generation scope of the wire calendar: adding or removing a business holiday bumps it.
WIRE_CALENDAR = ("wire-calendar", 0)

# The settings a limits answer is computed from: a change to any retires it.
LIMIT_SETTINGS = (
    "wires.limit_per_wire",
    "wires.limit_daily",
    "wires.limit_monthly",
    "wires.limit_daily_count",
    "wires.full_kyc_multiplier",
    "wires.time_zone",
)

# Every setting a new wire reads: its fee, limits, review threshold, value date and the
# sanctioned jurisdictions its beneficiary is screened against.
WIRE_CREATE_SETTINGS = (
    *LIMIT_SETTINGS,
    "wires.fee",
    "wires.review_threshold",
    "wires.cutoff_time",
    SANCTIONED_JURISDICTIONS,
)


def wire_create_prefetch() -> None:
    """Fetch the generations of every setting a new wire reads, and of the calendar, in one
    round trip: each has its own, which the wire would otherwise fetch one at a time."""
    prefetch(WIRE_CALENDAR, *((CONFIG, name) for name in WIRE_CREATE_SETTINGS))


def wire_stats(customer_id: int, day: str) -> Slot:
    """A customer's wire totals of ``day`` and its month, and what waits for review
    (``wireTransferStats(userId)``)."""
    return Slot("wire-stats", (customer_id, day), ((WIRE_CUSTOMER, customer_id),), TTL.MEDIUM)


def wire_limits(account_id: int, customer_id: int, day: str) -> Slot:
    """One account's wire limits, and its customer's across all their accounts, with what is
    used of them on ``day`` (``wireTransferLimits(accountId)``). A wire or an override on any
    of the customer's accounts changes the customer's, and the KYC level raises limits, so
    either retires it."""
    scopes = (
        (WIRE_CUSTOMER, customer_id),
        kyc_cache_scope(customer_id),
        *((CONFIG, name) for name in LIMIT_SETTINGS),
    )
    return Slot("wire-limits", (account_id, day), scopes, TTL.MEDIUM)


def wire_holidays(first_day: str) -> Slot:
    """The business holidays from ``first_day`` over the span a value date may lie ahead."""
    return Slot("wire-holidays", (first_day,), (WIRE_CALENDAR,), TTL.DAY)


def holidays_changed() -> None:
    """Schedule, for after commit, the bump that retires the cached holidays."""
    bump_on_commit(*WIRE_CALENDAR)


def wires_changed(*, customer_id: int) -> None:
    """Schedule, for after commit, the bumps that retire cached wire stats and limits."""
    bump_on_commit(WIRE_CUSTOMER, customer_id)
