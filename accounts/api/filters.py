import django_filters

from accounts.models import LedgerEntry
from bankcore.api.filters import FilterSet, IdFilter, UtcDateTimeFilter


class LedgerEntryFilter(FilterSet):
    """History filters; each pairs with an index that also serves the order (-id)."""

    account = IdFilter(field_name="account_id")
    type = django_filters.ChoiceFilter(choices=LedgerEntry.Type.choices)
    status = django_filters.ChoiceFilter(choices=LedgerEntry.Status.choices)
    created_after = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Created at or after (ISO 8601)."
    )
    created_before = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Created before (ISO 8601)."
    )

    class Meta:
        model = LedgerEntry
        fields = ["account", "type", "status", "created_after", "created_before"]
