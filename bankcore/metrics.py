"""Prometheus metrics: what every request, query, cache call and pool does, and the business.

prometheus-client runs in multiprocess mode whenever PROMETHEUS_MULTIPROC_DIR is set
(gunicorn.conf.py sets it before any worker starts; the test settings use a temporary
directory): every process writes its samples to memory-mapped files there, and a scrape,
whichever worker answers it, reads them all. Without it (runserver, a management command)
the process counts alone.

What the hot path pays: per request one counter and four histograms; at most once a
second per process, after a request has finished, a look at the connection pool.
Everything that needs a query (cache statistics kept in Redis, the business gauges in
``transfers.metrics`` and ``bankcore.backoffice.metrics``) is read when ``/metrics`` is
scraped, never while serving a customer.

Events are counted when they happen (a transfer, a login); states are read when scraped
(families registered with ``scrape_family``: one function each, yielding metric families).
An app's own counters live in its ``metrics.py`` (``accounts.metrics``: deposits, logins).
"""

import functools
import hmac
import ipaddress
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.core.signals import request_finished
from django.db import connections, transaction
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from bankcore.observability import client_ip

logger = logging.getLogger("bankcore.metrics")

# Buckets put an edge on every per-endpoint p95 budget (50, 100, 150, 200, 300 ms), so an
# alert compares against the budget itself, not an interpolation around it.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_COUNT_BUCKETS = (0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100)
DB_TIME_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
# CPU per request: the budget is a few milliseconds across the mix, a login's hash tens.
CPU_TIME_BUCKETS = (0.0005, 0.001, 0.002, 0.0035, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0)

HTTP_REQUESTS = Counter(
    "bankcore_http_requests",
    "Requests answered, by route template, method and status class (2xx, 4xx, ...).",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "bankcore_http_request_duration_seconds",
    "Time from the outermost middleware in to the response out, by route template.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERIES = Histogram(
    "bankcore_http_request_db_queries",
    "SQL statements one request ran, by route template.",
    ["route"],
    buckets=QUERY_COUNT_BUCKETS,
)
DB_TIME = Histogram(
    "bankcore_http_request_db_seconds",
    "Time one request spent in SQL, by route template.",
    ["route"],
    buckets=DB_TIME_BUCKETS,
)
CPU_TIME = Histogram(
    "bankcore_http_request_cpu_seconds",
    "CPU time the serving thread spent on one request inside Django (its middleware, view and "
    "rendering; not gunicorn's HTTP parsing), by route template.",
    ["route"],
    buckets=CPU_TIME_BUCKETS,
)

POOL_MAX = Gauge(
    "bankcore_db_pool_max_connections", "Most connections the pools may open.", multiprocess_mode="livesum"
)
POOL_SIZE = Gauge(
    "bankcore_db_pool_connections", "Connections the pools hold now.", multiprocess_mode="livesum"
)
POOL_IN_USE = Gauge(
    "bankcore_db_pool_connections_in_use",
    "Pooled connections lent to a request now.",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "bankcore_db_pool_requests_waiting",
    "Requests waiting for a pooled connection now.",
    multiprocess_mode="livesum",
)
POOL_QUEUED = Counter("bankcore_db_pool_requests_queued", "Requests that had to wait for a connection.")
POOL_WAIT = Counter("bankcore_db_pool_wait_seconds", "Time requests spent waiting for a connection.")
POOL_TIMEOUTS = Counter(
    "bankcore_db_pool_timeouts", "Requests that got no connection within DB_POOL_TIMEOUT."
)

CACHE_ERRORS = Counter("bankcore_cache_errors", "Redis calls that failed, by cache alias.", ["alias"])
for _alias in ("default", "throttle"):
    CACHE_ERRORS.labels(_alias)  # exported at zero from the start: rate() needs a baseline
CACHE_COOLDOWNS = Counter(
    "bankcore_cache_cooldowns",
    "Times a process stopped calling Redis for CACHE_FAILURE_COOLDOWN_SECONDS after a failure.",
)


# Background tasks ----------------------------------------------------------------------

