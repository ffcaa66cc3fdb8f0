import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_caches_at(url: str, *, timeout: float = 0.5) -> dict:
    """CACHES as production builds them for REDIS_URL, pointed at ``url``."""
    options = {"SOCKET_CONNECT_TIMEOUT": timeout, "SOCKET_TIMEOUT": timeout}
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "bankcore.cache_backends.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
        "throttle": {
            "BACKEND": "bankcore.cache_backends.TimedRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
    }


def run_without_database(script: str) -> dict:
    """Run ``script`` in a real process whose DATABASE_URL points where no PostgreSQL
    listens (and no Redis is set); return the JSON it printed last."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bankcore.settings",
        "DATABASE_URL": f"postgres://bankcore@127.0.0.1:{free_port()}/bankcore",
        "DB_POOL_TIMEOUT": "1",
        "DB_CONNECT_TIMEOUT": "1",
        "SECRET_KEY": "outage-test-secret-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        # Its metrics stay its own: the suite's process would otherwise add up the dead
        # process's pool gauges with its own.
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bankcore-outage-metrics-"),
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
