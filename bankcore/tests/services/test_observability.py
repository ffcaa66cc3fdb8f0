import logging

import pytest

from audit.models import AuditEvent
from bankcore.observability import RateLimitFilter, client_ip, client_network

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sent", [None, "", "lb-7f3a.42", "has spaces", "x" * 65, "semi;colon", "new\nline"])
def test_every_response_carries_the_servers_own_request_id(api_client, sent):
    headers = {} if sent is None else {"HTTP_X_REQUEST_ID": sent}
    response = api_client.get("/health", **headers)
    request_id = response["X-Request-ID"]
    assert request_id != sent
    assert len(request_id) == 32
    assert int(request_id, 16) >= 0
    assert api_client.get("/health", **headers)["X-Request-ID"] != request_id


def test_server_timing_reports_db_cache_cpu_and_total(api_client):
    header = api_client.get("/health")["Server-Timing"]
    names = [part.strip().split(";")[0] for part in header.split(",")]
    assert names == ["db", "cache", "cpu", "total"]
    durations = {
        part.strip().split(";")[0]: float(part.split("dur=")[1].split(";")[0]) for part in header.split(",")
    }
    # The serving thread's CPU time is part of the request's time, never more.
    assert 0 < durations["cpu"] <= durations["total"] + 1  # the clocks' granularity: a millisecond
    assert 'desc="1 queries"' in header
    assert 'desc="3 calls"' in header


def test_error_responses_carry_request_id_too(api_client):
    response = api_client.get("/api/auth/me", HTTP_X_REQUEST_ID="abc-123")
    assert response.status_code == 401
    assert len(response["X-Request-ID"]) == 32


def test_slow_queries_are_logged_with_sql_but_not_parameters(api_client, customer, settings, caplog):
    settings.SLOW_QUERY_MS = 0
    with caplog.at_level(logging.WARNING, logger="bankcore.db.slow"):
        api_client.post("/api/auth/login", {"email": customer.email, "password": "nope"}, format="json")
    records = [r for r in caplog.records if r.name == "bankcore.db.slow"]
    assert records, "every query is slow at a 0 ms threshold"
    user_lookup = next(r for r in records if "accounts_user" in r.sql)
    assert user_lookup.duration_ms >= 0
    assert "slow query" in user_lookup.getMessage()
    assert customer.email not in user_lookup.getMessage()
    assert user_lookup.request_id != "-"


def test_fast_queries_are_not_logged(api_client, settings, caplog):
    settings.SLOW_QUERY_MS = 60_000
    with caplog.at_level(logging.WARNING, logger="bankcore.db.slow"):
        api_client.get("/health")
    assert not [r for r in caplog.records if r.name == "bankcore.db.slow"]


def test_audit_events_carry_request_id_address_and_agent(api_client, customer):
    response = api_client.post(
        "/api/auth/login",
        {"email": customer.email, "password": "wrong-password"},
        format="json",
        HTTP_X_REQUEST_ID="req-1",
        HTTP_USER_AGENT="bankcore-ios/3.1",
        REMOTE_ADDR="203.0.113.7",
    )
    event = AuditEvent.objects.get()
    assert (event.request_id, event.client_request_id, event.ip_address, event.user_agent) == (
        response["X-Request-ID"],
        "req-1",
        "203.0.113.7",
        "bankcore-ios/3.1",
    )


def test_a_callers_request_id_never_becomes_the_audit_events_request_id(api_client, customer):
    for _ in range(2):
        api_client.post(
            "/api/auth/login",
            {"email": customer.email, "password": "wrong-password"},
            format="json",
            HTTP_X_REQUEST_ID="same-id-every-time",
        )
    events = AuditEvent.objects.filter(action="auth.login_failed")
    assert {event.client_request_id for event in events} == {"same-id-every-time"}
    assert len({event.request_id for event in events}) == 2
    assert "same-id-every-time" not in {event.request_id for event in events}


def test_an_unsafe_callers_request_id_is_not_recorded(api_client, customer):
    api_client.post(
        "/api/auth/login",
        {"email": customer.email, "password": "wrong-password"},
        format="json",
        HTTP_X_REQUEST_ID="evil\u2028id; drop",
    )
    event = AuditEvent.objects.get()
    assert event.client_request_id == ""
    assert len(event.request_id) == 32


def test_forwarded_for_is_trusted_only_as_far_as_our_proxies(settings):
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(meta) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(meta) == "203.0.113.9"
    assert client_ip({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-ip"}) is None


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        (None, "unknown"),
    ],
)
def test_throttles_count_an_ipv6_client_by_its_64_and_an_ipv4_client_by_its_address(address, network):
    assert client_network(address) == network


def test_repeated_log_lines_are_let_through_once_per_interval():
    limiter = RateLimitFilter(interval_seconds=60)

    def record(msg):
        return logging.LogRecord("bankcore.cache", logging.ERROR, __file__, 1, msg, None, None)

    assert limiter.filter(record("Exception ignored")) is True
    assert limiter.filter(record("Exception ignored")) is False
    assert limiter.filter(record("another message")) is True


def test_cache_and_throttle_errors_are_rate_limited_in_the_logging_config(settings):
    loggers = settings.LOGGING["loggers"]
    assert settings.CACHES["default"]["BACKEND"].endswith(("ResilientRedisCache", "TimedLocMemCache"))
    assert "once_per_interval" in loggers["bankcore.cache"]["filters"]
    assert "once_per_interval" in loggers["bankcore.throttle"]["filters"]
