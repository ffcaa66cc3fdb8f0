from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LedgerEntry
from accounts.tests.factories import AccountFactory, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(customer, transfer):
    """Two accounts of the customer with deposits and transfers both ways, and a stranger's."""
    checking = fund(AccountFactory(customer=customer), 100_000)
    savings = fund(AccountFactory(customer=customer, kind="savings"), 50_000)
    for amount in (100, 200, 300):
        transfer(checking, savings, amount)
    transfer(savings, checking, 50)
    stranger = fund(AccountFactory(), 70_000)
    transfer(stranger, checking, 1_000)
    return checking, savings, stranger


def ids(response):
    return [entry["id"] for entry in response.json()["results"]]


def test_customer_history_is_newest_first_and_only_theirs(customer_client, customer, history):
    response = customer_client.get("/api/transactions")
    assert response.status_code == 200
    expected = list(
        LedgerEntry.objects.filter(customer=customer).order_by("-id").values_list("id", flat=True)
    )
    assert ids(response) == expected
    assert len(expected) == 2 + 3 * 2 + 2 + 1
    entry = response.json()["results"][0]
    assert entry["type"] == "transfer_in"
    assert entry["amount"] == "10.00"
    assert set(entry) == {
        "id",
        "account_id",
        "posting_id",
        "type",
        "status",
        "amount",
        "balance_after",
        "currency",
        "description",
        "created_at",
    }


@pytest.mark.parametrize("page_size", [1, 3, 50])
def test_history_costs_the_same_queries_at_any_page_size(
    customer_client, history, page_size, django_assert_num_queries
):
    with django_assert_num_queries(1):  # one page (the session is cached)
        response = customer_client.get(f"/api/transactions?page_size={page_size}")
    assert len(ids(response)) == min(page_size, 11)


def test_paging_walks_every_entry_once_and_keeps_filters(customer_client, history):
    checking = history[0]
    seen, url = [], f"/api/transactions?account={checking.pk}&type=transfer_out&page_size=2"
    while url:
        body = customer_client.get(url).json()
        seen += [entry["id"] for entry in body["results"]]
        url = body["next"]
        if url:
            assert f"account={checking.pk}" in url
            assert "type=transfer_out" in url
    expected = LedgerEntry.objects.filter(account=checking, type="transfer_out").order_by("-id")
    assert seen == list(expected.values_list("id", flat=True))
    assert len(seen) == 3


def test_filters_by_type_status_and_time(customer_client, customer, history):
    deposits = customer_client.get("/api/transactions?type=deposit").json()["results"]
    assert {entry["type"] for entry in deposits} == {"deposit"}
    assert len(deposits) == 2
    assert len(ids(customer_client.get("/api/transactions?status=posted"))) == 11
    newest = LedgerEntry.objects.filter(customer=customer).order_by("-id").first()
    after = (newest.created_at - timedelta(microseconds=1)).isoformat().replace("+00:00", "Z")
    assert ids(customer_client.get("/api/transactions", {"created_after": after})) == [newest.pk]
    before = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(customer_client.get("/api/transactions", {"created_before": before})) == []


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


def test_another_customers_entries_are_404_and_never_listed(customer_client, history):
    stranger = history[2]
    theirs = LedgerEntry.objects.filter(account=stranger).first()
    assert customer_client.get(f"/api/transactions/{theirs.pk}").status_code == 404
    assert ids(customer_client.get(f"/api/transactions?account={stranger.pk}")) == []
    all_ids = set(ids(customer_client.get("/api/transactions?page_size=200")))
    assert not all_ids & set(LedgerEntry.objects.filter(account=stranger).values_list("id", flat=True))


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("type=bogus", 400, "validation_error"),
        ("status=void", 400, "validation_error"),
        ("created_after=yesterday", 400, "validation_error"),
        ("account=abc", 400, "validation_error"),
        ("cursor=garbage", 404, "invalid_cursor"),
        ("page_size=x", 400, "validation_error"),
        ("created_before=9999-12-31T23:59:59-01:00", 400, "validation_error"),
        ("created_after=0001-01-01T00:00:00%2B00:01", 400, "validation_error"),
    ],
)
def test_bad_filters_are_refused_never_500(customer_client, history, query, status, code):
    response = customer_client.get(f"/api/transactions?{query}")
    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.parametrize("path", ["/api/transactions", "/api/accounts/{account}/transactions"])
@pytest.mark.parametrize(
    ("created_before", "count"),
    [
        ("0090-11-28T14:42:24+23:26", 0),  # beyond PostgreSQL's ±15:59 offsets
        ("9999-12-31T23:59:59+23:59", 5),
        ("0001-01-01T23:59:59+23:59", 0),
        ("2999-01-01T00:00:00-23:59", 5),
    ],
)
def test_any_iso_8601_offset_filters_in_utc(customer_client, history, path, created_before, count):
    checking = history[0]
    response = customer_client.get(path.format(account=checking.pk), {"created_before": created_before})
    assert response.status_code == 200, response.json()
    in_scope = customer_client.get(path.format(account=checking.pk)).json()["results"]
    assert len(ids(response)) == (len(in_scope) if count else 0)


def test_huge_account_filter_is_not_a_500(customer_client, history):
    response = customer_client.get("/api/transactions?account=99999999999999999999999")
    assert response.status_code == 400
    assert "account" in response.json()["fields"]
