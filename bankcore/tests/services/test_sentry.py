"""Sentry with a capturing transport: what would leave the building, and what would not."""

import json

import pytest
import sentry_sdk
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from bankcore.observability import sentry_init

pytestmark = pytest.mark.django_db

SECRET_PASSWORD = "hunter2-Very-Secret"


class BoomView(APIView):
    def post(self, request):
        password = request.data["password"]  # a local that must never be sent
        raise RuntimeError(f"unexpected failure while handling a {len(password)}-character secret")


ACCOUNT_NUMBER = "GB82WEST12345698765432"


class TracedView(APIView):
    """Work wrapped in spans that carry data, as the money path's spans do (lock wait,
    posting, audit, cache): what a span may hold must still be scrubbed."""

    def post(self, request, pk):
        with sentry_sdk.start_span(op="db.lock", name="accounts lock") as span:
            span.set_data("account_number", ACCOUNT_NUMBER)
            span.set_data("accounts", [pk])
        with sentry_sdk.start_span(op="ledger.posting", name="posting") as span:
            span.set_data("posting", {"destination_account_number": ACCOUNT_NUMBER, "iban": ACCOUNT_NUMBER})
            span.set_data("legs", 2)
        with sentry_sdk.start_span(op="audit", name="audit_record") as span:
            span.set_data("email", "traced@example.test")
        return Response({"ok": True})


urlpatterns = [
    path("api/boom", BoomView.as_view()),
    path("api/traced/<int:pk>", TracedView.as_view()),
    path("", include("bankcore.urls")),
]
handler500 = "bankcore.views.server_error"


@pytest.fixture
def sentry_events(sentry_capture):
    return sentry_capture("event")


