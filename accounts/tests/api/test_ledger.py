from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import LedgerEntry
from accounts.tests.helpers import ids

pytestmark = pytest.mark.django_db


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


def test_the_plain_entry_body_matches_its_serializer(customer_client, customer, history):
    """The serializer declares the schema; the views render entry_body from plain rows:
    every path (cached first page, filtered page, detail, an account's history) gives
    what the serializer gives for the same entries."""
    from accounts import selectors
    from accounts.api.serializers import LedgerEntryOutputSerializer, entry_body

    entries = LedgerEntry.objects.filter(customer=customer).order_by("-id")
    declared = LedgerEntryOutputSerializer(entries, many=True).data
    assert [entry_body(row) for row in selectors.entry_rows(entries)] == declared
    assert any(entry["amount"].startswith("-") for entry in declared)
    assert customer_client.get("/api/transactions").json()["results"] == declared
    assert customer_client.get("/api/transactions", {"status": "posted"}).json()["results"] == declared
    assert customer_client.get(f"/api/transactions/{entries[0].pk}").json() == declared[0]
    checking = history[0]
    of_checking = [entry for entry in declared if entry["account_id"] == checking.pk]
    assert customer_client.get(f"/api/accounts/{checking.pk}/transactions").json()["results"] == of_checking


@pytest.mark.parametrize("microsecond", [0, 1, 999_999])
def test_plain_datetimes_are_written_as_the_serializers_write_them(microsecond):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from rest_framework import serializers

    from bankcore.api.fields import iso_datetime

    for moment in (
        datetime(2026, 3, 29, 1, 30, 5, microsecond, tzinfo=UTC),
        datetime(2026, 3, 29, 3, 30, 5, microsecond, tzinfo=ZoneInfo("Europe/Paris")),
    ):
        assert iso_datetime(moment) == serializers.DateTimeField().to_representation(moment)
    assert iso_datetime(None) is None


def test_filter_forms_share_a_class_never_a_requests_data(customer_client, history):
    from accounts.api.filters import LedgerEntryFilter

    deposits = customer_client.get("/api/transactions?type=deposit").json()["results"]
    assert {entry["type"] for entry in deposits} == {"deposit"}
    assert customer_client.get("/api/transactions?type=bogus").json()["code"] == "validation_error"
    assert len(ids(customer_client.get("/api/transactions?status=posted"))) == 11
    first, second = LedgerEntryFilter({"type": "fee"}), LedgerEntryFilter({"type": "deposit"})
    assert type(first.form) is type(second.form)
    assert first.form is not second.form
    assert first.form.fields["type"] is not second.form.fields["type"]
