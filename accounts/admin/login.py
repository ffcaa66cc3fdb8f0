"""The admin's sign-in and own password change: the API's limits and audit events, not a
second door."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.errors import InvalidCredentials, LoginThrottled, PasswordChangeThrottled, PasswordIncorrect
from accounts.services.signin import auth_admin_login, auth_admin_password_change
from bankcore.observability import client_ip


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": "Too many failed login attempts. Try again in %(seconds)s seconds.",
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = auth_admin_login(
                    email=email, password=password, client_address=client_ip(self.request.META)
                )
            except LoginThrottled as exc:
                raise ValidationError(
                    self.error_messages["throttled"], code="throttled", params={"seconds": exc.retry_after}
                ) from None
            except InvalidCredentials:
                raise self.get_invalid_login_error() from None
        return self.cleaned_data


class StaffPasswordChangeForm(AdminPasswordChangeForm):
    """The signed-in member of staff's own password change, through the API's service."""

    error_messages = {
        **AdminPasswordChangeForm.error_messages,
        "throttled": "Too many wrong old passwords. Try again in %(seconds)s seconds.",
    }

    def clean_old_password(self):
        # Checked by the service, under its per-user limit, once the new password is valid.
        return self.cleaned_data["old_password"]

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        try:
            auth_admin_password_change(
                user=self.user,
                current_password=cleaned_data["old_password"],
                new_password=cleaned_data["new_password1"],
            )
        except PasswordChangeThrottled as exc:
            raise ValidationError(
                self.error_messages["throttled"], code="throttled", params={"seconds": exc.retry_after}
            ) from None
        except PasswordIncorrect:
            self.add_error(
                "old_password",
                ValidationError(self.error_messages["password_incorrect"], code="password_incorrect"),
            )
        return cleaned_data

    def save(self, commit=True):
        # The service changed and saved the password while the form was cleaned.
        return self.user


def staff_password_change(request, extra_context=None):
    """AdminSite.password_change, with bankcore's form (the site has no setting for it)."""
    site = admin.site
    request.current_app = site.name
    return PasswordChangeView.as_view(
        form_class=StaffPasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=site.name),
        extra_context={**site.each_context(request), **(extra_context or {})},
    )(request)


admin.site.login_form = AdminLoginForm
admin.site.password_change = staff_password_change
admin.site.site_header = "bankcore back office"
admin.site.site_title = "bankcore back office"
admin.site.index_title = "Back office"
