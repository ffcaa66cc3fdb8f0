"""A customer's bank accounts: open, read, balance and history."""

from functools import partial

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import cache, selectors
from accounts.api.filters import LedgerEntryFilter
from accounts.api.serializers import (
    AccountOpenInputSerializer,
    AccountOutputSerializer,
    BalanceOutputSerializer,
    LedgerEntryOutputSerializer,
    account_body,
    balance_body,
    entry_body,
)
from accounts.models import Account, LedgerEntry
from accounts.services.bank_accounts import account_open
from bankcore.api.pagination import NewestFirstCursorPagination, OldestFirstCursorPagination
from bankcore.api.renderers import json_response
from bankcore.api.schema import error_statuses
from bankcore.api.viewsets import CustomerScopedViewSet, ListModelMixin


class AccountViewSet(ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = Account.objects.order_by("id")
    serializer_class = AccountOutputSerializer  # the schema's declaration of account_body
    row_body = staticmethod(account_body)
    pagination_class = OldestFirstCursorPagination
    lookup_value_regex = r"[0-9]+"
    filterset_class = None  # accounts take no filters; their history (below) takes the ledger's
    cache_scope = cache.ACCOUNT  # CachePrefetchMiddleware reads this account's generation early

    def object_from_cache(self, pk):
        # Detail, balance and history read the account row from the cache.
        return selectors.account_cached(account_id=pk)

    def first_page_from_cache(self, *, size):
        return selectors.account_first_page_cached(customer=self.request.user, size=size)

    @extend_schema(request=AccountOpenInputSerializer, responses={201: AccountOutputSerializer})
    @error_statuses(422)
    def create(self, request):
        serializer = AccountOpenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = account_open(customer=request.user, **serializer.validated_data)
        return Response(account_body(account), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: BalanceOutputSerializer})
    @action(detail=True, methods=["get"])
    def balance(self, request, pk=None):
        return json_response(request, balance_body(self.get_object()))

    @extend_schema(responses={200: LedgerEntryOutputSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        serializer_class=LedgerEntryOutputSerializer,
        row_body=entry_body,
        pagination_class=NewestFirstCursorPagination,
        # Entries, with the ledger's filters: the schema derives its parameters from them.
        queryset=LedgerEntry.objects.all(),
        filterset_class=LedgerEntryFilter,
    )
    def transactions(self, request, pk=None):
        account = self.get_object()
        entries = selectors.entry_rows(selectors.entry_list_for_account(account=account))
        entries = self.filter_queryset(entries)
        page = self.paginate_queryset(
            entries,
            first_page_from_cache=partial(selectors.entry_first_page_for_account_cached, account=account),
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
