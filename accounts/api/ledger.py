"""The ledger's history over all of a customer's accounts."""

from rest_framework import mixins

from accounts import selectors
from accounts.api.filters import LedgerEntryFilter
from accounts.api.serializers import LedgerEntryOutputSerializer, entry_body
from accounts.models import LedgerEntry
from bankcore.api.viewsets import CustomerScopedViewSet, ListModelMixin


class LedgerEntryViewSet(ListModelMixin, mixins.RetrieveModelMixin, CustomerScopedViewSet):
    queryset = selectors.entry_rows(LedgerEntry.objects.all())
    serializer_class = LedgerEntryOutputSerializer  # the schema's declaration of entry_body
    row_body = staticmethod(entry_body)
    filterset_class = LedgerEntryFilter
    lookup_value_regex = r"[0-9]+"

    def first_page_from_cache(self, *, size):
        return selectors.entry_first_page_for_customer_cached(customer=self.request.user, size=size)
