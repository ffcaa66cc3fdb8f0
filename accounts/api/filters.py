import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from accounts.models import LedgerEntry


class LedgerEntryFilter(django_filters.FilterSet):
    """History filters; each pairs with an index that also serves the order (-id)."""

    account = django_filters.NumberFilter(field_name="account_id")
    type = django_filters.ChoiceFilter(choices=LedgerEntry.Type.choices)
    status = django_filters.ChoiceFilter(choices=LedgerEntry.Status.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = LedgerEntry
        fields = ["account", "type", "status", "created_after", "created_before"]


HISTORY_FILTER_PARAMETERS = [
    OpenApiParameter("account", OpenApiTypes.INT, description="Only this account's entries."),
    OpenApiParameter("type", OpenApiTypes.STR, enum=LedgerEntry.Type.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=LedgerEntry.Status.values),
    OpenApiParameter("created_after", OpenApiTypes.DATETIME, description="Created at or after (ISO 8601)."),
    OpenApiParameter("created_before", OpenApiTypes.DATETIME, description="Created before (ISO 8601)."),
]
