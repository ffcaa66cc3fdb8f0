"""The ledger's history over all of a customer's accounts."""

from rest_framework import mixins
from rest_framework.response import Response

from accounts import cache as keys
from accounts.api.filters import LedgerEntryFilter
from accounts.api.serializers import LedgerEntryOutputSerializer
from accounts.models import LedgerEntry
from bankcore.api.viewsets import CustomerScopedViewSet
from bankcore.cache import TTL, generations, get_or_set


def first_page_cached(view, family: str, cache_key: str, queryset):
    """A history list, with its plain first page (no filters, no cursor) from the cache.

    Any query parameter means a page the cache does not hold: it is read from the database.
    """
    if view.request.query_params:
        page = view.paginate_queryset(queryset)
        return view.get_paginated_response(LedgerEntryOutputSerializer(page, many=True).data)

    def render():
        page = view.paginate_queryset(queryset)
        return view.get_paginated_response(LedgerEntryOutputSerializer(page, many=True).data).data

    return Response(get_or_set(family, cache_key, render, timeout=TTL.MEDIUM))


class LedgerEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = LedgerEntry.objects.all()
    serializer_class = LedgerEntryOutputSerializer
    filterset_class = LedgerEntryFilter
    lookup_value_regex = r"[0-9]+"

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        cache_key = keys.customer_history_key(request.user.pk, generations((keys.CUSTOMER, request.user.pk)))
        return first_page_cached(self, "history-customer", cache_key, queryset)
