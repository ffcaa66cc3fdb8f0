"""Cached reads: no SQL when warm, never older than an acknowledged write."""

import secrets
import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches

from accounts import cache
from accounts.models import Account, User
from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory, fund
from bankcore.cache import TTL, get_or_set, stats

pytestmark = pytest.mark.django_db


def test_a_request_hashes_its_bearer_token_once(customer_client, customer, monkeypatch):
    import knox.crypto

    from accounts import authentication

    account = AccountFactory(customer=customer)
    hashed = []

    def counting_hash(token):
        hashed.append(token)
        return real_hash(token)

    real_hash = knox.crypto.hash_token
    monkeypatch.setattr(knox.crypto, "hash_token", counting_hash)
    monkeypatch.setattr(authentication, "hash_token", counting_hash)
    assert customer_client.get(f"/api/accounts/{account.pk}/balance").status_code == 200
    assert hashed == [customer_client.token]


def test_the_cached_first_pages_are_the_pages_the_database_gives(customer_client, customer, transfer):
    checking = fund(AccountFactory(customer=customer), 100_00)
    savings = fund(AccountFactory(customer=customer, kind="savings"), 5_00)
    transfer(checking, savings, 1_00)
    for path in ("/api/accounts", "/api/transactions", f"/api/accounts/{savings.pk}/transactions"):
        cached = customer_client.get(path).json()
        assert customer_client.get(path).json() == cached  # from the cache now
        from_database = customer_client.get(path, {"page_size": 50}).json()
        assert cached["results"] == from_database["results"]
        assert cached["results"]


def test_another_customers_cached_account_is_still_a_404(customer_client, bearer_client):
    other = fund(AccountFactory(), 10_00)
    assert (
        bearer_client(other.customer).get(f"/api/accounts/{other.pk}/balance").status_code == 200
    )  # now cached
    assert customer_client.get(f"/api/accounts/{other.pk}/balance").status_code == 404
    assert customer_client.get(f"/api/accounts/{other.pk}").status_code == 404
    assert customer_client.get(f"/api/accounts/{other.pk}/transactions").status_code == 404


def test_every_read_after_a_transfer_shows_it(customer_client, customer, api_transfer):
    source = fund(AccountFactory(customer=customer), 100_00)
    savings = AccountFactory(customer=customer, kind="savings")
    for url in (f"/api/accounts/{source.pk}/balance", "/api/accounts", "/api/transactions"):
        customer_client.get(url)  # warm
    response = api_transfer(customer_client, source, savings.number, "30.00", key="k")
    assert response.status_code == 201
    assert customer_client.get(f"/api/accounts/{source.pk}/balance").json()["balance"] == "70.00"
    assert customer_client.get(f"/api/accounts/{savings.pk}/balance").json()["balance"] == "30.00"
    balances = {a["id"]: a["balance"] for a in customer_client.get("/api/accounts").json()["results"]}
    assert balances == {source.pk: "70.00", savings.pk: "30.00"}
    newest = customer_client.get("/api/transactions").json()["results"][0]
    assert newest["posting_id"] == response.json()["posting_id"]


def test_a_poisoned_cached_balance_cannot_enable_an_overdraft(customer_client, customer, api_transfer):
    source, destination = fund(AccountFactory(customer=customer), 10_00), AccountFactory()
    cache_key = cache.account(source.pk).current_key()
    poisoned = Account.objects.get(pk=source.pk)
    poisoned.balance = 1_000_000_00
    caches["default"].set(cache_key, (poisoned, time.time() + 60))  # as the kernel stores it
    assert customer_client.get(f"/api/accounts/{source.pk}/balance").json()["balance"] == "1000000.00"
    response = api_transfer(customer_client, source, destination.number, "500.00", key="k")
    assert response.status_code == 422
    assert response.json()["code"] == "insufficient_funds"
    assert Account.objects.get(pk=source.pk).balance == 10_00


