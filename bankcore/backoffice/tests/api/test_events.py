"""GET /api/events: the customer's own events, newest first, filtered and paged."""

import pytest
import yaml

from accounts.services.bank_accounts import account_freeze, account_open
from accounts.tests.factories import AccountFactory, UserFactory, fund
from bankcore.models import Event

pytestmark = pytest.mark.django_db


def test_a_customer_reads_their_own_events_newest_first(customer_client, customer, staff_user):
    account = account_open(customer=customer, kind="checking", currency="USD")
    account_freeze(account=account, actor=staff_user, reason="court order")
    fund(AccountFactory(), 10_00)  # someone else's deposit
    response = customer_client.get("/api/events")
    assert response.status_code == 200
    body = response.json()
    assert [(e["type"], e["object"]["id"]) for e in body["results"]] == [
        ("account.frozen", account.pk),
        ("account.opened", account.pk),
    ]
    newest = Event.objects.filter(customer=customer).latest("id")
    assert body["results"][0] == {
        "id": str(newest.uuid),
        "type": "account.frozen",
        "created_at": newest.created_at.isoformat().replace("+00:00", "Z"),
        "object": {"type": "account", "id": account.pk, "url": f"/api/accounts/{account.pk}"},
    }
    # The object is at its url, for this customer.
    assert customer_client.get(body["results"][0]["object"]["url"]).json()["status"] == "frozen"


def test_filtered_by_type_and_time_and_paged(customer_client, customer):
    accounts = [account_open(customer=customer, kind="checking", currency="USD") for _ in range(3)]
    fund(accounts[0], 5_00)
    only = customer_client.get("/api/events", {"type": "deposit.posted"}).json()["results"]
    assert [(e["type"], e["object"]["id"]) for e in only] == [("deposit.posted", accounts[0].pk)]
    cutoff = Event.objects.filter(customer=customer).order_by("id")[1].created_at
    after = customer_client.get("/api/events", {"created_after": cutoff.isoformat()}).json()["results"]
    assert len(after) == 3
    first = customer_client.get("/api/events", {"page_size": 2}).json()
    second = customer_client.get(first["next"]).json()
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 4


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"type": "no.such_type"}, 400),
        ({"created_after": "yesterday"}, 400),
        ({"page_size": "0"}, 400),
        ({"cursor": "forged"}, 404),  # as every list's: the page it names does not exist
    ],
)
def test_bad_filters_are_refused_with_a_code(customer_client, query, status):
    response = customer_client.get("/api/events", query)
    assert response.status_code == status
    assert response.json()["code"]


def test_another_customers_events_are_never_listed(customer_client, customer):
    other = UserFactory()
    account_open(customer=other, kind="checking", currency="USD")
    assert customer_client.get("/api/events").json()["results"] == []


def test_events_need_a_signed_in_customer(api_client):
    assert api_client.get("/api/events").status_code == 401


def test_the_schema_lists_every_event_type_the_filter_takes(api_client):
    from bankcore.events import event_types

    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    parameters = schema["paths"]["/api/events"]["get"]["parameters"]
    (type_parameter,) = [p for p in parameters if p["name"] == "type"]
    assert type_parameter["schema"]["enum"] == [t.name for t in event_types()]
    assert {"transfer.created", "wire.sent", "kyc.approved", "deposit.posted"} <= set(
        type_parameter["schema"]["enum"]
    )
