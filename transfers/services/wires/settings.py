"""The run-time settings of wires that staff change (``wires.*``, defaults in
transfers.config), read as the wire code needs them: amounts in minor units of a currency,
the time zone as a zone. Nothing else in the wire code spells a setting's name."""

import zoneinfo

from bankcore.config import config_get
from bankcore.money import whole_units_to_minor

# The system setting that gives each amount limit's default, per currency in whole units.
AMOUNT_LIMIT_SETTINGS = {
    "per_wire": "wires.limit_per_wire",
    "daily": "wires.limit_daily",
    "monthly": "wires.limit_monthly",
}


def wire_time_zone() -> zoneinfo.ZoneInfo:
    """The zone of the cut-off, the business days and the days of the limits."""
    return zoneinfo.ZoneInfo(config_get("wires.time_zone"))


def wire_cutoff() -> tuple[int, int]:
    """The cut-off time of the wire day, as (hours, minutes) in the wire time zone."""
    hours, minutes = config_get("wires.cutoff_time").split(":")
    return int(hours), int(minutes)


def wire_fee(currency: str) -> int:
    """The fee of one wire in minor units of ``currency`` (0 for a currency not named)."""
    return whole_units_to_minor(config_get("wires.fee"), currency)


def wire_review_threshold(currency: str) -> int:
    """From this amount up (minor units) a wire waits for compliance; 0 for a currency not
    named, so every wire in it waits."""
    return whole_units_to_minor(config_get("wires.review_threshold"), currency)


def wire_four_eyes_threshold(currency: str) -> int:
    """From this amount up (minor units) a held wire needs two approvers; 0 for a currency
    not named, so every held wire in it needs two."""
    return whole_units_to_minor(config_get("wires.four_eyes_threshold"), currency)


def wire_limit_defaults(currency: str) -> dict[str, int]:
    """The system's default limits in ``currency`` (minor units; the count as a number),
    before KYC raises them. A currency not named may send nothing."""
    defaults = {
        name: whole_units_to_minor(config_get(setting), currency)
        for name, setting in AMOUNT_LIMIT_SETTINGS.items()
    }
    defaults["daily_count"] = config_get("wires.limit_daily_count")
    return defaults


def wire_full_kyc_multiplier() -> int:
    """What full KYC multiplies every wire limit by."""
    return config_get("wires.full_kyc_multiplier")


def wire_override_ceiling_multiple() -> int:
    """The most an account's own limits may be, as a multiple of the defaults."""
    return config_get("wires.override_ceiling_multiple")
