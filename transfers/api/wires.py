"""Outgoing wires: create (idempotent), list, read, cancel, stats and limits."""

import copy

import django_filters
import pycountry
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from bankcore.api.fields import (
    AmountTextField,
    CurrencyField,
    FreeTextField,
    IdField,
    MoneyField,
    iso_datetime,
    to_minor_units,
)
from bankcore.api.filters import FilterSet, IdFilter, UtcDateTimeFilter
from bankcore.api.renderers import json_response
from bankcore.api.schema import currency_amount_one_of, error_statuses
from bankcore.api.viewsets import CustomerScopedViewSet
from bankcore.money import format_amount
from transfers import bank_identifiers
from transfers.api.idempotency import (
    IDEMPOTENCY_KEY_PARAMETER,
    IDEMPOTENT_REPLAYED_HEADER,
    IdempotentCreateMixin,
)
from transfers.models import WireTransfer
from transfers.selectors import wire_limits_body, wire_stats_body
from transfers.services.wires.create import WireRequest, wire_create
from transfers.services.wires.review import wire_cancel

COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)


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


# ---- Input ------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "minLength": 4,
        "maxLength": 34,
        # Not a regular expression's job: an IBAN's country format and ISO 7064 check digits.
        "format": "beneficiary-account",
        "example": "DE89370400440532013000",
        "description": "An IBAN (its country's format and check digits; its country is "
        "beneficiary_country), or with beneficiary_routing_number a US account number of 4 to 17 "
        "ASCII digits 0-9 (invalid_account_number). Spaces are ignored, letters may be lower case.",
    }
)
class BeneficiaryAccountField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=42, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return "".join(super().to_internal_value(data).split()).upper()


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$",
        "format": "bic",
        "example": "COBADEFFXXX",
        "description": "A BIC of 8 or 11 characters. Where the bank directory knows the IBAN's bank, "
        "the BIC must be that bank's (its first 8 characters; any branch code): otherwise 400 "
        "bic_mismatch. Where it does not, the BIC's country (characters 5-6) must be the IBAN's "
        "(country_mismatch), and a BIC the directory does not know either holds the wire for review "
        "(unverified_bic). With a routing number the BIC must be a US one.",
    }
)
class BicField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        value = super().to_internal_value(data).strip().upper()
        if len(value) not in (8, 11):
            raise serializers.ValidationError("A BIC has 8 or 11 characters.", code="invalid_length")
        try:
            BIC(value)
        except SchwiftyException as exc:
            raise serializers.ValidationError(f"This is not a valid BIC: {exc}", code="invalid_bic") from None
        return value


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-9]{9}$",
        "format": "aba-routing-number",
        "description": "A US ABA routing number (9 ASCII digits, the first two a Federal Reserve "
        "prefix 00-12, 21-32, 61-72 or 80, not all zeros, the last a check digit, e.g. 011000015; "
        "invalid_routing_number): then beneficiary_account is a US account number. Leave it out or "
        "null for an IBAN.",
    }
)
class RoutingNumberField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not bank_identifiers.routing_number_valid(value):
            raise serializers.ValidationError(
                "This is not a valid ABA routing number: 9 digits 0-9, the first two a Federal "
                "Reserve prefix (00-12, 21-32, 61-72 or 80), the last a valid check digit.",
                code="invalid_routing_number",
            )
        return value


