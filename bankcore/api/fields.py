import functools
import unicodedata

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bankcore.digits import LARGEST_ID, ascii_whole_number
from bankcore.money import CURRENCY_CHOICES, InvalidAmount, format_amount, parse_amount


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[0-9]+(\.[0-9]+)?$",
        "example": "125.40",
        "description": "A positive decimal string with no more decimals than the currency has.",
    }
)
class AmountTextField(serializers.Field):
    """An amount as the API writes it: a decimal string, never a JSON number.

    Parsing into minor units needs the currency, so serializers call ``to_minor_units``
    from ``validate`` once the currency field has been read.
    """

    default_error_messages = {
        "not_a_string": 'Send the amount as a decimal string, for example "125.40".',
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return data

    def to_representation(self, value):
        return value


def to_minor_units(attrs: dict, *, amount_field: str = "amount", currency_field: str = "currency") -> int:
    try:
        return parse_amount(attrs[amount_field], attrs[currency_field])
    except InvalidAmount as exc:
        raise serializers.ValidationError({amount_field: [exc.detail]}, code=exc.code) from None


class CurrencyField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=CURRENCY_CHOICES, **kwargs)


@extend_schema_field(
    {"type": "string", "example": "125.40", "description": "Decimal string in the currency's units."}
)
class MoneyField(serializers.Field):
    """Integer minor units read from ``source``, written as the API's decimal string in the
    currency named by the object's ``currency_attribute``."""

    def __init__(self, *, currency_attribute: str = "currency", **kwargs):
        super().__init__(read_only=True, **kwargs)
        self.currency_attribute = currency_attribute

    def get_attribute(self, instance):
        return super().get_attribute(instance), getattr(instance, self.currency_attribute)

    def to_representation(self, value):
        minor, currency = value
        return format_amount(minor, currency)


# Control (ESC, BEL, CR, LF…), format (bidi overrides such as U+202E, zero-width), surrogate
# and line/paragraph separator characters: invisible or layout-changing in whatever shows
# the text later (another customer's history, a statement, a log line).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@functools.cache
def free_text_pattern() -> str:
    """The regular expression of what FreeTextField accepts, for the OpenAPI schema.

    Built from this Python's Unicode tables, so the schema refuses what the field does. Lone
    surrogates (Cs) are left out: no valid UTF-8 text holds one, and a pattern naming them is
    one that common JSON Schema validators cannot compile.
    """
    ranges: list[list[int]] = []
    # Only the Basic Multilingual Plane: ECMA 262, the schema's regex dialect, has no escape for a
    # code point above U+FFFF, and the fuzzers' regex engines refuse one written as itself. The
    # few format characters above it (tag characters, U+E0001…) are refused all the same.
    for code_point in range(0x10000):
        if unicodedata.category(chr(code_point)) in REFUSED_CATEGORIES - {"Cs"}:
            if ranges and ranges[-1][1] == code_point - 1:
                ranges[-1][1] = code_point
            else:
                ranges.append([code_point, code_point])

    def escaped(code_point: int) -> str:
        return f"\\u{code_point:04x}"

    refused = "".join(
        escaped(start) if start == end else f"{escaped(start)}-{escaped(end)}" for start, end in ranges
    )
    return f"^[^{refused}]+$"


class StringOnly:
    """For a field the schema calls a string: DRF's CharField would turn a JSON number or
    boolean into text; refuse it instead."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class FreeTextField(StringOnly, serializers.CharField):
    """Text a customer writes for others to read: one line of visible characters, stored NFC."""

    default_error_messages = {
        "invalid_character": "Control, format and line-break characters are not allowed (found {character}).",
    }

    def to_internal_value(self, data):
        value = unicodedata.normalize("NFC", super().to_internal_value(data))
        for character in value:
            if unicodedata.category(character) in REFUSED_CATEGORIES:
                self.fail("invalid_character", character=f"U+{ord(character):04X}")
        return value


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": LARGEST_ID})
class IdField(serializers.IntegerField):
    """The id of one of the customer's objects: a JSON integer, or a string of ASCII digits (a
    query parameter is a string), from 1 to BIGINT's largest.

    DRF's IntegerField reads an Arabic-Indic or full-width 8, ``"8.0"`` and a JSON 8.0 as 8:
    refused here.
    """

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=LARGEST_ID, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        number = ascii_whole_number(data)
        if number is None:
            self.fail("invalid")
        return number


class DateField(serializers.DateField):
    """An ISO 8601 date (YYYY-MM-DD) in ASCII digits: Django's parser, which DRF's field
    uses, also reads dates written in Arabic-Indic or full-width digits."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not value.isascii():
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)