@pytest.mark.urls(__name__)
def test_unexpected_error_is_captured_without_secrets(client, customer_client, sentry_events):
    client.raise_request_exception = False
    token = customer_client.token
    response = client.post(
        "/api/boom",
        data={"password": SECRET_PASSWORD, "email": "boom@example.test"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_COOKIE="sessionid=abc123secret",
    )
    sentry_sdk.flush()
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    events = sentry_events()
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    serialized = json.dumps(event)
    for secret in (SECRET_PASSWORD, token, "boom@example.test", "abc123secret"):
        assert secret not in serialized
    assert "data" not in event.get("request", {})
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert all("vars" not in frame for frame in frames)
    assert "user" not in event


def test_sentry_is_configured_to_send_no_personal_data(sentry_events):
    options = sentry_sdk.get_client().options
    assert not options["send_default_pii"]
    assert options["max_request_body_size"] == "never"
    assert options["include_local_variables"] is False
    assert options["event_scrubber"] is not None


def test_expected_4xx_is_not_captured(api_client, customer, sentry_events):
    api_client.post("/api/auth/login", {"email": customer.email, "password": "wrong-one"}, format="json")
    api_client.post("/api/auth/login", "{broken", content_type="application/json")
    api_client.get("/api/auth/me")
    api_client.get("/api/nowhere")
    sentry_sdk.flush()
    assert sentry_events() == []


@pytest.fixture
def sentry_traces(sentry_capture):
    return sentry_capture(
        "transaction", environment="staging", release="bankcore@1.2.3", traces_sample_rate=1.0
    )


def wsgi_post(path: str, body: dict, **headers) -> tuple[str, dict]:
    """POST through Django's WSGI handler, where Sentry starts its transactions (the test
    client skips it). Returns (status line, response headers)."""
    from django.test import RequestFactory

    return _wsgi(RequestFactory().post(path, data=body, content_type="application/json", **headers).environ)


def wsgi_get(path: str, **headers) -> tuple[str, dict]:
    """GET through Django's WSGI handler, as ``wsgi_post``."""
    from django.test import RequestFactory

    return _wsgi(RequestFactory().get(path, **headers).environ)


def _wsgi(environ: dict) -> tuple[str, dict]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished
    from django.db import close_old_connections

    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As the test client does: the test's transaction must survive the end of the request.
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        b"".join(response)
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"]


def test_health_probes_and_metrics_scrapes_are_never_traced(sentry_traces, settings):
    settings.METRICS_BEARER_TOKEN = "scrape-secret"
    for _ in range(3):
        # The probe's answer does not matter here (on PostgreSQL it opens a connection of its
        # own, which the test's transaction refuses): only that it is not traced.
        wsgi_get("/health")
        assert wsgi_get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")[0].startswith("200")
    wsgi_get("/api/auth/me")
    sentry_sdk.flush()
    assert [event["transaction"] for event in sentry_traces()] == ["/api/auth/me"]


def test_a_traced_callers_sampling_decision_is_kept(sentry_capture):
    traces = sentry_capture("transaction", traces_sample_rate=0.0)
    sampled_parent = "771a43a4192642f0b136d5159a501700-b7ad6b7169203331-1"
    wsgi_get("/api/auth/me", HTTP_SENTRY_TRACE=sampled_parent)
    wsgi_get("/api/auth/me")
    wsgi_get("/health", HTTP_SENTRY_TRACE=sampled_parent)
    sentry_sdk.flush()
    (event,) = traces()
    assert event["contexts"]["trace"]["trace_id"] == "771a43a4192642f0b136d5159a501700"


@pytest.mark.urls(__name__)
def test_transactions_are_named_by_route_and_their_spans_are_scrubbed(customer_client, sentry_traces):
    token = customer_client.token
    status, headers = wsgi_post(
        "/api/traced/4711",
        {"password": SECRET_PASSWORD},
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_COOKIE="sessionid=abc123secret",
        HTTP_IDEMPOTENCY_KEY="idem-key-secret",
    )
    sentry_sdk.flush()
    assert status.startswith("200")
    (event,) = sentry_traces()
    assert event["transaction"] == "/api/traced/{pk}"
    assert event["release"] == "bankcore@1.2.3"
    assert event["environment"] == "staging"
    assert event["tags"]["request_id"] == headers["X-Request-ID"]
    spans = {span["op"]: span for span in event["spans"]}
    assert {"db.lock", "ledger.posting", "audit"} <= set(spans)
    assert spans["db.lock"]["data"]["accounts"] == [4711], "harmless data still arrives"
    assert spans["ledger.posting"]["data"]["legs"] == 2
    serialized = json.dumps(event)
    for secret in (
        ACCOUNT_NUMBER,
        "traced@example.test",
        token,
        SECRET_PASSWORD,
        "abc123secret",
        "idem-key-secret",
    ):
        assert secret not in serialized
    assert "data" not in event.get("request", {})


def test_release_defaults_to_what_sentry_finds_for_the_checkout():
    from sentry_sdk.utils import get_default_release

    try:
        sentry_init(dsn="https://public@sentry.invalid/1", environment="test", traces_sample_rate=0.0)
        assert sentry_sdk.get_client().options["release"] == get_default_release()
        assert sentry_sdk.get_client().options["environment"] == "test"
    finally:
        sentry_sdk.init(dsn=None)


KYC_SEARCH_REFERER = "https://bankcore.example.com/admin/kyc/kycprofile/?q=ZX-4815-1623"


@pytest.mark.urls(__name__)
def test_no_query_string_reaches_sentry_from_the_address_or_the_referer(customer_client, sentry_capture):
    """A Referer is the previous page's address with its query: a search term typed in the
    back office, for one. Errors and traces keep where the browser came from, not what it sent."""
    traces = sentry_capture("transaction", traces_sample_rate=1.0)
    events = sentry_capture("event", traces_sample_rate=1.0)  # the same Sentry, read for errors
    wsgi_get("/api/auth/me?q=ZX-4815-1624", HTTP_REFERER=KYC_SEARCH_REFERER)
    status, _ = wsgi_post(
        "/api/boom?q=ZX-4815-1625",
        {"password": "x"},
        HTTP_AUTHORIZATION=f"Bearer {customer_client.token}",
        HTTP_REFERER=KYC_SEARCH_REFERER,
    )
    sentry_sdk.flush()
    assert status.startswith("500")
    (trace,) = [trace for trace in traces() if trace["transaction"] == "/api/auth/me"]
    (error,) = events()
    for sent in (trace, error):
        assert sent["request"]["headers"]["Referer"] == "https://bankcore.example.com/admin/kyc/kycprofile/"
        # The search term, whole or in part; never a bare "4815", which the event's own
        # random ids and timestamps may hold by chance.
        assert "ZX-4815" not in json.dumps(sent)
        assert "4815-162" not in json.dumps(sent)
