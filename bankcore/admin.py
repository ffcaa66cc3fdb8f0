from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from bankcore.config import DEFAULTS, config_check, config_set
from bankcore.errors import InvalidSetting
from bankcore.models import SystemSetting


class EstimatedCountPaginator(Paginator):
    """Admin paginator for big tables: PostgreSQL's row estimate instead of COUNT(*).

    An unfiltered changelist of millions of ledger rows would otherwise count them all
    on every page view. Filtered lists are small enough to count exactly.
    """

    @cached_property
    def count(self):
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate and estimate > 10_000:
                return estimate
        return super().count


class SystemSettingForm(forms.ModelForm):
    key = forms.ChoiceField(choices=[(name, f"{name}: {text}") for name, (_, text) in DEFAULTS.items()])

    class Meta:
        model = SystemSetting
        fields = ["key", "value"]

    def clean(self):
        cleaned_data = super().clean()
        if "key" in cleaned_data and "value" in cleaned_data:
            try:
                config_check(name=cleaned_data["key"], value=cleaned_data["value"])
            except InvalidSetting as exc:
                self.add_error("value", exc.detail)
        return cleaned_data


@admin.register(SystemSetting)
class SystemSettingAdmin(admin.ModelAdmin):
    form = SystemSettingForm
    list_display = ["key", "value", "description", "updated_at"]
    readonly_fields = ["description", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the service: audited, and the cached value is retired on commit.
        saved = config_set(
            name=form.cleaned_data["key"], value=form.cleaned_data["value"], actor=request.user
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """Money rows are written by services only: staff read them, never edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
