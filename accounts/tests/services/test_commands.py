"""The accounts app's management commands."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Account, LedgerEntry
from accounts.tests.factories import AccountFactory, fund
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

    from knox.models import AuthToken

    AuthToken.objects.create(user=customer, expiry=timedelta(seconds=-5))
    live, _ = AuthToken.objects.create(user=customer)
    call_command("purge_expired_sessions")
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [live.digest]
    assert "Deleted 1 expired session token(s)." in capsys.readouterr().out
