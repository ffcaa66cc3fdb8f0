"""The deployment's system checks (bankcore.checks): each named when the deployment gets it
wrong, and quiet when it does not."""

import pytest
from django.core.cache import caches

from bankcore import checks
from bankcore.observability import _forwarded_noted, client_ip


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.mark.parametrize(
    ("key", "warned"),
    [("change-me", True), ("django-insecure-abc", True), ("k" * 50, False)],
)
def test_a_published_secret_key_is_named(settings, key, warned):
    settings.SECRET_KEY = key
    assert ids(checks.secret_key_not_published(None)) == (["bankcore.W010"] if warned else [])


@pytest.mark.parametrize(
    ("debug", "hosts", "warned"),
    [
        (True, ["bank.example.com"], True),
        (True, ["*"], True),
        (True, ["localhost", "127.0.0.1", "[::1]", "testserver"], False),
        (False, ["bank.example.com"], False),
    ],
)
def test_debug_is_named_on_a_host_others_reach(settings, debug, hosts, warned):
    settings.DEBUG, settings.ALLOWED_HOSTS = debug, hosts
    assert ids(checks.debug_only_locally(None)) == (["bankcore.W011"] if warned else [])


@pytest.mark.django_db
@pytest.mark.requires_postgres("pg_stat_statements is PostgreSQL's")
def test_pg_stat_statements_is_named_when_the_database_lacks_it(django_db_blocker):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        assert checks.pg_stat_statements_installed(None) == []
        cursor.execute("DROP EXTENSION pg_stat_statements")  # rolled back with the test
        assert ids(checks.pg_stat_statements_installed(None)) == ["bankcore.W012"]


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("redis://10.0.0.5:6379/0", True),
        ("redis://:s3cret@10.0.0.5:6379/0", False),
        ("redis://127.0.0.1:6379/0", False),
        ("redis://localhost:6379/0", False),
        ("redis://10.0.0.5:6379/0?password=s3cret", False),
        ("redis://:a@10.0.0.5:6379/0,redis://10.0.0.6:6379/0", True),
        ("redis://[::1:6379/0", False),  # unreadable: Django's cache says so, not this check
        ("", False),
    ],
)
def test_redis_without_a_password_off_loopback_is_named(monkeypatch, url, warned):
    monkeypatch.setenv("REDIS_URL", url)
    assert ids(checks.redis_password_off_loopback(None)) == (["bankcore.W013"] if warned else [])


@pytest.mark.parametrize(
    ("workers", "directory", "warned"), [("4", None, True), ("4", "/run/metrics", False), ("1", None, False)]
)
def test_several_workers_without_a_metrics_directory_are_named(
    monkeypatch, settings, workers, directory, warned
):
    monkeypatch.setenv("WEB_CONCURRENCY", workers)
    settings.PROMETHEUS_MULTIPROC_DIR = directory
    assert ids(checks.metrics_directory_for_several_workers(None)) == (["bankcore.W014"] if warned else [])


def test_a_forwarded_request_with_no_proxy_trusted_is_named_by_the_next_check(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    caches["default"].delete(checks.FORWARDED_SEEN_KEY)
    _forwarded_noted[0] = 0.0
    assert client_ip({"REMOTE_ADDR": "10.0.0.2"}) == "10.0.0.2"
    assert checks.trusted_proxies_behind_a_proxy(None) == []  # no forwarded request yet
    assert client_ip({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}) == "10.0.0.2"
    assert ids(checks.trusted_proxies_behind_a_proxy(None)) == ["bankcore.W015"]
    # Noted again after its cache entry went, once the process's half day has passed.
    caches["default"].delete(checks.FORWARDED_SEEN_KEY)
    client_ip({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"})
    assert checks.trusted_proxies_behind_a_proxy(None) == []
    _forwarded_noted[0] = 0.0
    client_ip({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"})
    assert ids(checks.trusted_proxies_behind_a_proxy(None)) == ["bankcore.W015"]
    settings.TRUSTED_PROXY_COUNT = 1
    assert checks.trusted_proxies_behind_a_proxy(None) == []
    _forwarded_noted[0] = 0.0
