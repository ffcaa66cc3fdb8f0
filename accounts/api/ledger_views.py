from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.filters import HISTORY_FILTER_PARAMETERS, LedgerEntryFilter
from accounts.api.serializers import (
    AccountOpenInputSerializer,
    AccountOutputSerializer,
    BalanceOutputSerializer,
    LedgerEntryOutputSerializer,
)
from accounts.models import Account, LedgerEntry
from bankcore.api.pagination import NewestFirstCursorPagination, OldestFirstCursorPagination
from bankcore.api.viewsets import CustomerScopedViewSet


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = Account.objects.order_by("id")
    serializer_class = AccountOutputSerializer
    pagination_class = OldestFirstCursorPagination
    lookup_value_regex = r"[0-9]+"

    @extend_schema(request=AccountOpenInputSerializer, responses={201: AccountOutputSerializer})
    def create(self, request):
        serializer = AccountOpenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.account_open(customer=request.user, **serializer.validated_data)
        return Response(AccountOutputSerializer(account).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: BalanceOutputSerializer})
    @action(detail=True, methods=["get"])
    def balance(self, request, pk=None):
        return Response(BalanceOutputSerializer(self.get_object()).data)

    @extend_schema(
        responses={200: LedgerEntryOutputSerializer(many=True)}, parameters=HISTORY_FILTER_PARAMETERS
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=LedgerEntryOutputSerializer,
        pagination_class=NewestFirstCursorPagination,
    )
    def transactions(self, request, pk=None):
        account = get_object_or_404(self.get_queryset(), pk=pk)
        filterset = LedgerEntryFilter(
            request.query_params, queryset=selectors.entry_list_for_account(account=account), request=request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        return self.get_paginated_response(LedgerEntryOutputSerializer(page, many=True).data)


class LedgerEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = LedgerEntry.objects.all()
    serializer_class = LedgerEntryOutputSerializer
    filterset_class = LedgerEntryFilter
    lookup_value_regex = r"[0-9]+"
