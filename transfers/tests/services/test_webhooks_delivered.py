"""Webhooks end to end, on the real broker: a worker in a process of its own relays and
delivers the events of 100 transfers and 10 wires to a real receiver on loopback, which is
down for a while; every delivery is verified with the standardwebhooks library and each
object's events arrive in order; a worker killed mid-delivery delivers again, with the same
webhook-id, once restarted; with the broker down the money still moves and the events wait
in the outbox."""

import ipaddress
import os
import signal
import time

import pytest
from django.db import transaction

from accounts.tests.factories import AccountFactory
from bankcore.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint
from bankcore.tasks import webhooks_relay_task
from bankcore.tests.receiver import Receiver
from bankcore.tests.worker import (
    TEST_BROKER_URL,
    BrokerQueue,
    broker_point,
    wait_for,
    worker_start,
    worker_stop,
)
from bankcore.webhooks.sending import secret_new
from transfers.models import WireTransfer
from transfers.tests.helpers import post_wire

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("a worker in another process reads the test's database"),
    pytest.mark.requires_rabbitmq,
]

LOOPBACK = "127.0.0.0/8"


@pytest.fixture
def queue(request, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = [ipaddress.ip_network(LOOPBACK)]
    with BrokerQueue(f"bankcore-test-{request.node.name}"[:200]) as queue:
        yield queue.name


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(receiver):
    secret = secret_new()
    return WebhookEndpoint.objects.create(url=receiver.url, secret=secret), secret


@pytest.fixture
def workers(queue, tmp_path):
    """Start workers on the test's queue; each is stopped when the test ends."""
    log = tmp_path / "worker.log"
    started = []

    def start():
        started.append(worker_start(queue, log, WEBHOOK_ALLOW_PRIVATE_TARGETS=LOOPBACK))
        return started[-1]

    start.log = log
    yield start
    for process in started:
        worker_stop(process)


def beat(until, *, log, timeout: float = 120):
    """Send the relay as beat does (every 0.3 s here: beat's is 5 s) until ``until()`` holds."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, f"timed out; the worker's log:\n{log.read_text()}"
        webhooks_relay_task.apply_async()
        time.sleep(0.3)


def _of(kind: str, object_id: int):
    return lambda e: (e.object_type, e.object_id) == (kind, object_id)


def delivered(receiver: Receiver, secret: str) -> list[dict]:
    """The payloads received, each verified (once per webhook-id, in the order they came)."""
    seen, payloads = set(), []
    for request in receiver.received:
        payload = request.verified(secret)
        assert request.headers["webhook-id"] == f"msg_{payload['id']}"
        if payload["id"] not in seen:
            seen.add(payload["id"])
            payloads.append(payload)
    return payloads


def test_the_events_of_100_transfers_and_10_wires_reach_a_receiver_that_was_down_for_a_while(
    source, customer_client, endpoint, receiver, workers, transfer
):
    endpoint, secret = endpoint
    destination = AccountFactory()
    receiver.stop()
    for _ in range(100):
        transfer(source, destination, 1_00)
    for _ in range(10):
        assert post_wire(customer_client, source, amount="20.00").status_code == 201
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 - the work that rolls back
        transfer(source, destination, 2_00)
        raise RuntimeError("rolled back")
    expected = list(Event.objects.filter(created_at__gte=endpoint.created_at).order_by("id"))
    assert len([e for e in expected if e.type == "transfer.created"]) == 100
    assert WireTransfer.objects.count() == 10

    workers()
    # Down: attempts fail (a run stops at the first), then it comes back on the same port.
    beat(lambda: WebhookDelivery.objects.filter(attempts__gt=0).count() >= 2, log=workers.log)
    receiver.start()
    beat(
        lambda: (
            not WebhookDelivery.objects.exclude(state=DeliveryState.SUCCEEDED).exists()
            and WebhookDelivery.objects.count() == len(expected)
        ),
        log=workers.log,
    )

    payloads = delivered(receiver, secret)
    assert sorted(p["id"] for p in payloads) == sorted(str(e.uuid) for e in expected)
    # Each object's events arrived in the order they were made.
    for kind in ("transfer", "wire_transfer"):
        for object_id in {e.object_id for e in expected if e.object_type == kind}:
            made = [str(e.uuid) for e in filter(_of(kind, object_id), expected)]
            came = [
                p["id"] for p in payloads if (p["object"]["type"], p["object"]["id"]) == (kind, object_id)
            ]
            assert came == made
    assert {p["type"] for p in payloads} >= {"transfer.created", "wire.created", "wire.sent"}
    assert WebhookDelivery.objects.filter(attempts__gt=1).exists()  # some waited for the receiver


def test_a_worker_killed_mid_delivery_delivers_again_with_the_same_webhook_id(
    source, endpoint, receiver, workers, transfer
):
    endpoint, secret = endpoint
    moved = transfer(source, AccountFactory(), 1_00)
    event = Event.objects.get(type="transfer.created", object_id=moved.pk)
    receiver.delay = 30  # the receiver holds the request: the worker is mid-delivery
    first = workers()
    beat(lambda: len(receiver.arrived) == 1, log=workers.log)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    receiver.delay = 0
    assert WebhookDelivery.objects.get().state == DeliveryState.PENDING
    # The broker gives the lost run's task to the restarted worker: its run takes over the
    # endpoint at once (the same task id) and sends the event again.
    workers()
    wait_for(lambda: WebhookDelivery.objects.get().state == DeliveryState.SUCCEEDED, log=workers.log)
    assert receiver.arrived == [f"msg_{event.uuid}"] * 2
    assert receiver.received[-1].verified(secret)["id"] == str(event.uuid)


def test_with_the_broker_down_money_moves_and_its_events_are_delivered_once_it_is_back(
    source, customer_client, endpoint, receiver, workers, api_transfer, queue
):
    endpoint, secret = endpoint
    destination = AccountFactory()
    broker_point("amqp://guest:guest@127.0.0.1:1//")  # nothing listens there (/health: degraded,
    try:  # bankcore/backoffice/tests/api/test_health_broker.py)
        response = api_transfer(customer_client, source, destination.number, "3.00", key="broker-down-1")
    finally:
        broker_point(TEST_BROKER_URL)
    assert response.status_code == 201
    event = Event.objects.get(type="transfer.created", object_id=response.json()["id"])
    assert not WebhookDelivery.objects.exists()  # the outbox holds it

    workers()
    beat(lambda: len(receiver.received) >= 1, log=workers.log)
    assert delivered(receiver, secret)[0]["id"] == str(event.uuid)
