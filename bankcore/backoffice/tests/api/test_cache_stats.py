"""GET /api/ops/cache-stats: hits and misses per key family, for staff holding
accounts.view_cache_stats in a back-office session past the second factor."""

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import AccountFactory, fund
from accounts.tests.helpers import BackOfficeClient

pytestmark = pytest.mark.django_db


def test_cache_stats_count_hits_and_misses_for_their_permission_only(
    customer_client, customer, client, staff_user
):
    account = fund(AccountFactory(customer=customer), 1_00)
    for _ in range(3):
        customer_client.get(f"/api/accounts/{account.pk}/balance")
    assert customer_client.get("/api/ops/cache-stats").status_code == 403
    client.force_login(staff_user)  # a back-office session, past the second factor
    assert client.get("/api/ops/cache-stats").status_code == 403
    staff_user.user_permissions.add(Permission.objects.get(codename="view_cache_stats"))
    report = client.get("/api/ops/cache-stats").json()["families"]
    assert report["account"]["misses"] >= 1
    assert report["account"]["hits"] >= 2
    assert 0 < report["account"]["hit_rate"] < 1


def test_cache_stats_need_a_staff_session_past_the_second_factor(client, bearer_client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_cache_stats"))
    # A password alone gives a member of staff an API token: it opens no staff endpoint.
    assert bearer_client(staff_user).get("/api/ops/cache-stats").status_code == 403
    client.force_login(staff_user, verified=False)
    assert client.get("/api/ops/cache-stats").status_code == 403
    client.force_login(staff_user)
    assert client.get("/api/ops/cache-stats").status_code == 200


@pytest.mark.parametrize("authorization", ["Basic c3RhZmY6cGFzcw==", "", "Token abc"])
def test_a_staff_session_opens_them_whatever_other_credentials_the_request_carries(
    client, staff_user, authorization
):
    # A proxy in front of the back office may add its own Basic credentials: DRF's bearer
    # authentication passes over them, and the session still counts.
    staff_user.user_permissions.add(Permission.objects.get(codename="view_cache_stats"))
    client.force_login(staff_user)
    assert client.get("/api/ops/cache-stats", HTTP_AUTHORIZATION=authorization).status_code == 200
    password_only = BackOfficeClient()
    password_only.force_login(staff_user, verified=False)
    assert password_only.get("/api/ops/cache-stats", HTTP_AUTHORIZATION=authorization).status_code == 403
