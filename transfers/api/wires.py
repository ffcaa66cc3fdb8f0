"""Outgoing wires: create (idempotent), list, read, cancel, stats and limits."""

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
    to_minor_units,
)
from bankcore.api.filters import FilterSet, IdFilter, UtcDateTimeFilter
from bankcore.api.renderers import json_response
from bankcore.api.schema import currency_amount_one_of, error_statuses
from bankcore.api.viewsets import CustomerScopedViewSet
from transfers import bank_identifiers
from transfers.api.idempotency import (
    IDEMPOTENCY_KEY_PARAMETER,
    IDEMPOTENT_REPLAYED_HEADER,
    IdempotentCreateMixin,
)
from transfers.api.wire_serializers import (
    FieldsBuiltOnce,
    WireLimitsSerializer,
    WireOutputSerializer,
    WireStatsSerializer,
    wire_body,
    with_iso_as_of,
)
from transfers.models import WireTransfer
from transfers.selectors import wire_limits_body, wire_stats_body
from transfers.services.wires.create import WireRequest, wire_create
from transfers.services.wires.review import wire_cancel

COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)


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
