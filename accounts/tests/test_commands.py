"""The accounts app's management commands."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Account, LedgerEntry
from accounts.tests.factories import AccountFactory, fund

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


def test_purge_expired_sessions_keeps_live_ones(customer, capsys):
    from datetime import timedelta

    from knox.models import AuthToken

    AuthToken.objects.create(user=customer, expiry=timedelta(seconds=-5))
    live, _ = AuthToken.objects.create(user=customer)
    call_command("purge_expired_sessions")
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [live.digest]
    assert "Deleted 1 expired session token(s)." in capsys.readouterr().out
