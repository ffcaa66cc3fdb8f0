from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from bankcore.errors import NotFound
from transfers import idempotency

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


class IdempotentCreateMixin:
    """A money-moving POST that honours the Idempotency-Key protocol (transfers.idempotency),
    on a CustomerScopedViewSet.

    The viewset names its ``input_serializer_class`` (which may read plainly valid bodies
    itself: ``validated_input``) and implements
    ``perform_idempotent_create(data, claim)``, which calls one service with the claim; the
    service holds the claim first in its durable transaction and completes it with what it
    created. The created object is answered through ``get_serializer``; a replay answers it
    again, read through the viewset's own customer-scoped queryset.
    """

    input_serializer_class = None

    def create(self, request, *args, **kwargs):
        key = idempotency.idempotency_key_from(request.headers)
        validated = self.validated_input(request.data)
        fingerprint = idempotency.request_fingerprint(
            method=request.method, path=request.path, body=request.data
        )
        claim = idempotency.idempotency_claim(customer=request.user, key=key, fingerprint=fingerprint)
        if isinstance(claim, idempotency.Replay):
            created = claim.result(self.get_queryset())
            if created is None:
                raise NotFound("What this key's first request created is no longer there.")
            body = self.get_serializer(created).data
            return Response(body, status=status.HTTP_201_CREATED, headers={"Idempotent-Replayed": "true"})
        try:
            created = self.perform_idempotent_create(validated, claim)
        except BaseException:
            claim.release()
            raise
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def validated_input(self, data) -> dict:
        """The body as ``input_serializer_class`` validates it (400 when it does not); read
        by its ``plain_validated``, when it has one and that reads it."""
        plain = getattr(self.input_serializer_class, "plain_validated", None)
        validated = plain(data) if plain is not None else None
        if validated is None:
            serializer = self.input_serializer_class(data=data)
            serializer.is_valid(raise_exception=True)
            validated = serializer.validated_data
        return validated
