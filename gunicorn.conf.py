"""gunicorn settings for bankcore (`gunicorn -c gunicorn.conf.py bankcore.wsgi`).

Threads share one connection pool per worker process. Keep
workers x DB_POOL_MAX_SIZE below PostgreSQL's max_connections.
"""

import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# Processes, not threads: on two cores, 8 single-threaded workers served the load test's 300
# users at 306 req/s, p95 140 ms and 4.6 ms of CPU per request, where 2 workers x 8 threads
# managed 243 req/s, p95 600 ms and 6.0 ms (the threads of one worker take turns at the GIL,
# and every turn costs). docs/performance.md, Workers and threads. gthread still keeps idle
# keep-alive connections in its poller, off the worker's one thread.
workers = int(os.environ.get("GUNICORN_WORKERS", "8"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Recycle workers now and then so a slow leak never becomes an outage. Rarely: a worker's
# boot costs about a second of CPU, which at every 5,000 requests was 0.2 ms of every
# request, and the busy cores took it from the requests in flight. The jitter, half the
# period, keeps workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "25000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# No preloading: the database pool must be created in each worker, after the fork.
preload_app = False
accesslog = "-"
# Method, path and protocol, never the query string (%(r)s and %(q)s hold it) nor the Referer
# (%(f)s: the previous page's address, with its query): a query can carry personal data, a
# search term typed into the back office for one. The request id ties a line to the app's
# own log lines, Sentry and the audit log.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s "%(a)s"'
# gunicorn's logger, writing the same line from only the values the format names.
logger_class = "bankcore.gunicorn_logging.AccessLogger"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Metrics: every worker writes its samples under PROMETHEUS_MULTIPROC_DIR, and a scrape of
# any worker reads them all. The directory is set here, before a worker imports
# prometheus-client, and emptied at start: files left there belong to processes of an
# earlier run.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(
    Path(__file__).resolve().parent / "var/prometheus"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def on_starting(server):
    Path(metrics_dir).mkdir(parents=True, exist_ok=True)
    for stale in Path(metrics_dir).glob("*.db"):
        stale.unlink()


def post_worker_init(worker):
    """The worker has loaded bankcore; load its URL patterns too (else the first request
    imports every view), then take everything alive now, Django, the apps and their
    modules, out of the garbage collector's sight (gc.freeze). A full collection then walks
    the objects requests made, not the framework's: under the load test the collector took
    3.6% of the workers' CPU, three fifths of it in full collections of the whole heap
    (docs/performance.md, Garbage collection)."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    """A worker's live gauges (pool connections in use) leave with it; its counters stay."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
