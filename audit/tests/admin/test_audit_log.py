"""The audit log in the back office: read-only, filtered, searched, exported, with the chain banner."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit import actions
from audit.models import AuditEvent
from audit.services import audit_seal

pytestmark = pytest.mark.django_db


def _event(**fields):
    return AuditEvent.objects.create(occurred_at=timezone.now() - timedelta(minutes=30), **fields)


def test_the_log_is_read_only(client, auditor):
    event = _event(action=actions.ACCOUNT_FROZEN, object_type="accounts.account", object_id="5")
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x"})
    assert AuditEvent.objects.get(pk=event.pk).action == actions.ACCOUNT_FROZEN
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403


def test_filters_and_search_find_the_right_events(client, auditor, customer):
    frozen = _event(
        action=actions.ACCOUNT_FROZEN, object_type="accounts.account", object_id="77", actor=auditor
    )
    login = _event(action=actions.LOGIN_FAILED, object_type="accounts.user", request_id="req-abc")
    by_customer = _event(action=actions.TRANSFER_CREATED, actor=customer, actor_label=customer.email)
    old = AuditEvent.objects.create(
        action=actions.LOGIN_FAILED, occurred_at=timezone.now() - timedelta(days=40)
    )

    def shown(query):
        response = client.get(f"/admin/audit/auditevent/{query}")
        assert response.status_code == 200
        return {event.pk for event in response.context["cl"].result_list}

    assert shown(f"?action={actions.ACCOUNT_FROZEN}") == {frozen.pk}
    assert shown("?object_type=accounts.user") == {login.pk}
    assert shown(f"?actor={auditor.pk}") == {frozen.pk}
    assert shown("?actor=none") == {login.pk, old.pk}
    assert shown("?q=77") == {frozen.pk}
    assert shown("?q=req-abc") == {login.pk}
    assert shown(f"?q={customer.email.upper()}") == {by_customer.pk}
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    assert shown(f"?occurred_at__range__gte={since}") == {frozen.pk, login.pk, by_customer.pk}
    until = (timezone.now() - timedelta(days=30)).date().isoformat()
    assert shown(f"?occurred_at__range__lte={until}") == {old.pk}


@pytest.mark.parametrize("actor", ["\u00b2", "\u0668", "\uff18", "8.0", "99999999999999999999"])
def test_an_actor_filter_that_is_no_id_in_ascii_digits_filters_nothing(client, auditor, actor):
    event = _event(
        action=actions.ACCOUNT_FROZEN, object_type="accounts.account", object_id="5", actor=auditor
    )
    response = client.get("/admin/audit/auditevent/", {"actor": actor})
    assert response.status_code == 200
    assert {row.pk for row in response.context["cl"].result_list} == {event.pk}


def test_csv_export_holds_the_filtered_rows_and_is_audited(client, auditor):
    frozen = _event(action=actions.ACCOUNT_FROZEN, object_id="9", after={"reason": "=HYPERLINK(1)"})
    _event(action=actions.LOGIN_FAILED)
    response = client.get(f"/admin/audit/auditevent/export/?action={actions.ACCOUNT_FROZEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    rows = list(reader)
    assert reader.fieldnames == [
        "sequence", "id", "occurred_at", "actor_id", "actor_label", "action", "object_type", "object_id",
        "before", "after", "ip_address", "user_agent", "request_id", "client_request_id", "hash",
    ]  # fmt: skip
    assert [row["id"] for row in rows] == [str(frozen.pk)]
    assert rows[0]["action"] == actions.ACCOUNT_FROZEN
    export = AuditEvent.objects.get(action=actions.AUDIT_EXPORTED)
    assert export.actor == auditor
    assert export.after == {"query": f"action={actions.ACCOUNT_FROZEN}"}


def test_export_needs_the_audit_permission(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/admin/audit/auditevent/export/").status_code == 403
    assert client.get("/admin/audit/auditevent/").status_code == 403


def test_banner_says_how_far_the_chain_is_verified(client, auditor):
    _event(action=actions.LOGIN_FAILED)
    page = client.get("/admin/audit/auditevent/").content.decode()
    assert "The hash chain has not been verified yet" in page
    assert "1 event(s) older than the seal margin are not sealed" in page
    audit_seal()
    call_command("verify_audit")
    page = client.get("/admin/audit/auditevent/").content.decode()
    assert "Hash chain verified through sequence 1" in page
    assert "Sealed through sequence 1." in page
    assert "not sealed" not in page
