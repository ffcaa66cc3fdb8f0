import re

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bankcore.api.fields import (
    AmountTextField,
    CurrencyField,
    FreeTextField,
    IdField,
    MoneyField,
    iso_datetime,
    to_minor_units,
)
from bankcore.api.schema import currency_amount_one_of
from bankcore.digits import LARGEST_ID
from bankcore.money import CURRENCIES, InvalidAmount, format_amount, parse_amount
from transfers.models import Transfer


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-9]{12}$",
        # Not a regular expression's job: the last two digits are ISO 7064 MOD 97-10 check digits.
        "format": "account-number",
        "example": "123456789092",
        "description": "12 digits, the last two ISO 7064 MOD 97-10 check digits of the first ten.",
    }
)
class AccountNumberField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            r"^[0-9]{12}$", error_messages={"invalid": "An account number is 12 digits."}, **kwargs
        )


class TransferInputSerializer(serializers.Serializer):
    source_account = IdField()
    destination_account_number = AccountNumberField()
    amount = AmountTextField()
    currency = CurrencyField()
    description = FreeTextField(max_length=140, required=False, allow_blank=True, default="")

    def validate_destination_account_number(self, value: str) -> str:
        from accounts.numbers import account_number_is_valid

        if not account_number_is_valid(value):
            raise serializers.ValidationError(
                "This account number's check digits are wrong.", code="checksum"
            )
        return value

    def validate(self, attrs):
        attrs["amount"] = to_minor_units(attrs)
        return attrs

    @staticmethod
    def plain_validated(data) -> dict | None:
        """What ``validated_data`` would be for a body of the common, plainly valid shape,
        read without the serializer (a tenth of its CPU, on every transfer); None for any
        other body, which the serializer then reads and words any refusal of. Plain: only
        this serializer's keys, the account id a JSON integer, the description printable
        ASCII with no space at either end (which no field rule changes). A test holds it to
        the serializer's answer on generated bodies."""
        from accounts.numbers import account_number_is_valid

        if type(data) is not dict or not data.keys() <= _TRANSFER_KEYS:
            return None
        source, number = data.get("source_account"), data.get("destination_account_number")
        amount, currency = data.get("amount"), data.get("currency")
        description = data.get("description", "")
        if not (
            type(source) is int
            and 1 <= source <= LARGEST_ID
            and type(number) is str
            and len(number) == 12
            and number.isascii()
            and number.isdigit()
            and type(amount) is str
            and type(currency) is str
            and currency in CURRENCIES
            and type(description) is str
            and _PLAIN_DESCRIPTION.fullmatch(description)
            and account_number_is_valid(number)
        ):
            return None
        try:
            minor = parse_amount(amount, currency)
        except InvalidAmount:
            return None
        return {
            "source_account": source,
            "destination_account_number": number,
            "amount": minor,
            "currency": currency,
            "description": description,
        }


_TRANSFER_KEYS = frozenset(TransferInputSerializer._declared_fields)
# Printable ASCII, no space at either end, within the description's 140 characters (or none).
_PLAIN_DESCRIPTION = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e]{0,138}[\x21-\x7e])?)?")


class TransferInputSchema(OpenApiSerializerExtension):
    """How many decimals an amount may have is its currency's: the schema pairs each currency
    with its own amount pattern, so what it calls valid is what the API accepts."""

    target_class = TransferInputSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        # Under allOf, beside the properties: a client generator (make client) reads a
        # top-level oneOf as alternatives to the whole object and drops its properties.
        schema["allOf"] = [{"oneOf": currency_amount_one_of()}]
        return schema


class TransferOutputSerializer(serializers.ModelSerializer):
    source_account = serializers.IntegerField(source="source_id")
    destination_account_number = serializers.CharField(source="destination.number")
    amount = MoneyField()
    posting_id = serializers.IntegerField()

    class Meta:
        model = Transfer
        fields = [
            "id",
            "source_account",
            "destination_account_number",
            "amount",
            "currency",
            "description",
            "status",
            "posting_id",
            "created_at",
        ]
        read_only_fields = fields


def transfer_body(transfer: Transfer) -> dict:
    """TransferOutputSerializer's output, built directly (the transfer's ``destination``
    loaded): every transfer made answers with it, and the ModelSerializer cost more CPU
    than the transfer's statements. The serializer stays the schema's declaration; a test
    keeps the two identical."""
    return {
        "id": transfer.pk,
        "source_account": transfer.source_id,
        "destination_account_number": transfer.destination.number,
        "amount": format_amount(transfer.amount, transfer.currency),
        "currency": transfer.currency,
        "description": transfer.description,
        "status": transfer.status,
        "posting_id": transfer.posting_id,
        "created_at": iso_datetime(transfer.created_at),
    }
