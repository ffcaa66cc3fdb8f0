"""The accounts app's run-time settings, registered with the kernel's registry from
``AccountsConfig.ready()``; staff change them in the back office (``bankcore.config``)."""

from bankcore.config import register_defaults

DEFAULTS = {
    "accounts.max_per_customer": (10, "Most accounts one customer may hold."),
    # Deposit limits are per currency, in whole units of it: minor units differ by currency
    # (JPY has none, KWD three) and so do values, and there is no exchange rate to convert.
    "deposits.approval_threshold": (
        {"USD": 10_000, "EUR": 10_000, "GBP": 10_000, "CHF": 10_000, "JPY": 1_500_000, "KWD": 3_000},
        "Staff deposits above this, in whole units of their currency, wait for a second member "
        "of staff to approve them. A currency left out needs approval for every deposit.",
    ),
    "deposits.daily_limit_per_staff": (
        {"USD": 100_000, "EUR": 100_000, "GBP": 100_000, "CHF": 100_000, "JPY": 15_000_000, "KWD": 30_000},
        "Most one member of staff may deposit per currency and UTC day, in whole units, approved "
        "deposits included. A currency left out takes no deposits.",
    ),
}


def config_register() -> None:
    register_defaults(DEFAULTS)
