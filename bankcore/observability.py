"""Request context, timing, slow-query logging, Sentry and silk wiring.

Everything here runs on every request or every query, so it stays small: a context
variable per request, a perf_counter around each query and cache call.
"""

import functools
import ipaddress
import json
import logging
import random
import re
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sentry_sdk
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

slow_query_logger = logging.getLogger("bankcore.db.slow")
logger = logging.getLogger("bankcore.observability")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_META = "HTTP_X_REQUEST_ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass
class RequestTimings:
    db_ms: float = 0.0
    db_queries: int = 0
    cache_ms: float = 0.0
    cache_calls: int = 0
    # Milliseconds per phase of the write path (see ``phase``), in the order first seen.
    phases: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None
    user_agent: str
    client_request_id: str = ""


_timings: ContextVar[RequestTimings | None] = ContextVar("bankcore_timings", default=None)
_context: ContextVar[RequestContext | None] = ContextVar("bankcore_request", default=None)
# Known only once the request is authenticated, after the context was made.
_user_id: ContextVar[int | None] = ContextVar("bankcore_user_id", default=None)


def current_timings() -> RequestTimings | None:
    return _timings.get()


def current_request_context() -> RequestContext | None:
    return _context.get()


def begin_request(context: RequestContext):
    """Start timing a request; returns the tokens that end_request() needs."""
    return _context.set(context), _timings.set(RequestTimings()), _user_id.set(None)


def end_request(tokens) -> None:
    context_token, timings_token, user_token = tokens
    _context.reset(context_token)
    _timings.reset(timings_token)
    _user_id.reset(user_token)


def request_user_set(user_id: int) -> None:
    """Name the authenticated user of the current request on its log lines."""
    if _context.get() is not None:
        _user_id.set(user_id)


def new_request_id() -> str:
    """The server's own id for a request: unique, so logs and audit events can name it."""
    return uuid.uuid4().hex


def client_request_id_from(header_value: str | None) -> str:
    """A caller's request id when it is safe to log, otherwise "".

    Callers choose it freely (and may reuse one), so it never stands in for the server's id.
    """
    if header_value and _VALID_REQUEST_ID.match(header_value):
        return header_value
    return ""


def client_ip(meta) -> str | None:
    """The client address, trusting X-Forwarded-For only as far as our own proxies."""
    address = meta.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies and "HTTP_X_FORWARDED_FOR" in meta and time.monotonic() > _forwarded_noted[0]:
        _forwarded_untrusted()
    if proxies > 0:
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return _canonical_address(address)


# When this process may next note a forwarded request (twice a day at most: the cache's note
# lasts a day).
_forwarded_noted = [0.0]


def _forwarded_untrusted() -> None:
    """A proxy we do not trust forwarded a request: logged, and noted in the cache for the
    bankcore.W015 check, at most twice a day a process."""
    from bankcore.checks import forwarded_without_trusted_proxies_seen

    _forwarded_noted[0] = time.monotonic() + 12 * 3600
    logger.warning("X-Forwarded-For arrived while TRUSTED_PROXY_COUNT is 0: clients count as the proxy")
    forwarded_without_trusted_proxies_seen()


