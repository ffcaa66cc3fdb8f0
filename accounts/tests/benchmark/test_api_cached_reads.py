"""Cached reads in SQL: warm sessions, balances, accounts and first history pages need none."""

import pytest

from accounts.tests.factories import AccountFactory, fund

pytestmark = pytest.mark.django_db


def test_cold_authentication_costs_one_query_and_warm_none(
    customer, django_assert_num_queries, bearer_client
):
    client = bearer_client(customer)
    with django_assert_num_queries(1):  # the token with its user
        assert client.get("/api/auth/me").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/api/auth/me").status_code == 200


def test_warm_balance_account_and_account_list_need_no_sql(
    customer_client, customer, django_assert_num_queries
):
    account = fund(AccountFactory(customer=customer), 42_00)
    customer_client.get(f"/api/accounts/{account.pk}/balance")
    customer_client.get("/api/accounts")
    with django_assert_num_queries(0):
        balance = customer_client.get(f"/api/accounts/{account.pk}/balance")
        detail = customer_client.get(f"/api/accounts/{account.pk}")
        listed = customer_client.get("/api/accounts")
        me = customer_client.get("/api/auth/me")
    assert balance.json()["balance"] == detail.json()["balance"] == "42.00"
    assert [a["id"] for a in listed.json()["results"]] == [account.pk]
    assert me.json()["id"] == customer.pk


def test_warm_first_history_pages_need_no_sql(customer_client, customer, django_assert_num_queries):
    account = fund(AccountFactory(customer=customer), 42_00)
    first = customer_client.get("/api/transactions").json()
    customer_client.get(f"/api/accounts/{account.pk}/transactions")
    with django_assert_num_queries(0):
        again = customer_client.get("/api/transactions").json()
        account_page = customer_client.get(f"/api/accounts/{account.pk}/transactions").json()
    assert again == first
    assert [e["amount"] for e in account_page["results"]] == ["42.00"]


def test_a_cached_first_history_page_links_to_the_host_each_request_came_to(
    customer_client, customer, monkeypatch, django_assert_num_queries
):
    from bankcore.api.pagination import NewestFirstCursorPagination

    monkeypatch.setattr(NewestFirstCursorPagination, "page_size", 2)
    account = fund(AccountFactory(customer=customer), 1_00)
    fund(account, 2_00)
    fund(account, 3_00)
    for path in ("/api/transactions", f"/api/accounts/{account.pk}/transactions"):
        first = customer_client.get(path, HTTP_HOST="localhost").json()
        with django_assert_num_queries(0):
            again = customer_client.get(path, HTTP_HOST="127.0.0.1").json()
        assert [e["amount"] for e in again["results"]] == ["3.00", "2.00"]
        assert again["results"] == first["results"]
        assert first["next"].startswith("http://localhost/api/")
        assert again["next"].startswith("http://127.0.0.1/api/")


def test_not_found_is_cached_apart_from_a_miss(customer_client, django_assert_num_queries):
    assert customer_client.get("/api/accounts/987654/balance").status_code == 404
    with django_assert_num_queries(0):
        assert customer_client.get("/api/accounts/987654/balance").status_code == 404
