"""The ledger's history over all of a customer's accounts."""

from rest_framework import mixins

from accounts import selectors
from accounts.api.filters import LedgerEntryFilter
from accounts.api.serializers import LedgerEntryOutputSerializer
from accounts.models import LedgerEntry
from bankcore.api.viewsets import CustomerScopedViewSet


class LedgerEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = LedgerEntry.objects.all()
    serializer_class = LedgerEntryOutputSerializer
    filterset_class = LedgerEntryFilter
    lookup_value_regex = r"[0-9]+"

    def first_page_from_cache(self, *, size):
        return selectors.entry_first_page_for_customer_cached(customer=self.request.user, size=size)
