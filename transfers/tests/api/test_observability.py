"""Where a transfer's time goes: Server-Timing phases and Sentry spans, with nothing personal sent."""

import json
import uuid

import pytest
import sentry_sdk

from accounts.tests.factories import AccountFactory, fund

pytestmark = pytest.mark.django_db

WRITE_PATH_SPANS = {"db.lock", "db.posting", "db.audit", "cache.bump"}


@pytest.fixture
def sentry_transactions(sentry_capture):
    return sentry_capture("transaction", traces_sample_rate=1.0)


def server_timing_metrics(header: str) -> dict[str, float]:
    metrics = {}
    for metric in header.split(", "):
        name, *params = metric.split(";")
        metrics[name] = next(float(param[4:]) for param in params if param.startswith("dur="))
    return metrics


def transfer(client, source, destination, key):
    return client.post(
        "/api/transfers",
        {
            "source_account": source.pk,
            "destination_account_number": destination.number,
            "amount": "12.00",
            "currency": "USD",
            "description": "rent",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_transfer_says_where_its_time_went(customer_client, customer):
    source, destination = fund(AccountFactory(customer=customer), 100_00), AccountFactory()
    response = transfer(customer_client, source, destination, uuid.uuid4().hex)
    assert response.status_code == 201, response.json()
    metrics = server_timing_metrics(response["Server-Timing"])
    assert {"db", "cache", "lock", "posting", "audit", "cache_bump", "cpu", "total"} <= metrics.keys()
    assert metrics["lock"] + metrics["posting"] + metrics["audit"] <= metrics["total"]
    assert 0 < metrics["cpu"] <= metrics["total"] + 1  # the clocks' granularity: a millisecond


def test_a_read_reports_no_write_phases(customer_client, customer):
    account = AccountFactory(customer=customer)
    response = customer_client.get(f"/api/accounts/{account.pk}/balance")
    assert response.status_code == 200
    assert server_timing_metrics(response["Server-Timing"]).keys() == {"db", "cache", "cpu", "total"}


def test_sentry_spans_cover_the_write_path_and_carry_nothing_personal(
    customer_client, customer, sentry_transactions
):
    source, destination = fund(AccountFactory(customer=customer), 100_00), AccountFactory()
    key = f"key-{uuid.uuid4().hex}"
    # The test client skips the WSGI handler, where Sentry starts a request's transaction.
    with sentry_sdk.start_transaction(op="http.server", name="/api/transfers"):
        response = transfer(customer_client, source, destination, key)
    sentry_sdk.flush()
    assert response.status_code == 201, response.json()

    [event] = sentry_transactions()
    spans = {span["op"]: span for span in event["spans"]}
    assert spans.keys() >= WRITE_PATH_SPANS
    assert all(spans[op]["timestamp"] >= spans[op]["start_timestamp"] for op in WRITE_PATH_SPANS)
    serialized = json.dumps(event)
    for personal in (source.number, destination.number, customer.email, customer_client.token, key):
        assert personal not in serialized
