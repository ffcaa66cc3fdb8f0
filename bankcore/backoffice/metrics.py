"""The business gauges of /metrics that read more than one app: the KYC queue, the audit
events the sealer has not chained, the newest ledger verification (an audit event of the
ledger's check), the background work's schedules and its queue on the broker. Read from the
database (and the broker) when Prometheus scrapes, each in one indexed query,
so a scrape stays cheap at millions of rows; registered with the kernel's ``scrape_family``
when bankcore's AppConfig imports this module. An app's own gauge stays in its app
(transfers.metrics: the wires held for review); events are counters in ``bankcore.metrics``.
"""

from collections.abc import Iterable

from amqp.exceptions import NotFound
from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from prometheus_client.core import GaugeMetricFamily, Metric

from audit import actions
from audit.selectors import audit_event_newest, audit_unsealed_overdue
from bankcore.celery import app as celery_app
from bankcore.metrics import review_queue, scrape_family
from bankcore.models import DeliveryState, WebhookDelivery
from kyc.models import KycProfile, KycStatus


@scrape_family
def kyc_reviews_pending() -> Iterable[Metric]:
    """KYC profiles submitted and waiting for a reviewer."""
    yield from review_queue(
        KycProfile.objects.filter(status=KycStatus.PENDING_REVIEW),
        since="submitted_at",
        name="kyc_review",
        what="KYC profiles submitted",
    )


@scrape_family
def audit_unsealed() -> Iterable[Metric]:
    """Audit events older than the seal margin and still outside the hash chain: more than
    zero for long means the sealer has stopped."""
    yield GaugeMetricFamily(
        "bankcore_audit_unsealed_rows",
        "Audit events older than audit.seal_margin_seconds that the sealer has not chained yet.",
        value=audit_unsealed_overdue(),
    )


@scrape_family
def ledger_verification() -> Iterable[Metric]:
    """The newest verify_ledger run: when, and whether the ledger kept its invariants."""
    newest = audit_event_newest(action=actions.LEDGER_VERIFIED)
    if newest is None:
        return  # never verified: the alert on the timestamp's absence says so
    yield GaugeMetricFamily(
        "bankcore_ledger_verification_ok",
        "1 when the newest verify_ledger run found every invariant intact, 0 when it found a breach.",
        value=1 if (newest["after"] or {}).get("ok") else 0,
    )
    yield GaugeMetricFamily(
        "bankcore_ledger_verification_timestamp_seconds",
        "Unix time of the newest verify_ledger run.",
        value=newest["occurred_at"].timestamp(),
    )


@scrape_family
def schedules() -> Iterable[Metric]:
    """Each periodic task of the background work: enabled or not, and when beat last sent it
    (an enabled schedule whose time stops moving means beat, or the task's schedule, stopped)."""
    enabled = GaugeMetricFamily(
        "bankcore_schedule_enabled", "1 for a periodic task beat sends, 0 for one disabled.", labels=["task"]
    )
    last_run = GaugeMetricFamily(
        "bankcore_schedule_last_run_timestamp_seconds",
        "Unix time beat last sent the periodic task.",
        labels=["task"],
    )
    for task, is_enabled, last_run_at in PeriodicTask.objects.values_list("task", "enabled", "last_run_at"):
        enabled.add_metric([task], 1 if is_enabled else 0)
        if last_run_at is not None:
            last_run.add_metric([task], last_run_at.timestamp())
    yield enabled
    yield last_run


@scrape_family
def webhooks() -> Iterable[Metric]:
    """Webhook deliveries still pending and failed for good, and how long the oldest pending
    one has waited (bankcore.webhooks): one query, on the deliveries' state index."""
    deliveries = GaugeMetricFamily(
        "bankcore_webhook_deliveries", "Webhook deliveries pending or failed, by state.", labels=["state"]
    )
    rows = (
        WebhookDelivery.objects.filter(state__in=[DeliveryState.PENDING, DeliveryState.FAILED])
        .values_list("state")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by()
    )
    counts, oldest = {DeliveryState.PENDING: 0, DeliveryState.FAILED: 0}, None
    for state, count, created_at in rows:
        counts[state] = count
        if state == DeliveryState.PENDING:
            oldest = created_at
    for state, count in counts.items():
        deliveries.add_metric([state], count)
    yield deliveries
    waited = 0 if oldest is None else (timezone.now() - oldest).total_seconds()
    yield GaugeMetricFamily(
        "bankcore_webhook_oldest_pending_seconds",
        "Seconds the oldest pending webhook delivery has waited since its event was relayed (0: none).",
        value=waited,
    )


@scrape_family
def task_queue() -> Iterable[Metric]:
    """The broker, asked when Prometheus scrapes (one round trip, a second at most): up, and the
    tasks waiting in the default queue with the workers consuming it. Nothing without a broker
    (tasks then run where they are asked for)."""
    if not settings.CELERY_BROKER_URL:
        return
    try:
        with celery_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=0)  # one attempt: a retry sleeps two seconds first
            try:
                _, messages, consumers = connection.default_channel.queue_declare(
                    queue=celery_app.conf.task_default_queue, passive=True
                )
            except NotFound:  # no worker or task has made the queue yet: nothing waits in it
                messages = consumers = 0
    except Exception:
        yield GaugeMetricFamily("bankcore_task_broker_up", "1 when the broker answered this scrape.", value=0)
        return
    yield GaugeMetricFamily("bankcore_task_broker_up", "1 when the broker answered this scrape.", value=1)
    yield GaugeMetricFamily(
        "bankcore_task_queue_messages", "Tasks waiting in the default queue.", value=messages
    )
    yield GaugeMetricFamily(
        "bankcore_task_queue_consumers", "Workers consuming the default queue.", value=consumers
    )
