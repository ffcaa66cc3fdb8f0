"""The customer's KYC endpoints: status, profile, documents and submission."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from bankcore.api.pagination import NewestFirstCursorPagination
from bankcore.api.renderers import json_response
from bankcore.api.schema import error_statuses
from bankcore.api.throttling import ClientAddressScopedThrottle
from bankcore.api.viewsets import CustomerScopedViewSet
from kyc import selectors
from kyc.api.serializers import (
    KycDocumentOutputSerializer,
    KycDocumentUploadSerializer,
    KycProfileInputSerializer,
    KycProfileOutputSerializer,
    KycStatusOutputSerializer,
    KycSubmitInputSerializer,
    kyc_status_json,
)
from kyc.models import KycDocument, KycProfile
from kyc.services.documents import kyc_document_read, kyc_document_upload
from kyc.services.profile import kyc_profile_update
from kyc.services.review import kyc_submit
from kyc.uploads import KycDocumentParser


class KycStatusView(APIView):
    @extend_schema(responses={200: KycStatusOutputSerializer})
    def get(self, request):
        return json_response(request, kyc_status_json(selectors.kyc_status_body(customer_id=request.user.pk)))


class KycProfileView(APIView):
    @extend_schema(responses={200: KycProfileOutputSerializer})
    def get(self, request):
        profile = KycProfile.objects.filter(customer=request.user).first() or KycProfile(
            customer=request.user
        )
        return Response(KycProfileOutputSerializer(profile).data)

    @extend_schema(request=KycProfileInputSerializer, responses={200: KycProfileOutputSerializer})
    # 409: under review or decided, the profile no longer changes; 422: a date of birth
    # that is not in the past, or a name word mixing alphabets.
    @error_statuses(409, 422)
    def put(self, request):
        serializer = KycProfileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = kyc_profile_update(customer=request.user, **serializer.validated_data)
        return Response(KycProfileOutputSerializer(profile).data)


class KycSubmitView(APIView):
    @extend_schema(request=KycSubmitInputSerializer, responses={200: KycStatusOutputSerializer})
    # 409: not in a state a submission starts from; 422: profile incomplete or documents missing.
    @error_statuses(409, 422)
    def post(self, request):
        serializer = KycSubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kyc_submit(customer=request.user, **serializer.validated_data)
        return Response(kyc_status_json(selectors.kyc_status_body(customer_id=request.user.pk)))


class KycDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = KycDocument.objects.order_by("-id")
    serializer_class = KycDocumentOutputSerializer
    pagination_class = NewestFirstCursorPagination
    # Installs the size limit before the body is read: it must see the bytes as they stream in.
    parser_classes = [KycDocumentParser]
    lookup_value_regex = r"[0-9]+"
    filterset_class = None
    # Per customer (DRF's scoped throttle counts a signed-in user by id): uploads fill the store.
    throttle_classes = [ClientAddressScopedThrottle]
    throttle_scope = "kyc_upload"

    def get_throttles(self):
        return super().get_throttles() if self.action == "create" else []

    @extend_schema(
        request={"multipart/form-data": KycDocumentUploadSerializer},
        responses={201: KycDocumentOutputSerializer},
    )
    # 409: the same file was uploaded before, or the profile is under review; 413: too
    # large; 422: not a PDF, JPEG or PNG, damaged, a PDF with active content, or the
    # customer keeps the most documents allowed; 503 (with Retry-After): the process is
    # decoding as many images as its memory budget allows.
    @error_statuses(409, 413, 422)
    def create(self, request):
        serializer = KycDocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data.pop("file")
        document = kyc_document_upload(customer=request.user, data=upload.read(), **serializer.validated_data)
        return Response(KycDocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY)
            for content_type in ("application/pdf", "image/jpeg", "image/png")
        }
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        document = self.get_object()
        content = kyc_document_read(document=document, viewer=request.user)
        return document_response(document, content)


def document_response(document: KycDocument, content: bytes) -> HttpResponse:
    """The document's bytes as a download of their detected type, never rendered inline."""
    response = HttpResponse(content, content_type=document.content_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[document.content_type]
    response["Content-Disposition"] = f'attachment; filename="kyc-document-{document.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