@functools.lru_cache(maxsize=4096)
def _canonical_address(address: str | None) -> str | None:
    """``address`` as ipaddress writes it, or None when it is no address. Remembered: the
    same clients come back again and again, and parsing is a fifth of this middleware's work."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_network(address: str | None) -> str:
    """The client as throttles count it: an IPv4 address, or the /64 of an IPv6 one.

    One IPv6 subscriber or host is routinely given a whole /64, 2^64 addresses: counting
    each of them apart would give one client endless fresh limits. The audit log keeps
    the full address (``client_ip``).
    """
    if address is None:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network((ip, 64), strict=False))


def add_cache_time(elapsed_ms: float) -> None:
    timings = _timings.get()
    if timings is not None:
        timings.cache_ms += elapsed_ms
        timings.cache_calls += 1


@contextmanager
def phase(name: str, *, op: str, description: str):
    """Time one phase of a request: a Sentry span (``op``, ``description``) around it, and
    its duration added to the request's Server-Timing under ``name``. The write path's
    phases: ``lock`` (waiting for account rows), ``posting`` (writing entries and balances),
    ``audit`` (the audit event) and ``cache_bump`` (retiring cached values after commit).

    The description names the work, never its data: spans are sent to Sentry as written.
    """
    start = time.perf_counter()
    try:
        if sentry_sdk.get_current_span() is None:
            # No transaction to send a span with (Sentry off, or a request outside one):
            # Sentry would make one and drop it. An unsampled request still has its
            # transaction, so its spans are made as before.
            yield
        else:
            with sentry_sdk.start_span(op=op, name=description):
                yield
    finally:
        timings = _timings.get()
        if timings is not None:
            timings.phases[name] += (time.perf_counter() - start) * 1000


def server_timing(timings: RequestTimings, total_ms: float, cpu_ms: float) -> str:
    """The Server-Timing header: db and cache with their counts, each phase seen, the
    serving thread's CPU time and the total."""
    metrics = [
        f'db;dur={timings.db_ms:.1f};desc="{timings.db_queries} queries"',
        f'cache;dur={timings.cache_ms:.1f};desc="{timings.cache_calls} calls"',
        *(f"{name};dur={elapsed:.1f}" for name, elapsed in timings.phases.items()),
        f"cpu;dur={cpu_ms:.2f}",
        f"total;dur={total_ms:.1f}",
    ]
    return ", ".join(metrics)


def time_query(execute, sql, params, many, context):
    """Database execute wrapper: adds to the request's db time and logs slow queries.

    Only the SQL text is logged, never its parameters: they can hold personal data.
    """
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed_ms = (time.perf_counter() - start) * 1000
        timings = _timings.get()
        if timings is not None:
            timings.db_ms += elapsed_ms
            timings.db_queries += 1
        if elapsed_ms >= settings.SLOW_QUERY_MS:
            slow_query_logger.warning(
                "slow query: %.1f ms: %s",
                elapsed_ms,
                sql,
                extra={"duration_ms": round(elapsed_ms, 1), "sql": sql},
            )


def install_query_timer(sender, connection, **kwargs) -> None:
    """connection_created receiver: wrap every query of every connection, once."""
    if time_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(time_query)


