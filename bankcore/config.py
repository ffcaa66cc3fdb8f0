"""Run-time configuration: SystemSetting rows, cached per key and retired on every change.

Settings that code reads have a documented default; a row overrides it. The kernel's own
defaults are here; each app registers its own from its ``AppConfig.ready()`` with
``register_defaults`` (and ``register_formats`` for a value with a format of its own), so
the kernel never names a domain's settings. Staff change rows in the admin, through
``bankcore.backoffice.operations.config_set``, which is audited and refuses a value that is
not of its default's type. The kernel imports no app, so the audited change lives there.
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

# Every setting's (default, description), by name: each app registers its own from ready().
DEFAULTS: dict[str, tuple[object, str]] = {}
# Settings with a format of their own: the check, and what the refusal says is expected.
_FORMATS: dict[str, tuple[Callable[[object], bool], str]] = {}


def register_defaults(defaults: dict[str, tuple[object, str]]) -> None:
    """Add an app's settings, ``{name: (default, description)}``, from its ``ready()``. A
    name registered twice is a mistake, refused at start-up rather than silently replaced."""
    taken = sorted(DEFAULTS.keys() & defaults.keys())
    if taken:
        raise ImproperlyConfigured(f"Settings registered twice: {', '.join(taken)}.")
    DEFAULTS.update(defaults)


def register_formats(formats: dict[str, tuple[Callable[[object], bool], str]]) -> None:
    """Add the formats of an app's text settings, ``{name: (check, what it expects)}``:
    ``config_check`` refuses a value of the right type that ``check`` does not accept."""
    taken = sorted(_FORMATS.keys() & formats.keys())
    if taken:
        raise ImproperlyConfigured(f"Setting formats registered twice: {', '.join(taken)}.")
    _FORMATS.update(formats)


def is_clock_time(value: str) -> bool:
    """A time of day as HH:MM in ASCII digits."""
    hours, _, minutes = value.partition(":")
    return (
        len(hours) == 2
        and len(minutes) == 2
        and ascii_digits(hours + minutes)
        and int(hours) < 24
        and int(minutes) < 60
    )


def is_time_zone(value: str) -> bool:
    """An IANA time zone name that this system knows."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


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
