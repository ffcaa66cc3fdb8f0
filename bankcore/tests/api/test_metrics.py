"""GET /metrics: who may read it, and what the requests, database, pool and cache leave in it."""

import threading

import pytest
from django.db import connection
from django.test import override_settings

from bankcore.metrics import route_label
from bankcore.tests.helpers import free_port, redis_caches_at, scrape, value

pytestmark = pytest.mark.django_db

OUTSIDER = "203.0.113.9"


def test_metrics_are_not_found_from_an_address_outside_the_allowed_list(client):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDER)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert b"bankcore_" not in response.content


@override_settings(METRICS_BEARER_TOKEN="metrics-secret-for-tests")
def test_the_bearer_secret_opens_metrics_from_anywhere_and_a_wrong_one_does_not(client):
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert (
        client.get(
            "/metrics", REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Basic metrics-secret-for-tests"
        ).status_code
        == 404
    )
    scrape(client, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer metrics-secret-for-tests")


def test_a_network_in_the_allowed_list_admits_its_addresses(client, settings):
    import ipaddress

    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("203.0.113.0/24")]
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDER).status_code == 200
    assert client.get("/metrics").status_code == 404  # loopback is no longer in the list


def test_metrics_refuse_other_methods(client):
    assert client.post("/metrics").status_code == 405


@pytest.mark.parametrize(
    ("route", "label"),
    [
        ("health", "/health"),
        ("api/^accounts/(?P<pk>[^/.]+)/balance$", "/api/accounts/{pk}/balance"),
        ("api/auth/login", "/api/auth/login"),
        ("admin/<path:object_id>/change/", "/admin/{object_id}/change/"),
    ],
)
def test_routes_are_labelled_by_template_never_by_raw_path(route, label):
    assert route_label(route) == label


def test_requests_are_counted_by_route_template_status_class_and_latency(
    client, funded_account, bearer_client
):
    account, other = funded_account(balance=10_00), funded_account(balance=10_00)
    api = bearer_client(account.customer)
    before = scrape(client)
    for _ in range(3):
        assert api.get(f"/api/accounts/{account.pk}/balance").status_code == 200
    assert api.get(f"/api/accounts/{other.pk}/balance").status_code == 404  # another customer's
    assert client.get("/no/such/path/12345").status_code == 404
    after = scrape(client)

    route = "/api/accounts/{pk}/balance"
    counted = {
        status: value(after, "bankcore_http_requests_total", route=route, method="GET", status=status)
        - value(before, "bankcore_http_requests_total", route=route, method="GET", status=status)
        for status in ("2xx", "4xx", "5xx")
    }
    assert counted == {"2xx": 3, "4xx": 1, "5xx": 0}
    unmatched = dict(route="unmatched", method="GET", status="4xx")
    assert (
        value(after, "bankcore_http_requests_total", **unmatched)
        - value(before, "bankcore_http_requests_total", **unmatched)
        == 1
    )
    assert not any("12345" in str(labels) for _, labels in after), "raw paths never become labels"

    def observed(samples, name, **labels):
        return value(samples, f"{name}_count", **labels), value(samples, f"{name}_sum", **labels)

    count, seconds = (
        a - b
        for a, b in zip(
            observed(after, "bankcore_http_request_duration_seconds", route=route, method="GET"),
            observed(before, "bankcore_http_request_duration_seconds", route=route, method="GET"),
            strict=True,
        )
    )
    assert count == 4
    assert 0 < seconds < 10
    slowest = dict(route=route, method="GET", le="10.0")
    fastest = dict(route=route, method="GET", le="0.005")
    assert value(after, "bankcore_http_request_duration_seconds_bucket", **slowest) >= value(
        after, "bankcore_http_request_duration_seconds_bucket", **fastest
    )
    queries_count, queries = (
        value(after, f"bankcore_http_request_db_queries_{part}", route=route)
        - value(before, f"bankcore_http_request_db_queries_{part}", route=route)
        for part in ("count", "sum")
    )
    assert queries_count == 4
    assert queries >= 1, "a cold balance read queries the database at least once"
    assert (
        value(after, "bankcore_http_request_db_seconds_count", route=route)
        - value(before, "bankcore_http_request_db_seconds_count", route=route)
        == 4
    )
    cpu_count, cpu_seconds = (
        a - b
        for a, b in zip(
            observed(after, "bankcore_http_request_cpu_seconds", route=route),
            observed(before, "bankcore_http_request_cpu_seconds", route=route),
            strict=True,
        )
    )
    assert cpu_count == 4
    # Four requests through the whole stack cost CPU, and never more than the time they took
    # (give or take the two clocks' granularity: a millisecond).
    assert 0 < cpu_seconds <= seconds + 0.001


