"""KYC in the back office: every profile with search and filters, the review queue, and
document previews through a permission-checked, audited view.

Staff change a status only through the decision actions, which call the same services as
everything else; no status is an editable field."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from bankcore.admin import ReadOnlyAdminMixin, ReasonActionForm
from bankcore.errors import DomainError
from kyc import crypto, services
from kyc.models import KycDocument, KycProfile, KycReviewQueue, KycStatus


class KycProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "customer",
        "legal_name",
        "status",
        "level",
        "nationality",
        "residence_country",
        "submitted_at",
        "documents",
    ]
    list_filter = ["status", "level", "residence_country", "nationality", "submitted_at"]
    # The national ID is found through its keyed hash (see get_search_results), never by text.
    search_fields = ["customer__email", "legal_name"]
    ordering = ["submitted_at", "id"]
    readonly_fields = [
        "customer",
        "status",
        "level",
        "legal_name",
        "date_of_birth",
        "nationality",
        "residence_country",
        "address",
        "national_id_last4",
        "submitted_at",
        "decided_at",
        "reason",
        "reviewer",
        "documents",
    ]
    fields = readonly_fields
    action_form = ReasonActionForm
    actions = ["approve", "reject", "request_more_info"]

    def get_queryset(self, request):
        documents = Prefetch("customer__kyc_documents", queryset=KycDocument.objects.order_by("-id"))
        return (
            super().get_queryset(request).select_related("customer", "reviewer").prefetch_related(documents)
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if crypto.normalise_national_id(search_term):
            results |= queryset.filter(national_id_hash=crypto.lookup_hash(search_term))
        return results, may_have_duplicates

    def has_review_permission(self, request):
        return request.user.has_perm(services.REVIEW_PERMISSION)

    @admin.display(description="documents")
    def documents(self, profile):
        # Links only: the preview itself checks the reviewer's permission and audits the view.
        links = format_html_join(
            ", ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            (
                (
                    reverse("admin:kyc_document_preview", args=[document.pk]),
                    document.get_document_type_display(),
                )
                for document in profile.customer.kyc_documents.all()
            ),
        )
        return links or format_html("{}", "none")

    def get_urls(self):
        return [
            path(
                "document/<int:document_id>/preview/",
                self.admin_site.admin_view(self.document_preview),
                name="kyc_document_preview",
            ),
            *super().get_urls(),
        ]

    def document_preview(self, request, document_id):
        """The document's bytes for a reviewer, inline and sandboxed, each view audited."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        document = get_object_or_404(KycDocument, pk=document_id)
        content = services.kyc_document_read(document=document, viewer=request.user)
        response = HttpResponse(content, content_type=document.content_type)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

    def _decide(self, request, queryset, decide, done: str, *, needs_reason: bool):
        reason = request.POST.get("reason", "").strip()
        if needs_reason and not reason:
            self.message_user(request, "Give a reason: the customer is shown it.", messages.ERROR)
            return
        decided = 0
        for profile in queryset.order_by("pk"):
            extra = {"reason": reason} if needs_reason else {}
            try:
                decide(profile_id=profile.pk, reviewer=request.user, **extra)
            except DomainError as error:
                self.message_user(request, f"{profile.customer}: {error.detail}", messages.ERROR)
            else:
                decided += 1
        if decided:
            self.message_user(request, f"{done} {decided} profile(s).", messages.SUCCESS)

    @admin.action(description="Approve selected profiles", permissions=["review"])
    def approve(self, request, queryset):
        self._decide(request, queryset, services.kyc_approve, "Approved", needs_reason=False)

    @admin.action(description="Reject selected profiles (with the reason)", permissions=["review"])
    def reject(self, request, queryset):
        self._decide(request, queryset, services.kyc_reject, "Rejected", needs_reason=True)

    @admin.action(description="Ask for more information (the reason says what)", permissions=["review"])
    def request_more_info(self, request, queryset):
        self._decide(
            request, queryset, services.kyc_request_more_info, "Asked for more on", needs_reason=True
        )


admin.site.register(KycProfile, KycProfileAdmin)


@admin.register(KycReviewQueue)
class KycReviewQueueAdmin(KycProfileAdmin):
    list_filter = ["level", "residence_country", "nationality", "submitted_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=KycStatus.PENDING_REVIEW)

    def get_urls(self):
        # The preview lives under the profiles' admin; the queue links to it there.
        return admin.ModelAdmin.get_urls(self)

    def has_view_permission(self, request, obj=None):
        return self.has_review_permission(request)

    def has_module_permission(self, request):
        return self.has_review_permission(request) or super().has_module_permission(request)
