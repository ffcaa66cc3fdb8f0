import datetime
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


def iso_datetime(value: datetime.datetime | None) -> str | None:
    """An aware datetime as DRF's DateTimeField writes it (ISO 8601 in UTC, the project's
    only time zone, "Z" for +00:00), without the field: plain response bodies call this
    once per row."""
    if value is None:
        return None
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
# the text later (another customer's history, a statement, a log line). Private-use characters
# draw whatever a font makes of them, and unassigned ones (noncharacters such as U+FFFF among
# them) draw nothing yet: neither is text. Unassigned means in this Python's Unicode tables.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"})
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters a renderer
# shows as nothing, whatever their category, such as the combining grapheme joiner U+034F,
# the variation selectors (U+FE00-FE0F, U+E0100-E01EF), Mongolian U+180B-180F and the Hangul
# fillers U+115F, U+1160, U+3164 and U+FFA0. The property is stable: Unicode adds no new ones
# outside these ranges.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Blank look-alikes that are not ignorable: the Braille pattern with no dots draws a space
# that is not one.
BLANK_LOOKALIKES = frozenset({"\u2800"})
# The most combining marks one base character may carry (counted decomposed): Vietnamese needs
# two and Devanagari stacks three; dozens ("Zalgo") overprint the lines around them.
MAX_COMBINING_MARKS = 3
_MARK_CATEGORIES = frozenset({"Mn", "Mc", "Me"})


def character_refused(character: str) -> bool:
    """Whether free text refuses ``character``: invisible, layout-changing or not text."""
    if unicodedata.category(character) in REFUSED_CATEGORIES or character in BLANK_LOOKALIKES:
        return True
    code_point = ord(character)
    return any(start <= code_point <= end for start, end in DEFAULT_IGNORABLE)


def most_combining_marks(text: str) -> int:
    """The most combining marks that follow one character of ``text``, decomposed."""
    most = run = 0
    for character in unicodedata.normalize("NFD", text):
        run = run + 1 if unicodedata.category(character) in _MARK_CATEGORIES else 0
        most = max(most, run)
    return most


@functools.cache
def free_text_pattern() -> str:
    """The regular expression of the characters FreeTextField accepts, for the OpenAPI schema.

    Built from this Python's Unicode tables, so the schema refuses what the field does. Lone
    surrogates (Cs) are left out: no valid UTF-8 text holds one, and a pattern naming them is
    one that common JSON Schema validators cannot compile. The limit on combining marks is the
    field's description, not the pattern's.
    """
    ranges: list[list[int]] = []
    # Only the Basic Multilingual Plane: ECMA 262, the schema's regex dialect, has no escape for a
    # code point above U+FFFF, and the fuzzers' regex engines refuse one written as itself. The
    # characters refused above it (tag characters, variation selectors, private use…) are
    # refused all the same.
    for code_point in range(0x10000):
        character = chr(code_point)
        if character_refused(character) and unicodedata.category(character) != "Cs":
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
    """Text a customer writes for others to read: one line of visible characters, stored NFC.

    The one rule for every such field (descriptions, references, names, addresses): no
    control, format, line-break, private-use, unassigned or default-ignorable character, no
    blank look-alike, and at most ``MAX_COMBINING_MARKS`` combining marks on one character.
    """

    default_error_messages = {
        "invalid_character": (
            "Control, format, line-break, invisible, private-use and unassigned characters are not "
            "allowed (found {character})."
        ),
        "too_many_combining_marks": (
            f"A character may carry at most {MAX_COMBINING_MARKS} combining marks (found {{count}})."
        ),
    }

    def to_internal_value(self, data):
        value = unicodedata.normalize("NFC", super().to_internal_value(data))
        for character in value:
            if character_refused(character):
                self.fail("invalid_character", character=f"U+{ord(character):04X}")
        marks = most_combining_marks(value)
        if marks > MAX_COMBINING_MARKS:
            self.fail("too_many_combining_marks", count=marks)
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
