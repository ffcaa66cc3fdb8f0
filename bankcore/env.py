"""Every environment variable bankcore reads, with its default and meaning.

Settings read the environment only through this module, so this registry is the one
list docs/configuration.md, docker-compose.yml and their tests are checked against.
"""

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    default: str | None
    help: str


VARIABLES: dict[str, Variable] = {
    "DEBUG": Variable("false", "Django debug mode; only for local development."),
    "SECRET_KEY": Variable(None, "Django secret key; required unless DEBUG is on."),
    "ALLOWED_HOSTS": Variable("localhost,127.0.0.1", "Comma-separated host names served."),
    "CSRF_TRUSTED_ORIGINS": Variable("", "Comma-separated origins trusted for admin forms."),
    "SECURE_SSL_REDIRECT": Variable(
        "true",
        "Redirect plain HTTP to HTTPS when DEBUG is off (set false behind a TLS proxy "
        "that already redirects).",
    ),
    "TRUSTED_PROXY_COUNT": Variable(
        "0",
        "How many reverse proxies append to X-Forwarded-For; 0 trusts only REMOTE_ADDR "
        "(set it behind a proxy, or all clients share its limits).",
    ),
    "DATABASE_URL": Variable(
        None, "PostgreSQL URL (postgres://user:pass@host:5432/name); unset means SQLite."
    ),
    "SQLITE_PATH": Variable("var/bankcore.sqlite3", "SQLite file used when DATABASE_URL is unset."),
    "DB_POOL_MIN_SIZE": Variable("2", "Connections each process keeps open in its pool."),
    "DB_POOL_MAX_SIZE": Variable("8", "Most connections one process's pool may open."),
    "DB_POOL_TIMEOUT": Variable("10", "Seconds a request waits for a pooled connection."),
    "DB_CONNECT_TIMEOUT": Variable("5", "Seconds to wait for PostgreSQL to accept a connection."),
    "DB_LOCK_TIMEOUT": Variable(
        "5", "Seconds a statement waits for a row lock before it fails (a retryable 503); 0 waits forever."
    ),
    "DB_STATEMENT_TIMEOUT": Variable(
        "10", "Seconds a statement may run before it is cancelled (a retryable 503); 0 means no limit."
    ),
    "SLOW_QUERY_MS": Variable("200", "Queries slower than this many milliseconds are logged."),
    "HEALTH_PROBE_SECONDS": Variable(
        "1",
        "Seconds a process answers /health from its last probe of the database and cache (0: every time).",
    ),
    "REDIS_URL": Variable(None, "Redis URL (redis://host:6379/0); unset means in-process cache."),
    "CELERY_BROKER_URL": Variable(
        None,
        "RabbitMQ URL for background work (amqp://user:pass@host:5672//); unset means tasks run "
        "in the process that asks for them, with no broker (make run, the tests).",
    ),
    "CELERY_QUEUE": Variable(
        "celery",
        "The queue the app sends its tasks to and the workers take them from (one a deployment "
        "sharing a broker).",
    ),
    "WORKER_METRICS_PORT": Variable(
        "0",
        "Port a Celery worker serves its own Prometheus metrics on (task runs and durations); 0: none.",
    ),
    "WORKER_METRICS_ADDRESS": Variable("127.0.0.1", "Address the worker's metrics port listens on."),
    "REDIS_SOCKET_TIMEOUT": Variable("0.5", "Seconds before a Redis call counts as failed."),
    "CACHE_FAILURE_COOLDOWN_SECONDS": Variable(
        "5", "After a Redis failure, seconds each process reads the database without trying Redis."
    ),
    "LOGIN_FAILURES_PER_EMAIL": Variable(
        "5",
        "Failed logins allowed per email per window (see the login rules); "
        "also wrong current passwords per user.",
    ),
    "LOGIN_FAILURES_PER_ADDRESS": Variable("20", "Failed logins allowed per client address per window."),
    "LOGIN_FAILURE_WINDOW_SECONDS": Variable("60", "Length of the login failure window."),
    "REGISTRATIONS_PER_HOUR": Variable("20", "Sign-ups allowed per client address per hour."),
    "KYC_UPLOADS_PER_HOUR": Variable("20", "KYC document uploads allowed per customer per hour."),
    "TRANSFER_FAILURES_PER_CUSTOMER": Variable(
        "10", "Refused destinations a customer may have per window before every transfer is refused."
    ),
    "TRANSFER_FAILURE_WINDOW_SECONDS": Variable("900", "Length of the refused-transfer window."),
    "SANCTIONS_MATCH_THRESHOLD": Variable(
        "90", "Score (0-100) at which a name screened against the sanctions list is held for review."
    ),
    "SANCTIONS_SDN_FILE": Variable(
        None,
        "sdn.csv (OFAC SDN CSV format) the daily refresh loads when it changed; unset: the list "
        "is loaded by hand only (manage.py sanctions_load).",
    ),
    "SANCTIONS_ALT_FILE": Variable(None, "alt.csv, the aliases of SANCTIONS_SDN_FILE's parties (optional)."),
    "AUTH_TOKEN_TTL_MINUTES": Variable("480", "Lifetime of a session token."),
    "SILK_ENABLED": Variable("false", "Mount django-silk at /silk/ (superusers and view_profiling only)."),
    "SILK_SAMPLE_PERCENT": Variable("10", "Percent of requests silk records when enabled."),
    "SENTRY_DSN": Variable(None, "Sentry DSN; unset means Sentry is off."),
    "SENTRY_ENVIRONMENT": Variable("production", "Environment name reported to Sentry."),
    "SENTRY_TRACES_SAMPLE_RATE": Variable("0.05", "Fraction of requests traced in Sentry."),
    "SENTRY_RELEASE": Variable(
        None, "Release reported to Sentry; unset means the git commit of the checkout, when there is one."
    ),
    "LOG_LEVEL": Variable("INFO", "Level of bankcore's own loggers."),
    "LOG_FORMAT": Variable(
        "plain", "plain (one readable line per record) or json (one JSON object per line, for collectors)."
    ),
    "METRICS_ALLOWED_IPS": Variable(
        "127.0.0.1,::1",
        "Comma-separated addresses or networks (CIDR) allowed to read /metrics; everyone else gets a 404.",
    ),
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": Variable(
        None,
        "Comma-separated addresses or networks (CIDR) a webhook endpoint may be in although they "
        "are not public (loopback, private, link-local); unset means public addresses only.",
    ),
    "METRICS_BEARER_TOKEN": Variable(
        None,
        "Secret that also opens /metrics as `Authorization: Bearer <secret>`; unset means addresses only.",
    ),
    "PROMETHEUS_MULTIPROC_DIR": Variable(
        None,
        "Directory where the processes of one host share their metrics (prometheus-client multiprocess "
        "mode); gunicorn.conf.py uses var/prometheus when unset and empties it at start.",
    ),
    "STATIC_ROOT": Variable("staticfiles", "Where collectstatic puts admin assets."),
    "KYC_ENCRYPTION_KEY": Variable(
        None,
        "Fernet key(s) that encrypt national ID numbers and KYC documents at rest, comma-separated, "
        "newest first (older ones only decrypt); unset makes and keeps one in var/kyc-encryption.key "
        "(`check --deploy` warns: hosts must share it).",
    ),
    "KYC_LOOKUP_KEY": Variable(
        None,
        "Secret of the keyed hash (HMAC-SHA256) staff search national ID numbers by; unset makes "
        "and keeps one in var/kyc-lookup.key.",
    ),
    "KYC_MAX_UPLOAD_BYTES": Variable(
        "10485760", "Largest KYC document accepted, in bytes; a larger upload stops while streaming (413)."
    ),
    "KYC_IMAGE_DECODE_BUDGET_BYTES": Variable(
        "134217728",
        "Most memory one KYC image may take to decode, every copy at once (pixels x bytes per pixel); "
        "a JPEG over it is decoded smaller, a PNG refused (422 image_too_large).",
    ),
    "KYC_IMAGE_DECODES_PER_PROCESS": Variable(
        "2",
        "KYC images one process decodes at once; the next waits up to 5 s, then is a 503 "
        "image_decoding_busy with Retry-After.",
    ),
    "UPLOAD_TEMP_DIR": Variable(
        "var/upload-tmp",
        "Private directory (made 0700 at start) where an upload larger than 2.5 MB streams while "
        "it is read; never the shared system temporary directory.",
    ),
    "KYC_DOCUMENT_ROOT": Variable(
        "var/kyc-documents", "Directory (outside any served one) that keeps the encrypted KYC documents."
    ),
    "KYC_S3_BUCKET": Variable(
        None,
        "S3 bucket that keeps the encrypted KYC documents instead of KYC_DOCUMENT_ROOT (private objects, "
        "credentials from the AWS environment or role); unset means the file system.",
    ),
    "KYC_S3_ENDPOINT_URL": Variable(None, "Endpoint of an S3-compatible store (MinIO, …); unset means AWS."),
    "KYC_S3_REGION": Variable(None, "Region of KYC_S3_BUCKET; unset leaves it to the AWS environment."),
    # Read by gunicorn.conf.py, not by Django.
    "GUNICORN_BIND": Variable("0.0.0.0:8000", "Address gunicorn listens on."),
    "GUNICORN_WORKERS": Variable("8", "gunicorn worker processes (gthread)."),
    "GUNICORN_THREADS": Variable("1", "Threads per worker."),
    "GUNICORN_MAX_REQUESTS": Variable("50000", "Requests before a worker is recycled."),
    "GUNICORN_MAX_REQUESTS_JITTER": Variable("25000", "Random spread added to GUNICORN_MAX_REQUESTS."),
    "GUNICORN_TIMEOUT": Variable("30", "Seconds before a silent worker is restarted."),
    "GUNICORN_FORWARDED_ALLOW_IPS": Variable("127.0.0.1", "Proxies whose X-Forwarded-* gunicorn trusts."),
    # Read by .ci/fuzz (make fuzz), which hands them to the server it starts as DATABASE_URL
    # and REDIS_URL: a developer's own DATABASE_URL is never the database it drops.
    "FUZZ_DATABASE_URL": Variable(
        "postgres://postgres@127.0.0.1:5432/bankcore_fuzz",
        "PostgreSQL database that `make fuzz` drops, recreates and serves.",
    ),
    "FUZZ_REDIS_URL": Variable(
        "redis://127.0.0.1:6379/2", "Redis database that `make fuzz` flushes and uses."
    ),
    # Read by loadtest/bench.py (make bench). It hands the last two to the ceiling project it
    # starts (loadtest/ceiling/settings.py), whose one database is pgbench's; the in-process
    # tools' settings (loadtest/bench_settings.py) mount it as a second alias.
    "BENCH_POSTGRES": Variable(
        "postgres://postgres@127.0.0.1:5432",
        "PostgreSQL server (no database name) on which `make bench` recreates its databases.",
    ),
    "BENCH_DATABASE": Variable("bankcore_bench", "Database that `make bench` drops, recreates and seeds."),
    "BENCH_PGBENCH_DATABASE_URL": Variable(
        None, "The pgbench database of `make bench`'s TPC-B ceiling; set by the benchmark for its server."
    ),
    "BENCH_PGBENCH_SCALE": Variable("10", "Scale (`pgbench -s`) of BENCH_PGBENCH_DATABASE_URL's database."),
    # Read by loadtest/run.py (make loadtest, make capacity), which hands them to the server
    # it starts as DATABASE_URL and REDIS_URL, like the fuzz ones.
    "LOADTEST_DATABASE_URL": Variable(
        "postgres://postgres@127.0.0.1:5432/bankcore_loadtest",
        "PostgreSQL database that `make loadtest` drops, recreates, seeds and serves.",
    ),
    "LOADTEST_REDIS_URL": Variable(
        "redis://127.0.0.1:6379/9", "Redis database that `make loadtest` flushes and uses."
    ),
    "LOADTEST_BROKER_URL": Variable(
        "amqp://guest:guest@127.0.0.1:5672//",
        "RabbitMQ the Celery worker and beat of `make loadtest` use (its own queue, "
        "`bankcore-loadtest`); empty: no background tier, and the run seals the audit chain itself.",
    ),
    "LOADTEST_LOGIN_FAILURES_PER_ADDRESS": Variable(
        "100000",
        "LOGIN_FAILURES_PER_ADDRESS of the server `make loadtest` starts: every simulated customer "
        "signs in from 127.0.0.1.",
    ),
}


def _raw(name: str) -> str | None:
    if name not in VARIABLES:
        raise ImproperlyConfigured(f"{name} is not a documented bankcore environment variable")
    value = os.environ.get(name)
    if value is None or value == "":
        return VARIABLES[name].default
    return value


def env_str(name: str) -> str | None:
    return _raw(name)


def env_bool(name: str) -> bool:
    value = (_raw(name) or "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str) -> int:
    value = _raw(name)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name: str) -> float:
    value = _raw(name)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name: str) -> list[str]:
    return [item.strip() for item in (_raw(name) or "").split(",") if item.strip()]
