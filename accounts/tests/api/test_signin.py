from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import NEW_PASSWORD, audit_actions, login
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


class TestRegister:
    def test_register_refuses_an_email_in_use_whatever_its_case(self, api_client, customer):
        response = api_client.post(
            "/api/auth/register",
            {"email": customer.email.upper(), "password": "a-Good-passphrase-1"},
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["code"] == "email_taken"
        assert User.objects.count() == 1

    def test_register_refuses_weak_password_naming_the_field(self, api_client):
        response = api_client.post(
            "/api/auth/register", {"email": "weak@example.test", "password": "12345678"}, format="json"
        )
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "password_too_weak"
        assert body["fields"]["password"][0]["code"] == "password_too_weak"
        assert not User.objects.exists()
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize(
        "email",
        [
            "cu\u017ftomer@bankcore.test",  # a long s
            "customer@b\u0430nkcore.test",  # a Cyrillic a
            "\u0441ustomer@bankcore.test",  # a Cyrillic es
            "customer@bankcore.t\u0435st",
            "\uff43ustomer@bankcore.test",  # a fullwidth c
        ],
    )
    def test_register_refuses_lookalike_emails(self, api_client, customer, email):
        response = api_client.post(
            "/api/auth/register", {"email": email, "password": "a-Good-passphrase-1"}, format="json"
        )
        assert response.status_code == 400, response.json()
        body = response.json()
        assert body["code"] == "validation_error"
        assert "email_lookalike" in [error["code"] for error in body["fields"]["email"]]
        assert User.objects.count() == 1
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize(
        "email", ["ivan@\u043f\u0440\u0438\u043c\u0435\u0440.test", "o.brien-2@mail-1.example.test"]
    )
    def test_register_accepts_ascii_local_parts_at_one_script_domains(self, api_client, email):
        response = api_client.post(
            "/api/auth/register", {"email": email, "password": "a-Good-passphrase-1"}, format="json"
        )
        assert response.status_code == 201, response.json()

    def test_registration_throttle_ignores_made_up_forwarded_for(self, api_client, settings, monkeypatch):
        settings.TRUSTED_PROXY_COUNT = 0
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"registration": "3/hour"})

        def register(n):
            return api_client.post(
                "/api/auth/register",
                {"email": f"signup{n}@example.test", "password": "a-Good-passphrase-1"},
                format="json",
                REMOTE_ADDR="203.0.113.5",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            )

        assert [register(n).status_code for n in range(3)] == [201, 201, 201]
        refused = register(3)
        assert refused.status_code == 429
        assert refused.json()["code"] == "throttled"
        assert User.objects.count() == 3
        addresses = set(AuditEvent.objects.values_list("ip_address", flat=True))
        assert addresses == {"203.0.113.5"}

    def test_registration_throttle_counts_an_ipv6_64_as_one_client(self, api_client, settings, monkeypatch):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"registration": "3/hour"})

        def register(n, address):
            return api_client.post(
                "/api/auth/register",
                {"email": f"signup{n}@example.test", "password": "a-Good-passphrase-1"},
                format="json",
                REMOTE_ADDR=address,
            )

        assert [register(n, f"2001:db8:7:7::{n + 1}").status_code for n in range(3)] == [201, 201, 201]
        assert register(3, "2001:db8:7:7:1:2:3:4").status_code == 429
        assert register(4, "2001:db8:7:8::1").status_code == 201


