"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory

CACHE_ALIASES = ("default", "throttle", "throttle_fallback")


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches; on Redis only this run's key prefix is removed."""
    yield
    from bankcore.cache import local_values, stats

    stats.discard()
    local_values.clear()
    for alias in CACHE_ALIASES:
        cache = caches[alias]
        if hasattr(cache, "delete_pattern"):
            cache.delete_pattern("*")
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def _cache_bumps_without_commit(request, monkeypatch):
    """Retire cached values at once in tests that never commit.

    A plain database test runs inside one transaction that is rolled back, so on_commit
    callbacks (the cache generation bumps) would never run and a read after a write would
    see the cached past. There, bumps happen when scheduled. Tests marked
    ``django_db(transaction=True)`` commit for real and keep the production behaviour;
    the read-your-writes races are tested that way.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not transactional and "transactional_db" not in request.fixturenames:
        from types import SimpleNamespace

        from bankcore import cache

        monkeypatch.setattr(cache, "transaction", SimpleNamespace(on_commit=lambda callback: callback()))


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def customer_client(customer):
    """An APIClient holding a real Bearer token of ``customer``, already used once.

    The first request caches the session, as in one already under way, so the query
    counts that tests pin are the endpoint's own. Cold authentication costs one query,
    pinned in accounts/tests/api/test_cached_reads.py.
    """
    from accounts.services.signin import auth_token_issue

    token, _ = auth_token_issue(user=customer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.token = token
    assert client.get("/api/auth/me").status_code == 200
    return client
