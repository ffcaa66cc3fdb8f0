"""Audited staff actions on webhooks (bankcore.webhooks): endpoints registered, changed,
disabled and given a new secret, deliveries sent again. The back office's pages and
``manage.py webhooks`` both act through these. A secret is returned once, to be shown to the
one who asked; the audit log never holds one."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit import actions
from audit.services import audit_record
from bankcore.errors import NotPermitted
from bankcore.events import event_type_named
from bankcore.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from bankcore.webhooks.sending import secret_new
from bankcore.webhooks.targets import TargetRefused, target_resolve

# After a rotation the previous secret signs too, for this long.
SECRET_OVERLAP = timedelta(hours=24)

MANAGE = "bankcore.change_webhookendpoint"
REDELIVER = "bankcore.redeliver_webhookdelivery"


def _permitted(actor, permission: str) -> None:
    """Staff act with the permission; ``actor`` None is an operator at the command line."""
    if actor is not None and not (actor.is_active and actor.is_staff and actor.has_perm(permission)):
        raise NotPermitted(f"This needs the {permission} permission.")


def endpoint_refusals(*, url: str, event_types: list[str]) -> list[str]:
    """Why an endpoint may not have this URL or these types (empty: it may)."""
    refusals = []
    try:
        target_resolve(url)
    except TargetRefused as exc:
        refusals.append(str(exc))
    unknown = [name for name in event_types if event_type_named(name) is None]
    if unknown:
        refusals.append(f"Unknown event types: {', '.join(unknown)}.")
    return refusals


def _snapshot(endpoint: WebhookEndpoint) -> dict:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "enabled": endpoint.enabled,
    }


@dataclass(frozen=True)
class Registered:
    endpoint: WebhookEndpoint
    secret: str


@transaction.atomic
def endpoint_add(*, url: str, event_types: list[str], description: str = "", actor=None) -> Registered:
    """Register an endpoint, enabled; it receives the events made from now on."""
    _permitted(actor, "bankcore.add_webhookendpoint")
    refusals = endpoint_refusals(url=url, event_types=event_types)
    if refusals:
        raise NotPermitted(" ".join(refusals))
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        url=url, event_types=sorted(set(event_types)), description=description, secret=secret
    )
    audit_record(
        action=actions.WEBHOOK_ENDPOINT_ADDED, actor=actor, target=endpoint, after=_snapshot(endpoint)
    )
    return Registered(endpoint=endpoint, secret=secret)


@transaction.atomic
def endpoint_change(*, endpoint: WebhookEndpoint, actor=None, **changes) -> WebhookEndpoint:
    """Change an endpoint's URL, description, types or enabled, audited with before and after."""
    _permitted(actor, MANAGE)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _snapshot(endpoint)
    if set(changes) - set(before):
        raise TypeError(f"not an endpoint's setting: {', '.join(set(changes) - set(before))}")
    for name, value in changes.items():
        setattr(endpoint, name, sorted(set(value)) if name == "event_types" else value)
    if endpoint.url != before["url"] or endpoint.event_types != before["event_types"]:
        refusals = endpoint_refusals(url=endpoint.url, event_types=endpoint.event_types)
        if refusals:
            raise NotPermitted(" ".join(refusals))
    after = _snapshot(endpoint)
    if after == before:
        return endpoint
    endpoint.save(update_fields=list(changes))
    audit_record(
        action=actions.WEBHOOK_ENDPOINT_CHANGED, actor=actor, target=endpoint, before=before, after=after
    )
    return endpoint


def endpoint_disable(*, endpoint: WebhookEndpoint, actor=None) -> WebhookEndpoint:
    """No more events go to the endpoint; its pending deliveries wait until it is enabled."""
    return endpoint_change(endpoint=endpoint, actor=actor, enabled=False)


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor=None) -> Registered:
    """A new secret for the endpoint; the one it replaces also signs for SECRET_OVERLAP."""
    _permitted(actor, MANAGE)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = secret_new()
    until = timezone.now() + SECRET_OVERLAP
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, until
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    audit_record(
        action=actions.WEBHOOK_SECRET_ROTATED,
        actor=actor,
        target=endpoint,
        after={"previous_secret_signs_until": until.isoformat()},
    )
    return Registered(endpoint=endpoint, secret=secret)


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, actor=None) -> WebhookDelivery:
    """Send a delivery again, whatever became of it (the same ``webhook-id``), with a new
    round of retries; its earlier attempts stay on record."""
    _permitted(actor, REDELIVER)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    before = {"state": delivery.state, "attempts": delivery.attempts}
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.first_attempt_at = delivery.ended_at = None
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["state", "attempts", "first_attempt_at", "ended_at", "next_attempt_at"])
    audit_record(
        action=actions.WEBHOOK_REDELIVERED,
        actor=actor,
        target=delivery,
        before=before,
        after={"state": delivery.state, "event": str(delivery.event.uuid), "endpoint": delivery.endpoint_id},
    )
    return delivery
