"""What a transfer, its replay and the transfer list cost in SQL."""

import pytest
from django.db import connection

from accounts.tests.factories import AccountFactory, fund
from audit import actions
from audit.models import AuditEvent
from transfers.models import Transfer
from transfers.tests.helpers import balances, send

pytestmark = pytest.mark.django_db


# The plain customer's account of api/test_transfers.py, not the conftest's approved wire customer's.
@pytest.fixture
def source(customer):
    return fund(AccountFactory(customer=customer), 100_00)


def test_transfer_moves_money(
    customer_client, customer, source, destination, assert_num_queries_excluding_savepoints
):
    # claim; session re-check, claim hold and the lock of both accounts (one statement on
    # PostgreSQL, three elsewhere); posting with its entries and balances, transfer, complete
    # claim, audit event and event (one statement on PostgreSQL, seven elsewhere)
    postgresql = connection.vendor == "postgresql"
    lock_statements, posting_statements = (1, 1) if postgresql else (3, 7)
    with assert_num_queries_excluding_savepoints(1 + lock_statements + posting_statements):
        response = send(customer_client, source, destination.number, "25.50")
    assert response.status_code == 201, response.json()
    body = response.json()
    transfer = Transfer.objects.get()
    assert body == {
        "id": transfer.pk,
        "source_account": source.pk,
        "destination_account_number": destination.number,
        "amount": "25.50",
        "currency": "USD",
        "description": "rent",
        "status": "completed",
        "posting_id": transfer.posting_id,
        "created_at": body["created_at"],
    }
    assert balances(source, destination) == [100_00 - 25_50, 25_50]
    assert sorted(transfer.posting.entries.values_list("type", "amount")) == [
        ("transfer_in", 2550),
        ("transfer_out", -2550),
    ]
    event = AuditEvent.objects.get(action=actions.TRANSFER_CREATED)
    assert (event.actor, event.object_id) == (customer, str(transfer.pk))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="psycopg's statement cache; run with DATABASE_URL set to a PostgreSQL database (README)",
)
def test_every_statement_of_a_transfer_is_one_psycopg_parses_once(customer_client, source, destination):
    """psycopg parses a statement once and remembers it unless it is longer than 4096 bytes
    or has more than 50 parameters: then it parses it again on every execution (a transfer's
    posting statement had 59 parameters)."""
    from psycopg import _queries

    statements = []

    def record(execute, sql, params, many, context):
        statements.append((len(sql.encode()), len(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert send(customer_client, source, destination.number, "25.50").status_code == 201
    assert max(parameters for _, parameters in statements) > 30  # the posting's, with its followers
    for length, parameters in statements:
        assert length <= _queries.MAX_CACHED_STATEMENT_LENGTH
        assert parameters <= _queries.MAX_CACHED_STATEMENT_PARAMS


class TestIdempotency:
    def test_replay_query_count(
        self, customer_client, source, destination, assert_num_queries_excluding_savepoints
    ):
        send(customer_client, source, destination.number, key="k")
        # the claim's insert (refused), the key, the transfer it names
        with assert_num_queries_excluding_savepoints(3):
            send(customer_client, source, destination.number, key="k")


class TestListing:
    def test_lists_only_the_callers_transfers(
        self, customer_client, source, destination, django_assert_num_queries, transfer
    ):
        mine = [transfer(source, destination, n) for n in (1, 2, 3)]
        stranger = fund(AccountFactory(), 10_00)
        theirs = transfer(stranger, source, 5)
        with django_assert_num_queries(1):
            response = customer_client.get("/api/transfers?page_size=2")
        body = response.json()
        assert [t["id"] for t in body["results"]] == [mine[2].pk, mine[1].pk]
        assert body["next"]
        rest = customer_client.get(body["next"]).json()
        assert [t["id"] for t in rest["results"]] == [mine[0].pk]
        assert customer_client.get(f"/api/transfers/{theirs.pk}").status_code == 404
        with django_assert_num_queries(1):
            detail = customer_client.get(f"/api/transfers/{mine[0].pk}")
        assert detail.json()["destination_account_number"] == destination.number
