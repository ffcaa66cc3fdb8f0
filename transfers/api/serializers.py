from rest_framework import serializers

from bankcore.api.fields import AmountTextField, CurrencyField, FreeTextField, MoneyField, to_minor_units
from transfers.models import Transfer


class TransferInputSerializer(serializers.Serializer):
    source_account = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    destination_account_number = serializers.RegexField(
        r"^[0-9]{12}$", error_messages={"invalid": "An account number is 12 digits."}
    )
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
