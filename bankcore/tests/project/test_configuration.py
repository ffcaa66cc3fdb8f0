"""The settings, docker-compose.yml, gunicorn.conf.py and docs/configuration.md agree with each other."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from bankcore.env import VARIABLES
from bankcore.tests.helpers import run_without_database

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_real_services_are_used_when_their_urls_are_set():
    """CI sets DATABASE_URL and REDIS_URL; then the suite must really be on them."""
    if os.environ.get("DATABASE_URL"):
        assert connection.vendor == "postgresql"
        assert connection.settings_dict["OPTIONS"]["pool"]["max_size"] >= 1
        assert connection.settings_dict["CONN_MAX_AGE"] == 0
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            assert int(cursor.fetchone()[0]) >= 150000
    else:
        assert connection.vendor == "sqlite"
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    cache = caches["default"]
    if os.environ.get("REDIS_URL"):
        from django_redis import get_redis_connection
        from django_redis.cache import RedisCache

        assert isinstance(cache, RedisCache)
        assert get_redis_connection("default").ping() is True
        assert isinstance(caches["throttle"], RedisCache)
    else:
        from django.core.cache.backends.locmem import LocMemCache

        assert isinstance(cache, LocMemCache)
    cache.set("configuration-probe", 42)
    assert cache.get("configuration-probe") == 42


def test_production_hashes_passwords_with_argon2():
    from django.utils.module_loading import import_string

    import bankcore.settings as production

    hasher = import_string(production.PASSWORD_HASHERS[0])()
    assert hasher.algorithm == "argon2"
    encoded = hasher.encode("a-Good-passphrase-1", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("a-Good-passphrase-1", encoded)
    assert not hasher.verify("another-passphrase", encoded)


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    result = subprocess.run(
        [sys.executable, "-c", "import bankcore.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_undocumented_variables_cannot_be_read():
    from django.core.exceptions import ImproperlyConfigured

    from bankcore.env import env_str

    with pytest.raises(ImproperlyConfigured):
        env_str("NOT_A_BANKCORE_SETTING")


def test_every_environment_variable_is_on_the_configuration_page():
    page = (ROOT / "docs/configuration.md").read_text()
    missing = [name for name in VARIABLES if f"`{name}`" not in page]
    assert missing == []


def test_every_variable_the_settings_read_is_documented():
    sources = [ROOT / "bankcore" / "settings.py", ROOT / "gunicorn.conf.py"]
    read = set()
    for source in sources:
        text = source.read_text()
        read |= set(re.findall(r'env_\w+\("([A-Z0-9_]+)"\)', text))
        read |= set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', text))
    assert read, "the pattern must find the variables"
    assert read - set(VARIABLES) == set()


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


class TestDockerCompose:
    def test_runs_postgres_16_redis_7_rabbitmq_migrate_app_worker_beat_and_locust(self, compose):
        services = compose["services"]
        assert set(services) == {
            "postgres",
            "redis",
            "rabbitmq",
            "migrate",
            "app",
            "proxy",
            "worker",
            "beat",
            "seed",
            "locust",
            "locust-worker",
        }
        # The audit sealer is beat's (every minute), no longer a loop of its own.
        worker = services["worker"]["command"]
        assert worker[worker.index("-A") :][:3] == ["-A", "bankcore", "worker"]
        # One process, so that the metrics it serves are every thread's.
        assert worker[worker.index("--pool") + 1] == "threads"
        assert services["beat"]["command"][-4:] == ["bankcore", "beat", "--loglevel", "INFO"]
        assert services["worker"]["environment"] == {
            **services["app"]["environment"],
            "WORKER_METRICS_PORT": "9808",
            "WORKER_METRICS_ADDRESS": "0.0.0.0",  # noqa: S104 - inside compose's network
        }
        assert services["beat"]["environment"] == services["app"]["environment"]
        for name in ("worker", "beat"):
            assert services[name]["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}, name
        broker = services["app"]["environment"]["CELERY_BROKER_URL"]
        assert broker.startswith("amqp://")
        assert "@rabbitmq:5672" in broker
        rabbit = services["rabbitmq"]["environment"]
        assert f"{rabbit['RABBITMQ_DEFAULT_USER']}:{rabbit['RABBITMQ_DEFAULT_PASS']}@" in broker
        assert services["postgres"]["image"] == "postgres:16"
        assert services["redis"]["image"] == "redis:7"
        assert "gunicorn.conf.py" in services["app"]["command"]
        assert "bankcore.wsgi" in services["app"]["command"]
        assert "migrate --noinput" in " ".join(services["migrate"]["command"])
        assert "loadtest/locustfile.py" in " ".join(services["locust"]["command"])

    def test_locust_runs_as_a_master_with_workers_on_seeded_customers(self, compose):
        services = compose["services"]
        assert "--master" in " ".join(services["locust"]["command"])
        assert "--worker --master-host locust" in " ".join(services["locust-worker"]["command"])
        assert "--output /loadtest/customers.json" in " ".join(services["seed"]["command"])
        for name in ("locust", "locust-worker"):
            assert services[name]["environment"]["LOADTEST_CUSTOMERS_FILE"] == "/loadtest/customers.json"
            assert "loadtest:/loadtest:ro" in services[name]["volumes"]
        assert services["locust"]["depends_on"]["seed"]["condition"] == "service_completed_successfully"

    def test_start_order_waits_for_health_and_migrations(self, compose):
        services = compose["services"]
        assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert services["migrate"]["depends_on"]["redis"]["condition"] == "service_healthy"
        assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"
        assert services["locust"]["depends_on"]["proxy"]["condition"] == "service_started"
        assert "/health" in " ".join(services["app"]["healthcheck"]["test"])

    def test_app_environment_matches_the_settings(self, compose):
        app_env = compose["services"]["app"]["environment"]
        assert set(app_env) - set(VARIABLES) == set(), "compose sets variables bankcore never reads"
        assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= set(app_env)
        postgres = compose["services"]["postgres"]["environment"]
        expected_url = (
            f"postgres://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}"
            f"@postgres:5432/{postgres['POSTGRES_DB']}"
        )
        assert app_env["DATABASE_URL"] == expected_url
        assert app_env["REDIS_URL"].startswith("redis://redis:6379/")
        assert "proxy" in app_env["ALLOWED_HOSTS"].split(","), "locust reaches the app as http://proxy:8000"

    def test_secret_key_must_be_given_and_has_no_published_default(self, compose):
        secret_key = compose["services"]["app"]["environment"]["SECRET_KEY"]
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", secret_key), secret_key

    def test_app_says_how_many_proxies_stand_in_front_of_it(self, compose):
        # Left to the default, a deployment behind a proxy would count every client as one.
        assert compose["services"]["app"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
        assert "ports" not in compose["services"]["app"], "only the proxy is published"

    def test_pool_fits_under_postgres_connection_limit(self, compose):
        app_env = compose["services"]["app"]["environment"]
        per_process = int(app_env["DB_POOL_MAX_SIZE"])
        processes = int(app_env["GUNICORN_WORKERS"]) + 1  # the migrate step holds connections too
        assert processes * per_process < 100  # PostgreSQL's default max_connections


def test_gunicorn_uses_threads_recycles_workers_and_never_preloads(monkeypatch):
    for name in list(os.environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    assert config["preload_app"] is False
    assert config["max_requests"] >= 20_000  # a worker's boot is a second of CPU: rarely
    # Workers that started together restart apart: the spread is a large part of the period.
    assert config["max_requests_jitter"] >= config["max_requests"] // 4
    assert config["workers"] >= 1
    assert config["threads"] >= 1


def test_a_booted_worker_has_its_urls_loaded_and_its_heap_frozen():
    """gunicorn.conf.py's post_worker_init, in a process of its own as in a worker: the
    URLconf is imported at boot, not by the first request, and what boot made is frozen out
    of the collector's full collections."""
    script = (
        "import gc, json, runpy, sys\n"
        "import bankcore.wsgi\n"  # what a worker loads before post_worker_init
        "loaded_before = 'bankcore.urls' in sys.modules\n"
        "runpy.run_path('gunicorn.conf.py')['post_worker_init'](None)\n"
        "print(json.dumps({'before': loaded_before, 'after': 'bankcore.urls' in sys.modules,"
        " 'frozen': gc.get_freeze_count()}))\n"
    )
    result = run_without_database(script)
    assert result["before"] is False
    assert result["after"] is True
    assert result["frozen"] > 50_000


@pytest.mark.django_db  # the signal's other receivers give the request's connection back
def test_a_request_ends_without_closing_the_caches(monkeypatch):
    """bankcore's caches are pools that live as long as the process: nothing is closed after
    each request (bankcore/apps.py), which holds only while no cache asks to be."""
    from django.core.signals import request_finished

    closed = []
    for alias in settings.CACHES:
        monkeypatch.setattr(caches[alias], "close", lambda alias=alias, **kwargs: closed.append(alias))
    request_finished.send(sender=None)
    assert closed == []
    assert not getattr(settings, "DJANGO_REDIS_CLOSE_CONNECTION", False)
    for alias, options in settings.CACHES.items():
        assert not options.get("OPTIONS", {}).get("CLOSE_CONNECTION"), alias


def test_a_database_url_that_is_not_postgresql_is_refused_with_the_way_to_sqlite():
    """The pool, timeouts and lock waits set for DATABASE_URL are PostgreSQL's: a sqlite://
    URL failed at the first query with a TypeError; it is refused when the settings load."""
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": "sqlite:////tmp/bankcore-elsewhere.sqlite3"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bankcore.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DATABASE_URL names PostgreSQL" in result.stderr
