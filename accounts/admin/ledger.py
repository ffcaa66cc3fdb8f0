"""Ledger entries in the back office, read-only."""

from django.contrib import admin

from accounts.models import LedgerEntry
from bankcore.admin import EstimatedCountPaginator, ReadOnlyAdminMixin
from bankcore.money import format_amount


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "account",
        "type",
        "amount_display",
        "balance_after_display",
        "posting_ref",
    ]
    list_filter = ["type", "currency"]
    search_fields = ["=account__number", "customer__email", "=posting__id"]
    list_select_related = ["account"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice scans the table
    paginator = EstimatedCountPaginator
    ordering = ["-id"]
    raw_id_fields = ["account", "posting", "customer"]

    @admin.display(description="amount")
    def amount_display(self, entry):
        return format_amount(entry.amount, entry.currency)

    @admin.display(description="posting")
    def posting_ref(self, entry):
        return entry.posting_id

    @admin.display(description="balance after")
    def balance_after_display(self, entry):
        return format_amount(entry.balance_after, entry.currency)
