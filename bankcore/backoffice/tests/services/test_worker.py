"""A real worker on the real broker: what the app sends to RabbitMQ, ``celery -A bankcore
worker`` in a process of its own runs, on the test's own database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.tests.helpers import TEST_BROKER_URL
from bankcore.celery import app

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("a worker in another process reads the test's database"),
    pytest.mark.requires_rabbitmq,
]

ROOT = Path(__file__).resolve().parents[4]


def database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"


@pytest.fixture
def queue(request):
    """A queue of this test's own on the broker, and the app sending to it (not in-process)."""
    name = f"bankcore-test-{os.getpid()}-{request.node.name}"[:200]
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=TEST_BROKER_URL, task_always_eager=False)
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)
    app.conf.update(saved)


@pytest.fixture
def metrics_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def worker(queue, tmp_path, metrics_port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bankcore.settings",
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "LOG_LEVEL": "INFO",
    }
    env.pop("REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # one process: its own registry
    env["WORKER_METRICS_PORT"] = str(metrics_port)
    log = tmp_path / "worker.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bankcore", "worker", "-Q", queue, "--pool", "solo"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    yield process, log
    process.terminate()
    process.wait(timeout=30)


def wait_for(condition, timeout: float = 60, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out; the worker's log:\n{log.read_text() if log else ''}")


def test_a_task_sent_to_rabbitmq_is_run_by_a_worker_that_counts_it(worker, queue, metrics_port):
    process, log = worker
    app.send_task("accounts.verify_ledger", queue=queue)
    wait_for(lambda: AuditEvent.objects.filter(action=actions.LEDGER_VERIFIED).exists(), log=log)
    assert AuditEvent.objects.get(action=actions.LEDGER_VERIFIED).after["ok"] is True
    assert process.poll() is None
    # The worker's own metrics: the run, counted by outcome once it has ended.
    counted = 'bankcore_task_runs_total{outcome="succeeded",task="accounts.verify_ledger"} 1.0'

    def served() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as response:
            return counted in response.read().decode()

    wait_for(served, log=log)
