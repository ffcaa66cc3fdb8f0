"""bankcore's Celery application: background work on workers, with RabbitMQ as the broker.

    celery -A bankcore worker        # make worker
    celery -A bankcore beat          # make beat: the schedules, kept in the database

Its settings are Django's ``CELERY_*`` (bankcore.settings). Each app keeps its tasks in its
own ``tasks`` module, thin wrappers around its services; their schedules are rows staff see
and change in the back office (django-celery-beat's periodic tasks), the defaults written by
a migration. With no ``CELERY_BROKER_URL`` (``make run``, the tests) every task runs at once
in the process that asks for it, and nothing needs a broker.
"""

import os
import time

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready
from django.core.checks import Warning, register

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankcore.settings")

app = Celery("bankcore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each worker's own metrics (bankcore.metrics' TASK_RUNS and TASK_SECONDS, read when a task
# ends: prometheus-client must not be imported before the settings, which say whether it runs in
# multiprocess mode), served by the worker on WORKER_METRICS_PORT. The queue's depth and the
# schedules' last runs are the app's /metrics (bankcore.backoffice.metrics).
_OUTCOMES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}
_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_ended(task_id=None, task=None, state=None, **kwargs):
    from bankcore.metrics import TASK_RUNS, TASK_SECONDS

    started = _started.pop(task_id, None)
    TASK_RUNS.labels(task.name, _OUTCOMES.get(state, "other")).inc()
    if started is not None:
        TASK_SECONDS.labels(task.name).observe(time.perf_counter() - started)


@worker_ready.connect
def _serve_worker_metrics(**kwargs):
    from django.conf import settings
    from prometheus_client import start_http_server

    if settings.WORKER_METRICS_PORT:
        start_http_server(settings.WORKER_METRICS_PORT, addr=settings.WORKER_METRICS_ADDRESS)


@register(deploy=True)
def broker_configured(app_configs, **kwargs):
    """Without a broker every task runs in the process that asks for it: in production, beat
    would run the sealer, the expiries and the ledger scan itself, one after another."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL:
        return []
    return [
        Warning(
            "CELERY_BROKER_URL unset: background tasks run in the process that asks for them.",
            hint="Set it to the RabbitMQ the workers and beat use (amqp://user:pass@host:5672//).",
            id="bankcore.W001",
        )
    ]


def broker_check() -> None:
    """/health's broker check (registered where a broker is set): one round trip on a pooled
    connection, one attempt (no retry: kombu would sleep two seconds before it) within the
    broker's connect timeout. Raises when the broker does not answer."""
    with app.pool.acquire(block=True, timeout=1) as connection:
        connection.ensure_connection(max_retries=0)
        connection.default_channel  # noqa: B018 - opening the channel is the round trip
