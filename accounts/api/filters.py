from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from accounts.models import LedgerEntry


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.Filter):
    """A primary key: a whole number within BIGINT's range, or a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with any offset, turned into UTC here rather than by the database.

    PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows, and a time at the
    edge of year 1 or 9999 can leave Python's range once moved to UTC: both are a 400.
    """

    default_error_messages = {"out_of_range": "This time is out of the supported range."}

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class LedgerEntryFilter(django_filters.FilterSet):
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
