"""What the bank-account endpoints cost in SQL: opening an account, the list, detail and balance."""

import pytest

from accounts.models import Account
from accounts.tests.factories import AccountFactory, fund
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_open_account(customer_client, customer, assert_num_queries_excluding_savepoints):
    # lock user, count, the limit setting (cold), insert, audit, its event
    with assert_num_queries_excluding_savepoints(6):
        response = customer_client.post(
            "/api/accounts", {"kind": "savings", "currency": "EUR"}, format="json"
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    account = Account.objects.get(pk=body["id"])
    assert account.customer == customer
    assert body == {
        "id": account.pk,
        "number": account.number,
        "kind": "savings",
        "currency": "EUR",
        "status": "active",
        "balance": "0.00",
        "available_balance": "0.00",
        "opened_at": body["opened_at"],
    }
    assert AuditEvent.objects.get(action=actions.ACCOUNT_OPENED).actor == customer


def test_account_list_is_one_query_whatever_its_length(customer_client, customer, django_assert_num_queries):
    AccountFactory.create_batch(7, customer=customer)
    AccountFactory()  # someone else's
    with django_assert_num_queries(1):  # the accounts (the session is cached)
        response = customer_client.get("/api/accounts")
    body = response.json()
    assert set(body) == {"results", "next", "previous"}
    assert len(body["results"]) == 7
    assert {a["id"] for a in body["results"]} == set(customer.bank_accounts.values_list("id", flat=True))


def test_account_detail_and_balance(customer_client, customer, django_assert_num_queries):
    account = fund(AccountFactory(customer=customer), 12540)
    with django_assert_num_queries(1):
        detail = customer_client.get(f"/api/accounts/{account.pk}")
    assert detail.json()["balance"] == "125.40"
    with django_assert_num_queries(0):  # the account row is cached by the detail read
        balance = customer_client.get(f"/api/accounts/{account.pk}/balance")
    assert balance.status_code == 200
    body = balance.json()
    assert set(body) == {"account_id", "currency", "balance", "available_balance", "as_of"}
    assert (body["account_id"], body["currency"], body["balance"]) == (account.pk, "USD", "125.40")
    assert body["available_balance"] == "125.40"
