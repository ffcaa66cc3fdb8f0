"""/health where a task broker is set: degraded while it does not answer (money still moves;
the background work waits), ok again once it does."""

import pytest

from bankcore import health
from bankcore.backoffice.tests.helpers import TEST_BROKER_URL
from bankcore.celery import app, broker_check
from bankcore.tests.worker import broker_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(monkeypatch):
    """The broker check registered, as at start-up with CELERY_BROKER_URL set, against ``url``."""
    monkeypatch.setattr(health, "_degrading_checks", {"broker": broker_check})
    saved = app.conf.broker_url

    def point(url):
        broker_point(url)
        health.health_probe_forget()

    yield point
    point(saved)


def test_a_broker_that_does_not_answer_degrades_health(client, broker):
    broker("amqp://guest:guest@127.0.0.1:1//")
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.requires_rabbitmq
def test_health_is_ok_again_when_the_broker_answers(client, broker):
    broker("amqp://guest:guest@127.0.0.1:1//")
    assert client.get("/health").json()["status"] == "degraded"
    broker(TEST_BROKER_URL)
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["checks"]["broker"]["ok"] is True


def test_without_a_broker_health_does_not_ask_for_one(client):
    assert "broker" not in client.get("/health").json()["checks"]


def test_a_broker_down_is_asked_once_not_again_after_a_sleep(client, broker, monkeypatch, settings):
    import kombu.utils.functional

    slept = []
    monkeypatch.setattr(kombu.utils.functional, "sleep", slept.append)
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    broker(settings.CELERY_BROKER_URL)
    assert client.get("/health").json()["status"] == "degraded"
    # kombu sleeps two seconds before each retry: /health and /metrics make one attempt.
    assert "bankcore_task_broker_up 0.0" in client.get("/metrics").content.decode()
    assert slept == []
