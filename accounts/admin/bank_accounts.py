"""Bank accounts in the back office: search, freeze and unfreeze, post a deposit."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts.models import Account, ApprovalRequest
from accounts.services.bank_accounts import account_freeze, account_unfreeze
from accounts.services.deposits import deposit_create
from bankcore.admin import EstimatedCountPaginator, ReadOnlyAdminMixin, ReasonActionForm, admin_apply_each
from bankcore.errors import DomainError
from bankcore.money import InvalidAmount, format_amount, parse_amount


class DepositForm(forms.Form):
    amount = forms.CharField(max_length=32, help_text='A decimal string, e.g. "250.00".')
    reason = forms.CharField(max_length=200, help_text="Why the money comes in (branch, reference, …).")
    # One-time: spent with the deposit, so a double click or a reload never posts twice.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"], self.currency)
        except InvalidAmount as exc:
            raise forms.ValidationError(exc.detail) from None


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "customer", "kind", "currency", "status", "balance_display", "opened_at"]
    list_filter = ["status", "kind", "currency"]
    search_fields = ["=number", "customer__email"]
    list_select_related = ["customer"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice scans the table
    paginator = EstimatedCountPaginator
    ordering = ["-id"]
    readonly_fields = [
        "number",
        "customer",
        "kind",
        "currency",
        "status",
        "balance_display",
        "system_code",
        "opened_at",
        "updated_at",
    ]
    fields = readonly_fields
    action_form = ReasonActionForm
    actions = ["freeze_accounts", "unfreeze_accounts"]

    def has_freeze_permission(self, request):
        return request.user.has_perm("accounts.freeze_account")

    @admin.display(description="balance")
    def balance_display(self, account):
        return f"{format_amount(account.balance, account.currency)} {account.currency}"

    def get_urls(self):
        return [
            path(
                "<int:account_id>/deposit/",
                self.admin_site.admin_view(self.deposit_view),
                name="accounts_account_deposit",
            ),
            *super().get_urls(),
        ]

    def deposit_view(self, request, account_id):
        if not request.user.has_perm("accounts.post_deposit"):
            raise PermissionDenied
        account = get_object_or_404(Account, pk=account_id, customer__isnull=False)
        form = DepositForm(request.POST or None, currency=account.currency)
        if request.method == "POST" and form.is_valid():
            amount = f"{format_amount(form.cleaned_data['amount'], account.currency)} {account.currency}"
            try:
                outcome = deposit_create(
                    account=account,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    form_token=form.cleaned_data["token"],
                )
            except DomainError as exc:
                form.add_error(None, exc.detail)
            else:
                if isinstance(outcome, ApprovalRequest):
                    self.message_user(
                        request,
                        f"{amount} to {account.number} is above the approval threshold: it posts once "
                        f"a second member of staff approves request {outcome.pk}.",
                        messages.WARNING,
                    )
                else:
                    self.message_user(request, f"Deposited {amount} to {account.number}.")
                return redirect(reverse("admin:accounts_account_change", args=[account.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deposit to {account.number}",
            "account": account,
            "balance": self.balance_display(account),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/account/deposit.html", context)

    def _set_status(self, request, queryset, service, verb):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, f"Give a reason: accounts are {verb} only with one.", messages.ERROR)
            return
        admin_apply_each(
            self,
            request,
            queryset.filter(customer__isnull=False),
            lambda account: service(account=account, actor=request.user, reason=reason),
            label=str,
            done=f"{verb.capitalize()} {{count}} account(s).",
        )

    @admin.action(description="Freeze selected accounts", permissions=["freeze"])
    def freeze_accounts(self, request, queryset):
        self._set_status(request, queryset, account_freeze, "frozen")

    @admin.action(description="Unfreeze selected accounts", permissions=["freeze"])
    def unfreeze_accounts(self, request, queryset):
        self._set_status(request, queryset, account_unfreeze, "unfrozen")
