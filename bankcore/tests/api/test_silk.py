import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from silk.models import Request

pytestmark = pytest.mark.django_db


def test_silk_sends_anonymous_users_to_log_in(client):
    response = client.get("/silk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_silk_refuses_customers(client, customer):
    client.force_login(customer)
    assert client.get("/silk/").status_code == 403


def test_silk_refuses_customer_api_tokens(customer_client):
    response = customer_client.get("/silk/")
    assert response.status_code == 302  # a Bearer token is not a staff session


def test_silk_records_no_bodies_and_masks_secrets(api_client, customer, settings):
    settings.SILK_SAMPLE_PERCENT = 100
    api_client.post(
        "/api/auth/login",
        {"email": customer.email, "password": "a-Secret-in-transit"},
        format="json",
        HTTP_AUTHORIZATION="Bearer should-not-be-kept",
    )
    recorded = Request.objects.get(path="/api/auth/login")
    assert recorded.raw_body == ""
    assert recorded.body == ""
    assert "should-not-be-kept" not in recorded.encoded_headers
    assert recorded.response.raw_body == ""


@pytest.mark.parametrize("path", ["/health", "/metrics"])
def test_silk_does_not_record_health_probes_or_metrics_scrapes(api_client, settings, path):
    settings.SILK_SAMPLE_PERCENT = 100
    assert api_client.get(path).status_code == 200
    assert not Request.objects.exists()


def test_silk_refuses_staff_without_the_profiling_permission(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/silk/").status_code == 403


def test_silk_is_open_to_staff_with_the_profiling_permission(client, staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_profiling"))
    client.force_login(staff_user)
    assert client.get("/silk/").status_code == 200


def test_silk_is_open_to_superusers(client):
    client.force_login(get_user_model().objects.create_superuser("root@example.test", "x-Root-Pass-2026"))
    assert client.get("/silk/").status_code == 200


def test_silk_clear_page_deletes_nothing_unaudited(client, staff_user, settings):
    # Deleting recorded requests is accounts.purge_profiling's, audited (manage.py
    # purge_profiles); silk's own "clear all" page would delete them with neither.
    settings.SILK_SAMPLE_PERCENT = 100
    client.get("/health/does-not-exist")
    recorded = Request.objects.count()
    staff_user.user_permissions.add(Permission.objects.get(codename="view_profiling"))
    client.force_login(staff_user)
    assert client.get("/silk/cleardb/").status_code == 404
    assert client.post("/silk/cleardb/", {"clear_all": "on"}).status_code == 404
    assert Request.objects.count() == recorded > 0