class TestLogin:
    def test_wrong_email_and_wrong_password_answer_identically(self, api_client, customer):
        wrong_password = login(api_client, customer.email, "not-the-password")
        wrong_email = login(api_client, "nobody@example.test", DEFAULT_PASSWORD)
        assert wrong_password.status_code == wrong_email.status_code == 400
        assert wrong_password.content == wrong_email.content
        assert wrong_password.json()["code"] == "invalid_credentials"
        assert audit_actions() == [actions.LOGIN_FAILED, actions.LOGIN_FAILED]
        assert not AuthToken.objects.exists()

    def test_failed_login_is_audited_with_the_email_tried(self, api_client, customer):
        login(api_client, customer.email, "not-the-password")
        event = AuditEvent.objects.get()
        assert event.action == actions.LOGIN_FAILED
        assert event.actor is None
        assert event.after == {"email": customer.email}

    def test_inactive_user_cannot_log_in(self, api_client):
        user = UserFactory(is_active=False)
        assert login(api_client, user.email, DEFAULT_PASSWORD).json()["code"] == "invalid_credentials"

    def test_sixth_wrong_password_for_one_email_is_throttled(self, api_client, customer):
        for _ in range(5):
            assert login(api_client, customer.email, "wrong-password").status_code == 400
        sixth = login(api_client, customer.email, "wrong-password")
        assert sixth.status_code == 429
        assert sixth.json()["code"] == "throttled"
        assert 1 <= int(sixth["Retry-After"]) <= 60
        # Locked means locked: the right password waits too, and is not checked.
        assert login(api_client, customer.email, DEFAULT_PASSWORD).status_code == 429
        assert actions.LOGIN_THROTTLED in audit_actions()
        # Another customer is not affected by this email's lock (different address too).
        other = UserFactory()
        assert login(api_client, other.email, DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 200

    def test_one_address_trying_many_emails_is_throttled(self, api_client, settings):
        settings.LOGIN_FAILURES_PER_ADDRESS = 3
        for n in range(3):
            assert login(api_client, f"guess{n}@example.test", "x" * 10).status_code == 400
        assert login(api_client, "guess9@example.test", "x" * 10).status_code == 429
        assert login(api_client, "guess9@example.test", "x" * 10, REMOTE_ADDR="10.1.1.1").status_code == 400

    @pytest.mark.parametrize("character", ["\x1b", "\u202e", "\u200b", "\u2028", "\u2029", "\n"])
    def test_login_refuses_control_and_format_characters_in_the_email(self, api_client, customer, character):
        response = login(api_client, f"{customer.email}{character}x", DEFAULT_PASSWORD)
        assert response.status_code == 400
        body = response.json()
        assert (body["code"], set(body["fields"])) == ("validation_error", {"email"})
        assert not AuditEvent.objects.exists()

    def test_login_validates_its_fields(self, api_client):
        response = api_client.post("/api/auth/login", {"email": ["a"], "password": 5}, format="json")
        assert response.status_code == 400
        assert set(response.json()["fields"]) == {"email"}


class TestSession:
    def test_me_is_what_the_user_serializer_writes(self, customer_client, customer):
        """The serializer declares the schema; the view writes user_body: they cannot drift."""
        from accounts.api.serializers import UserOutputSerializer, user_body

        customer.full_name = "Zoë Ångström"
        customer.save()
        assert user_body(customer) == UserOutputSerializer(customer).data
        assert customer_client.get("/api/auth/me").json() == UserOutputSerializer(customer).data

    def test_me_without_token_is_401(self, api_client):
        response = api_client.get("/api/auth/me")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Bearer"

    @pytest.mark.parametrize(
        "header",
        ["Bearer nonsense", "Bearer", "Bearer a b", "Token abc", "Bearer " + "f" * 64, b"Bearer \xff\xfe"],
    )
    def test_bad_authorization_headers_are_401(self, api_client, customer, header):
        response = api_client.get("/api/auth/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response.json()["code"] in {"authentication_failed", "not_authenticated"}

    @pytest.mark.parametrize(
        ("header", "code", "detail"),
        [
            ("Bearer", "authentication_failed", "Invalid token header. No credentials provided."),
            (
                "bearer a b",
                "authentication_failed",
                "Invalid token header. Token string should not contain spaces.",
            ),
            ("Bearer nonsense", "authentication_failed", "Invalid or expired token."),
            ("Token abc", "not_authenticated", "Authentication credentials were not provided."),
            ("Bearer\xa0abc", "not_authenticated", "Authentication credentials were not provided."),
        ],
    )
    def test_each_bad_header_gets_knoxs_answer(self, api_client, header, code, detail):
        # The header is read as knox reads it: bytes split on ASCII whitespace only.
        response = api_client.get("/api/auth/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert (response.json()["code"], response.json()["detail"]) == (code, detail)

    def test_logout_ends_only_that_session(self, customer_client, customer, api_client, bearer_client):
        other_session = login(api_client, customer.email, DEFAULT_PASSWORD).json()["token"]
        customer_client.post("/api/auth/logout")
        assert bearer_client(token=other_session).get("/api/auth/me").status_code == 200

    def test_expired_token_is_refused(self, customer, bearer_client):
        _, token = AuthToken.objects.create(user=customer, expiry=timedelta(seconds=-1))
        response = bearer_client(token=token).get("/api/auth/me")
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"

    def test_a_cached_token_still_expires_on_time(self, customer_client, monkeypatch):
        assert customer_client.get("/api/auth/me").status_code == 200  # served from the cache
        later = timezone.now() + timedelta(days=2)
        monkeypatch.setattr("accounts.authentication.timezone.now", lambda: later)
        assert customer_client.get("/api/auth/me").status_code == 401


class TestPasswordChange:
    def test_wrong_current_password_changes_nothing(self, customer_client, customer):
        response = customer_client.post(
            "/api/auth/password",
            {"current_password": "not-it", "new_password": NEW_PASSWORD},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "password_incorrect"
        customer.refresh_from_db()
        assert customer.check_password(DEFAULT_PASSWORD)
        assert customer_client.get("/api/auth/me").status_code == 200

    def test_password_set_anywhere_else_also_ends_sessions(self, customer_client, customer):
        # The admin form and manage.py changepassword both go through set_password().
        customer.set_password(NEW_PASSWORD)
        customer.save()
        assert customer_client.get("/api/auth/me").status_code == 401


def test_register_refuses_control_and_format_characters_in_the_name(api_client):
    response = api_client.post(
        "/api/auth/register",
        {"email": "new@example.test", "password": "a-Long-enough-pass-42", "full_name": "Eve\u202e\x1b[0m"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["full_name"][0]["code"] == "invalid_character"


def test_a_hash_with_other_argon2_parameters_is_upgraded_on_the_next_successful_login(api_client, settings):
    """Hashes made before the OWASP parameters (Django's default Argon2: m=100 MiB, p=8)
    still verify, and the first successful login rewrites them with the current ones; a
    failed login leaves them alone."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    import bankcore.settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = UserFactory()
    old_hash = Argon2PasswordHasher().encode("an-Older-passphrase-1", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old_hash
    User.objects.filter(pk=user.pk).update(password=old_hash)

    refused = api_client.post(
        "/api/auth/login", {"email": user.email, "password": "wrong-guess-1"}, format="json"
    )
    assert refused.status_code == 400
    user.refresh_from_db()
    assert user.password == old_hash

    signed_in = login(api_client, user.email, "an-Older-passphrase-1")
    assert signed_in.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("an-Older-passphrase-1")
