"""The audit log in the back office: read-only, filtered and searched on indexes, exported
as CSV, under a banner saying how far the hash chain is verified."""

import csv

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from rangefilter.filters import DateRangeFilter

from audit import actions
from audit.chain import CHAINED_FIELDS
from audit.models import AuditEvent
from audit.selectors import audit_chain_head, audit_last_checkpoint, audit_unsealed_overdue
from audit.services import audit_record
from bankcore.admin import EstimatedCountPaginator, ReadOnlyAdminMixin
from bankcore.digits import LARGEST_ID, ascii_whole_number

# The chained fields, sequence first, and the row's own hash (its link to the next row).
EXPORT_COLUMNS = [
    "sequence",
    *(name for name in CHAINED_FIELDS if name not in ("sequence", "previous_hash")),
    "hash",
]


class ActionFilter(admin.SimpleListFilter):
    """The actions bankcore writes (audit/actions.py), not a DISTINCT over the whole log."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        names = sorted(
            value for name, value in vars(actions).items() if name.isupper() and isinstance(value, str)
        )
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    """bankcore's models, by label: the object types events name."""

    title = "object type"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        labels = sorted(
            model._meta.label_lower
            for app_label in ("bankcore", "accounts", "audit", "transfers", "kyc")
            for model in apps.get_app_config(app_label).get_models()
        )
        return [(label, label) for label in labels]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    """Staff are few and listed; a customer actor is found by searching their email."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("email").values_list("pk", "email")
        return [("none", "no one (system, anonymous)"), *((str(pk), email) for pk, email in staff)]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(actor__isnull=True)
        actor_id = ascii_whole_number(self.value())
        if actor_id is not None and actor_id <= LARGEST_ID:
            return queryset.filter(actor_id=actor_id)
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "sequence",
        "occurred_at",
        "actor_label",
        "action",
        "object_link",
        "request_id",
        "ip_address",
    ]
    list_filter = [("occurred_at", DateRangeFilter), ActionFilter, ObjectTypeFilter, ActorFilter]
    search_help_text = "An object id, a request id, or an actor's email (exact)."
    search_fields = ["=object_id"]  # shows the box; get_search_results does the matching
    ordering = ["-id"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Counts per filter choice would each scan the log.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    fields = [
        "sequence",
        "occurred_at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_link",
        "before",
        "after",
        "ip_address",
        "user_agent",
        "request_id",
        "client_request_id",
        "previous_hash",
        "hash",
    ]
    readonly_fields = fields
    list_select_related = ["actor"]
    change_list_template = "admin/audit/auditevent/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        # Exact matches on indexed columns only: a log of millions is never scanned by LIKE.
        term = search_term.strip()
        if not term:
            return queryset, False
        match = Q(object_id=term) | Q(request_id=term)
        if "@" in term:
            actor_ids = list(get_user_model().objects.filter(email__iexact=term).values_list("pk", flat=True))
            match |= Q(actor_id__in=actor_ids)
        return queryset.filter(match), False

    @admin.display(description="object")
    def object_link(self, event):
        if not event.object_type:
            return "-"
        text = f"{event.object_type} {event.object_id}"
        try:
            app_label, model = event.object_type.split(".")
            url = reverse(f"admin:{app_label}_{model}_change", args=[event.object_id])
        except (ValueError, NoReverseMatch):
            return text
        return format_html('<a href="{}">{}</a>', url, text)

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="audit_auditevent_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        checkpoint = audit_last_checkpoint()
        head = audit_chain_head()
        extra_context = {
            **(extra_context or {}),
            "chain_checkpoint": checkpoint,
            "chain_head": head,
            "chain_unsealed_overdue": audit_unsealed_overdue(),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The changelist's rows as CSV, with its filters and search; the export is audited."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).order_by("id")
        audit_record(
            action=actions.AUDIT_EXPORTED,
            actor=request.user,
            object_type="audit.auditevent",
            after={"query": request.GET.urlencode()},
        )
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(EXPORT_COLUMNS)
            for row in queryset.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
                yield writer.writerow([_csv_cell(value) for value in row])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
        return response


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    # A cell a spreadsheet would read as a formula is kept as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
