"""Wires in the back office: every wire and the compliance queue with its decision page.

Staff change a wire only through the decision page, which calls the same services as
everything else (audited); no wire field is editable."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.admin.customer_page import (
    customer_audited_objects_register,
    customer_section_register,
    link,
    table,
    when,
)
from audit import actions
from audit.selectors import audit_event_list_for_object
from bankcore.admin import ReadOnlyAdminMixin
from bankcore.errors import DomainError
from bankcore.money import format_amount
from kyc.selectors import kyc_standing, kyc_status_subquery
from transfers.models import WireReviewQueue, WireTransfer
from transfers.services.wires import review

RECENT_WIRES = 10
CUSTOMER_PAGE_WIRES = 10


class WireDecisionForm(forms.Form):
    note = forms.CharField(
        max_length=255,
        label="Decision note (recorded in the audit log)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# What each audited step of a wire means to the officer reading its history.
HISTORY_LABELS = {
    actions.WIRE_CREATED: "Created by the customer",
    actions.WIRE_APPROVAL_REQUESTED: "First of two approvals",
    actions.WIRE_APPROVED: "Approved",
    actions.WIRE_SENT: "Sent",
    actions.WIRE_REJECTED: "Rejected, money returned",
    actions.WIRE_CANCELLED: "Cancelled by the customer, money returned",
}


def _status_label(status) -> str:
    return str(dict(WireTransfer.Status.choices).get(status, status))


def _history_row(event) -> dict:
    """One audited step: who, what (in words, with the audit log's action name), the status
    change and the note given."""
    before, after = event.before or {}, event.after or {}
    change = ""
    if "status" in after:
        change = _status_label(after["status"])
        if before.get("status") and before["status"] != after["status"]:
            change = f"{_status_label(before['status'])} → {change}"
    if event.action == actions.WIRE_CREATED:
        change = _status_label(after.get("status"))
    return {
        "when": event.occurred_at,
        "who": event.actor_label or "-",
        "what": HISTORY_LABELS.get(event.action, event.action),
        "action": event.action,
        "status": change or "-",
        "note": after.get("note") or "",
    }


def _reason_text(wire: WireTransfer) -> str:
    reason = wire.review_reason or {}
    if reason.get("rule") == "amount_threshold":
        return f"at or above the review threshold {reason['threshold']} {wire.currency}"
    if reason.get("rule") == "daily_total_threshold":
        return (
            f"with {reason['sent_today_unreviewed']} {wire.currency} sent unreviewed today, at or above "
            f"the review threshold {reason['threshold']} {wire.currency}"
        )
    if reason.get("rule") == "sanctions_screening":
        return "the beneficiary matched the sanctions list"
    if reason:
        # The beneficiary's own reasons (a sanctioned jurisdiction, an unverified BIC) say
        # what matched in their detail; a held wire never reads as "not held".
        return reason.get("detail") or str(reason.get("rule"))
    return "not held"


def _reason_text_for_support(wire: WireTransfer) -> str:
    # Whether and whom the beneficiary resembles on a sanctions list is for compliance alone.
    return "held for compliance review" if wire.review_reason else "not held"


class WireTransferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "customer",
        "amount_display",
        "beneficiary_name",
        "status",
        "held_because",
    ]
    list_filter = ["status", "currency", "created_at"]
    search_fields = ["=uetr", "customer__email", "beneficiary_name"]
    list_select_related = ["customer"]
    show_full_result_count = False
    ordering = ["-id"]
    readonly_fields = [
        "uetr",
        "customer",
        "source",
        "amount_display",
        "fee",
        "beneficiary_name",
        "beneficiary_account",
        "beneficiary_bic",
        "beneficiary_country",
        "beneficiary_address",
        "beneficiary_routing_number",
        "reference",
        "charge_bearer",
        "value_date",
        "status",
        "held_because",
        "screening_hits",
        "hold_posting",
        "release_posting",
        "reversal_posting",
        "decided_by",
        "decided_at",
        "decision_note",
        "decision_link",
        "created_at",
    ]
    fields = readonly_fields

    @admin.display(description="amount")
    def amount_display(self, wire):
        return f"{format_amount(wire.amount, wire.currency)} {wire.currency}"

    @admin.display(description="held because")
    def held_because(self, wire):
        return _reason_text(wire)

    @admin.display(description="held because")
    def held_for_review(self, wire):
        return _reason_text_for_support(wire)

    # Staff who may read wires but not review them (support) see neither the screening hits nor
    # the rule that held a wire, and are not offered the decision page.
    _REVIEWERS_ONLY = ("screening_hits", "decision_link")

    def _for_reader(self, request, names):
        if self.has_review_permission(request):
            return list(names)
        return [
            "held_for_review" if name == "held_because" else name
            for name in names
            if name not in self._REVIEWERS_ONLY
        ]

    def get_list_display(self, request):
        return self._for_reader(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._for_reader(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._for_reader(request, super().get_readonly_fields(request, obj))

    @admin.display(description="review and history")
    def decision_link(self, wire):
        return format_html(
            '<a href="{}" id="wire-decide-link">Open the decision page</a>',
            reverse("admin:transfers_wiretransfer_decide", args=[wire.pk]),
        )

    def has_review_permission(self, request):
        return request.user.has_perm(review.REVIEW_PERMISSION)

    def get_urls(self):
        return [
            path(
                "<int:wire_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="transfers_wiretransfer_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, wire_id):
        """The wire with its reason, screening hits, the customer's KYC status, recent wires and
        history; reviewers approve or reject it here with a note. For reviewers only: it shows
        whom a beneficiary resembles on the sanctions lists."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        wire = get_object_or_404(WireTransfer.objects.select_related("customer", "approval"), pk=wire_id)
        form = WireDecisionForm(request.POST or None)
        if request.method == "POST":
            decide = {"approve": review.wire_approve, "reject": review.wire_reject}.get(
                request.POST.get("decision")
            )
            if decide is None:
                form.add_error(None, "Choose approve or reject.")
            elif form.is_valid():
                try:
                    decided = decide(wire_id=wire.pk, reviewer=request.user, note=form.cleaned_data["note"])
                except DomainError as refusal:
                    form.add_error(None, refusal.detail)
                else:
                    if decided.status == WireTransfer.Status.PENDING_REVIEW:
                        self.message_user(
                            request,
                            f"Wire {wire.pk} is at or above the four-eyes threshold: it is sent once "
                            "a second member of staff approves it.",
                            messages.WARNING,
                        )
                    else:
                        self.message_user(
                            request, f"Wire {wire.pk} is {decided.get_status_display().lower()}."
                        )
                    return redirect(reverse("admin:transfers_wirereviewqueue_changelist"))
        recent = list(
            WireTransfer.objects.filter(customer_id=wire.customer_id)
            .exclude(pk=wire.pk)
            .order_by("-id")[:RECENT_WIRES]
        )
        for other in recent:
            other.amount_display = self.amount_display(other)
        kyc = kyc_standing(customer_id=wire.customer_id)
        four_eyes = "not needed"
        if review.wire_four_eyes_needed(wire):
            first = wire.approval.requested_by if wire.approval_id else None
            four_eyes = f"needs two approvers; first approval by {first}" if first else "needs two approvers"
        context = {
            **self.admin_site.each_context(request),
            "title": f"Wire {wire.pk}",
            "wire": wire,
            "amount": self.amount_display(wire),
            "reason": _reason_text(wire),
            "kyc_status": kyc.status if kyc is not None else "not started",
            "four_eyes": four_eyes,
            "recent": recent,
            "history": [
                _history_row(event)
                for event in audit_event_list_for_object(
                    object_type=WireTransfer._meta.label_lower, object_id=wire.pk
                )
            ],
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/transfers/wiretransfer/decide.html", context)


admin.site.register(WireTransfer, WireTransferAdmin)


@admin.register(WireReviewQueue)
class WireReviewQueueAdmin(WireTransferAdmin):
    """Pending wires, oldest first (the partial index wire_pending_review_idx)."""

    list_display = [
        "id",
        "created_at",
        "customer",
        "amount_display",
        "held_because",
        "kyc_status",
        "screening",
    ]
    list_filter = ["currency"]
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        # The customer's KYC status is read with the page, in the same query.
        return (
            super()
            .get_queryset(request)
            .filter(status=WireTransfer.Status.PENDING_REVIEW)
            .annotate(kyc_status_now=kyc_status_subquery("customer_id"))
        )

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)

    @admin.display(description="KYC status")
    def kyc_status(self, wire):
        return wire.kyc_status_now or "not started"

    @admin.display(description="screening hit")
    def screening(self, wire):
        hits = wire.screening_hits or []
        return ", ".join(f"{hit['listed_name']} ({hit['score']})" for hit in hits) or "none"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect(reverse("admin:transfers_wiretransfer_decide", args=[object_id]))

    def has_view_permission(self, request, obj=None):
        return self.has_review_permission(request)

    def has_module_permission(self, request):
        return self.has_review_permission(request) or super().has_module_permission(request)


def _customer_wires(request, customer):
    """The customer's most recent wires, each linked to its page (reviewers get the decision
    page of a held one), for staff who may read wires."""
    if not request.user.has_perm("transfers.view_wiretransfer"):
        return None
    wires = WireTransfer.objects.filter(customer=customer).order_by("-id")[:CUSTOMER_PAGE_WIRES]
    decides = request.user.has_perm(review.REVIEW_PERMISSION)

    def page(wire):
        if decides and wire.status == WireTransfer.Status.PENDING_REVIEW:
            return reverse("admin:transfers_wiretransfer_decide", args=[wire.pk])
        return reverse("admin:transfers_wiretransfer_change", args=[wire.pk])

    return table(
        ["wire", "created", "amount", "beneficiary", "status"],
        (
            (
                link(page(wire), f"Wire {wire.pk}"),
                when(wire.created_at),
                f"{format_amount(wire.amount, wire.currency)} {wire.currency}",
                wire.beneficiary_name,
                wire.get_status_display(),
            )
            for wire in wires
        ),
    )


customer_section_register(title="Wires", order=30, render=_customer_wires)


def _customer_wire_objects(customer):
    # The wires the section shows: staff decisions on them join the recent audit events.
    recent = WireTransfer.objects.filter(customer=customer).order_by("-id")[:CUSTOMER_PAGE_WIRES]
    return [(WireTransfer._meta.label_lower, list(recent.values_list("pk", flat=True)))]


customer_audited_objects_register(_customer_wire_objects)
