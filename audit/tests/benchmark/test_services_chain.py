"""What recording and showing the audit chain cost in SQL."""

import pytest
from django.core.management import call_command

from audit.services import audit_record, audit_seal
from audit.tests.helpers import _old_event

pytestmark = pytest.mark.django_db


def test_audit_record_is_one_plain_insert(django_assert_num_queries):
    with django_assert_num_queries(1):
        event = audit_record(
            action="auth.login_failed", object_type="accounts.user", after={"email": "a@b.c"}
        )
    assert (event.sequence, event.previous_hash, event.hash) == (None, "", "")


def test_health_shows_staff_the_chain_and_overdue_events(client, staff_user, django_assert_num_queries):
    _old_event(minutes=60)
    assert "detail" not in client.get("/health").json()
    client.force_login(staff_user)
    detail = client.get("/health").json()["detail"]["audit"]
    assert detail == {"ok": False, "unsealed_overdue": 1, "chain_head": None, "verified_through": None}
    audit_seal()
    call_command("verify_audit")
    detail = client.get("/health").json()["detail"]["audit"]
    assert detail == {"ok": True, "unsealed_overdue": 0, "chain_head": 1, "verified_through": 1}
