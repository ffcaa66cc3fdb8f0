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
    for alias in CACHE_ALIASES:
        cache = caches[alias]
        if hasattr(cache, "delete_pattern"):
            cache.delete_pattern("*")
        else:
            cache.clear()


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
    """An APIClient holding a real Bearer token of ``customer``."""
    from accounts.services import auth_token_issue

    token, _ = auth_token_issue(user=customer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.token = token
    return client
