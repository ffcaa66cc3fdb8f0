"""Real Celery workers for the tests that need RabbitMQ (requires_rabbitmq): ``celery -A
bankcore worker`` in a process of its own, on the test's own database and its own queue."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import pools

# The broker the RabbitMQ tests use: these machines run one, guest/guest.
TEST_BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"


def _app():
    """bankcore's Celery app (the current one: the project package makes it at import)."""
    from celery import current_app

    return current_app._get_current_object()


def broker_point(url: str) -> None:
    """Send the app's tasks to ``url`` from now on: the connections and producers it pooled
    for the broker before are closed and forgotten."""
    app = _app()
    app.conf.broker_url = url
    pools.reset()  # kombu's pools of every broker, kept by URL for the process
    app._pool = None
    app.amqp._producer_pool = None


class BrokerQueue:
    """A queue of one test's own on the broker, which the app in the test sends to (not
    in-process) and its workers take from; deleted when the test ends."""

    def __init__(self, name: str):
        self.name = name
        self._saved = {
            key: _app().conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
        }

    def __enter__(self) -> "BrokerQueue":
        _app().conf.update(task_always_eager=False, task_default_queue=self.name)
        broker_point(TEST_BROKER_URL)
        return self

    def __exit__(self, *exc):
        with _app().connection_for_write() as conn:
            conn.default_channel.queue_delete(self.name)
        _app().conf.update(self._saved)
        broker_point(self._saved["broker_url"])


def worker_start(queue: str, log: Path, **environment: str) -> subprocess.Popen:
    """A worker taking ``queue``'s tasks (and sending its own there), one task at a time."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bankcore.settings",
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "INFO",
        **environment,
    }
    env.pop("REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # one process: its own registry
    with open(log, "a") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bankcore", "worker", "--pool", "solo"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def wait_for(condition, timeout: float = 60, log: Path | None = None, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out; the worker's log:\n{log.read_text() if log else ''}")
