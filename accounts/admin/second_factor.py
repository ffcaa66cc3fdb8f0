"""The second step of a staff sign-in: the authenticator's code (or a recovery code), or, at
the first sign-in, setting the authenticator up from a QR code and taking ten recovery codes.

Both pages open to a session signed in with a staff password and not yet verified; every code
is checked by accounts.services.signin under the login limits.
"""

from base64 import b32encode

import segno
from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.errors import LoginThrottled, SecondFactorIncorrect
from accounts.services.devices import totp_device_confirmed, totp_device_for_setup
from accounts.services.signin import auth_admin_second_factor, auth_admin_second_factor_setup
from bankcore.observability import client_ip

# The authenticator this session is setting up: its secret is shown to this session only.
SETUP_DEVICE_SESSION_KEY = "second_factor_setup_device"


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        label="Code",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check
        self.result = None

    def clean(self):
        code = self.cleaned_data.get("code")
        if code:
            try:
                self.result = self.check(code)
            except LoginThrottled as exc:
                raise ValidationError(
                    "Too many failed login attempts. Try again in %(seconds)s seconds.",
                    code="throttled",
                    params={"seconds": exc.retry_after},
                ) from None
            except SecondFactorIncorrect as exc:
                raise ValidationError(exc.detail, code=exc.code) from None
        return self.cleaned_data


def _next_url(request) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _with_next(view_name: str, next_url: str) -> str:
    return f"{reverse(view_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def _context(request, *, title: str, form, next_url: str, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "title": title,
        "form": form,
        "next": next_url,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
        **extra,
    }


def _second_factor_view(view):
    """Only a session signed in with a staff password and not yet verified reaches ``view``;
    a verified one goes on to where it was going, anyone else to the login page. A POST of
    ``cancel`` ends the session, to sign in as someone else."""

    @csrf_protect
    @never_cache
    def wrapped(request):
        user = request.user
        next_url = _next_url(request)
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(next_url)
        if user.is_verified():
            return HttpResponseRedirect(next_url)
        if request.method == "POST" and "cancel" in request.POST:
            logout(request)
            return redirect_to_login(next_url)
        return view(request, next_url)

    return wrapped


def redirect_to_login(next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(_with_next("admin:login", next_url))


def _signed_in(request, device) -> None:
    otp_login(request, device)
    # The session now opens the back office: a new key, so one fixed before sign-in is useless.
    request.session.cycle_key()


@_second_factor_view
def second_factor_verify_view(request, next_url: str):
    if totp_device_confirmed(user=request.user) is None:
        return HttpResponseRedirect(_with_next("admin:second_factor_setup", next_url))
    address = client_ip(request.META)
    form = SecondFactorForm(
        request.POST if request.method == "POST" else None,
        check=lambda code: auth_admin_second_factor(user=request.user, token=code, client_address=address),
    )
    if form.is_bound and form.is_valid():
        _signed_in(request, form.result)
        return HttpResponseRedirect(next_url)
    context = _context(request, title="Two-step sign-in", form=form, next_url=next_url)
    return TemplateResponse(request, "admin/second_factor.html", context)


def _qr_svg(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff", border=4)
    return mark_safe(svg)  # noqa: S308 - segno's own markup, from a URI it encoded


def _grouped(secret: str) -> str:
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


@_second_factor_view
def second_factor_setup_view(request, next_url: str):
    if totp_device_confirmed(user=request.user) is not None:
        return HttpResponseRedirect(_with_next("admin:second_factor", next_url))
    address = client_ip(request.META)
    form = SecondFactorForm(
        request.POST if request.method == "POST" else None,
        check=lambda code: auth_admin_second_factor_setup(
            user=request.user,
            device_id=request.session.get(SETUP_DEVICE_SESSION_KEY),
            token=code,
            client_address=address,
        ),
    )
    if form.is_bound and form.is_valid():
        device, codes = form.result
        del request.session[SETUP_DEVICE_SESSION_KEY]
        _signed_in(request, device)
        # Shown on this response only: the codes are stored as digests and never again readable.
        context = _context(request, title="Your recovery codes", form=None, next_url=next_url, codes=codes)
        return TemplateResponse(request, "admin/second_factor_codes.html", context)
    device = totp_device_for_setup(user=request.user, device_id=request.session.get(SETUP_DEVICE_SESSION_KEY))
    request.session[SETUP_DEVICE_SESSION_KEY] = device.pk
    context = _context(
        request,
        title="Set up two-step sign-in",
        form=form,
        next_url=next_url,
        qr_svg=_qr_svg(device),
        secret=_grouped(b32encode(device.bin_key).decode()),
    )
    return TemplateResponse(request, "admin/second_factor_setup.html", context)
