"""The admin's sign-in form: the API login's limits and audit events, not a second door."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from accounts.services.signin import auth_admin_login
from bankcore.errors import InvalidCredentials, LoginThrottled
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


admin.site.login_form = AdminLoginForm