def test_cache_hits_and_misses_per_family_come_from_the_kernels_statistics(
    client, funded_account, bearer_client
):
    account = funded_account(balance=10_00)
    api = bearer_client(account.customer)
    before = scrape(client)
    for _ in range(3):
        assert api.get(f"/api/accounts/{account.pk}/balance").status_code == 200
    after = scrape(client)

    def delta(outcome):
        return value(after, "bankcore_cache_lookups_total", family="account", outcome=outcome) - value(
            before, "bankcore_cache_lookups_total", family="account", outcome=outcome
        )

    assert delta("miss") == 1
    assert delta("hit") == 2


def test_redis_errors_and_cooldowns_are_counted(client, funded_account, bearer_client):
    account = funded_account(balance=10_00)
    token = bearer_client(account.customer).token
    before = scrape(client)
    with override_settings(CACHES=redis_caches_at(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2)):
        api = bearer_client(token=token)
        assert api.get(f"/api/accounts/{account.pk}/balance").json()["balance"] == "10.00"
    after = scrape(client)
    assert value(after, "bankcore_cache_errors_total", alias="default") > value(
        before, "bankcore_cache_errors_total", alias="default"
    )
    assert value(after, "bankcore_cache_cooldowns_total") > value(before, "bankcore_cache_cooldowns_total")


@pytest.mark.requires_postgres("the connection pool is psycopg's, on PostgreSQL only")
def test_pool_size_in_use_and_waiting_are_exported(client):
    # Two other threads hold a session each while the scrape samples the pool, besides the
    # test's own (the scrape's, inside the test's transaction).
    holding, done = threading.Barrier(3), threading.Event()

    def hold_a_session():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            holding.wait()
            done.wait(30)
        finally:
            connection.close()

    holders = [threading.Thread(target=hold_a_session) for _ in range(2)]
    for holder in holders:
        holder.start()
    holding.wait()
    try:
        samples = scrape(client)
    finally:
        done.set()
        for holder in holders:
            holder.join(30)
    assert value(samples, "bankcore_db_pool_max_connections") >= 3
    assert (
        3
        <= value(samples, "bankcore_db_pool_connections_in_use")
        <= value(samples, "bankcore_db_pool_connections")
        <= value(samples, "bankcore_db_pool_max_connections")
    )
    assert value(samples, "bankcore_db_pool_requests_waiting") == 0
    assert ("bankcore_db_pool_wait_seconds_total", frozenset()) in samples


def test_health_is_counted_like_any_endpoint(client):
    before = scrape(client)
    assert client.get("/health").status_code == 200
    after = scrape(client)
    labels = dict(route="/health", method="GET", status="2xx")
    assert (
        value(after, "bankcore_http_requests_total", **labels)
        - value(before, "bankcore_http_requests_total", **labels)
        == 1
    )


def test_a_made_up_method_is_counted_as_other_never_as_a_new_label(client):
    before = scrape(client)
    assert client.generic("BREW", "/health").status_code == 405
    after = scrape(client)
    labels = dict(route="/health", method="other", status="4xx")
    assert (
        value(after, "bankcore_http_requests_total", **labels)
        - value(before, "bankcore_http_requests_total", **labels)
        == 1
    )
    assert not any(("method", "BREW") in labels for _, labels in after)
