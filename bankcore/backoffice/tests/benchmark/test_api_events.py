"""GET /api/events in SQL: one query for a page, whatever its size and filters."""

import pytest

from accounts.services.bank_accounts import account_open
from accounts.tests.factories import fund

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", [{}, {"type": "deposit.posted"}, {"created_after": "2026-01-01T00:00:00Z"}])
def test_a_page_of_events_is_one_query(customer_client, customer, django_assert_num_queries, query):
    for _ in range(3):
        fund(account_open(customer=customer, kind="checking", currency="USD"), 1_00)
    with django_assert_num_queries(1):
        first = customer_client.get("/api/events", {**query, "page_size": 2})
    with django_assert_num_queries(1):
        customer_client.get(first.json()["next"])
