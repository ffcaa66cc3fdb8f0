"""Real threads against real PostgreSQL row locks: the ledger holds under contention."""

import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Account, LedgerEntry, Posting
from accounts.services import auth_token_issue
from accounts.tests.factories import AccountFactory, UserFactory, fund
from accounts.verification import ledger_verify
from transfers.models import Transfer
from transfers.tests.helpers import api_transfer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL row locks (SQLite serialises writers); run with "
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankcore make test, as CI does",
    ),
]


def bearer_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def post_transfer(client, source, destination, amount, key):
    response = api_transfer(client, source, destination.number, amount, key=key)
    # A real server returns the connection to the pool when the request ends.
    connection.close()
    return response.status_code, response.json()


def test_32_threads_of_random_transfers_keep_every_invariant():
    owners = UserFactory.create_batch(4)
    accounts = [fund(AccountFactory(customer=owners[n % 4]), 500_00) for n in range(8)]
    clients_by_owner = {owner.pk: auth_token_issue(user=owner)[0] for owner in owners}
    total_before = sum(a.balance for a in accounts)
    results: list[tuple[int, dict]] = []
    deadline = time.monotonic() + 4

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        clients = {pk: bearer_client(token) for pk, token in clients_by_owner.items()}
        try:
            while time.monotonic() < deadline:
                source, destination = rng.sample(accounts, 2)
                amount = rng.choice(["0.01", "1.00", "12.34", "99.99", "250.00", "600.00"])
                results.append(
                    post_transfer(clients[source.customer_id], source, destination, amount, uuid.uuid4().hex)
                )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(worker, range(32)))

    statuses = Counter(status for status, _ in results)
    codes = Counter(body.get("code") for status, body in results if status != 201)
    assert set(statuses) <= {201, 422}, (statuses, codes)
    assert set(codes) <= {"insufficient_funds"}, codes
    assert statuses[201] > 100, statuses
    pairs = {(body["source_account"], body["destination_account_number"]) for s, body in results if s == 201}
    numbers = {a.pk: a.number for a in accounts}
    assert any(
        (b_id, numbers[a_id]) in pairs and (a_id, numbers[b_id]) in pairs
        for a_id in numbers
        for b_id in numbers
    )

    balances = list(Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list("balance", flat=True))
    assert min(balances) >= 0
    assert sum(balances) == total_before
    assert ledger_verify().ok

    created = [body for status, body in results if status == 201]
    assert len({body["id"] for body in created}) == len(created) == Transfer.objects.count()
    assert Posting.objects.filter(kind="transfer").count() == len(created)
    per_posting = Counter(
        LedgerEntry.objects.filter(posting_id__in=[b["posting_id"] for b in created]).values_list(
            "posting_id", flat=True
        )
    )
    assert set(per_posting.values()) == {2}


def test_20_concurrent_requests_with_one_key_make_one_posting():
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 100_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)
    start = threading.Barrier(20)

    def attempt(_):
        client = bearer_client(token)
        start.wait()
        try:
            return post_transfer(client, source, destination, "7.00", "same-key-for-all")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))

    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}, statuses
    created = [body for status, body in results if status == 201]
    assert created, "the first request succeeds or is replayed"
    assert all(body == created[0] for body in created), "replays are the original response"
    assert all(body["code"] == "idempotency_request_in_progress" for status, body in results if status == 409)
    assert Transfer.objects.count() == 1
    assert Posting.objects.filter(kind="transfer").count() == 1
    source.refresh_from_db()
    assert source.balance == 93_00


@pytest.mark.skipif(
    "Redis" not in settings.CACHES["default"]["BACKEND"],
    reason="reads Redis-cached balances; run with REDIS_URL=redis://127.0.0.1:6379/0 make test, as CI does",
)
def test_no_read_after_a_201_shows_the_balance_from_before_it():
    owner = UserFactory()
    source, destination = fund(AccountFactory(customer=owner), 1_000_00), AccountFactory()
    token, _ = auth_token_issue(user=owner)
    acknowledged: list[tuple[float, int]] = []  # (when the 201 arrived, balance after it)
    reads: list[tuple[float, int]] = []  # (when the read started, balance it showed)
    statuses: list[int] = []
    writing = threading.Event()
    writing.set()

    def writer() -> None:
        client = bearer_client(token)
        try:
            for n in range(40):
                status, body = post_transfer(client, source, destination, "1.00", f"w-{n}")
                assert status == 201, body
                acknowledged.append((time.perf_counter(), 1_000_00 - (n + 1) * 100))
        finally:
            writing.clear()
            connection.close()

    def reader() -> None:
        client = bearer_client(token)
        try:
            while writing.is_set():
                started = time.perf_counter()
                response = client.get(f"/api/accounts/{source.pk}/balance")
                connection.close()
                statuses.append(response.status_code)
                if response.status_code == 200:
                    reads.append((started, round(float(response.json()["balance"]) * 100)))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(acknowledged) == 40
    assert set(statuses) == {200}
    assert len(reads) > 40
    stale = []
    for started, shown in reads:
        seen_before = [after for when, after in acknowledged if when < started]
        if seen_before and shown > seen_before[-1]:
            stale.append((started, shown, seen_before[-1]))
    assert stale == [], f"{len(stale)} reads showed a balance from before an acknowledged transfer"
