"""What a deployment gets wrong, named by ``manage.py check`` (``--deploy`` for the
production ones) before it bites: each check's id, what is wrong and what to do. The apps
keep their own (kyc/checks.py, audit/checks.py); bankcore's AppConfig imports this module.

A check that must ask the database or the cache says nothing when they do not answer:
``check`` runs where they may not be reachable (a build step), and their own health checks
and alerts say so where it matters.
"""

import contextlib
import ipaddress
import os
import re
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

# The values that appear in bankcore's own files as examples: a deployment using one has a
# secret anyone can read.
PUBLISHED_SECRETS = {"change-me", "changeme", "secret", "dev", "insecure", "..."}
# The cache key under which a process says it saw X-Forwarded-For with no proxy trusted.
FORWARDED_SEEN_KEY = "bankcore:forwarded-without-trusted-proxies"
_LOCAL_HOSTS = {"localhost", "testserver", ".localhost"}


def _is_local(host: str) -> bool:
    host = host.strip("[]")
    if host in _LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def secret_key_not_published(app_configs, **kwargs):
    key = settings.SECRET_KEY or ""
    if key.lower() not in PUBLISHED_SECRETS and not key.startswith("django-insecure"):
        return []
    return [
        Warning(
            "SECRET_KEY is an example value: anyone can sign sessions and tokens for this deployment.",
            hint="python3 -c 'import secrets; print(secrets.token_urlsafe(50))', from a secret store.",
            id="bankcore.W010",
        )
    ]


@register(Tags.security)
def debug_only_locally(app_configs, **kwargs):
    """DEBUG shows tracebacks with settings and SQL to whoever asks: only on a developer's
    machine, never on a host others reach."""
    if not settings.DEBUG:
        return []
    remote = [host for host in settings.ALLOWED_HOSTS if host == "*" or not _is_local(host)]
    if not remote:
        return []
    return [
        Warning(
            f"DEBUG is on while ALLOWED_HOSTS lets others in ({', '.join(remote)}).",
            hint="Set DEBUG=false on any host but a developer's own.",
            id="bankcore.W011",
        )
    ]


@register(deploy=True)
def pg_stat_statements_installed(app_configs, **kwargs):
    """db_report's statement sections and the load test's slowest statements read it."""
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
            installed = cursor.fetchone() is not None
    except DatabaseError:
        return []
    if installed:
        return []
    return [
        Warning(
            "pg_stat_statements is not installed: db_report cannot name the costly statements.",
            hint="shared_preload_libraries = 'pg_stat_statements' in postgresql.conf, a restart, then "
            "CREATE EXTENSION pg_stat_statements in the database (docs/operations.md).",
            id="bankcore.W012",
        )
    ]


def _redis_without_password(url: str) -> str | None:
    """The host a Redis URL reaches off loopback without a password, or None."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or "localhost"
    except ValueError:
        return None
    if parts.scheme == "unix" or parts.password or parse_qs(parts.query).get("password"):
        return None
    return None if _is_local(host) else host


@register(Tags.security, deploy=True)
def redis_password_off_loopback(app_configs, **kwargs):
    # django-redis takes several servers (a primary and its replicas), comma-separated.
    hosts = [
        host
        for url in re.split(r"[,;]", os.environ.get("REDIS_URL") or "")
        if url.strip()
        for host in [_redis_without_password(url)]
        if host
    ]
    if not hosts:
        return []
    return [
        Warning(
            f"REDIS_URL reaches {', '.join(hosts)} without a password: anyone on that network reads "
            "and writes bankcore's cache (balances, throttles, sessions' tokens).",
            hint="requirepass (or an ACL user) on Redis, and redis://:password@host:6379/0 or rediss://.",
            id="bankcore.W013",
        )
    ]


@register(deploy=True)
def metrics_directory_for_several_workers(app_configs, **kwargs):
    """gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR itself; a server started without it
    (WEB_CONCURRENCY workers) serves each scrape from one worker's counters only."""
    try:
        workers = int(os.environ.get("WEB_CONCURRENCY") or 1)
    except ValueError:
        workers = 1
    if workers <= 1 or settings.PROMETHEUS_MULTIPROC_DIR:
        return []
    return [
        Warning(
            f"WEB_CONCURRENCY={workers} workers without PROMETHEUS_MULTIPROC_DIR: each scrape of "
            "/metrics counts one worker's requests.",
            hint="Start gunicorn with -c gunicorn.conf.py (it sets one), or set PROMETHEUS_MULTIPROC_DIR.",
            id="bankcore.W014",
        )
    ]


def forwarded_without_trusted_proxies_seen() -> None:
    """Remember (a day, in the cache) that a request came through a proxy this process does
    not trust: its client addresses are the proxy's, for throttles and the audit log."""
    from django.core.cache import caches

    with contextlib.suppress(Exception):  # a hint for check, never a reason to fail a request
        caches["default"].set(FORWARDED_SEEN_KEY, 1, timeout=86400)


@register(Tags.security, deploy=True)
def trusted_proxies_behind_a_proxy(app_configs, **kwargs):
    if settings.TRUSTED_PROXY_COUNT:
        return []
    from django.core.cache import caches

    try:
        seen = caches["default"].get(FORWARDED_SEEN_KEY)
    except Exception:
        return []
    if not seen:
        return []
    return [
        Warning(
            "Requests arrive with X-Forwarded-For while TRUSTED_PROXY_COUNT is 0: every client "
            "counts as the proxy's address, for throttles and the audit log.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of bankcore "
            "(docs/configuration.md).",
            id="bankcore.W015",
        )
    ]