class RequestIdFilter(logging.Filter):
    """Stamps each log record with the request id, or '-' outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        record.request_id = context.request_id if context else "-"
        return True


# LogRecord's own attributes; anything else on a record came in ``extra``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}
# An ``extra`` whose name says it may hold a secret or personal data is never written out.
_SECRET_FIELD = re.compile(
    r"pass|secret|token|auth|cookie|key|digest|email|account_number|iban|national_id", re.I
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json): time, level, logger, message, request and
    user ids, the record's extras and any traceback.

    Extras named like secrets are replaced by "[Filtered]", a request by its method and path
    (never its query string); SQL is logged without its parameters (see ``time_query``) and
    bankcore's messages name no secrets.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": _user_id.get(),
        }
        for name, value in vars(record).items():
            if name in _RECORD_ATTRIBUTES or name.startswith("_") or name in entry:
                continue
            if _SECRET_FIELD.search(name):
                value = "[Filtered]"
            elif isinstance(value, HttpRequest):
                # Django's 4xx and 5xx lines carry the request, whose text is its full path:
                # the query string can hold personal data, so the method and path only.
                value = f"{value.method} {value.path}"
            entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


class RateLimitFilter(logging.Filter):
    """Lets one record per logger and message through per interval.

    A Redis outage fails every cache call; one line per interval says so without
    flooding the log with a traceback per request.
    """

    def __init__(self, interval_seconds: float = 30.0):
        super().__init__()
        self.interval_seconds = interval_seconds
        self._last_emitted: dict[tuple[str, str], float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        last = self._last_emitted.get(key)
        if last is not None and now - last < self.interval_seconds:
            return False
        self._last_emitted[key] = now
        return True


# Health probes and metrics scrapes arrive every few seconds from machines: profiled or
# traced, they would crowd out the requests worth looking at.
UNOBSERVED_PATHS = frozenset({"/health", "/metrics"})


# Never profiled: silk's own pages, and the KYC back office, whose requests carry identity
# documents and national ID numbers in their parameters, where silk keeps them in full (the
# query string, and each SQL statement with its parameters filled in).
UNPROFILED_PREFIXES = ("/silk/", "/admin/kyc/")


def silk_should_intercept(request) -> bool:
    """Sample requests for silk; never record health probes, metrics scrapes, silk's own pages
    or the KYC back office."""
    if request.path in UNOBSERVED_PATHS or request.path.startswith(UNPROFILED_PREFIXES):
        return False
    return random.random() * 100 < settings.SILK_SAMPLE_PERCENT  # noqa: S311 - sampling, not secrecy


def silk_profiles_purge(*, older_than: timedelta | None, progress=None) -> int:
    """Delete silk's recorded requests (with their SQL, responses and profiles) started
    before ``older_than`` ago, or all of them when it is None; returns how many requests."""
    from silk.models import Request  # silk is an app only when SILK_ENABLED

    recorded = Request.objects.all()
    if older_than is not None:
        recorded = recorded.filter(start_time__lt=timezone.now() - older_than)
    # In batches: Django's delete loads every cascaded row (SQL queries, profiles) into
    # memory first, and a purge of days of profiles must not.
    from bankcore.database.rows import rows_delete_in_batches

    return rows_delete_in_batches(recorded, batch=1000, progress=progress)


SENTRY_DENYLIST_EXTRA = [
    "account_number",
    "destination_account_number",
    "iban",
    "digest",
    "token_key",
    "current_password",
    "new_password",
    "email",
]


def _sentry_before_send(event, hint):
    from rest_framework.exceptions import APIException

    from bankcore.errors import DomainError

    exc_info = hint.get("exc_info")
    if exc_info and isinstance(exc_info[1], (DomainError, APIException)):
        return None  # expected refusals are answered with a 4xx, not reported
    return _sentry_request_scrub(event)


def _sentry_request_scrub(event):
    request = event.get("request")
    if request:
        request.pop("data", None)
        request.pop("cookies", None)
        request.pop("query_string", None)
        headers = request.get("headers") or {}
        for name in list(headers):
            if name.lower() in {"authorization", "cookie", "x-csrftoken", "idempotency-key"}:
                headers[name] = "[Filtered]"
            elif name.lower() == "referer" and isinstance(headers[name], str):
                # The previous page's address: its query is what was searched there.
                headers[name] = headers[name].split("?", 1)[0].split("#", 1)[0]
    return event


def _sentry_before_send_transaction(event, hint):
    """A trace carries the request too: the same headers are filtered as on an error."""
    return _sentry_request_scrub(event)


def _sentry_traces_sampler(traces_sample_rate: float):
    """Never trace a health probe or a metrics scrape; anything else keeps the decision of a
    traced caller (as traces_sample_rate alone would) or is sampled at ``traces_sample_rate``."""

    def sampler(sampling_context: dict) -> float:
        environ = sampling_context.get("wsgi_environ") or {}
        if environ.get("PATH_INFO") in UNOBSERVED_PATHS:
            return 0.0
        if sampling_context.get("parent_sampled") is not None:
            return float(sampling_context["parent_sampled"])
        return traces_sample_rate

    return sampler


def sentry_init(
    *, dsn: str, environment: str, traces_sample_rate: float, release: str | None = None, transport=None
) -> None:
    """Turn Sentry on with no personal data, no bodies and no local variables.

    Transactions are named by route template (``/api/accounts/{pk}/balance``), so one
    endpoint is one transaction whatever the ids in its path; /health and /metrics are
    never traced. ``release`` defaults to the
    checkout's git commit, when sentry-sdk can find one.
    """
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber
    from sentry_sdk.utils import get_default_release

    options = {
        "dsn": dsn,
        "environment": environment,
        "release": release or get_default_release(),
        "traces_sample_rate": traces_sample_rate,
        "traces_sampler": _sentry_traces_sampler(traces_sample_rate),
        # send_default_pii is left unset, which is False: no user identity, cookies or IPs.
        # (Setting it explicitly is deprecated; data_collection would switch the scrubber off.)
        "max_request_body_size": "never",
        "include_local_variables": False,
        "event_scrubber": EventScrubber(
            denylist=DEFAULT_DENYLIST + SENTRY_DENYLIST_EXTRA,
            pii_denylist=DEFAULT_PII_DENYLIST,
            recursive=True,
        ),
        "before_send": _sentry_before_send,
        "before_send_transaction": _sentry_before_send_transaction,
        "integrations": [DjangoIntegration(transaction_style="url", cache_spans=True)],
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
