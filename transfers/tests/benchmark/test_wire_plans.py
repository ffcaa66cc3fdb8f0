"""EXPLAIN on PostgreSQL: the wire list, the compliance queue and the limits read an index,
never the whole table. The queries are captured from real requests."""

import random

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from bankcore.backoffice.seeding.load import ledger_seed_load
from transfers.models import WireTransfer
from transfers.tests.helpers import kyc_approve

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.requires_postgres("query plans are PostgreSQL's"),
]

TABLE = WireTransfer._meta.db_table


@pytest.fixture(scope="module")
def wires(seeded_for_module):
    """About 12,000 wires of 400 accounts (every tenth pending review): a table the planner
    would rather scan than read through a poor index. Seeded once for the module's tests,
    which only read it."""
    with seeded_for_module():
        seeded = ledger_seed_load(
            customers=400,
            accounts_per_customer=1,
            opening_balance=100_000_00,
            transactions_per_account=1,
            password="plans-Pass-2026",
            wires_per_account=30,
            rng=random.Random(11),
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
        assert WireTransfer.objects.count() >= 11_000
        customer = User.objects.get(email=seeded[0].email)
        kyc_approve(customer)
        yield customer, seeded[0].accounts[0].id


def wire_queries(client, url: str, params: dict | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries if f'FROM "{TABLE}"' in query["sql"]]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_wire_list_stats_and_limits_read_indexes(wires, bearer_client):
    customer, account_id = wires
    api = bearer_client(customer)
    shapes = {
        "list": ("/api/wire-transfers", {"page_size": 5}),
        "list/status": ("/api/wire-transfers", {"status": "pending_review"}),
        "list/created": ("/api/wire-transfers", {"created_after": "2020-01-01T00:00:00Z"}),
        "stats": ("/api/wire-transfers/stats", None),
        "limits": ("/api/wire-transfers/limits", {"account": account_id}),
    }
    plans = {}
    for name, (path, params) in shapes.items():
        [sql] = wire_queries(api, path, params)
        plans[name] = plan(sql)
    for name, shown in plans.items():
        assert f"Seq Scan on {TABLE}" not in shown, f"{name}:\n{shown}"
        assert "wire_" in shown, f"{name} reads no wire index:\n{shown}"
    assert "wire_customer_recent_idx" in plans["list"]
    # The limits sum the customer's wires of the month, across all their accounts.
    assert "wire_customer_created_idx" in plans["limits"]


def test_compliance_queue_reads_the_partial_pending_index(wires, client):
    officer = UserFactory(is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="review_wire"))
    client.force_login(officer)
    queries = wire_queries(client, "/admin/transfers/wirereviewqueue/")
    page = next(sql for sql in queries if "ORDER BY" in sql)
    shown = plan(page)
    assert f"Seq Scan on {TABLE}" not in shown, shown
    assert "wire_pending_review_idx" in shown, shown
