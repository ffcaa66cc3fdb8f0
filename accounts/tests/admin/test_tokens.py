import pytest
from knox.models import AuthToken

from accounts.models import User
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ROOT_PASSWORD = "root-Pass-2026-original"


@pytest.fixture
def root_client():
    root = User.objects.create_superuser("root@example.test", ROOT_PASSWORD)
    client = admin_login(root.email, ROOT_PASSWORD)
    client.root = root
    return client


def test_superuser_cannot_mint_a_token_for_a_customer(root_client, customer):
    assert root_client.get("/admin/knox/authtoken/add/").status_code == 403
    response = admin_post(
        root_client,
        "/admin/knox/authtoken/add/",
        {"user": customer.pk, "expiry_0": "2099-01-01", "expiry_1": "00:00:00"},
    )
    assert response.status_code == 403
    assert not AuthToken.objects.filter(user=customer).exists()


def test_tokens_cannot_be_changed_in_admin(root_client, customer, customer_client):
    auth_token = AuthToken.objects.get(user=customer)
    assert root_client.get(f"/admin/knox/authtoken/{auth_token.pk}/change/").status_code == 200
    response = admin_post(
        root_client,
        f"/admin/knox/authtoken/{auth_token.pk}/change/",
        {"user": root_client.root.pk, "expiry_0": "2099-01-01", "expiry_1": "00:00:00"},
    )
    assert response.status_code == 403
    unchanged = AuthToken.objects.get(pk=auth_token.pk)
    assert (unchanged.user_id, unchanged.expiry) == (customer.pk, auth_token.expiry)


def test_deleting_a_token_in_admin_is_audited_and_ends_the_session(root_client, customer, customer_client):
    auth_token = AuthToken.objects.get(user=customer)
    response = admin_post(root_client, f"/admin/knox/authtoken/{auth_token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AuthToken.objects.exists()
    assert customer_client.get("/api/auth/me").status_code == 401
    event = AuditEvent.objects.get(action=actions.SESSION_REVOKED)
    assert (event.actor, event.object_id) == (root_client.root, str(customer.pk))
    assert event.before["token_key"] == auth_token.token_key


def test_bulk_token_deletion_is_audited_per_token(root_client, customer, customer_client):
    from accounts.services.signin import auth_token_issue

    auth_token_issue(user=customer)
    keys = list(AuthToken.objects.values_list("pk", flat=True))
    response = admin_post(
        root_client,
        "/admin/knox/authtoken/",
        {"action": "delete_selected", "_selected_action": keys, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(action=actions.SESSION_REVOKED).count() == 2
