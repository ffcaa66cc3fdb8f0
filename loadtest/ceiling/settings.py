"""Settings of the ceiling project: Django and DRF with nothing of bankcore's on the request
path. No middleware, no authentication, no permission or throttle classes, the JSON renderer
only; ``rest_framework`` is the one installed app.

What the ceiling shares with bankcore is what it is measured against: the same PostgreSQL
server and Redis, and the same database options, pool and Redis client, built here from the
same environment variables with the same defaults (bankcore.env), so neither side is
handicapped by its connections. loadtest/tests/test_bench.py checks they stay equal.

    BENCH_PGBENCH_DATABASE_URL   the database ``pgbench -i`` made (the TPC-B view's tables)
    BENCH_PGBENCH_SCALE          its scale (``pgbench -s``)
    REDIS_URL                    the Redis bankcore caches in (the GET view reads one key)
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bankcore.env import env_float, env_int, env_list, env_str


def _required(name: str) -> str:
    value = env_str(name)
    if not value:
        raise ImproperlyConfigured(f"the ceiling project needs {name}: loadtest/bench.py sets it")
    return value


# Nothing is signed or hashed here: no sessions, no CSRF, no passwords.
SECRET_KEY = env_str("SECRET_KEY") or "the-ceiling-signs-nothing"
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = ["rest_framework"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "loadtest.ceiling.urls"
WSGI_APPLICATION = "loadtest.ceiling.wsgi.application"
APPEND_SLASH = False
# As bankcore's: the time zone a pooled connection is set up with.
USE_TZ = True
TIME_ZONE = "UTC"

# The database options and pool of bankcore/settings.py, on pgbench's database.
_database = dj_database_url.parse(
    _required("BENCH_PGBENCH_DATABASE_URL"), conn_max_age=0, conn_health_checks=True
)
# bankcore's backend: Django's, whose pool checks a connection without a round trip.
_database["ENGINE"] = "bankcore.database.postgresql"
_database["OPTIONS"] = {
    "connect_timeout": env_int("DB_CONNECT_TIMEOUT"),
    "options": (
        f"-c lock_timeout={round(env_float('DB_LOCK_TIMEOUT') * 1000)} "
        f"-c statement_timeout={round(env_float('DB_STATEMENT_TIMEOUT') * 1000)}"
    ),
    "pool": {
        "min_size": env_int("DB_POOL_MIN_SIZE"),
        "max_size": env_int("DB_POOL_MAX_SIZE"),
        "timeout": env_int("DB_POOL_TIMEOUT"),
    },
}
_database["CONN_MAX_AGE"] = 0
DATABASES = {"default": _database}
# The alias the TPC-B view runs on (loadtest.bench_settings mounts the same view on "pgbench").
CEILING_DATABASE = "default"
PGBENCH_SCALE = env_int("BENCH_PGBENCH_SCALE")

# django-redis with bankcore's client class, timeouts and key prefix: the GET view reads the
# key bankcore's cache wrote. Without bankcore's timing and failure handling around it.
_redis_timeout = env_float("REDIS_SOCKET_TIMEOUT")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": _required("REDIS_URL"),
        "KEY_PREFIX": "bankcore",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": _redis_timeout,
            "SOCKET_TIMEOUT": _redis_timeout,
        },
    }
}

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    # No django.contrib.auth: an unauthenticated request's user is None, not AnonymousUser.
    "UNAUTHENTICATED_USER": None,
    "UNAUTHENTICATED_TOKEN": None,
}
