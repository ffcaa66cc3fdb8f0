"""The back office for accounts: Django's admin autodiscovery imports this package, which
registers each concern's ModelAdmin from its own module."""

from accounts.admin import approvals, bank_accounts, ledger, login, system_settings, tokens, users  # noqa: F401
