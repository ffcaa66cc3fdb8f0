"""A real worker on the real broker: what the app sends to RabbitMQ, ``celery -A bankcore
worker`` in a process of its own runs, on the test's own database."""

import socket
import urllib.request

import pytest

from audit import actions
from audit.models import AuditEvent
from bankcore.celery import app
from bankcore.tests.worker import BrokerQueue, wait_for, worker_start, worker_stop

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("a worker in another process reads the test's database"),
    pytest.mark.requires_rabbitmq,
]


@pytest.fixture
def queue(request):
    with BrokerQueue(f"bankcore-test-{request.node.name}"[:200]) as queue:
        yield queue.name


@pytest.fixture
def metrics_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def worker(queue, tmp_path, metrics_port):
    log = tmp_path / "worker.log"
    process = worker_start(queue, log, WORKER_METRICS_PORT=str(metrics_port))
    yield process, log
    worker_stop(process)


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
