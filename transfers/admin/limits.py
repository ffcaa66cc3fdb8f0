"""An account's own wire limits in the back office: set through the same service as
everything else, four eyes above the defaults (audited)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import ApprovalRequest
from bankcore.errors import DomainError
from bankcore.money import InvalidAmount, format_amount, parse_amount
from transfers.models import WireLimitOverride
from transfers.services.wires import limit_overrides as overrides


class WireLimitOverrideForm(forms.ModelForm):
    """Limits in the account currency's decimal amounts; blank keeps the system default.

    The form is the command: once every field and model check has passed, it asks the
    audited service to set the limits, and a refusal (own or a staff member's account,
    above the ceiling, …) shows on the form. The admin gives it the member of staff."""

    per_wire_amount = forms.CharField(required=False, label="Per wire")
    daily_amount = forms.CharField(required=False, label="Daily")
    monthly_amount = forms.CharField(required=False, label="Monthly")

    class Meta:
        model = WireLimitOverride
        fields = ["account", "daily_count", "reason"]

    actor = None  # set by WireLimitOverrideAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome = None
        override = self.instance
        if override.pk:
            for field in ("per_wire", "daily", "monthly"):
                value = getattr(override, field)
                if value is not None:
                    self.initial[f"{field}_amount"] = format_amount(value, override.account.currency)

    def clean(self):
        cleaned = super().clean()
        account = cleaned.get("account")
        if account is None:
            return cleaned
        for field in ("per_wire", "daily", "monthly"):
            text = (cleaned.get(f"{field}_amount") or "").strip()
            try:
                cleaned[field] = parse_amount(text, account.currency) if text else None
            except InvalidAmount as exc:
                self.add_error(f"{field}_amount", exc.detail)
        return cleaned

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self._errors:
            return
        data = self.cleaned_data
        try:
            self.outcome = overrides.wire_limit_override_set(
                account=data["account"],
                per_wire=data.get("per_wire"),
                daily=data.get("daily"),
                monthly=data.get("monthly"),
                daily_count=data.get("daily_count"),
                reason=data["reason"],
                actor=self.actor,
            )
        except DomainError as refusal:
            self.add_error(None, refusal.detail)


@admin.register(WireLimitOverride)
class WireLimitOverrideAdmin(admin.ModelAdmin):
    """Per-account wire limits; every change goes through the audited service, and one above
    the defaults waits in the approval requests for a second member of staff."""

    form = WireLimitOverrideForm
    list_display = [
        "account",
        "per_wire",
        "daily",
        "monthly",
        "daily_count",
        "reason",
        "updated_by",
        "updated_at",
    ]
    list_select_related = ["account", "updated_by"]
    raw_id_fields = ["account"]
    fields = ["account", "per_wire_amount", "daily_amount", "monthly_amount", "daily_count", "reason"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        # The form has set the limits, or asked for their approval: nothing is saved here.
        # The request carries which, for the answer (this admin serves every request at once).
        request.wire_limits_approval = form.outcome if isinstance(form.outcome, ApprovalRequest) else None
        if isinstance(form.outcome, WireLimitOverride):
            obj.pk = form.outcome.pk

    def log_addition(self, request, obj, message):
        # Django's own log only for limits that applied; the audit log records every step.
        if obj.pk is not None:
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if obj.pk is not None:
            super().log_change(request, obj, message)

    def _pending_response(self, request):
        self.message_user(
            request,
            f"The limits are above the defaults: approval request {request.wire_limits_approval.pk} "
            "waits for a second member of staff, and they apply once approved.",
            messages.WARNING,
        )
        return redirect(reverse("admin:transfers_wirelimitoverride_changelist"))

    def response_add(self, request, obj, post_url_continue=None):
        if request.wire_limits_approval is not None:
            return self._pending_response(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if request.wire_limits_approval is not None:
            return self._pending_response(request)
        return super().response_change(request, obj)
