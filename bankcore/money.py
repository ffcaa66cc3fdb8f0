"""Money is an integer count of a currency's minor units; text is only for the API.

The exponent of each currency comes from ISO 4217 (this table), never from a guess.
"""

import re
from dataclasses import dataclass

from bankcore.errors import DomainError


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int
    name: str


CURRENCIES: dict[str, Currency] = {
    currency.code: currency
    for currency in (
        Currency("USD", 2, "US Dollar"),
        Currency("EUR", 2, "Euro"),
        Currency("GBP", 2, "Pound Sterling"),
        Currency("CHF", 2, "Swiss Franc"),
        Currency("JPY", 0, "Yen"),
        Currency("KWD", 3, "Kuwaiti Dinar"),
    )
}
CURRENCY_CHOICES = [(code, f"{code} — {currency.name}") for code, currency in CURRENCIES.items()]

# Ten trillion major units: more than any single payment, far below BIGINT's limit, so
# sums of many amounts cannot overflow either.
MAX_AMOUNT_MINOR = 10**16

# ASCII digits only: \d would also accept Arabic-Indic and other Unicode digits.
_AMOUNT = re.compile(r"(?P<whole>[0-9]{1,17})(?:\.(?P<fraction>[0-9]+))?")


class InvalidAmount(DomainError):
    code = "invalid_amount"
    status = 400


def parse_amount(text: str, currency_code: str) -> int:
    """A positive decimal string ("125.40") in minor units of the currency (12540).

    Refused: anything that is not plain digits with an optional fraction — signs, spaces,
    exponents, NaN, infinity, thousands separators — more decimals than the currency has,
    zero, and amounts above MAX_AMOUNT_MINOR.
    """
    currency = CURRENCIES.get(currency_code)
    if currency is None:
        raise InvalidAmount(f"{currency_code!r} is not a supported currency.")
    if not isinstance(text, str):
        raise InvalidAmount('Send the amount as a decimal string, for example "125.40".')
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise InvalidAmount('The amount must be a decimal string such as "125.40".')
    fraction = match.group("fraction") or ""
    if len(fraction) > currency.exponent:
        raise InvalidAmount(f"{currency.code} amounts have at most {currency.exponent} decimal places.")
    minor = int(match.group("whole")) * 10**currency.exponent + int(
        fraction.ljust(currency.exponent, "0") or 0
    )
    if minor == 0:
        raise InvalidAmount("The amount must be greater than zero.")
    if minor > MAX_AMOUNT_MINOR:
        raise InvalidAmount("The amount is larger than bankcore accepts.")
    return minor


def amount_pattern(currency_code: str) -> str:
    """The regular expression (ECMA and Python alike) of exactly the strings ``parse_amount``
    accepts for this currency, short of MAX_AMOUNT_MINOR itself: for the API schema."""
    exponent = CURRENCIES[currency_code].exponent
    whole_digits = len(str(MAX_AMOUNT_MINOR)) - 1 - exponent
    fraction = f"(\\.[0-9]{{1,{exponent}}})?" if exponent else ""
    # Up to 17 digits before the point, leading zeros included, and below the maximum.
    nonzero_whole = "|".join(
        f"0{{0,{17 - significant}}}[1-9][0-9]{{{significant - 1}}}"
        for significant in range(1, whole_digits + 1)
    )
    alternatives = [f"({nonzero_whole}){fraction}"]
    if exponent:
        nonzero_fraction = "|".join(
            f"0{{{zeros}}}[1-9][0-9]{{0,{exponent - 1 - zeros}}}" for zeros in range(exponent)
        )
        alternatives.append(f"0{{1,17}}\\.({nonzero_fraction})")
    return "^(" + "|".join(alternatives) + ")$"


def whole_units_to_minor(table: object, currency_code: str) -> int:
    """A per-currency table's entry (whole units of each currency, as the money settings hold
    them: ``{"USD": 10_000, "JPY": 1_500_000}``) in minor units of ``currency_code``; 0 when
    the table does not name the currency or names it with anything but a whole number from 0."""
    units = table.get(currency_code) if isinstance(table, dict) else None
    if isinstance(units, bool) or not isinstance(units, int) or units < 0:
        return 0
    return units * 10 ** CURRENCIES[currency_code].exponent


def format_amount(minor: int, currency_code: str) -> str:
    """Minor units as the API's decimal string: 12540 USD -> "125.40", -5 USD -> "-0.05"."""
    exponent = CURRENCIES[currency_code].exponent
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}" if exponent else f"{sign}{whole}"
