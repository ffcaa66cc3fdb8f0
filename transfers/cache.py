"""The transfers app's cache families, one function each, and the writes that retire them.
Nothing else spells their keys."""

from bankcore.cache import TTL, Slot, bump_on_commit
from bankcore.config import CONFIG
from kyc.cache import KYC

# Generation scopes: a wire's creation or any change of its state bumps both.
WIRE_CUSTOMER = "wire-customer"  # everything summed per customer: wire stats
WIRE_ACCOUNT = "wire-account"  # everything summed per source account: wire limits

# The settings a limits answer is computed from: a change to any retires it.
LIMIT_SETTINGS = (
    "wires.limit_per_wire",
    "wires.limit_daily",
    "wires.limit_monthly",
    "wires.limit_daily_count",
    "wires.full_kyc_multiplier",
    "wires.time_zone",
)


def wire_stats(customer_id: int, day: str) -> Slot:
    """A customer's wire totals of ``day`` and its month, and what waits for review
    (``wireTransferStats(userId)``)."""
    return Slot("wire-stats", (customer_id, day), ((WIRE_CUSTOMER, customer_id),), TTL.MEDIUM)


def wire_limits(account_id: int, customer_id: int, day: str) -> Slot:
    """One account's wire limits with what is used of them on ``day``
    (``wireTransferLimits(accountId)``). The KYC level raises limits, so a KYC change retires it."""
    scopes = (
        (WIRE_ACCOUNT, account_id),
        (KYC, customer_id),
        *((CONFIG, name) for name in LIMIT_SETTINGS),
    )
    return Slot("wire-limits", (account_id, day), scopes, TTL.MEDIUM)


def wires_changed(*, customer_id: int, account_id: int) -> None:
    """Schedule, for after commit, the bumps that retire cached wire stats and limits."""
    bump_on_commit(WIRE_CUSTOMER, customer_id)
    bump_on_commit(WIRE_ACCOUNT, account_id)
