"""The accounts app's management commands."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Account, LedgerEntry
from accounts.tests.factories import AccountFactory, UserFactory, fund
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_verify_ledger_passes_on_a_consistent_ledger(capsys, transfer):
    a, b = fund(AccountFactory(), 1000), AccountFactory()
    transfer(a, b, 300)
    call_command("verify_ledger")
    assert "The ledger is consistent." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("tamper", "breach"),
    [
        ("UPDATE {entry} SET amount = amount + 1 WHERE id = {entry_id}", "do not sum to zero"),
        ("UPDATE {account} SET balance = balance + 1 WHERE id = {account_id}", "balance differs"),
        ("UPDATE {entry} SET balance_after = balance_after + 1 WHERE id = {entry_id}", "newest entry's"),
    ],
)
def test_verify_ledger_fails_on_rows_altered_by_raw_sql(capsys, tamper, breach, transfer):
    a, b = fund(AccountFactory(), 1000), AccountFactory()
    transfer(a, b, 300)
    entry = LedgerEntry.objects.filter(account=b).get()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The database refuses changes to entries: lift its triggers, as the table's owner could.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {LedgerEntry._meta.db_table} DISABLE TRIGGER USER")
        cursor.execute(
            tamper.format(
                entry=LedgerEntry._meta.db_table,
                account=Account._meta.db_table,
                entry_id=entry.pk,
                account_id=b.pk,
            )
        )
    with pytest.raises(CommandError):
        call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "BREACH" in out
    assert breach in out


def test_verify_ledger_checks_the_audit_chain_and_prints_its_head(capsys, transfer):
    from datetime import timedelta

    from django.utils import timezone

    from audit.models import AuditEvent
    from audit.selectors import audit_chain_head
    from audit.services import audit_seal

    a, b = fund(AccountFactory(), 1000), AccountFactory()
    transfer(a, b, 300)
    audit_seal(margin_seconds=0)
    call_command("verify_ledger")
    head = audit_chain_head()
    assert f"Audit chain head (publish it outside the database): {head}" in capsys.readouterr().out
    first = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence").first()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {AuditEvent._meta.db_table} DISABLE TRIGGER USER")
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET occurred_at = %s WHERE id = %s",  # noqa: S608
            [timezone.now() - timedelta(days=1), first.pk],
        )
    with pytest.raises(CommandError, match="audit chain"):
        call_command("verify_ledger")
    assert f"the audit chain is broken at sequence 1 (event {first.pk})" in capsys.readouterr().out


def test_purge_expired_sessions_keeps_live_ones(customer, capsys):
    from datetime import timedelta

    from knox.models import AuthToken

    AuthToken.objects.create(user=customer, expiry=timedelta(seconds=-5))
    live, _ = AuthToken.objects.create(user=customer)
    call_command("purge_expired_sessions")
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [live.digest]
    assert "Deleted 1 expired session token(s)." in capsys.readouterr().out


# ---- purge_profiles: silk's recorded requests, deleted by a named engineer, audited -------------


def _recorded(path: str, hours_ago: float) -> None:
    from silk.models import Request, SQLQuery

    recorded = Request.objects.create(path=path, method="GET")
    Request.objects.filter(pk=recorded.pk).update(start_time=timezone.now() - timedelta(hours=hours_ago))
    SQLQuery.objects.create(request=recorded, query="SELECT 1")


def _recorded_paths() -> list[str]:
    from silk.models import Request

    return sorted(Request.objects.values_list("path", flat=True))


@pytest.fixture
def engineer(db):
    user = UserFactory(is_staff=True, email="ops@example.test")
    user.user_permissions.add(Permission.objects.get(codename="purge_profiling"))
    return user


def test_purge_profiles_deletes_requests_older_than_the_given_hours_audited(capsys, engineer):
    from silk.models import SQLQuery

    _recorded("/old", hours_ago=30)
    _recorded("/older", hours_ago=40)
    _recorded("/recent", hours_ago=2)
    call_command("purge_profiles", "--older-than-hours", "24", "--actor", "OPS@example.test")
    assert _recorded_paths() == ["/recent"]
    assert list(SQLQuery.objects.values_list("request__path", flat=True)) == ["/recent"]
    assert "Deleted 2 recorded request(s)." in capsys.readouterr().out
    event = AuditEvent.objects.get(action=actions.PROFILES_PURGED)
    assert (event.actor, event.actor_label) == (engineer, "ops@example.test")
    assert event.after == {"older_than_hours": 24, "deleted": 2}


def test_purge_profiles_all_deletes_every_request_audited(engineer):
    _recorded("/old", hours_ago=30)
    _recorded("/recent", hours_ago=0)
    call_command("purge_profiles", "--all", "--actor", engineer.email)
    assert _recorded_paths() == []
    event = AuditEvent.objects.get(action=actions.PROFILES_PURGED)
    assert event.after == {"older_than_hours": None, "deleted": 2}


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["--all"],
        ["--all", "--older-than-hours", "1", "--actor", "ops@example.test"],
        ["--older-than-hours", "-1", "--actor", "ops@example.test"],
    ],
)
def test_purge_profiles_needs_one_clear_choice_and_its_operator(arguments, engineer):
    with pytest.raises(CommandError):
        call_command("purge_profiles", *arguments)


def _operator(kind: str, engineer) -> str:
    if kind == "unknown email":
        return "nobody@example.test"
    if kind == "customer":
        return UserFactory().email
    if kind == "staff without the permission":
        return UserFactory(is_staff=True).email
    engineer.is_active = False
    engineer.save(update_fields=["is_active"])
    return engineer.email


@pytest.mark.parametrize(
    ("kind", "refusal"),
    [
        ("unknown email", "No active member of staff"),
        ("customer", "No active member of staff"),
        ("deactivated engineer", "No active member of staff"),
        ("staff without the permission", "accounts.purge_profiling"),
    ],
)
def test_purge_profiles_refuses_anyone_but_active_staff_with_the_permission(kind, refusal, engineer):
    _recorded("/old", hours_ago=30)
    with pytest.raises(CommandError, match=refusal):
        call_command("purge_profiles", "--all", "--actor", _operator(kind, engineer))
    assert _recorded_paths() == ["/old"]
    assert not AuditEvent.objects.filter(action=actions.PROFILES_PURGED).exists()
