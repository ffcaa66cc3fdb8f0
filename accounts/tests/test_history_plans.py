"""EXPLAIN on PostgreSQL: every history query shape reads an index, never the whole table."""

import random

import pytest
from django.db import connection

from accounts.api.filters import LedgerEntryFilter
from accounts.models import Account, LedgerEntry, User
from accounts.seeding import ledger_seed_load
from accounts.selectors import entry_list_for_account, entry_list_for_customer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.requires_postgres("query plans are PostgreSQL's"),
]

PAGE = 51  # a page of 50 and the row that tells whether there is a next one


@pytest.fixture
def ledger():
    """About 30,000 entries over 600 accounts: a table the planner would rather scan
    than read through a poor index."""
    seeded = ledger_seed_load(
        customers=300,
        accounts_per_customer=2,
        opening_balance=1000_00,
        transactions_per_account=50,
        password="load-Pass-2026",
        rng=random.Random(7),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {LedgerEntry._meta.db_table}")
        cursor.execute(f"ANALYZE {Account._meta.db_table}")
    customer = User.objects.get(email=seeded[0].email)
    account = Account.objects.get(pk=seeded[0].accounts[0].id)
    assert LedgerEntry.objects.count() > 25_000
    return customer, account


def shapes(customer, account):
    middle = LedgerEntry.objects.filter(customer=customer).order_by("-id")[20]
    window = {
        "created_after": middle.created_at.replace(day=1).isoformat(),
        "created_before": middle.created_at.isoformat(),
    }
    for scope, base in (
        ("customer", entry_list_for_customer(customer=customer)),
        ("account", entry_list_for_account(account=account)),
    ):
        for name, params in (
            ("all", {}),
            ("account", {"account": account.pk}),
            ("type", {"type": "transfer_in"}),
            ("status", {"status": "posted"}),
            ("created", window),
            ("type+created", {"type": "transfer_out", **window}),
        ):
            queryset = LedgerEntryFilter(params, queryset=base).qs.order_by("-id")
            yield f"{scope}/{name}", queryset[:PAGE]
            yield f"{scope}/{name}/next-page", queryset.filter(id__lt=middle.pk)[:PAGE]


def test_every_history_shape_uses_an_index(ledger):
    customer, account = ledger
    plans = {name: queryset.explain() for name, queryset in shapes(customer, account)}
    table = LedgerEntry._meta.db_table
    for name, plan in plans.items():
        assert f"Seq Scan on {table}" not in plan, f"{name}:\n{plan}"
        assert "entry_" in plan, f"{name} reads no ledger index:\n{plan}"
        assert "_idx" in plan, f"{name} reads no ledger index:\n{plan}"

    customer_plan = entry_list_for_customer(customer=customer).order_by("-id")[:PAGE].explain()
    assert "entry_customer_recent_idx" in customer_plan
    # An account's few dozen rows may come from either of its indexes, then a cheap sort.
    account_plan = entry_list_for_account(account=account).order_by("-id")[:PAGE].explain()
    assert "entry_account_" in account_plan
    typed = entry_list_for_customer(customer=customer).filter(type="transfer_in").order_by("-id")[:PAGE]
    assert "entry_customer_type_recent_idx" in typed.explain()
