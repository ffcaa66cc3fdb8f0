"""The middleware only a browser needs is skipped for an API call that brings a bearer token."""

from django.conf import settings
from django.test import RequestFactory

from bankcore.middleware import AuthenticationMiddleware, MessageMiddleware, OTPMiddleware


def seen_by_view(path, **headers):
    """The request as the view gets it, past the three middlewares, innermost last."""
    seen = {}

    def view(request):
        seen["request"] = request
        return None

    chain = AuthenticationMiddleware(OTPMiddleware(MessageMiddleware(view)))
    request = RequestFactory().get(path, **headers)
    request.session = {}
    chain(request)
    return seen["request"]


def test_a_bearer_api_call_skips_the_sessions_user_and_messages():
    request = seen_by_view("/api/accounts", HTTP_AUTHORIZATION="Bearer abc")
    assert not hasattr(request, "user")  # DRF's bearer authentication sets it
    assert not hasattr(request, "_messages")


def test_every_other_request_runs_them():
    for path, headers in [
        ("/api/auth/login", {}),  # an API call without a token
        ("/admin/", {}),
        ("/admin/", {"HTTP_AUTHORIZATION": "Bearer abc"}),  # a token never skips them outside the API
        ("/health", {}),
    ]:
        request = seen_by_view(path, **headers)
        assert request.user.is_anonymous, path
        assert request.user.is_verified() is False, path  # the second factor's wrapper
        assert hasattr(request, "_messages"), path


def test_the_subclasses_stand_where_djangos_own_stood():
    middleware = settings.MIDDLEWARE
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < middleware.index(
        "bankcore.middleware.AuthenticationMiddleware"
    )
    assert middleware.index("bankcore.middleware.AuthenticationMiddleware") < middleware.index(
        "bankcore.middleware.OTPMiddleware"
    )
    assert middleware.index("bankcore.middleware.OTPMiddleware") < middleware.index(
        "bankcore.middleware.MessageMiddleware"
    )


def test_an_api_call_with_other_credentials_than_a_bearer_token_runs_them():
    # DRF's bearer authentication passes over these, and an endpoint that also takes the
    # session (/api/ops/cache-stats) must find the session's user on the request.
    for header in ["Basic dXNlcjpwYXNz", "", "Token abc", "Bearerabc"]:
        request = seen_by_view("/api/ops/cache-stats", HTTP_AUTHORIZATION=header)
        assert request.user.is_verified() is False, header
        assert hasattr(request, "_messages"), header
    for header in ["Bearer abc", "bearer abc", "BEARER\tabc"]:
        assert not hasattr(seen_by_view("/api/accounts", HTTP_AUTHORIZATION=header), "user"), header
