import json
import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from knox.models import AuthToken

from accounts import approvals, services
from accounts.admin_login import AdminLoginForm
from accounts.models import Account, ApprovalRequest, LedgerEntry, User
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


class ReasonActionForm(ActionForm):
    reason = forms.CharField(max_length=200, required=False, help_text="Why (recorded in the audit log).")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Superusers alone add and change users (access, email, password), each change audited
    through a service; other staff read, and may deactivate customers with a reason."""

    form = UserEditForm
    add_form = UserCreateForm
    action_form = ReasonActionForm
    actions = ["deactivate_customers"]
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

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        # change_user alone would let its holder make themselves a superuser or set the
        # superuser's password: only superusers change users.
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # People who have held money are deactivated, never deleted.
        return False

    def has_deactivate_permission(self, request):
        return request.user.has_perm("accounts.deactivate_customer")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.user_access_change(
                user=obj,
                actor=request.user,
                changes={field: data[field] for field in services.USER_ACCESS_FIELDS},
                groups=data["groups"],
                permissions=data["user_permissions"],
            )
        else:
            created = services.user_create(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"] if data["set_usable_password"] else None,
            )
            obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        # The service already set groups and permissions, inside its audited transaction.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        # Django's view refuses whoever may not change users and shows the form and its
        # errors; a valid submission is saved here instead, through the audited service.
        user = self.get_object(request, unquote(id))
        if user is None or not self.has_change_permission(request, user) or request.method != "POST":
            return super().user_change_password(request, id, form_url)
        form = self.change_password_form(user, request.POST)
        if not form.is_valid() or not (
            form.cleaned_data["set_usable_password"] or "unset-password" in request.POST
        ):
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        user = services.user_password_set(
            user=user, actor=request.user, password=form.cleaned_data["password1"] if usable else None
        )
        self.message_user(
            request, "Password changed." if usable else "Password-based login disabled.", messages.SUCCESS
        )
        update_session_auth_hash(request, user)
        return redirect(reverse("admin:accounts_user_change", args=[user.pk]))

    @admin.action(description="Deactivate selected customers", permissions=["deactivate"])
    def deactivate_customers(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a reason to deactivate.", messages.ERROR)
            return
        done = 0
        for user in queryset:
            try:
                services.user_set_active(user=user, actor=request.user, is_active=False, reason=reason)
            except DomainError as exc:
                self.message_user(request, f"{user.email}: {exc.detail}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"Deactivated {done} user(s).", messages.SUCCESS)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """A group's permissions are its members' permissions: only superusers manage them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        saved = services.group_save(
            group=obj if change else None,
            actor=request.user,
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data["permissions"],
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # The service already set the permissions, inside its audited transaction.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.group_delete(group=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            services.group_delete(group=group, actor=request.user)


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Sessions in the back office: view and revoke only.

    Minting a token here would let staff act as any customer, so there is no add or
    change; a revocation goes through the audited service.
    """

    list_display = ["token_key", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["=token_key", "user__email"]
    fields = ["token_key", "user", "created", "expiry"]
    readonly_fields = fields
    ordering = ["-created"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.auth_token_revoke(auth_token=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for auth_token in queryset.select_related("user"):
            services.auth_token_revoke(auth_token=auth_token, actor=request.user)


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
            amount = f"{format_amount(form.cleaned_data['amount'], account.currency)} {account.currency}"
            try:
                outcome = services.deposit_create(
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


class DecisionActionForm(ActionForm):
    note = forms.CharField(max_length=255, required=False, help_text="A note; required to reject.")


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Requests waiting for a second member of staff; approve or reject them here."""

    action_form = DecisionActionForm
    actions = ["approve_requests", "reject_requests"]
    list_display = ["id", "action", "details", "requested_by", "requested_at", "status", "decided_by"]
    list_filter = ["status", "action"]
    list_select_related = ["requested_by", "decided_by"]
    ordering = ["-id"]
    show_full_result_count = False
    fields = [
        "action",
        "details",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields

    @admin.display(description="details")
    def details(self, approval):
        return json.dumps(approval.payload, ensure_ascii=False)

    def has_decide_permission(self, request):
        return any(request.user.has_perm(permission) for permission in approvals.approval_permissions())

    def _decide(self, request, queryset, decide, verb):
        note = request.POST.get("note", "")
        done = 0
        for approval in queryset.order_by("pk"):
            try:
                decide(approval_id=approval.pk, approver=request.user, note=note)
            except DomainError as exc:
                self.message_user(request, f"Request {approval.pk}: {exc.detail}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{verb.capitalize()} {done} request(s).", messages.SUCCESS)

    @admin.action(description="Approve selected requests (carries them out)", permissions=["decide"])
    def approve_requests(self, request, queryset):
        self._decide(request, queryset, approvals.approval_approve, "approved")

    @admin.action(description="Reject selected requests", permissions=["decide"])
    def reject_requests(self, request, queryset):
        self._decide(request, queryset, approvals.approval_reject, "rejected")
