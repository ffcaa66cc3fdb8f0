"""EXPLAIN on PostgreSQL: every history query the API runs reads an index, never the whole table.

The queries are the ones the history endpoints send, captured from real requests (their
selectors, filters, scoping and keyset pagination), so the plans checked here are the
plans production gets.
"""

import random
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, LedgerEntry, Posting, User
from accounts.numbers import account_number_generate
from accounts.services.bank_accounts import SYSTEM_CASH, system_account
from accounts.services.ledger import Leg, PostingDraft, posting_bulk_create

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.requires_postgres("query plans are PostgreSQL's"),
]

TABLE = LedgerEntry._meta.db_table


@pytest.fixture
def ledger(statement_timeout_lifted):
    """About 30,000 entries over 600 accounts, spread over 90 days: a table the planner
    would rather scan than read through a poor index."""
    rng = random.Random(7)
    users = User.objects.bulk_create(User(email=f"plans-{n}@example.test") for n in range(300))
    accounts = Account.objects.bulk_create(
        Account(number=account_number_generate(), customer=user, kind=kind, currency="USD")
        for user in users
        for kind in (Account.Kind.CHECKING, Account.Kind.SAVINGS)
    )
    cash = system_account(code=SYSTEM_CASH, currency="USD")
    movements = [
        (Posting.Kind.DEPOSIT, Leg(cash.pk, -1000_00, "deposit"), Leg(account.pk, 1000_00, "deposit"))
        for account in accounts
    ]
    for _ in range(14_400):
        source, destination = rng.sample(accounts, 2)
        amount = rng.randint(1, 100)
        movements.append(
            (
                Posting.Kind.TRANSFER,
                Leg(source.pk, -amount, "transfer_out"),
                Leg(destination.pk, amount, "transfer_in"),
            )
        )
    start, step = timezone.now() - timedelta(days=90), timedelta(days=90) / len(movements)
    with transaction.atomic():
        posting_bulk_create(
            drafts=[
                PostingDraft(kind=kind, legs=legs, created_at=start + step * index)
                for index, (kind, *legs) in enumerate(movements)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute(f"ANALYZE {Account._meta.db_table}")
    assert LedgerEntry.objects.count() > 25_000
    return users[0], accounts[0]


def ledger_queries(client, url: str, params: dict | None = None) -> tuple[list[str], str | None]:
    """The SQL on the ledger that one history page sends, and the link to the next page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.json()
    queries = [query["sql"] for query in captured.captured_queries if f'FROM "{TABLE}"' in query["sql"]]
    return queries, response.json()["next"]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_every_history_query_the_api_sends_uses_an_index(ledger, bearer_client):
    customer, account = ledger
    client = bearer_client(customer)
    middle = LedgerEntry.objects.filter(customer=customer).order_by("-id")[20]
    window = {
        "created_after": middle.created_at.replace(day=1).isoformat(),
        "created_before": middle.created_at.isoformat(),
    }
    shapes = {
        "all": {"type": ""},  # any parameter: a page the cache does not hold
        "account": {"account": account.pk},
        "type": {"type": "transfer_in"},
        "status": {"status": "posted"},
        "created": window,
        "type+created": {"type": "transfer_out", **window},
    }
    lists = {"customer": "/api/transactions", "account": f"/api/accounts/{account.pk}/transactions"}
    plans = {}
    for scope, path in lists.items():
        for name, params in shapes.items():
            queries, next_page = ledger_queries(client, path, {**params, "page_size": 2})
            assert len(queries) == 1, f"{scope}/{name}: one query per page, got {queries}"
            plans[f"{scope}/{name}/first"] = plan(queries[0])
            if next_page is not None:
                queries, _ = ledger_queries(client, next_page)
                assert len(queries) == 1, f"{scope}/{name}: one query per page, got {queries}"
                plans[f"{scope}/{name}/next"] = plan(queries[0])
    for scope, path in lists.items():
        queries, _ = ledger_queries(client, path)  # the plain first page, read into the cache
        assert len(queries) == 1, f"{scope}/cached: one query per page, got {queries}"
        plans[f"{scope}/cached/first"] = plan(queries[0])
    assert {"customer/all/next", "account/all/next", "customer/type/next"} <= set(plans)

    for name, shown in plans.items():
        assert f"Seq Scan on {TABLE}" not in shown, f"{name}:\n{shown}"
        assert "entry_" in shown, f"{name} reads no ledger index:\n{shown}"
        assert "_idx" in shown, f"{name} reads no ledger index:\n{shown}"
    assert "entry_customer_recent_idx" in plans["customer/all/first"]
    # An account's few dozen rows may come from either of its indexes, then a cheap sort.
    assert "entry_account_" in plans["account/all/first"]
    assert "entry_customer_type_recent_idx" in plans["customer/type/first"]
