"""KYC in the back office: every profile with search and filters, the review queue, and
document previews through a permission-checked, audited view.

A national ID is searched through a form posted to its own view, never the changelist's
``?q=``: a number in a URL stays in access logs, browser history and the next page's Referer.

Staff change a status only through the decision actions, which call the same services as
everything else; no status is an editable field."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from accounts.admin.customer_page import (
    customer_audited_objects_register,
    customer_section_register,
    link,
    table,
    when,
)
from bankcore.admin import EstimatedCountPaginator, ReadOnlyAdminMixin, ReasonActionForm, admin_apply_each
from kyc import crypto
from kyc.lookup import kyc_profile_find_by_national_id
from kyc.models import KycDocument, KycProfile, KycReviewQueue, KycStatus, ScreeningMatch
from kyc.services.documents import kyc_document_read
from kyc.services.review import kyc_approve, kyc_reject, kyc_request_more_info
from kyc.services.screening import screening_match_clear, screening_match_confirm
from kyc.services.transitions import REVIEW_PERMISSION


class NationalIdSearchForm(forms.Form):
    national_id = forms.CharField(max_length=64)

    def clean_national_id(self):
        number = self.cleaned_data["national_id"]
        if not crypto.normalise_national_id(number):
            raise forms.ValidationError("no letters or digits")
        return number


_REVIEWERS_ONLY = frozenset({"sanctions_matches", "sanctioned_jurisdictions"})


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
        "sanctions_matches",
        "sanctioned_jurisdictions",
    ]
    list_filter = ["status", "level", "residence_country", "nationality", "submitted_at"]
    # The national ID has a form of its own (national_id_search, in the page's template).
    search_fields = ["customer__email", "legal_name"]
    search_help_text = "An email or a legal name. A national ID goes in the form below, never here."
    ordering = ["submitted_at", "id"]
    list_select_related = ["customer", "reviewer"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice scans the table
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
        "sanctions_matches",
        "sanctioned_jurisdictions",
    ]
    fields = readonly_fields
    action_form = ReasonActionForm
    actions = ["approve", "reject", "request_more_info"]

    def get_queryset(self, request):
        documents = Prefetch("customer__kyc_documents", queryset=KycDocument.objects.order_by("-id"))
        matches = Prefetch(
            "screening_matches",
            queryset=ScreeningMatch.objects.select_related("entry").order_by("-score", "id"),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("customer", "reviewer")
            .prefetch_related(documents, matches)
        )

    # Who is on a sanctions list or in a sanctioned jurisdiction, and what staff decided of it,
    # is for reviewers alone.
    def get_list_display(self, request):
        return self._for_reviewers(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._for_reviewers(request, super().get_fields(request, obj))

    def _for_reviewers(self, request, fields):
        if self.has_review_permission(request):
            return fields
        return [field for field in fields if field not in _REVIEWERS_ONLY]

    def has_review_permission(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)

    @admin.display(description="documents")
    def documents(self, profile):
        # Links only: the preview itself checks the reviewer's permission and audits the view.
        # An upload after the last approval counts for nothing until a reviewer approves it.
        links = format_html_join(
            ", ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>{}',
            (
                (
                    reverse("admin:kyc_document_preview", args=[document.pk]),
                    document.get_document_type_display(),
                    "" if document.approved_at else " (not approved)",
                )
                for document in profile.customer.kyc_documents.all()
            ),
        )
        return links or format_html("{}", "none")

    @admin.display(description="sanctioned jurisdictions")
    def sanctioned_jurisdictions(self, profile):
        # Recorded on submit (kyc.screening.jurisdictions); a hit asks the reviewer to look, it
        # decides nothing.
        return format_html_join(
            ", ",
            "{} ({}): {}",
            ((hit["name"], hit["jurisdiction"], hit["field"]) for hit in profile.jurisdiction_hits),
        ) or format_html("{}", "none")

    @admin.display(description="sanctions matches")
    def sanctions_matches(self, profile):
        links = format_html_join(
            ", ",
            '<a href="{}">{} (#{}, score {}, list v{}): {}</a>',
            (
                (
                    reverse("admin:kyc_screeningmatch_change", args=[match.pk]),
                    match.listed_name,
                    match.entry.uid,
                    match.score,
                    match.sanctions_list_id,
                    match.get_decision_display(),
                )
                for match in profile.screening_matches.all()
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
            path(
                "national-id-search/",
                self.admin_site.admin_view(require_POST(self.national_id_search)),
                name="kyc_national_id_search",
            ),
            *super().get_urls(),
        ]

    def national_id_search(self, request):
        """The profiles with the national ID posted, by its keyed hash; the changelist it
        redirects to names them by id. Audited (see kyc.lookup)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:kyc_kycprofile_changelist")
        form = NationalIdSearchForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Type a national ID number (letters and digits).", messages.ERROR)
            return HttpResponseRedirect(changelist)
        profile_ids = kyc_profile_find_by_national_id(
            national_id=form.cleaned_data["national_id"], actor=request.user
        )
        if not profile_ids:
            self.message_user(request, "No KYC profile has that national ID.", messages.WARNING)
            return HttpResponseRedirect(changelist)
        return HttpResponseRedirect(f"{changelist}?{urlencode({'id__in': ','.join(map(str, profile_ids))})}")

    def document_preview(self, request, document_id):
        """The document's bytes for a reviewer, inline and sandboxed, each view audited."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        document = get_object_or_404(KycDocument, pk=document_id)
        content = kyc_document_read(document=document, viewer=request.user)
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
        extra = {"reason": reason} if needs_reason else {}
        admin_apply_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda profile: decide(profile_id=profile.pk, reviewer=request.user, **extra),
            label=lambda profile: str(profile.customer),
            done=f"{done} {{count}} profile(s).",
        )

    @admin.action(description="Approve selected profiles", permissions=["review"])
    def approve(self, request, queryset):
        self._decide(request, queryset, kyc_approve, "Approved", needs_reason=False)

    @admin.action(description="Reject selected profiles (with the reason)", permissions=["review"])
    def reject(self, request, queryset):
        self._decide(request, queryset, kyc_reject, "Rejected", needs_reason=True)

    @admin.action(description="Ask for more information (the reason says what)", permissions=["review"])
    def request_more_info(self, request, queryset):
        self._decide(request, queryset, kyc_request_more_info, "Asked for more on", needs_reason=True)


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


@admin.register(ScreeningMatch)
class ScreeningMatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sanctions matches found on submit: the listed party beside the customer, cleared or
    confirmed with a reason through the screening services (audited), never edited."""

    list_display = [
        "listed_name",
        "entry_uid",
        "score",
        "sanctions_list",
        "customer",
        "legal_name",
        "decision",
        "decided_by",
        "created_at",
    ]
    list_filter = ["decision", "created_at"]
    search_fields = ["profile__customer__email", "profile__legal_name", "listed_name"]
    list_select_related = ["profile__customer", "entry", "decided_by", "sanctions_list"]
    ordering = ["created_at", "id"]
    readonly_fields = [
        "profile",
        "customer",
        "legal_name",
        "date_of_birth",
        "nationality",
        "listed_name",
        "entry_uid",
        "entry_name",
        "entry_aliases",
        "entry_programs",
        "entry_dates_of_birth",
        "entry_countries",
        "entry_remarks",
        "score",
        "sanctions_list",
        "decision",
        "decided_by",
        "decided_at",
        "reason",
        "created_at",
    ]
    fields = readonly_fields
    action_form = ReasonActionForm
    actions = ["clear", "confirm"]

    def has_review_permission(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return self.has_review_permission(request)

    def has_module_permission(self, request):
        return self.has_review_permission(request)

    @admin.display(description="customer")
    def customer(self, match):
        return match.profile.customer

    @admin.display(description="legal name")
    def legal_name(self, match):
        return match.profile.legal_name

    @admin.display(description="date of birth")
    def date_of_birth(self, match):
        return match.profile.date_of_birth

    @admin.display(description="nationality")
    def nationality(self, match):
        return match.profile.nationality

    @admin.display(description="entry number")
    def entry_uid(self, match):
        return match.entry.uid

    @admin.display(description="listed name")
    def entry_name(self, match):
        return match.entry.name

    @admin.display(description="aliases")
    def entry_aliases(self, match):
        return "; ".join(match.entry.aliases)

    @admin.display(description="programs")
    def entry_programs(self, match):
        return ", ".join(match.entry.programs)

    @admin.display(description="listed dates of birth")
    def entry_dates_of_birth(self, match):
        return ", ".join(match.entry.dates_of_birth)

    @admin.display(description="listed countries")
    def entry_countries(self, match):
        return ", ".join(match.entry.countries)

    @admin.display(description="remarks")
    def entry_remarks(self, match):
        return match.entry.remarks

    def _decide(self, request, queryset, decide, done: str):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a reason: it is kept in the audit log.", messages.ERROR)
            return
        admin_apply_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda match: decide(match_id=match.pk, reviewer=request.user, reason=reason),
            label=lambda match: match.listed_name,
            done=f"{done} {{count}} match(es).",
        )

    @admin.action(
        description="Clear selected matches: not the listed party (with the reason)", permissions=["review"]
    )
    def clear(self, request, queryset):
        self._decide(request, queryset, screening_match_clear, "Cleared")

    @admin.action(
        description="Confirm selected matches: the listed party (with the reason)", permissions=["review"]
    )
    def confirm(self, request, queryset):
        self._decide(request, queryset, screening_match_confirm, "Confirmed")


def _customer_kyc(request, customer):
    """Status, level and dates for anyone who reads the customer; the profile's details and
    documents only to those who may read profiles."""
    profile = KycProfile.objects.filter(customer=customer).first()
    if profile is None:
        return table(["status"], [("Not started",)])
    status = profile.get_status_display()
    if request.user.has_perm("kyc.view_kycprofile"):
        status = link(reverse("admin:kyc_kycprofile_change", args=[profile.pk]), status)
    return table(
        ["status", "level", "submitted", "decided"],
        [
            (
                status,
                profile.get_level_display() or "-",
                when(profile.submitted_at),
                when(profile.decided_at),
            )
        ],
    )


def _customer_kyc_objects(customer):
    return [
        ("kyc.kycprofile", list(KycProfile.objects.filter(customer=customer).values_list("pk", flat=True))),
        ("kyc.kycdocument", list(KycDocument.objects.filter(customer=customer).values_list("pk", flat=True))),
    ]


customer_section_register(title="KYC", order=20, render=_customer_kyc)
customer_audited_objects_register(_customer_kyc_objects)
