from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from bankcore.api.schema import error_statuses
from bankcore.api.viewsets import CustomerScopedViewSet
from transfers import idempotency, selectors, services
from transfers.api.serializers import TransferInputSerializer, TransferOutputSerializer
from transfers.models import Transfer

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    # Printable ASCII; no leading or trailing space, which HTTP strips from header values.
    {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.MAX_KEY_LENGTH,
        "pattern": r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
    },
    OpenApiParameter.HEADER,
    required=True,
    description="1-255 characters, unique per request: a retry with the same key and body replays the "
    "first response.",
)
IDEMPOTENT_REPLAYED_HEADER = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201],
    enum=["true"],
    description="Present when this is the stored response of an earlier request with the same key.",
)


class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = Transfer.objects.select_related("destination")
    serializer_class = TransferOutputSerializer
    lookup_value_regex = r"[0-9]+"

    def scoped_queryset(self):
        return selectors.transfer_list_for_customer(customer=self.request.user)

    @extend_schema(
        request=TransferInputSerializer,
        responses={201: TransferOutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENT_REPLAYED_HEADER],
    )
    # 404: the source account is not the customer's; 409 and 422: idempotency and the ledger's
    # rules; 429: too many refused transfers.
    @error_statuses(404, 409, 422, 429)
    def create(self, request):
        key = idempotency.idempotency_key_from(request.headers)
        serializer = TransferInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fingerprint = idempotency.request_fingerprint(method="POST", path=request.path, body=request.data)
        claim = idempotency.idempotency_claim(customer=request.user, key=key, fingerprint=fingerprint)
        if claim.replay:
            body = TransferOutputSerializer(claim.record.transfer).data
            return Response(
                body, status=claim.record.response_status, headers={"Idempotent-Replayed": "true"}
            )
        try:
            transfer = services.transfer_create(
                customer=request.user,
                source_account_id=serializer.validated_data["source_account"],
                destination_number=serializer.validated_data["destination_account_number"],
                amount=serializer.validated_data["amount"],
                currency=serializer.validated_data["currency"],
                description=serializer.validated_data["description"],
                idempotency_record=claim.record,
            )
        except BaseException:
            idempotency.idempotency_release(record=claim.record)
            raise
        return Response(TransferOutputSerializer(transfer).data, status=status.HTTP_201_CREATED)
