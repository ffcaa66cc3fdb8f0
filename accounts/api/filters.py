import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field

from accounts.models import LedgerEntry

ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """A primary key: a whole number within BIGINT's range, or a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class LedgerEntryFilter(django_filters.FilterSet):
    """History filters; each pairs with an index that also serves the order (-id)."""

    account = IdFilter(field_name="account_id")
    type = django_filters.ChoiceFilter(choices=LedgerEntry.Type.choices)
    status = django_filters.ChoiceFilter(choices=LedgerEntry.Status.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = LedgerEntry
        fields = ["account", "type", "status", "created_after", "created_before"]


HISTORY_FILTER_PARAMETERS = [
    OpenApiParameter("account", ID_SCHEMA, description="Only this account's entries."),
    OpenApiParameter("type", OpenApiTypes.STR, enum=LedgerEntry.Type.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=LedgerEntry.Status.values),
    OpenApiParameter("created_after", OpenApiTypes.DATETIME, description="Created at or after (ISO 8601)."),
    OpenApiParameter("created_before", OpenApiTypes.DATETIME, description="Created before (ISO 8601)."),
]
