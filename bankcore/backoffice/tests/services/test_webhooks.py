"""Webhooks out (bankcore.webhooks): the relay fans committed events out to the endpoints
that take them, delivery runs send them signed (Standard Webhooks, checked here with the
standardwebhooks library) to a real receiver on loopback, in order per object, retried
with backoff, every attempt recorded."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from bankcore.api.events import event_body
from bankcore.backoffice.webhooks import (
    delivery_redeliver,
    endpoint_add,
    endpoint_change,
    endpoint_disable,
    endpoint_secret_rotate,
)
from bankcore.errors import NotPermitted
from bankcore.events import event_publish, event_type_named
from bankcore.models import DeliveryState, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from bankcore.tasks import webhooks_relay_task
from bankcore.webhooks import dispatch
from bankcore.webhooks.dispatch import endpoint_deliver, retry_delay
from bankcore.webhooks.relay import relay

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def money(funded_account, transfer):
    """Move money: each call is one transfer, with its transfer.created event."""
    source = funded_account(balance=1_000_00)
    destination = funded_account()

    def move(amount: int = 1_00):
        return transfer(source, destination, amount)

    return move


def deliver_all(endpoint: WebhookEndpoint):
    relay()
    return endpoint_deliver(endpoint.pk, owner="test")


def test_a_committed_event_is_delivered_signed_with_the_standard_webhooks_headers(receiver, money):
    registered = endpoint_add(url=receiver.url, event_types=[])
    moved = money()
    run = deliver_all(registered.endpoint)
    assert (run.sent, run.failed) == (1, 0)
    (request,) = receiver.received
    event = Event.objects.get(type="transfer.created", object_id=moved.pk)
    assert request.path == "/hooks/bankcore"
    assert request.verified(registered.secret) == event_body(event)
    assert request.headers["webhook-id"] == f"msg_{event.uuid}"
    assert request.headers["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SUCCEEDED, 1)
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.succeeded, attempt.response) == (200, True, "ok")


def test_a_wrong_secret_does_not_verify(receiver, money):
    from standardwebhooks import WebhookVerificationError

    registered = endpoint_add(url=receiver.url, event_types=[])
    money()
    deliver_all(registered.endpoint)
    other = endpoint_add(url=receiver.url, event_types=[]).secret
    with pytest.raises(WebhookVerificationError):
        receiver.received[0].verified(other)


def test_an_endpoint_gets_only_its_types_and_only_events_made_after_it_was_registered(receiver, money):
    money()  # before any endpoint: never sent
    only_wires = endpoint_add(url=receiver.url, event_types=["wire.sent"]).endpoint
    every = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    relay()
    assert WebhookDelivery.objects.filter(endpoint=only_wires).count() == 0
    assert WebhookDelivery.objects.filter(endpoint=every).count() == 1
    # The relay runs again: nothing is fanned out twice.
    relay()
    assert WebhookDelivery.objects.count() == 1


def test_a_disabled_endpoint_gets_nothing_new_and_its_pending_deliveries_wait(receiver, money):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    relay()
    endpoint_disable(endpoint=endpoint)
    money()
    relay()
    assert WebhookDelivery.objects.count() == 1
    assert endpoint_deliver(endpoint.pk, owner="test").busy
    assert receiver.received == []
    endpoint_change(endpoint=endpoint, enabled=True)
    assert endpoint_deliver(endpoint.pk, owner="test").sent == 1


def test_a_failed_delivery_is_retried_later_and_holds_back_its_objects_next_event(receiver, money):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    first = money()
    relay()
    receiver.status, receiver.answer = 500, b"x" * 2000
    run = endpoint_deliver(endpoint.pk, owner="test")
    assert (run.sent, run.failed) == (0, 1)
    delivery = WebhookDelivery.objects.get()
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.succeeded) == (500, False)
    assert attempt.response == "x" * WebhookAttempt.RESPONSE_KEPT  # no more of the body is kept
    assert delivery.state == DeliveryState.PENDING
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 3 < wait <= 6  # 5 s, with jitter
    # The same object's next event waits behind it.
    with transaction.atomic():
        later = event_publish(
            type=event_type_named("transfer.created"),
            customer_id=delivery.event.customer_id,
            object_id=first.pk,
        )
    relay()
    assert WebhookDelivery.objects.filter(event=later).exists()
    receiver.status, receiver.answer = 200, b"ok"
    assert endpoint_deliver(endpoint.pk, owner="test").sent == 0  # the first is not due yet
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert endpoint_deliver(endpoint.pk, owner="test").sent == 2
    ids = [request.headers["webhook-id"] for request in receiver.received[1:]]
    assert ids == [f"msg_{delivery.event.uuid}", f"msg_{later.uuid}"]


def test_a_refusal_4xx_does_not_stop_the_run_but_an_unreachable_endpoint_does(receiver, money):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money(), money(), money()
    relay()
    receiver.status = 400
    assert endpoint_deliver(endpoint.pk, owner="test").failed == 3
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    receiver.stop()
    run = endpoint_deliver(endpoint.pk, owner="test")
    assert (run.sent, run.failed) == (0, 1)  # one timeout a run, not one a delivery
    refused = WebhookAttempt.objects.order_by("-id").first()
    assert refused.status_code is None
    assert "Connection" in refused.error


def test_the_retries_run_out_after_about_three_days_and_the_delivery_fails(receiver, money):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    relay()
    assert sum((d for d in dispatch.RETRY_DELAYS), timedelta()) == timedelta(hours=71, minutes=36, seconds=5)
    assert retry_delay(len(dispatch.RETRY_DELAYS) + 1) is None
    WebhookDelivery.objects.update(attempts=len(dispatch.RETRY_DELAYS))
    receiver.status = 503
    endpoint_deliver(endpoint.pk, owner="test")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, len(dispatch.RETRY_DELAYS) + 1)
    assert delivery.ended_at is not None


def test_a_redirect_is_not_followed(receiver, money):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    receiver.status, receiver.headers = 302, {"Location": "http://169.254.169.254/latest/meta-data/"}
    run = deliver_all(endpoint)
    assert (run.sent, run.failed) == (0, 1)
    assert len(receiver.received) == 1
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (302, "redirects are not followed")


def test_during_a_rotation_both_secrets_sign_and_after_it_only_the_new_one(receiver, money):
    registered = endpoint_add(url=receiver.url, event_types=[])
    rotated = endpoint_secret_rotate(endpoint=registered.endpoint)
    money()
    deliver_all(registered.endpoint)
    request = receiver.received[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    request.verified(registered.secret)
    request.verified(rotated.secret)
    WebhookEndpoint.objects.update(previous_secret_until=timezone.now() - timedelta(seconds=1))
    money()
    deliver_all(registered.endpoint)
    request = receiver.received[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    request.verified(rotated.secret)
    event = AuditEvent.objects.get(action=actions.WEBHOOK_SECRET_ROTATED)
    assert registered.secret not in str(event.after)
    assert rotated.secret not in str(event.after)


def test_a_redelivery_sends_the_same_webhook_id_again_and_is_audited(receiver, money, staff_user):
    from django.contrib.auth.models import Permission

    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    deliver_all(endpoint)
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(NotPermitted):
        delivery_redeliver(delivery=delivery, actor=staff_user)
    staff_user.user_permissions.add(Permission.objects.get(codename="redeliver_webhookdelivery"))
    staff_user = type(staff_user).objects.get(pk=staff_user.pk)
    delivery_redeliver(delivery=delivery, actor=staff_user)
    endpoint_deliver(endpoint.pk, owner="test")
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2
    audited = AuditEvent.objects.get(action=actions.WEBHOOK_REDELIVERED)
    assert audited.actor == staff_user
    assert audited.before == {"state": "succeeded", "attempts": 1}


def test_one_run_at_a_time_holds_an_endpoint_and_its_own_task_takes_it_over(receiver, money):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    relay()
    WebhookEndpoint.objects.update(lease_owner="task-1", lease_until=timezone.now() + timedelta(seconds=60))
    assert endpoint_deliver(endpoint.pk, owner="task-2").busy
    # The broker hands a lost run's task out again with its id: it goes on at once.
    assert endpoint_deliver(endpoint.pk, owner="task-1").sent == 1
    # A lease that passed is anyone's.
    WebhookEndpoint.objects.update(lease_owner="task-3", lease_until=timezone.now() - timedelta(seconds=1))
    assert not endpoint_deliver(endpoint.pk, owner="task-4").busy
    assert WebhookEndpoint.objects.get().lease_owner == ""


def test_work_that_rolls_back_sends_nothing(receiver, funded_account, transfer):
    source, destination = funded_account(balance=10_00), funded_account()
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint

    def rolled_back():
        with transaction.atomic():
            transfer(source, destination, 1_00)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        rolled_back()
    deliver_all(endpoint)
    assert WebhookDelivery.objects.count() == 0
    assert receiver.received == []


def test_the_relay_task_starts_a_run_for_each_endpoint_with_deliveries_due(receiver, money):
    endpoints = [endpoint_add(url=receiver.url, event_types=[]).endpoint for _ in range(2)]
    money()
    assert webhooks_relay_task.delay().get() == 2  # in-process: no broker in the tests
    moved = Event.objects.get(type="transfer.created")
    assert {r.headers["webhook-id"] for r in receiver.received} == {f"msg_{moved.uuid}"}
    assert len(receiver.received) == len(endpoints)


def test_an_endpoint_whose_address_is_private_by_now_is_refused_at_delivery(receiver, money, settings):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = []
    run = deliver_all(endpoint)
    assert (run.sent, run.failed) == (0, 1)
    assert receiver.received == []
    assert "not a public address" in WebhookAttempt.objects.get().error


def test_an_endpoint_that_trickles_its_answer_is_cut_at_the_attempts_deadline(receiver, money, monkeypatch):
    """urllib3's read timeout counts each read alone: an answer sent a header a second would
    hold the run for ever but for the watchdog."""
    import socket
    import threading

    from bankcore.webhooks import sending

    monkeypatch.setattr(sending, "ATTEMPT_SECONDS", 1.5)
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        connection, _ = server.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.wait(0.5):
                try:
                    connection.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    return

    threading.Thread(target=trickle, daemon=True).start()
    try:
        endpoint = endpoint_add(url=f"http://127.0.0.1:{server.getsockname()[1]}/in", event_types=[]).endpoint
        money()
        run = deliver_all(endpoint)
    finally:
        stop.set()
        server.close()
    assert (run.sent, run.failed) == (0, 1)
    attempt = WebhookAttempt.objects.get()
    assert attempt.error == "no answer within 1.5 s"
    assert attempt.duration_ms < 4000


def test_an_answer_with_a_nul_byte_is_recorded_as_text(receiver, money):
    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    receiver.answer = b"ok\x00\xff"
    assert deliver_all(endpoint).sent == 1
    assert WebhookAttempt.objects.get().response == "ok\ufffd\ufffd"


def test_an_attempt_recorded_after_the_delivery_changed_leaves_the_newer_change(receiver, money):
    from bankcore.webhooks.dispatch import attempt_record
    from bankcore.webhooks.sending import Answer

    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    money()
    relay()
    stale = WebhookDelivery.objects.get()
    # Meanwhile another run delivered it.
    WebhookDelivery.objects.filter(pk=stale.pk).update(state=DeliveryState.SUCCEEDED, attempts=1)
    current = attempt_record(stale, Answer(False, 10, error="late"), started_at=timezone.now())
    assert (current.state, current.attempts) == (DeliveryState.SUCCEEDED, 1)
    assert WebhookAttempt.objects.get().error == "late"  # the attempt itself stays on record
    assert endpoint.pk == current.endpoint_id


@pytest.mark.requires_postgres("the relay reads PostgreSQL's snapshots")
def test_a_relay_snapshot_from_another_cluster_starts_the_relay_again(receiver, money):
    from bankcore.models import WebhookRelay

    endpoint = endpoint_add(url=receiver.url, event_types=[]).endpoint
    relay()
    WebhookRelay.objects.update(snapshot="999999999:999999999:")  # as after a restore elsewhere
    money()
    assert deliver_all(endpoint).sent == 1