# Background tasks, counted where they run (a worker serves them on WORKER_METRICS_PORT;
# bankcore.celery records them when a task ends).
TASK_RUNS = Counter("bankcore_task_runs", "Background task runs that ended, by outcome.", ["task", "outcome"])
TASK_SECONDS = Histogram(
    "bankcore_task_duration_seconds",
    "How long background tasks ran.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800),
)


# Requests -------------------------------------------------------------------------------

_ROUTE_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")


@functools.lru_cache(maxsize=512)
def route_label(route: str) -> str:
    """A URL pattern as a metric label: ``api/^accounts/(?P<pk>[^/.]+)$`` is ``/api/accounts/{pk}``."""
    label = _ROUTE_GROUP.sub(lambda match: "{" + (match.group(1) or match.group(2)) + "}", route)
    return "/" + label.replace("^", "").replace("$", "")


UNMATCHED_ROUTE = "unmatched"  # every path no pattern matched shares one label
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# A route's children of each family, looked up once: ``labels()`` takes a lock and builds
# tuples, which every request would otherwise pay again. Bounded: routes x METHODS x classes.
_request_children: dict[tuple[str, str, int], tuple] = {}


def _children(route: str, method: str, status_class: int) -> tuple:
    key = (route, method, status_class)
    children = _request_children.get(key)
    if children is None:
        children = (
            HTTP_REQUESTS.labels(route, method, f"{status_class}xx"),
            HTTP_LATENCY.labels(route, method),
            CPU_TIME.labels(route),
            DB_QUERIES.labels(route),
            DB_TIME.labels(route),
        )
        _request_children[key] = children
    return children


