"""What the history endpoints cost in SQL, at any page size."""

import pytest

from accounts.models import LedgerEntry
from accounts.tests.helpers import ids

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page_size", [1, 3, 50])
def test_history_costs_the_same_queries_at_any_page_size(
    customer_client, history, page_size, django_assert_num_queries
):
    with django_assert_num_queries(1):  # one page (the session is cached)
        response = customer_client.get(f"/api/transactions?page_size={page_size}")
    assert len(ids(response)) == min(page_size, 11)


def test_account_history(customer_client, history, django_assert_num_queries):
    savings = history[1]
    with django_assert_num_queries(2):  # account, one page
        response = customer_client.get(f"/api/accounts/{savings.pk}/transactions?type=transfer_in")
    assert response.status_code == 200
    assert ids(response) == list(
        LedgerEntry.objects.filter(account=savings, type="transfer_in")
        .order_by("-id")
        .values_list("id", flat=True)
    )


def test_transaction_detail(customer_client, customer, history, django_assert_num_queries):
    entry = LedgerEntry.objects.filter(customer=customer).first()
    with django_assert_num_queries(1):
        response = customer_client.get(f"/api/transactions/{entry.pk}")
    assert response.json()["id"] == entry.pk
