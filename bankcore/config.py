"""Run-time configuration: SystemSetting rows, cached per key and retired on every change.

Every setting code reads has a documented default, registered by the app that owns it
(``register_defaults``, from the app's ``AppConfig.ready()``); a row overrides it. Staff change
rows in the admin, through ``accounts.services.operations.config_set``, which is audited and
refuses a value that is not of its default's type. The kernel imports no app, so the audited
change lives there.
"""

import logging
import math
import zoneinfo
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from bankcore.cache import TTL, Slot, get_or_set
from bankcore.digits import ascii_digits
from bankcore.errors import InvalidSetting
from bankcore.models import SystemSetting
from bankcore.money import CURRENCIES, MAX_AMOUNT_MINOR

logger = logging.getLogger("bankcore.config")

CONFIG = "config"
# Whole-number settings end up compared with BIGINT columns in SQL.
LARGEST_WHOLE_NUMBER = 2**63 - 1

# The registry: each setting's name, mapped to its default and what it does.
DEFAULTS = {
    # Wires: per-currency tables in whole units, like the deposit limits.
    "wires.review_threshold": (
        {"USD": 10_000, "EUR": 10_000, "GBP": 10_000, "CHF": 10_000, "JPY": 1_500_000, "KWD": 3_000},
        "Wires at or above this, in whole units of their currency, wait in pending_review for "
        "compliance staff (WIRE_REVIEW_THRESHOLD). A currency left out sends every wire to review.",
    ),
    "wires.four_eyes_threshold": (
        {"USD": 50_000, "EUR": 50_000, "GBP": 50_000, "CHF": 50_000, "JPY": 7_500_000, "KWD": 15_000},
        "Held wires at or above this, in whole units, need two different staff members to approve "
        "(WIRE_FOUR_EYES_THRESHOLD). A currency left out needs two for every held wire.",
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


def register_defaults(defaults: dict[str, tuple]) -> None:
    """Add an app's settings to the registry, each name mapped to (default, description).

    Called from the owning app's ``AppConfig.ready()``. A name already registered is refused,
    so two apps can never both claim one setting.
    """
    taken = sorted(DEFAULTS.keys() & defaults.keys())
    if taken:
        raise ImproperlyConfigured(f"Settings registered twice: {', '.join(taken)}.")
    DEFAULTS.update(defaults)


def _is_clock_time(value: str) -> bool:
    hours, _, minutes = value.partition(":")
    return (
        len(hours) == 2
        and len(minutes) == 2
        and ascii_digits(hours + minutes)
        and int(hours) < 24
        and int(minutes) < 60
    )


def _is_time_zone(value: str) -> bool:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


# Settings with a format of their own: the check, and what the refusal says is expected.
_FORMATS = {
    "wires.cutoff_time": (_is_clock_time, "a time of day as HH:MM"),
    "wires.time_zone": (_is_time_zone, "an IANA time zone name such as America/New_York"),
}


def register_format(name: str, *, check: Callable[[object], bool], expected: str) -> None:
    """Give a registered setting a format of its own beyond its default's type: ``check`` is
    asked about a value already of that type, and a refusal says the value must be ``expected``."""
    if name not in DEFAULTS:
        raise ImproperlyConfigured(f"Setting {name} has no registered default to give a format to.")
    if name in _FORMATS:
        raise ImproperlyConfigured(f"Setting {name} has a format already.")
    _FORMATS[name] = (check, expected)


def setting_slot(name: str) -> Slot:
    """The cache family of settings: one row's value, or that it has none."""
    return Slot("config", (name,), ((CONFIG, name),), TTL.HOUR, remember_not_found=True)


def config_get(name: str):
    """The current value of setting ``name``: its row's, or the documented default.

    A row that does not hold a valid value (one written before values were checked) is
    logged and ignored, so a bad setting can never break the code that reads it.
    """
    default, _ = DEFAULTS[name]
    row = get_or_set(
        setting_slot(name),
        lambda: SystemSetting.objects.filter(key=name).values_list("value", flat=True).first(),
    )
    if row is None:
        return default
    try:
        config_check(name=name, value=row)
    except InvalidSetting as exc:
        logger.error("setting %s holds an invalid value, using its default: %s", name, exc.detail)
        return default
    return row


def config_check(*, name: str, value) -> None:
    """Refuse a value that is not of the type of the setting's default, or a negative number.

    JSON has one number type, so a whole number is accepted where the default is a float;
    a bool is never accepted for a number (nor a number for a bool), although Python's bool
    is an int. A table default is a per-currency amount table (the deposit limits): each key
    a currency bankcore knows, each value a whole number of its units from 0 up to the most
    any amount may be.
    """
    default, _ = DEFAULTS[name]
    if isinstance(default, bool):
        valid, expected = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        valid = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= LARGEST_WHOLE_NUMBER
        expected = "a whole number from 0"
    elif isinstance(default, float):
        valid = (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        )
        expected = "a number from 0"
    elif isinstance(default, dict):
        valid = isinstance(value, dict) and all(
            code in CURRENCIES
            and isinstance(units, int)
            and not isinstance(units, bool)
            and 0 <= units * 10 ** CURRENCIES[code].exponent <= MAX_AMOUNT_MINOR
            for code, units in value.items()
        )
        expected = "a table of known currency codes to whole numbers of their units, from 0"
    elif name in _FORMATS:
        is_valid, expected = _FORMATS[name]
        valid = isinstance(value, type(default)) and is_valid(value)
    else:
        valid, expected = isinstance(value, type(default)), f"a {type(default).__name__}"
    if not valid:
        raise InvalidSetting(f"{name} must be {expected}, not {value!r}.", extra={"setting": name})