@pytest.mark.django_db(transaction=True)
class TestInvalidationOnCommit:
    """These commit for real: the generation bumps run from transaction.on_commit."""

    def test_logout_ends_a_cached_session_at_once(self, customer, bearer_client):
        client = bearer_client(customer)
        assert client.get("/api/auth/me").status_code == 200  # cached now
        assert client.post("/api/auth/logout").status_code == 204
        assert client.get("/api/auth/me").status_code == 401

    def test_password_change_ends_every_cached_session_at_once(self, customer, bearer_client):
        first, second = (bearer_client(customer) for _ in range(2))
        assert first.get("/api/auth/me").status_code == second.get("/api/auth/me").status_code == 200
        response = first.post(
            "/api/auth/password",
            {"current_password": DEFAULT_PASSWORD, "new_password": "a-Brand-new-secret-7"},
            format="json",
        )
        assert response.status_code == 200
        assert first.get("/api/auth/me").status_code == 401
        assert second.get("/api/auth/me").status_code == 401
        assert bearer_client(token=response.json()["token"]).get("/api/auth/me").status_code == 200

    def test_a_password_set_in_the_admin_ends_cached_sessions(self, customer, bearer_client):
        client = bearer_client(customer)
        assert client.get("/api/auth/me").status_code == 200
        customer.set_password("set-by-support-Desk-1")
        customer.save()
        assert client.get("/api/auth/me").status_code == 401

    def test_a_stale_set_after_the_write_lands_where_nobody_reads(self, customer, bearer_client, transfer):
        """The classic race, forced: a reader misses and reads the old row; the writer
        commits and retires the generation; only then does the reader set its value."""
        source, destination = fund(AccountFactory(customer=customer), 100_00), AccountFactory()
        client = bearer_client(customer)

        # The reader's steps, as selectors.account_cached takes them: the key (with the
        # generation) first, then the row.
        slot = cache.account(source.pk)
        key_before_the_write = slot.current_key()

        def read_old_row_while_the_writer_commits():
            old = Account.objects.get(pk=source.pk)
            transfer(source, destination, 30_00)  # commits and bumps the generation
            return old

        stale = get_or_set(slot, read_old_row_while_the_writer_commits)
        assert stale.balance == 100_00
        stored_value, _expires_at = caches["default"].get(key_before_the_write)
        assert stored_value.balance == 100_00, "the stale value was set"
        assert client.get(f"/api/accounts/{source.pk}/balance").json()["balance"] == "70.00"


def _cache_keys() -> set:
    backend = caches["default"]
    if hasattr(backend, "keys"):  # django-redis: the keys under this run's prefix
        return set(backend.keys("*"))
    return set(backend._cache)


def test_made_up_bearer_tokens_leave_nothing_in_the_cache(api_client):
    for path in ("/health", "/api/auth/me"):
        api_client.get(path, HTTP_AUTHORIZATION="Bearer warm-up")
    stats.flush()
    before = _cache_keys()
    for _ in range(25):
        for path in ("/health", "/api/auth/me"):
            api_client.get(path, HTTP_AUTHORIZATION=f"Bearer {secrets.token_hex(32)}")
    stats.flush()
    assert _cache_keys() == before


def test_a_silently_deactivated_customer_keeps_a_cached_session_at_most_30_seconds(
    customer_client, customer, monkeypatch
):
    from bankcore import cache as kernel

    clock = [time.time()]
    monkeypatch.setattr(
        kernel,
        "time",
        SimpleNamespace(time=lambda: clock[0], monotonic=lambda: clock[0], time_ns=time.time_ns),
    )
    User.objects.filter(pk=customer.pk).update(is_active=False)  # sends no signal, retires nothing
    kernel.local_values.clear()  # another process, copying the session from Redis
    clock[0] += TTL.SHORT - 5
    assert customer_client.get("/api/auth/me").status_code == 200
    clock[0] += 6
    assert customer_client.get("/api/auth/me").status_code == 401


def test_a_warm_list_is_one_cache_round_trip(customer_client, customer):
    """The customer's generation is read with the session's, not after it."""
    AccountFactory(customer=customer)
    for path in ("/api/accounts", "/api/transactions"):
        customer_client.get(path)  # warms the session, the customer's owner and the page
        header = customer_client.get(path)["Server-Timing"]
        assert "cache;dur=" in header
        assert 'desc="1 calls"' in header.split("cache;")[1].split(",")[0], (path, header)


def test_a_remembered_owner_is_never_trusted_for_the_session(customer_client, customer, bearer_client):
    """A token's remembered customer only chooses which generation to read early: a token
    that has ended is refused however its owner was remembered."""
    AccountFactory(customer=customer)
    assert customer_client.get("/api/accounts").status_code == 200
    assert customer_client.post("/api/auth/logout").status_code in (200, 204)
    assert customer_client.get("/api/accounts").status_code == 401
