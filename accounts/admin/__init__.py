"""The back office for accounts: Django's admin autodiscovery imports this package, which
registers each concern's ModelAdmin from its own module."""

from accounts.admin import (  # noqa: F401
    approvals,
    bank_accounts,
    customer_page,
    ledger,
    login,
    tokens,
    users,
)
