"""The accounts app's event types (bankcore.events; docs/events.md)."""

from bankcore.events import EventType

ACCOUNT_OPENED = EventType(
    name="account.opened",
    object_type="account",
    description="An account of the customer's was opened.",
    route="account-detail",
)
ACCOUNT_FROZEN = EventType(
    name="account.frozen",
    object_type="account",
    description="Staff froze the account: no money moves on it until it is unfrozen.",
    route="account-detail",
)
ACCOUNT_UNFROZEN = EventType(
    name="account.unfrozen",
    object_type="account",
    description="Staff unfroze the account: money moves on it again.",
    route="account-detail",
)
DEPOSIT_POSTED = EventType(
    name="deposit.posted",
    object_type="account",
    description="A deposit was credited to the account (its history has the entry).",
    route="account-detail",
)
