"""Filters every app's API shares: a primary key in ASCII digits within BIGINT's range, and
an ISO 8601 time turned into UTC. Each refuses what it cannot read with a 400, never a 500.
And the filter set they sit in, whose form class is built once."""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from bankcore.digits import LARGEST_ID, ascii_whole_number


class IdFormField(forms.IntegerField):
    """Django's IntegerField reads an Arabic-Indic or full-width 8, and "8.0", as 8: here only
    ASCII digits are a number."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = ascii_whole_number(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": LARGEST_ID})
class IdFilter(django_filters.Filter):
    """A primary key: a whole number in ASCII digits within BIGINT's range, or a 400."""

    field_class = IdFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=LARGEST_ID, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with any offset, turned into UTC here rather than by the database.

    PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows, and a time at the
    edge of year 1 or 9999 can leave Python's range once moved to UTC: both are a 400. So is
    a time written with digits other than ASCII ones, which Django's parser reads as well.
    """

    default_error_messages = {"out_of_range": "This time is out of the supported range."}

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with its form class built once per filter set rather than
    once per request: building it (a form field per filter, choices normalised) cost more
    CPU than the rest of a filtered list besides its query. Every field of a filter set
    here is fixed when the class is made; a filter whose field depends on the request (a
    queryset of choices read per request) does not belong in one."""

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class
