from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from bankcore.api.schema import error_statuses
from bankcore.api.viewsets import CustomerScopedViewSet
from transfers.api.idempotency import (
    IDEMPOTENCY_KEY_PARAMETER,
    IDEMPOTENT_REPLAYED_HEADER,
    IdempotentCreateMixin,
)
from transfers.api.serializers import TransferInputSerializer, TransferOutputSerializer, transfer_body
from transfers.models import Transfer
from transfers.services import transfers as services


class TransferViewSet(
    IdempotentCreateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet
):
    queryset = Transfer.objects.select_related("destination")
    serializer_class = TransferOutputSerializer
    row_body = staticmethod(transfer_body)
    input_serializer_class = TransferInputSerializer
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        request=TransferInputSerializer,
        responses={201: TransferOutputSerializer},
        parameters=[IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENT_REPLAYED_HEADER],
    )
    # 404: the source account is not the customer's; 409 and 422: idempotency and the ledger's
    # rules; 429: too many refused transfers.
    @error_statuses(404, 409, 422, 429)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_idempotent_create(self, data, claim):
        return services.transfer_create(
            customer=self.request.user,
            source_account_id=data["source_account"],
            destination_number=data["destination_account_number"],
            amount=data["amount"],
            currency=data["currency"],
            description=data["description"],
            auth_token=self.request.auth,
            idempotency_claim=claim,
        )
