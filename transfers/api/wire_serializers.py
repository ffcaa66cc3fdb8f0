"""The wire API's answers: the serializers that declare them in the schema, and the plain
bodies the views write (a test keeps each equal to its serializer)."""

import copy

from rest_framework import serializers

from bankcore.api.fields import MoneyField, iso_datetime
from bankcore.money import format_amount
from transfers.models import WireTransfer


# DRF builds every serializer's fields again for each instance: a deep copy of the declared
# fields (the country field rebuilds its 249 choices each time) and, for a model serializer,
# each field from the model's metadata. A wire's creation makes two serializers, and a list
# one per wire. A serializer with this mixin builds its fields once per class, and each
# instance takes a shallow copy of them, which it then binds to itself: binding sets the
# copy's own attributes, and nothing changes a field's validators or choices after it is
# built, so the copies share them. A nested serializer is deep-copied, as DRF does, since
# binding it builds fields of its own. (A comment, not a docstring: the schema would show a
# docstring as the description of every serializer without one of its own.)
class FieldsBuiltOnce:
    def get_fields(self):
        built = type(self).__dict__.get("_fields_built")
        if built is None:
            built = super().get_fields()
            type(self)._fields_built = built
        return {
            name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer) else copy.copy(field)
            for name, field in built.items()
        }


# ---- Output -----------------------------------------------------------------------------------


class ReviewReasonSerializer(FieldsBuiltOnce, serializers.Serializer):
    rule = serializers.ChoiceField(
        choices=[
            "amount_threshold",
            "daily_total_threshold",
            "sanctions_screening",
            "sanctioned_jurisdiction",
            "unverified_bic",
        ],
        help_text="amount_threshold: at or above the review threshold; daily_total_threshold: the "
        "customer's wires sent today without review, with this one, reach the review threshold; "
        "sanctions_screening: the beneficiary's name resembles a listed party; "
        "sanctioned_jurisdiction: the beneficiary's country, the IBAN's or the BIC's is a "
        "comprehensively sanctioned jurisdiction, or the address names a sanctioned region; "
        "unverified_bic: neither the IBAN's bank nor the BIC is in the bank directory.",
    )
    detail = serializers.CharField()
    threshold = serializers.CharField(
        required=False, help_text="The review threshold (amount_threshold, daily_total_threshold)."
    )
    amount = serializers.CharField(
        required=False, help_text="The wire's amount (amount_threshold, daily_total_threshold)."
    )
    sent_today_unreviewed = serializers.CharField(
        required=False,
        help_text="What the customer sent today in the currency without review, before this wire "
        "(daily_total_threshold).",
    )
    jurisdiction = serializers.CharField(
        required=False,
        help_text="The sanctioned jurisdiction (sanctioned_jurisdiction): an ISO 3166-1 country code "
        "such as IR, or an ISO 3166-2 region code such as UA-43.",
    )
    field = serializers.ChoiceField(
        choices=["beneficiary_country", "iban_country", "bic_country", "beneficiary_address"],
        required=False,
        help_text="What matched the jurisdiction (sanctioned_jurisdiction).",
    )
    bic = serializers.CharField(required=False, help_text="The BIC not found (unverified_bic).")


class WireOutputSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    source_account = serializers.IntegerField(source="source_id")
    amount = MoneyField()
    fee = MoneyField()
    review_reason = ReviewReasonSerializer(allow_null=True, read_only=True)
    hold_posting_id = serializers.IntegerField()
    release_posting_id = serializers.IntegerField(allow_null=True)
    reversal_posting_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = WireTransfer
        fields = [
            "id",
            "uetr",
            "source_account",
            "amount",
            "fee",
            "currency",
            "beneficiary_name",
            "beneficiary_account",
            "beneficiary_bic",
            "beneficiary_country",
            "beneficiary_address",
            "beneficiary_routing_number",
            "reference",
            "charge_bearer",
            "value_date",
            "status",
            "review_reason",
            "hold_posting_id",
            "release_posting_id",
            "reversal_posting_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def wire_body(wire: WireTransfer) -> dict:
    """WireOutputSerializer's output, built directly: every wire made, replayed, listed or
    read answers with it, and the ModelSerializer cost a tenth of a new wire's CPU. The
    serializer stays the schema's declaration; a test keeps the two identical."""
    currency = wire.currency
    return {
        "id": wire.pk,
        "uetr": str(wire.uetr),
        "source_account": wire.source_id,
        "amount": format_amount(wire.amount, currency),
        "fee": format_amount(wire.fee, currency),
        "currency": currency,
        "beneficiary_name": wire.beneficiary_name,
        "beneficiary_account": wire.beneficiary_account,
        "beneficiary_bic": wire.beneficiary_bic,
        "beneficiary_country": wire.beneficiary_country,
        "beneficiary_address": wire.beneficiary_address,
        "beneficiary_routing_number": wire.beneficiary_routing_number,
        "reference": wire.reference,
        "charge_bearer": wire.charge_bearer,
        "value_date": wire.value_date.isoformat(),
        "status": wire.status,
        "review_reason": _review_reason_body(wire.review_reason),
        "hold_posting_id": wire.hold_posting_id,
        "release_posting_id": wire.release_posting_id,
        "reversal_posting_id": wire.reversal_posting_id,
        "created_at": iso_datetime(wire.created_at),
        "updated_at": iso_datetime(wire.updated_at),
    }


def _review_reason_body(reason: dict | None) -> dict | None:
    """ReviewReasonSerializer's output: its fields that the reason has, as text, in its order."""
    if reason is None:
        return None
    return {
        name: None if reason[name] is None else str(reason[name])
        for name in _REVIEW_REASON_FIELDS
        if name in reason
    }


_REVIEW_REASON_FIELDS = tuple(ReviewReasonSerializer._declared_fields)


class WireSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    total = serializers.CharField()


class WireCurrencyStatsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    today = WireSummarySerializer()
    this_month = WireSummarySerializer()
    pending_review = WireSummarySerializer()


class WireStatsSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField()
    currencies = WireCurrencyStatsSerializer(many=True)


class AmountLimitSerializer(serializers.Serializer):
    limit = serializers.CharField()
    used = serializers.CharField()
    remaining = serializers.CharField()


class CountLimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()


class CustomerLimitsSerializer(serializers.Serializer):
    """The customer's limits across all their accounts in the currency."""

    per_wire = AmountLimitSerializer()
    daily = AmountLimitSerializer()
    monthly = AmountLimitSerializer()
    daily_count = CountLimitSerializer()


class WireLimitsSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    currency = serializers.CharField()
    as_of = serializers.DateTimeField()
    per_wire = AmountLimitSerializer()
    daily = AmountLimitSerializer()
    monthly = AmountLimitSerializer()
    daily_count = CountLimitSerializer()
    customer = CustomerLimitsSerializer()


def with_iso_as_of(body: dict) -> dict:
    """A stats or limits body as its serializer (WireStatsSerializer, WireLimitsSerializer)
    writes it: the selectors build every other value as the API shows it, so only the time
    needs writing. The serializers stay the schema's declaration; a test keeps the two
    identical."""
    return {**body, "as_of": iso_datetime(body["as_of"])}
