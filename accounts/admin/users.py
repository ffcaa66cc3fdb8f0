"""Users and groups in the back office: superusers manage access, other staff deactivate customers."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse

from accounts.admin.customer_page import customer_sections
from accounts.models import User
from accounts.services.devices import second_factor_reset
from accounts.services.groups import group_delete, group_save
from accounts.services.users import (
    USER_ACCESS_FIELDS,
    user_access_change,
    user_create,
    user_password_set,
    user_set_active,
)
from bankcore.admin import EstimatedCountPaginator, ReasonActionForm, admin_apply_each


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
    """Superusers alone add and change users (access, email, password), each change audited
    through a service; other staff read, and may deactivate customers with a reason."""

    form = UserEditForm
    add_form = UserCreateForm
    action_form = ReasonActionForm
    actions = ["deactivate_customers", "reset_second_factor"]
    ordering = ["-id"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login", "password_changed_at"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice scans the table
    paginator = EstimatedCountPaginator
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Readers need neither the hash's parameters nor a reset button they may not use.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not obj.is_staff:
            context["customer_sections"] = customer_sections(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    def has_reset_second_factor_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            user_access_change(
                user=obj,
                actor=request.user,
                changes={field: data[field] for field in USER_ACCESS_FIELDS},
                groups=data["groups"],
                permissions=data["user_permissions"],
            )
        else:
            created = user_create(
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
        user = user_password_set(
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
        admin_apply_each(
            self,
            request,
            queryset,
            lambda user: user_set_active(user=user, actor=request.user, is_active=False, reason=reason),
            label=lambda user: user.email,
            done="Deactivated {count} user(s).",
        )

    @admin.action(
        description="Reset the second factor of selected staff", permissions=["reset_second_factor"]
    )
    def reset_second_factor(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a reason to reset a second factor.", messages.ERROR)
            return
        admin_apply_each(
            self,
            request,
            queryset,
            lambda user: second_factor_reset(member=user, actor=request.user, reason=reason),
            label=lambda user: user.email,
            done="Reset the second factor of {count} user(s): each sets one up at their next sign-in.",
        )


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
        saved = group_save(
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
        group_delete(group=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            group_delete(group=group, actor=request.user)