def request_observe(request, status_code: int, seconds: float, cpu_seconds: float, timings) -> None:
    """Count one answered request under its route template, never its raw path."""
    match = getattr(request, "resolver_match", None)
    route = route_label(match.route) if match is not None else UNMATCHED_ROUTE
    method = request.method if request.method in METHODS else "other"  # a client picks the method
    requests, latency, cpu_time, queries, db_time = _children(route, method, status_code // 100)
    requests.inc()
    latency.observe(seconds)
    cpu_time.observe(cpu_seconds)
    if timings is not None:
        queries.observe(timings.db_queries)
        db_time.observe(timings.db_ms / 1000)


# The connection pool ----------------------------------------------------------------------

POOL_SAMPLE_SECONDS = 1.0
_pool_sampled_at = 0.0
_pool_lock = threading.Lock()


def pool_sample(*, force: bool = False) -> None:
    """Copy the pool's statistics into the metrics, at most once a second per process."""
    global _pool_sampled_at
    now = time.monotonic()
    if not force and now - _pool_sampled_at < POOL_SAMPLE_SECONDS:
        return
    if not _pool_lock.acquire(blocking=False):
        return  # another thread of this process is sampling
    try:
        _pool_sampled_at = now
        pool = _pool()
        if pool is None:
            return
        stats = pool.pop_stats()  # the counters restart at zero, so each sample adds a delta
        POOL_MAX.set(stats.get("pool_max", 0))
        POOL_SIZE.set(stats.get("pool_size", 0))
        POOL_IN_USE.set(stats.get("pool_size", 0) - stats.get("pool_available", 0))
        POOL_WAITING.set(stats.get("requests_waiting", 0))
        POOL_QUEUED.inc(stats.get("requests_queued", 0))
        POOL_WAIT.inc(stats.get("requests_wait_ms", 0) / 1000)
        POOL_TIMEOUTS.inc(stats.get("requests_errors", 0))
    finally:
        _pool_lock.release()


def _sample_after_request(**kwargs) -> None:
    pool_sample()


# After Django's own receiver has given the request's connection back to the pool (it was
# connected first, when django.db was imported): the sample sees only other requests' use.
request_finished.connect(_sample_after_request, dispatch_uid="bankcore.metrics.pool_sample")


def _pool():
    """The default database's psycopg pool in this process, if it has one open."""
    connection = connections["default"]
    if connection.vendor != "postgresql" or "pool" not in connection.settings_dict["OPTIONS"]:
        return None
    # Only a pool that exists: asking for ``connection.pool`` would open one.
    return type(connection)._connection_pools.get(connection.alias)


def pool_stats() -> dict | None:
    """The pool's statistics now, without resetting its counters (for reports)."""
    pool = _pool()
    return None if pool is None else pool.get_stats()


# Cache ------------------------------------------------------------------------------------


def cache_failed(alias: str, *, cooldown: bool) -> None:
    CACHE_ERRORS.labels(alias).inc()
    if cooldown:
        CACHE_COOLDOWNS.inc()


# Business events --------------------------------------------------------------------------


def money_counted_on_commit(count: Counter, total: Counter, labels: tuple[str, ...], amount: int) -> None:
    """Count one event that moved ``amount`` (minor units) under ``labels`` in both counters,
    once its transaction commits: a rolled-back one never happened. Each app keeps its own
    counters (accounts.metrics: deposits; transfers.metrics: transfers and wires); this is how they count."""
    transaction.on_commit(partial(_count_money, count, total, labels, amount))


def _count_money(count: Counter, total: Counter, labels: tuple[str, ...], amount: int) -> None:
    count.labels(*labels).inc()
    total.labels(*labels).inc(amount)


# Read when scraped ------------------------------------------------------------------------

ScrapeFamily = Callable[[], Iterable[Metric]]
_scrape_families: list[ScrapeFamily] = []


def scrape_family(function: ScrapeFamily) -> ScrapeFamily:
    """Register a function whose metric families are read from the database or cache at scrape time."""
    if function not in _scrape_families:
        _scrape_families.append(function)
    return function


def review_queue(queryset, *, since: str, name: str, what: str) -> Iterable[Metric]:
    """A review queue's length and the age of its oldest item (``since``, a time field), in
    one aggregate that an index on the queue's filter answers: ``bankcore_<name>s_pending``
    and ``bankcore_<name>_oldest_pending_seconds``."""
    waiting = queryset.aggregate(count=Count("pk"), oldest=Min(since))
    count = waiting["count"]
    yield GaugeMetricFamily(f"bankcore_{name}s_pending", f"{what} waiting for review.", value=count)
    oldest = waiting["oldest"]
    yield GaugeMetricFamily(
        f"bankcore_{name}_oldest_pending_seconds",
        f"How long the oldest of the {what.lower()} waiting for review has waited (0 when none).",
        value=(timezone.now() - oldest).total_seconds() if oldest is not None else 0.0,
    )


@scrape_family
def cache_lookups() -> Iterable[Metric]:
    """Hits and misses per key family: the statistics the cache kernel already keeps in the cache."""
    from bankcore.cache import stats

    family = CounterMetricFamily(
        "bankcore_cache_lookups",
        "Cache lookups by key family and outcome (hit or miss).",
        labels=["family", "outcome"],
    )
    for name, counts in stats.snapshot().items():
        family.add_metric([name, "hit"], counts["hits"])
        family.add_metric([name, "miss"], counts["misses"])
    yield family


class _ScrapeCollector:
    def describe(self):
        return []  # nothing to check at registration: collecting needs the database

    def collect(self):
        for function in _scrape_families:
            try:
                yield from function()
            except Exception:  # one family that cannot be read must not hide the others
                logger.exception("metrics family %s could not be read", function.__name__)


_scrape_collector = _ScrapeCollector()
REGISTRY.register(_scrape_collector)


def exposition() -> tuple[bytes, str]:
    """The metrics page: (body, content type) in the Prometheus text format."""
    pool_sample(force=True)
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_scrape_collector)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


# Who may read them ------------------------------------------------------------------------


def access_allowed(request) -> bool:
    """An address in METRICS_ALLOWED_IPS, or the METRICS_BEARER_TOKEN secret: nobody else."""
    secret = settings.METRICS_BEARER_TOKEN
    if secret:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), secret.encode()):
            return True
    address = client_ip(request.META)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in settings.METRICS_ALLOWED_NETWORKS)
