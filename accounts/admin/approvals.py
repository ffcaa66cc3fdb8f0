"""Requests waiting for a second member of staff."""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm

from accounts.models import ApprovalRequest
from accounts.services.approvals import (
    approval_approve,
    approval_describe,
    approval_kinds,
    approval_label,
    approval_permissions,
    approval_reject,
)
from bankcore.admin import ReadOnlyAdminMixin, admin_apply_each


class DecisionActionForm(ActionForm):
    note = forms.CharField(max_length=255, required=False, help_text="A note; required to reject.")


class RequestKindFilter(admin.SimpleListFilter):
    """The kinds of request by their labels, not their internal action names."""

    title = "request"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return approval_kinds()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Requests waiting for a second member of staff; approve or reject them here."""

    action_form = DecisionActionForm
    actions = ["approve_requests", "reject_requests"]
    list_display = ["id", "request_kind", "details", "requested_by", "requested_at", "status", "decided_by"]
    list_filter = ["status", RequestKindFilter]
    list_select_related = ["requested_by", "decided_by"]
    ordering = ["-id"]
    show_full_result_count = False
    fields = [
        "request_kind",
        "details",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields

    @admin.display(description="request", ordering="action")
    def request_kind(self, approval):
        return approval_label(approval)

    @admin.display(description="details")
    def details(self, approval):
        return approval_describe(approval)

    def has_decide_permission(self, request):
        return any(request.user.has_perm(permission) for permission in approval_permissions())

    def _decide(self, request, queryset, decide, verb):
        note = request.POST.get("note", "")
        admin_apply_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda approval: decide(approval_id=approval.pk, approver=request.user, note=note),
            label=lambda approval: f"Request {approval.pk}",
            done=f"{verb.capitalize()} {{count}} request(s).",
        )

    @admin.action(description="Approve selected requests (carries them out)", permissions=["decide"])
    def approve_requests(self, request, queryset):
        self._decide(request, queryset, approval_approve, "approved")

    @admin.action(description="Reject selected requests", permissions=["decide"])
    def reject_requests(self, request, queryset):
        self._decide(request, queryset, approval_reject, "rejected")
