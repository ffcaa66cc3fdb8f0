from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts import services
from accounts.admin_login import AdminLoginForm
from accounts.models import Account, LedgerEntry, User
from bankcore.admin import EstimatedCountPaginator
from bankcore.errors import DomainError
from bankcore.money import InvalidAmount, format_amount, parse_amount

admin.site.login_form = AdminLoginForm


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    email = forms.EmailField(max_length=254)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ["-id"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login", "password_changed_at"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["date_joined", "last_login", "password_changed_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        # People who have held money are deactivated, never deleted.
        return False


class ReadOnlyAdminMixin:
    """Money rows are written by services only: staff read them, never edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DepositForm(forms.Form):
    amount = forms.CharField(max_length=32, help_text='A decimal string, e.g. "250.00".')
    reason = forms.CharField(max_length=200, help_text="Why the money comes in (branch, reference, …).")

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"], self.currency)
        except InvalidAmount as exc:
            raise forms.ValidationError(exc.detail) from None


class FreezeForm(forms.Form):
    reason = forms.CharField(max_length=200)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "customer", "kind", "currency", "status", "balance_display", "opened_at"]
    list_filter = ["status", "kind", "currency"]
    search_fields = ["=number", "customer__email"]
    list_select_related = ["customer"]
    show_full_result_count = False
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
            try:
                services.deposit_create(
                    account=account,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.detail)
            else:
                self.message_user(
                    request, f"Deposited {form.data['amount']} {account.currency} to {account.number}."
                )
                return redirect(reverse("admin:accounts_account_change", args=[account.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deposit to {account.number}",
            "account": account,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/account/deposit.html", context)

    def _set_status(self, request, queryset, service, verb):
        reason = request.POST.get("reason", "").strip() or f"{verb} by {request.user.email} in admin"
        done = 0
        for account in queryset.filter(customer__isnull=False):
            service(account=account, actor=request.user, reason=reason)
            done += 1
        self.message_user(request, f"{verb.capitalize()} {done} account(s).", messages.SUCCESS)

    @admin.action(description="Freeze selected accounts", permissions=["freeze"])
    def freeze_accounts(self, request, queryset):
        self._set_status(request, queryset, services.account_freeze, "frozen")

    @admin.action(description="Unfreeze selected accounts", permissions=["freeze"])
    def unfreeze_accounts(self, request, queryset):
        self._set_status(request, queryset, services.account_unfreeze, "unfrozen")


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
