"""What registration, login, the session and a password change cost in SQL."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD
from accounts.tests.helpers import NEW_PASSWORD, audit_actions, login
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


class TestRegister:
    def test_register_creates_customer_and_signs_in(
        self, api_client, assert_num_queries_excluding_savepoints, bearer_client
    ):
        with assert_num_queries_excluding_savepoints(3):  # user, token, audit
            response = api_client.post(
                "/api/auth/register",
                {"email": "New.Person@Example.test", "password": "a-Good-passphrase-1", "full_name": "N P"},
                format="json",
            )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["user"]["email"] == "new.person@example.test"
        assert body["token"]
        assert body["expires_at"]
        user = User.objects.get(email="new.person@example.test")
        assert not user.is_staff
        assert audit_actions(actor=user) == [actions.USER_REGISTERED]
        me = bearer_client(token=body["token"]).get("/api/auth/me")
        assert me.status_code == 200
        assert me.json()["email"] == "new.person@example.test"


class TestLogin:
    def test_login_returns_token_expiry_and_user(
        self, api_client, customer, assert_num_queries_excluding_savepoints
    ):
        # user, token insert, last_login update, audit insert
        with assert_num_queries_excluding_savepoints(4):
            response = login(api_client, customer.email.upper(), DEFAULT_PASSWORD)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"token", "expires_at", "user"}
        assert body["user"]["id"] == customer.pk
        token = AuthToken.objects.get(user=customer)
        assert token.digest != body["token"], "tokens are stored hashed"
        assert token.expiry > timezone.now() + timedelta(minutes=60)
        event = AuditEvent.objects.get(action=actions.LOGIN_SUCCEEDED)
        assert event.actor == customer
        assert event.ip_address == "127.0.0.1"
        assert event.request_id == response["X-Request-ID"]

    def test_a_flood_of_throttled_logins_is_one_audit_event_per_limit_and_window(
        self, api_client, settings, django_assert_num_queries
    ):
        settings.LOGIN_FAILURES_PER_ADDRESS = 3
        for n in range(3):
            assert login(api_client, f"guess{n}@example.test", "x" * 10).status_code == 400
        assert login(api_client, "guess9@example.test", "x" * 10).status_code == 429
        # Every later refusal in the window is answered without touching the database.
        for n in range(20):
            with django_assert_num_queries(0):
                assert login(api_client, f"more{n}@example.test", "x" * 10).status_code == 429
        assert audit_actions().count(actions.LOGIN_THROTTLED) == 1


class TestSession:
    def test_me_returns_profile(self, customer_client, customer, django_assert_num_queries):
        with django_assert_num_queries(0):  # token and user are cached
            response = customer_client.get("/api/auth/me")
        assert response.status_code == 200
        assert response.json() == {
            "id": customer.pk,
            "email": customer.email,
            "full_name": customer.full_name,
            "date_joined": customer.date_joined.isoformat().replace("+00:00", "Z"),
        }

    def test_logout_kills_the_token(self, customer_client, customer, assert_num_queries_excluding_savepoints):
        with assert_num_queries_excluding_savepoints(2):  # delete token, audit
            response = customer_client.post("/api/auth/logout")
        assert response.status_code == 204
        assert customer_client.get("/api/auth/me").status_code == 401
        assert audit_actions(actor=customer) == [actions.LOGGED_OUT]


class TestPasswordChange:
    def test_password_change_ends_every_session_and_opens_one(
        self, customer_client, customer, api_client, assert_num_queries_excluding_savepoints, bearer_client
    ):
        other_session = login(api_client, customer.email, DEFAULT_PASSWORD).json()["token"]
        # save user, its tokens (to retire cached sessions), delete tokens, new token, audit
        with assert_num_queries_excluding_savepoints(6):
            response = customer_client.post(
                "/api/auth/password",
                {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
                format="json",
            )
        assert response.status_code == 200, response.json()
        assert customer_client.get("/api/auth/me").status_code == 401
        assert bearer_client(token=other_session).get("/api/auth/me").status_code == 401
        assert bearer_client(token=response.json()["token"]).get("/api/auth/me").status_code == 200
        assert login(api_client, customer.email, NEW_PASSWORD).status_code == 200
        assert actions.PASSWORD_CHANGED in audit_actions(actor=customer)
