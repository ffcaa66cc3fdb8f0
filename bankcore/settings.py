"""bankcore settings: everything comes from the environment (see bankcore/env.py).

With no DATABASE_URL and no REDIS_URL the service runs on SQLite and an in-process
cache (the embedded default); production sets both.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bankcore.env import env_bool, env_float, env_int, env_list, env_str
from bankcore.observability import sentry_init, silk_should_intercept
from bankcore.staff import staff_verified

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG")
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT")

SILK_ENABLED = env_bool("SILK_ENABLED")
SILK_SAMPLE_PERCENT = env_float("SILK_SAMPLE_PERCENT")

INSTALLED_APPS = [
    # Django's admin with the back office's site (a second factor for every staff session).
    "accounts.apps.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rangefilter",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_celery_beat",
    "bankcore",
    "accounts",
    "audit",
    "transfers",
    "kyc",
]
if SILK_ENABLED:
    INSTALLED_APPS.append("silk")

MIDDLEWARE = [
    "bankcore.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's and django-otp's (request.user.is_verified(): whether this session passed the
    # second factor), skipped for an API call with a bearer token, which DRF authenticates.
    "bankcore.middleware.AuthenticationMiddleware",
    "bankcore.middleware.OTPMiddleware",
    "bankcore.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.CachePrefetchMiddleware",
]
if SILK_ENABLED:
    MIDDLEWARE.append("silk.middleware.SilkyMiddleware")

ROOT_URLCONF = "bankcore.urls"
WSGI_APPLICATION = "bankcore.wsgi.application"
# API paths have no trailing slash and an unknown path is a 404, never a redirect.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # CONN_HEALTH_CHECKS makes the pool check each connection before handing it out;
    # bankcore's backend (bankcore/database/postgresql) checks without a round trip to PostgreSQL.
    default_database = dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
    if default_database["ENGINE"] != "django.db.backends.postgresql":
        # The options below are PostgreSQL's: another engine would fail at its first query.
        raise ImproperlyConfigured(
            "DATABASE_URL names PostgreSQL (postgres://...); for SQLite leave it unset (SQLITE_PATH)."
        )
    default_database["ENGINE"] = "bankcore.database.postgresql"
    default_database["OPTIONS"] = {
        "connect_timeout": env_int("DB_CONNECT_TIMEOUT"),
        # Bounded waits: a request never hangs on a lock or a runaway query, and fails with
        # a retryable 503 well inside gunicorn's timeout instead.
        "options": (
            f"-c lock_timeout={round(env_float('DB_LOCK_TIMEOUT') * 1000)} "
            f"-c statement_timeout={round(env_float('DB_STATEMENT_TIMEOUT') * 1000)}"
        ),
        # Django's native pool: per process, opened lazily (after gunicorn forks).
        "pool": {
            "min_size": env_int("DB_POOL_MIN_SIZE"),
            "max_size": env_int("DB_POOL_MAX_SIZE"),
            "timeout": env_int("DB_POOL_TIMEOUT"),
        },
    }
    # The pool owns connection lifetime; Django must not close connections itself.
    default_database["CONN_MAX_AGE"] = 0
else:
    sqlite_path = BASE_DIR / env_str("SQLITE_PATH")
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    default_database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": sqlite_path,
        "OPTIONS": {
            # SQLite ignores row locks: take the write lock when a transaction begins.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
DATABASES = {"default": default_database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SLOW_QUERY_MS = env_float("SLOW_QUERY_MS")
HEALTH_PROBE_SECONDS = env_float("HEALTH_PROBE_SECONDS")

# Background work (bankcore.celery) ------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# No broker: each task runs at once where it is asked for (make run, the tests).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE")
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it ends, not when a worker takes it: one whose worker dies is
# given to another. Every task is idempotent, so running one twice is safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# JSON only, never pickle: a message on the broker is data, not code.
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_ACCEPT_CONTENT = ["json"]
# A task that runs away is stopped (and, acknowledged late, given to another worker once).
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds to connect to the broker: /health and /metrics ask it once each, so an unreachable
# broker costs them this long at most.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker's own metrics (bankcore.celery): the task runs it ended and their durations.
WORKER_METRICS_PORT = env_int("WORKER_METRICS_PORT")
WORKER_METRICS_ADDRESS = env_str("WORKER_METRICS_ADDRESS")

# Cache ----------------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
# In-process failure counters (the embedded default's, and the fallback during a Redis
# outage) keep this many keys before forgetting any: a few megabytes.
THROTTLE_LOCAL_MAX_ENTRIES = 200_000
if REDIS_URL:
    redis_timeout = env_float("REDIS_SOCKET_TIMEOUT")
    redis_options = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "SOCKET_CONNECT_TIMEOUT": redis_timeout,
        "SOCKET_TIMEOUT": redis_timeout,
    }
    CACHES = {
        # Redis errors become misses here, and a failing Redis is left alone for a
        # cooldown: slower, never failing, never hanging on every call.
        "default": {
            "BACKEND": "bankcore.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bankcore",
            "OPTIONS": redis_options,
        },
        # Login throttling must see Redis errors, so it can fall back instead of failing open.
        "throttle": {
            "BACKEND": "bankcore.cache_backends.TimedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bankcore",
            "OPTIONS": redis_options,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "bankcore.cache_backends.TimedLocMemCache", "LOCATION": "default"},
        "throttle": {
            "BACKEND": "bankcore.cache_backends.TimedLocMemCache",
            "LOCATION": "throttle",
            "OPTIONS": {"MAX_ENTRIES": THROTTLE_LOCAL_MAX_ENTRIES},
        },
    }
# Counts login failures in-process while Redis is down: per-process limits beat none. An
# in-process cache forgets a third of its keys when full (Django's default is 300 keys):
# failure counters must not be flushed out by a flood of other keys.
CACHES["throttle_fallback"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "throttle-fallback",
    "OPTIONS": {"MAX_ENTRIES": THROTTLE_LOCAL_MAX_ENTRIES},
}
CACHE_FAILURE_COOLDOWN_SECONDS = env_float("CACHE_FAILURE_COOLDOWN_SECONDS")

# Authentication -------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Staff's second factor (accounts/services/devices.py). Wrong codes count against the login
# limits above, per account and per address, like wrong passwords; django-otp's own per-device
# back-off (a growing wait after each failure, whatever its source) would lock a member out
# by anyone's guesses, so it is off.
OTP_TOTP_ISSUER = "bankcore"
OTP_TOTP_THROTTLE_FACTOR = 0

REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(minutes=env_int("AUTH_TOKEN_TTL_MINUTES")),
    "AUTO_REFRESH": False,
}
LOGIN_FAILURES_PER_EMAIL = env_int("LOGIN_FAILURES_PER_EMAIL")
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS")
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS")
TRANSFER_FAILURES_PER_CUSTOMER = env_int("TRANSFER_FAILURES_PER_CUSTOMER")
TRANSFER_FAILURE_WINDOW_SECONDS = env_int("TRANSFER_FAILURE_WINDOW_SECONDS")
SANCTIONS_MATCH_THRESHOLD = env_int("SANCTIONS_MATCH_THRESHOLD")
# The files the daily refresh (kyc.refresh_sanctions) loads: put there by whatever fetches
# the published list (bankcore itself reaches no outside address).
SANCTIONS_SDN_FILE = env_str("SANCTIONS_SDN_FILE")
SANCTIONS_ALT_FILE = env_str("SANCTIONS_ALT_FILE")
if not 0 <= SANCTIONS_MATCH_THRESHOLD <= 100:
    raise ImproperlyConfigured("SANCTIONS_MATCH_THRESHOLD must be a score from 0 to 100")

# API ------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["bankcore.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["bankcore.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "bankcore.api.negotiation.JSONFirstContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "bankcore.api.pagination.NewestFirstCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "bankcore.api.schema.BankcoreAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "registration": f"{env_int('REGISTRATIONS_PER_HOUR')}/hour",
        "kyc_upload": f"{env_int('KYC_UPLOADS_PER_HOUR')}/hour",
    },
    "EXCEPTION_HANDLER": "bankcore.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "bankcore API",
    "DESCRIPTION": "Accounts, ledger, transfers, wires and KYC for bankcore customers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # An enum's values are its names (USD, DE, pending_review): a description that lists each
    # beside a label saying the same again only lengthens the schema (249 countries, twice) and
    # every generated client.
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "bankcore.money.CURRENCY_CHOICES",
        "CountryEnum": "kyc.api.serializers.COUNTRY_CODES",
        "KycStatusEnum": "kyc.models.KycStatus",
        "KycDocumentStatusEnum": "kyc.models.DocumentStatus",
    },
}

# Security -------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT") and not DEBUG
# Load balancers probe /health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / env_str("STATIC_ROOT")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# KYC ------------------------------------------------------------------------------------

# Documents are kept encrypted, never under MEDIA or STATIC, and never given a URL: only the
# owner's API endpoint and the staff preview read them, through this storage.
STORAGES["kyc"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": BASE_DIR / env_str("KYC_DOCUMENT_ROOT"),
        "base_url": None,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}
if env_str("KYC_S3_BUCKET"):
    # Objects stay private and are never overwritten; the bytes are encrypted before they leave.
    STORAGES["kyc"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("KYC_S3_BUCKET"),
            "endpoint_url": env_str("KYC_S3_ENDPOINT_URL"),
            "region_name": env_str("KYC_S3_REGION"),
            "location": "kyc-documents",
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
KYC_ENCRYPTION_KEYS = env_list("KYC_ENCRYPTION_KEY")
KYC_LOOKUP_KEY = env_str("KYC_LOOKUP_KEY")
KYC_LOCAL_KEY_DIR = BASE_DIR / "var"
KYC_MAX_UPLOAD_BYTES = env_int("KYC_MAX_UPLOAD_BYTES")
KYC_IMAGE_DECODE_BUDGET_BYTES = env_int("KYC_IMAGE_DECODE_BUDGET_BYTES")
KYC_IMAGE_DECODES_PER_PROCESS = env_int("KYC_IMAGE_DECODES_PER_PROCESS")
# How long an upload waits for a decode slot before it is answered 503 image_decoding_busy.
KYC_IMAGE_DECODE_WAIT_SECONDS = 5
# An upload past FILE_UPLOAD_MAX_MEMORY_SIZE streams into a file here, the app's own directory
# (made 0700 at start, bankcore.apps), never the shared system one: it holds a document's
# plaintext until its request ends.
FILE_UPLOAD_TEMP_DIR = str(BASE_DIR / env_str("UPLOAD_TEMP_DIR"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Observability --------------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL")
LOG_FORMAT = env_str("LOG_FORMAT")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "bankcore.observability.RequestIdFilter"},
        "once_per_interval": {"()": "bankcore.observability.RateLimitFilter", "interval_seconds": 30},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "bankcore.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "bankcore": {"level": LOG_LEVEL},
        "accounts": {"level": LOG_LEVEL},
        "audit": {"level": LOG_LEVEL},
        "bankcore.cache": {"level": LOG_LEVEL, "filters": ["once_per_interval"]},
        "bankcore.config": {"level": LOG_LEVEL, "filters": ["once_per_interval"]},
        "bankcore.throttle": {"level": LOG_LEVEL, "filters": ["once_per_interval"]},
    },
}

SILKY_AUTHENTICATION = True
SILKY_AUTHORISATION = True
# silk shows SQL with its parameters filled in (password hashes, emails, token digests):
# superusers and holders of the dedicated permission only, never every member of staff.
# A staff session counts only once it passed the second factor.
SILKY_PERMISSIONS = lambda user: staff_verified(user) and user.has_perm("accounts.view_profiling")  # noqa: E731
SILKY_INTERCEPT_FUNC = silk_should_intercept
SILKY_MAX_REQUEST_BODY_SIZE = 0
SILKY_MAX_RESPONSE_BODY_SIZE = 0
SILKY_META = False
SILKY_MAX_RECORDED_REQUESTS = 10_000
# A statement that compares or sets a national ID's keyed hash is not recorded at all (silk
# matches these words in the statement's text): with the hash in hand, anyone holding the
# lookup key learns whose number it is.
SILKY_IGNORE_QUERIES = ['"national_id_hash" = ']
SILKY_SENSITIVE_KEYS = {
    "username",
    "email",
    "api",
    "token",
    "key",
    "secret",
    "password",
    "signature",
    "authorization",
    "account_number",
    "idempotency",
}

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    sentry_init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT"),
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE"),
    )

# Metrics (see bankcore/metrics.py): prometheus-client reads PROMETHEUS_MULTIPROC_DIR itself,
# when it is first imported, which is after the settings.
try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(address, strict=False) for address in env_list("METRICS_ALLOWED_IPS")
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {exc}") from None
METRICS_BEARER_TOKEN = env_str("METRICS_BEARER_TOKEN")

# Webhooks (bankcore.webhooks): the networks an endpoint may be in although not public.
try:
    WEBHOOK_ALLOW_PRIVATE_TARGETS = [
        ipaddress.ip_network(address, strict=False) for address in env_list("WEBHOOK_ALLOW_PRIVATE_TARGETS")
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"WEBHOOK_ALLOW_PRIVATE_TARGETS: {exc}") from None
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
if PROMETHEUS_MULTIPROC_DIR:
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
