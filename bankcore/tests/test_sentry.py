"""Sentry with a capturing transport: what would leave the building, and what would not."""

import json

import pytest
import sentry_sdk
from django.urls import include, path
from rest_framework.views import APIView
from sentry_sdk.transport import Transport

from bankcore.observability import sentry_init

pytestmark = pytest.mark.django_db

SECRET_PASSWORD = "hunter2-Very-Secret"


class CapturingTransport(Transport):
    envelopes: list = []

    def capture_envelope(self, envelope) -> None:
        CapturingTransport.envelopes.append(envelope)


class BoomView(APIView):
    def post(self, request):
        password = request.data["password"]  # a local that must never be sent
        raise RuntimeError(f"unexpected failure while handling a {len(password)}-character secret")


urlpatterns = [
    path("api/boom", BoomView.as_view()),
    path("", include("bankcore.urls")),
]
handler500 = "bankcore.views.server_error"


@pytest.fixture
def sentry_events():
    CapturingTransport.envelopes = []
    sentry_init(
        dsn="https://public@sentry.invalid/1",
        environment="test",
        traces_sample_rate=0.0,
        transport=CapturingTransport,
    )
    yield lambda: [
        item.payload.json
        for envelope in CapturingTransport.envelopes
        for item in envelope.items
        if item.type == "event"
    ]
    sentry_sdk.init(dsn=None)


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
