from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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


def money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)
