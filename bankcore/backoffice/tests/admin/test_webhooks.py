"""Webhooks in the back office: the engineering role registers an endpoint and sees its
secret once, on the page that made it; gives it a new one; reads the deliveries with their
attempts and sends one again — each an audit event that never holds a secret."""

import pytest
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.tests.helpers import _member
from bankcore.models import DeliveryState, Event, WebhookDelivery, WebhookEndpoint
from bankcore.webhooks.dispatch import endpoint_deliver

pytestmark = pytest.mark.django_db

ADD = "/admin/bankcore/webhookendpoint/add/"
ENDPOINTS = "/admin/bankcore/webhookendpoint/"
DELIVERIES = "/admin/bankcore/webhookdelivery/"


@pytest.fixture
def engineer():
    member = _member("engineering")
    return member, admin_login(member.email, DEFAULT_PASSWORD)


def test_engineering_registers_an_endpoint_and_sees_its_secret_once(engineer, receiver):
    member, session = engineer
    response = admin_post(
        session, ADD, {"url": receiver.url, "description": "CRM", "event_types": ["wire.sent", "wire.held"]}
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    assert endpoint.event_types == ["wire.held", "wire.sent"]
    # Nowhere else: not on the endpoint's page, not in the list, not in the audit log.
    for page in (f"{ENDPOINTS}{endpoint.pk}/change/", ENDPOINTS):
        assert endpoint.secret not in session.get(page).content.decode()
    event = AuditEvent.objects.get(action=actions.WEBHOOK_ENDPOINT_ADDED)
    assert event.actor == member
    assert event.after["url"] == receiver.url
    assert endpoint.secret not in str(event.after)


def test_a_url_on_a_private_network_is_refused_with_the_reason(engineer, settings):
    _, session = engineer
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = []
    response = admin_post(session, ADD, {"url": "http://169.254.169.254/latest/", "description": ""})
    assert response.status_code == 200
    assert "169.254.169.254 is not a public address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    assert not AuditEvent.objects.filter(action=actions.WEBHOOK_ENDPOINT_ADDED).exists()


def test_engineering_disables_an_endpoint_and_gives_it_a_new_secret(engineer, receiver):
    member, session = engineer
    admin_post(session, ADD, {"url": receiver.url, "description": ""})
    endpoint = WebhookEndpoint.objects.get()
    old = endpoint.secret
    response = admin_post(
        session, ENDPOINTS, {"action": "rotate_secret", "_selected_action": [endpoint.pk], "index": 0}
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.previous_secret == old
    assert endpoint.secret in response.content.decode()
    change = f"{ENDPOINTS}{endpoint.pk}/change/"
    response = admin_post(session, change, {"url": receiver.url, "description": "", "enabled": ""})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    changed = AuditEvent.objects.get(action=actions.WEBHOOK_ENDPOINT_CHANGED)
    assert (changed.before["enabled"], changed.after["enabled"], changed.actor) == (True, False, member)
    assert AuditEvent.objects.filter(action=actions.WEBHOOK_SECRET_ROTATED, actor=member).count() == 1


def test_engineering_reads_a_delivery_with_its_attempts_and_sends_it_again(
    engineer, receiver, funded_account, transfer
):
    member, session = engineer
    source, destination = funded_account(balance=10_00), funded_account()
    admin_post(session, ADD, {"url": receiver.url, "description": ""})
    endpoint = WebhookEndpoint.objects.get()
    moved = transfer(source, destination, 1_00)
    # As the relay makes it (the relay reads only committed events: this test's are not).
    event = Event.objects.get(type="transfer.created", object_id=moved.pk)
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=event,
        object_type=event.object_type,
        object_id=event.object_id,
        next_attempt_at=timezone.now(),
    )
    receiver.status = 410
    endpoint_deliver(endpoint.pk, owner="test")
    delivery = WebhookDelivery.objects.get()
    page = session.get(f"{DELIVERIES}{delivery.pk}/change/").content.decode()
    assert "410" in page
    assert f"msg_{delivery.event.uuid}" in page
    assert "transfer.created" in session.get(DELIVERIES).content.decode()
    receiver.status = 200
    response = admin_post(
        session, DELIVERIES, {"action": "redeliver", "_selected_action": [delivery.pk], "index": 0}
    )
    assert response.status_code == 302
    endpoint_deliver(endpoint.pk, owner="test")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED
    assert AuditEvent.objects.get(action=actions.WEBHOOK_REDELIVERED).actor == member
