"""/metrics on the background work: the schedules beat keeps, and the broker's queue."""

from datetime import UTC, datetime

import pytest
from django_celery_beat.models import PeriodicTask

from bankcore.backoffice.tests.helpers import TEST_BROKER_URL
from bankcore.celery import app
from bankcore.tests.helpers import scrape, value
from bankcore.tests.worker import broker_point

pytestmark = pytest.mark.django_db


def test_each_schedule_is_exported_enabled_and_when_beat_last_sent_it(client):
    sealer = PeriodicTask.objects.get(task="audit.seal")
    sealer.last_run_at = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    sealer.save()
    PeriodicTask.objects.filter(task="kyc.expire_documents").update(enabled=False)
    samples = scrape(client)
    assert value(samples, "bankcore_schedule_enabled", task="audit.seal") == 1
    assert value(samples, "bankcore_schedule_enabled", task="kyc.expire_documents") == 0
    assert value(samples, "bankcore_schedule_last_run_timestamp_seconds", task="audit.seal") == (
        sealer.last_run_at.timestamp()
    )
    # Never sent yet: no time to export.
    assert (
        "bankcore_schedule_last_run_timestamp_seconds",
        frozenset({("task", "accounts.verify_ledger")}),
    ) not in (samples)


def test_without_a_broker_nothing_is_said_of_one(client, settings):
    settings.CELERY_BROKER_URL = None
    assert not any(
        name.startswith(("bankcore_task_broker", "bankcore_task_queue")) for name, _ in scrape(client)
    )


@pytest.fixture
def broker(settings):
    """The app pointed at a broker (as production is), put back afterwards."""
    saved = app.conf.broker_url

    def point(url):
        settings.CELERY_BROKER_URL = url
        broker_point(url)

    yield point
    broker_point(saved)


def test_a_broker_that_does_not_answer_is_down(client, broker):
    broker("amqp://guest:guest@127.0.0.1:1//")  # nothing listens on port 1
    samples = scrape(client)
    assert value(samples, "bankcore_task_broker_up") == 0
    assert not any(name == "bankcore_task_queue_messages" for name, _ in samples)


@pytest.mark.requires_rabbitmq
def test_the_broker_up_with_its_queue(client, broker):
    broker(TEST_BROKER_URL)
    samples = scrape(client)
    assert value(samples, "bankcore_task_broker_up") == 1
    assert value(samples, "bankcore_task_queue_messages") >= 0
    assert value(samples, "bankcore_task_queue_consumers") >= 0