class WireInputSerializer(FieldsBuiltOnce, serializers.Serializer):
    source_account = IdField()
    amount = AmountTextField()
    currency = CurrencyField()
    beneficiary_name = FreeTextField(max_length=140)
    beneficiary_account = BeneficiaryAccountField()
    beneficiary_bic = BicField(required=False, allow_null=True, default=None)
    beneficiary_country = serializers.ChoiceField(
        choices=COUNTRY_CODES,
        help_text="ISO 3166-1 alpha-2. For an IBAN, the IBAN's country (country_mismatch otherwise). "
        "A comprehensively sanctioned country, here or as the IBAN's or the BIC's, holds the wire for "
        "review (sanctioned_jurisdiction).",
    )
    beneficiary_address = FreeTextField(max_length=140, required=False, allow_blank=True, default="")
    beneficiary_routing_number = RoutingNumberField(required=False, allow_null=True, default=None)
    reference = FreeTextField(max_length=140, required=False, allow_blank=True, default="")
    charge_bearer = serializers.ChoiceField(
        choices=WireTransfer.ChargeBearer.choices, required=False, default=WireTransfer.ChargeBearer.SHAR
    )

    def validate(self, attrs):
        attrs["amount"] = to_minor_units(attrs)
        account, bic = attrs["beneficiary_account"], attrs.get("beneficiary_bic")
        if attrs.get("beneficiary_routing_number"):
            if not bank_identifiers.us_account_number_valid(account):
                raise serializers.ValidationError(
                    {
                        "beneficiary_account": [
                            "With a routing number, give a US account number of 4 to 17 digits 0-9."
                        ]
                    },
                    code="invalid_account_number",
                )
            if bic and bic[4:6] != "US":
                raise serializers.ValidationError(
                    {
                        "beneficiary_bic": [
                            "A wire by ABA routing number goes to a US bank: the BIC must be a US one."
                        ]
                    },
                    code="country_mismatch",
                )
            return attrs
        try:
            iban = IBAN(account)
        except SchwiftyException as exc:
            raise serializers.ValidationError(
                {"beneficiary_account": [f"This is not a valid IBAN: {exc}"]}, code="invalid_iban"
            ) from None
        if attrs["beneficiary_country"] != iban.country_code:
            raise serializers.ValidationError(
                {
                    "beneficiary_country": [
                        f"An IBAN's beneficiary is in the IBAN's country ({iban.country_code})."
                    ]
                },
                code="country_mismatch",
            )
        if bic:
            self._check_bic_of_iban(bic, iban)
        attrs["beneficiary_account"] = iban.compact
        return attrs

    @staticmethod
    def _check_bic_of_iban(bic: str, iban: IBAN) -> None:
        """The IBAN alone names the bank (as SEPA allows); a BIC, when given, must be that bank's.

        Where the registry knows the IBAN's bank, the BIC must be one of its institutions (any
        branch of it). Where it does not, the BIC must at least be of the IBAN's country; one
        the registry does not know either holds the wire for review (``unverified_bic``).
        """
        institutions = bank_identifiers.iban_bank_institutions(iban)
        if institutions:
            if bank_identifiers.institution(bic) not in institutions:
                raise serializers.ValidationError(
                    {
                        "beneficiary_bic": [
                            f"This BIC is not the IBAN's bank's ({', '.join(sorted(institutions))})."
                        ]
                    },
                    code="bic_mismatch",
                )
        elif bic[4:6] != iban.country_code:
            raise serializers.ValidationError(
                {
                    "beneficiary_bic": [
                        f"The BIC's country ({bic[4:6]}) is not the IBAN's ({iban.country_code})."
                    ]
                },
                code="country_mismatch",
            )

    @staticmethod
    def wire_request(data: dict) -> WireRequest:
        return WireRequest(
            source_account_id=data["source_account"],
            amount=data["amount"],
            currency=data["currency"],
            beneficiary_name=data["beneficiary_name"],
            beneficiary_account=data["beneficiary_account"],
            beneficiary_bic=data.get("beneficiary_bic") or "",
            beneficiary_country=data["beneficiary_country"],
            beneficiary_address=data["beneficiary_address"],
            beneficiary_routing_number=data.get("beneficiary_routing_number") or "",
            reference=data["reference"],
            charge_bearer=data["charge_bearer"],
        )


class WireInputSchema(OpenApiSerializerExtension):
    """Each currency with its own amount pattern, as for internal transfers."""

    target_class = WireInputSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        # Under allOf, beside the properties: a client generator (make client) reads a
        # top-level oneOf as alternatives to the whole object and drops its properties.
        schema["allOf"] = [{"oneOf": currency_amount_one_of()}]
        return schema


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


class WireLimitsQuerySerializer(serializers.Serializer):
    account = IdField()


# ---- Views ------------------------------------------------------------------------------------


class WireTransferFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=WireTransfer.Status.choices)
    account = IdFilter(field_name="source_id")
    created_after = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Created at or after (ISO 8601)."
    )
    created_before = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Created before (ISO 8601)."
    )

    class Meta:
        model = WireTransfer
        fields = ["status", "account", "created_after", "created_before"]


class WireTransferViewSet(
    IdempotentCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet
):
    queryset = WireTransfer.objects.all()
    serializer_class = WireOutputSerializer
    row_body = staticmethod(wire_body)
    input_serializer_class = WireInputSerializer
    filterset_class = WireTransferFilter
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        request=WireInputSerializer,
        responses={201: WireOutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENT_REPLAYED_HEADER],
    )
    # 403: no approved KYC (kyc_required); 404: the source account is not the customer's;
    # 409: idempotency; 422: the ledger's rules and the wire limits (limit_exceeded).
    @error_statuses(403, 404, 409, 422)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_idempotent_create(self, data, claim):
        return wire_create(
            customer=self.request.user,
            request=WireInputSerializer.wire_request(data),
            auth_token=self.request.auth,
            idempotency_claim=claim,
        )

    @extend_schema(request=None, responses={200: WireOutputSerializer})
    # 409: the wire is no longer pending review (invalid_state).
    @error_statuses(409)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        wire = self.get_object()
        wire = wire_cancel(customer=request.user, wire_id=wire.pk)
        return Response(self.get_serializer(wire).data)

    @extend_schema(responses={200: WireStatsSerializer}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def stats(self, request):
        return json_response(request, with_iso_as_of(wire_stats_body(customer_id=request.user.pk)))

    @extend_schema(
        responses={200: WireLimitsSerializer},
        parameters=[
            OpenApiParameter(
                "account",
                {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                OpenApiParameter.QUERY,
                required=True,
                description="The id of one of the customer's accounts.",
            )
        ],
        filters=False,
    )
    # 404: the account is not the customer's.
    @error_statuses(404)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def limits(self, request):
        query = WireLimitsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = wire_limits_body(customer=request.user, account_id=query.validated_data["account"])
        return json_response(request, with_iso_as_of(body))
