"""The back office's admin site: a page opens only to active staff whose session passed the
second factor. A password alone leads to the code page, or to setting one up.

Outside the accounts.admin package: Django imports this module while its admin app starts,
before the package's ModelAdmins may register. accounts/admin/login.py sets the site's login
form and password change, as for any site."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.text import slugify

from bankcore.staff import staff_verified


def password_only_staff(request) -> bool:
    """Signed in with a staff password, but not yet through the second factor."""
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff and not staff_verified(user)


@dataclass(frozen=True)
class Tool:
    """A page of the back office that is no model's (a report, a profiler): listed on the
    index, in its Tools section, to staff holding ``permission``."""

    name: str
    url: Callable[[], str]  # resolved when listed: the URLconf is not loaded at registration
    permission: str
    available: Callable[[], bool] = lambda: True


TOOLS_LABEL = "tools"


class BackOfficeSite(AdminSite):
    """Django's admin site, for verified staff sessions only (``staff_verified``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tools: list[Tool] = []

    def has_permission(self, request):
        return staff_verified(request.user)

    def tool_register(self, tool: Tool) -> None:
        """List ``tool`` on the index for the staff who may open it; the page checks again."""
        self._tools.append(tool)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label in (None, TOOLS_LABEL):
            tools = self._tools_section(request)
            if tools is not None:
                apps.append(tools)
        return apps

    def _tools_section(self, request) -> dict | None:
        """The Tools section as the admin's templates draw an app: one row per tool the
        member may open, or None when they may open none."""
        rows = [
            {
                "name": tool.name,
                "object_name": slugify(tool.name),
                "admin_url": tool.url(),
                "add_url": None,
                "view_only": True,
                "perms": {"view": True},
            }
            for tool in self._tools
            if tool.available() and request.user.has_perm(tool.permission)
        ]
        if not rows:
            return None
        return {
            "name": "Tools",
            "app_label": TOOLS_LABEL,
            "app_url": reverse("admin:tools", current_app=self.name),
            "has_module_perms": True,
            "models": rows,
        }

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
            # The Tools section's own page, as an app's index is.
            path("tools/", self.admin_view(self.app_index), {"app_label": TOOLS_LABEL}, name="tools"),
            *super().get_urls(),
        ]

    def _second_factor_redirect(self, next_url: str) -> HttpResponseRedirect:
        url = reverse("admin:second_factor", current_app=self.name)
        if next_url:
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
        return HttpResponseRedirect(url)
