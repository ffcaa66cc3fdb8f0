"""A customer's bank accounts: open, read, balance and history."""

from django.http import Http404
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import cache as keys
from accounts import selectors
from accounts.api.filters import HISTORY_FILTER_PARAMETERS, LedgerEntryFilter
from accounts.api.ledger import first_page_cached
from accounts.api.serializers import (
    AccountOpenInputSerializer,
    AccountOutputSerializer,
    BalanceOutputSerializer,
    LedgerEntryOutputSerializer,
    balance_body,
)
from accounts.models import Account
from accounts.services.bank_accounts import account_open
from bankcore.api.pagination import NewestFirstCursorPagination, OldestFirstCursorPagination
from bankcore.api.schema import error_statuses
from bankcore.api.viewsets import CustomerScopedViewSet
from bankcore.cache import generations


class AccountViewSet(mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = Account.objects.order_by("id")
    serializer_class = AccountOutputSerializer
    pagination_class = OldestFirstCursorPagination
    lookup_value_regex = r"[0-9]+"
    cache_scope = keys.ACCOUNT  # CachePrefetchMiddleware reads this account's generation early

    def get_object(self):
        # Detail, balance and history read the account from the cache; ownership is
        # checked on the cached row, so another customer's account is still a 404.
        account = selectors.account_for_customer(
            customer=self.request.user, account_id=int(self.kwargs["pk"])
        )
        if account is None:
            raise Http404
        return account

    def list(self, request):
        if request.query_params:
            page = self.paginate_queryset(self.get_queryset())
            return self.get_paginated_response(AccountOutputSerializer(page, many=True).data)
        # A customer holds at most MAX_ACCOUNTS_PER_CUSTOMER accounts: one page, no cursors.
        accounts = selectors.account_list_for_customer_cached(customer=request.user)
        return Response(
            {"results": AccountOutputSerializer(accounts, many=True).data, "next": None, "previous": None}
        )

    @extend_schema(request=AccountOpenInputSerializer, responses={201: AccountOutputSerializer})
    @error_statuses(422)
    def create(self, request):
        serializer = AccountOpenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = account_open(customer=request.user, **serializer.validated_data)
        return Response(AccountOutputSerializer(account).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: BalanceOutputSerializer})
    @action(detail=True, methods=["get"])
    def balance(self, request, pk=None):
        return Response(balance_body(self.get_object()))

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
        account = self.get_object()
        filterset = LedgerEntryFilter(
            request.query_params, queryset=selectors.entry_list_for_account(account=account), request=request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        cache_key = keys.account_history_key(account.pk, generations((keys.ACCOUNT, account.pk)))
        return first_page_cached(self, "history-account", cache_key, filterset.qs)
