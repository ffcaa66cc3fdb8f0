"""The transfers app's run-time settings: the wires' defaults, registered with the kernel
from ``TransfersConfig.ready()``. Staff change them in the back office (audited);
``transfers.services.wires.settings`` reads them."""

from bankcore.config import is_clock_time, is_time_zone

# Per-currency tables are in whole units of each currency, like the deposit limits: minor
# units differ by currency and so do values, and there is no exchange rate to convert.
DEFAULTS = {
    "wires.review_threshold": (
        {"USD": 10_000, "EUR": 10_000, "GBP": 10_000, "CHF": 10_000, "JPY": 1_500_000, "KWD": 3_000},
        "Wires at or above this, in whole units of their currency, wait in pending_review for "
        "compliance staff. A currency left out sends every wire to review.",
    ),
    "wires.four_eyes_threshold": (
        {"USD": 50_000, "EUR": 50_000, "GBP": 50_000, "CHF": 50_000, "JPY": 7_500_000, "KWD": 15_000},
        "Held wires at or above this, in whole units, need two different staff members to approve "
        "(four eyes). A currency left out needs two for every held wire.",
    ),
    "wires.fee": (
        {"USD": 0, "EUR": 0, "GBP": 0, "CHF": 0, "JPY": 0, "KWD": 0},
        "Fee per wire, in whole units of its currency, held with the amount and refunded on "
        "rejection or cancellation. A currency left out charges none.",
    ),
    "wires.limit_per_wire": (
        {"USD": 100_000, "EUR": 100_000, "GBP": 100_000, "CHF": 100_000, "JPY": 15_000_000, "KWD": 30_000},
        "Most one wire may send, per currency in whole units, from an account with basic KYC. "
        "A currency left out sends no wires.",
    ),
    "wires.limit_daily": (
        {"USD": 200_000, "EUR": 200_000, "GBP": 200_000, "CHF": 200_000, "JPY": 30_000_000, "KWD": 60_000},
        "Most one account may wire per day (of the wire time zone), per currency in whole units, "
        "with basic KYC. Rejected and cancelled wires do not count.",
    ),
    "wires.limit_monthly": (
        {
            "USD": 1_000_000,
            "EUR": 1_000_000,
            "GBP": 1_000_000,
            "CHF": 1_000_000,
            "JPY": 150_000_000,
            "KWD": 300_000,
        },
        "Most one account may wire per calendar month, per currency in whole units, with basic KYC.",
    ),
    "wires.limit_daily_count": (20, "Most wires one account may send per day with basic KYC."),
    "wires.override_ceiling_multiple": (
        5,
        "The most an account's own wire limits may be, as a multiple of the defaults (before full "
        "KYC raises both). Limits above the defaults also need a second member of staff's approval.",
    ),
    "wires.full_kyc_multiplier": (
        2,
        "Full KYC raises every wire limit of an account (amounts and the daily count) by this factor.",
    ),
    "wires.cutoff_time": (
        "15:00",
        "Wires made at or after this time (HH:MM, wire time zone) get a later value date: the next "
        "business day.",
    ),
    "wires.time_zone": (
        "America/New_York",
        "The IANA time zone of the wire cut-off, the business days and the days of the wire limits.",
    ),
}

# Settings with a format of their own: the check, and what the refusal says is expected.
FORMATS = {
    "wires.cutoff_time": (is_clock_time, "a time of day as HH:MM"),
    "wires.time_zone": (is_time_zone, "an IANA time zone name such as America/New_York"),
}
