"""The back office's admin site: a page opens only to active staff whose session passed the
second factor. A password alone leads to the code page, or to setting one up.

Outside the accounts.admin package: Django imports this module while its admin app starts,
before the package's ModelAdmins may register. accounts/admin/login.py sets the site's login
form and password change, as for any site."""

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode

from bankcore.staff import staff_verified


def password_only_staff(request) -> bool:
    """Signed in with a staff password, but not yet through the second factor."""
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff and not staff_verified(user)


class BackOfficeSite(AdminSite):
    """Django's admin site, for verified staff sessions only (``staff_verified``)."""

    def has_permission(self, request):
        return staff_verified(request.user)

    def login(self, request, extra_context=None):
        if request.method == "GET" and password_only_staff(request):
            return self._second_factor_redirect(request.GET.get(REDIRECT_FIELD_NAME, ""))
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302 and password_only_staff(request):
            # The password was right: the session is the member's, and opens nothing yet. The
            # login view checked the next page; without one it is the index, not Django's
            # LOGIN_REDIRECT_URL.
            asked = REDIRECT_FIELD_NAME in request.POST or REDIRECT_FIELD_NAME in request.GET
            return self._second_factor_redirect(response.url if asked else reverse("admin:index"))
        return response

    def get_urls(self):
        from accounts.admin import second_factor

        return [
            path("second-factor/", second_factor.second_factor_verify_view, name="second_factor"),
            path("second-factor/setup/", second_factor.second_factor_setup_view, name="second_factor_setup"),
            *super().get_urls(),
        ]

    def _second_factor_redirect(self, next_url: str) -> HttpResponseRedirect:
        url = reverse("admin:second_factor", current_app=self.name)
        if next_url:
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
        return HttpResponseRedirect(url)
