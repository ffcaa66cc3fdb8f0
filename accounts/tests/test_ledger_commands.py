import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Account, LedgerEntry
from accounts.tests.factories import AccountFactory, fund
from accounts.verification import ledger_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tmp_path):
    output = tmp_path / "customers.json"
    call_command(
        "seed_load",
        "--customers=4",
        "--accounts-per-customer=2",
        "--opening-balance=500.00",
        "--transactions-per-account=6",
        "--password=load-Pass-2026",
        f"--output={output}",
    )
    return json.loads(output.read_text())


def test_seed_load_writes_customers_that_log_in_and_see_their_accounts(seeded, api_client, bearer_client):
    assert seeded["password"] == "load-Pass-2026"
    assert len(seeded["customers"]) == 4
    for customer in seeded["customers"]:
        login = api_client.post(
            "/api/auth/login", {"email": customer["email"], "password": seeded["password"]}, format="json"
        )
        assert login.status_code == 200
        client = bearer_client(token=login.json()["token"])
        listed = client.get("/api/accounts").json()["results"]
        assert [(a["id"], a["number"], a["currency"]) for a in listed] == [
            (a["id"], a["account_number"], a["currency"]) for a in customer["accounts"]
        ]
        history = client.get("/api/transactions").json()["results"]
        assert history, "seeded accounts have history"


def test_seed_load_keeps_the_ledger_consistent_and_adds_on_rerun(seeded, tmp_path):
    entries = LedgerEntry.objects.count()
    assert entries >= 8 * 2  # each account has at least its deposit and usually transfers
    call_command(
        "seed_load", "--customers=2", "--password=load-Pass-2026", f"--output={tmp_path / 'again.json'}"
    )
    assert LedgerEntry.objects.count() > entries
    assert Account.objects.filter(customer__email__startswith="load-").count() == 4 * 2 + 2 * 2
    report = ledger_verify()
    assert report.ok, report
    deposits = LedgerEntry.objects.filter(type="deposit", customer__isnull=False)
    assert deposits.count() == 12
    assert set(deposits.values_list("amount", flat=True)) == {500_00, 1000_00}


def test_seed_load_refuses_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="opening-balance"):
        call_command(
            "seed_load", "--customers=1", "--opening-balance=-5", "--password=x", f"--output={tmp_path}/o"
        )


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
