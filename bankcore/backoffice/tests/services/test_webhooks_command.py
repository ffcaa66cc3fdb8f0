"""``manage.py webhooks``: add (the id and the secret, printed once), list, disable, rotate,
deliver — each change audited, as an operator's at the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit import actions
from audit.models import AuditEvent
from bankcore.models import WebhookEndpoint

pytestmark = pytest.mark.django_db(transaction=True)


def run(*args) -> str:
    out = StringIO()
    call_command("webhooks", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_add_list_rotate_disable_and_deliver(receiver, funded_account, transfer):
    source, destination = funded_account(balance=10_00), funded_account()
    printed = run("add", receiver.url, "--events", "transfer.created,deposit.posted")
    endpoint = WebhookEndpoint.objects.get()
    assert printed.splitlines() == [f"endpoint {endpoint.pk}", f"secret {endpoint.secret}"]
    assert endpoint.event_types == ["deposit.posted", "transfer.created"]
    assert run("list").split("\t")[:4] == [
        str(endpoint.pk),
        "enabled",
        receiver.url,
        "deposit.posted,transfer.created",
    ]

    transfer(source, destination, 1_00)
    assert run("deliver").strip() == "1 deliveries made, 1 sent, 0 failed"
    assert len(receiver.received) == 1

    rotated = run("rotate", str(endpoint.pk)).splitlines()[1].removeprefix("secret ")
    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.previous_secret) == (
        rotated,
        printed.splitlines()[1].removeprefix("secret "),
    )
    assert run("disable", str(endpoint.pk)).strip() == f"endpoint {endpoint.pk} disabled"
    assert "\tdisabled\t" in run("list")
    audited = list(
        AuditEvent.objects.filter(action__startswith="webhook.").order_by("pk").values_list("action", "actor")
    )
    assert audited == [
        (actions.WEBHOOK_ENDPOINT_ADDED, None),
        (actions.WEBHOOK_SECRET_ROTATED, None),
        (actions.WEBHOOK_ENDPOINT_CHANGED, None),
    ]


def test_unknown_types_private_targets_and_missing_endpoints_are_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = []
    with pytest.raises(CommandError, match="not a public address"):
        run("add", "http://10.0.0.8/hooks")
    with pytest.raises(CommandError, match=r"Unknown event types: wire\.teleported"):
        run("add", "https://127.0.0.1/hooks", "--events", "wire.teleported")
    with pytest.raises(CommandError, match="No webhook endpoint 999"):
        run("disable", "999")
    assert not WebhookEndpoint.objects.exists()
