"""Login limits: counted before the password is hashed, shared by the API and the admin,
and keyed so that nobody's failures lock a customer out of their correct password."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import staff_authenticator, totp_code
from audit import actions
from audit.models import AuditEvent
from bankcore.throttling import FailureLimiter

NEW_PASSWORD = "a-Different-secret-42"


def login(client, email, password, address="203.0.113.10", **extra):
    return client.post(
        "/api/auth/login", {"email": email, "password": password}, format="json", REMOTE_ADDR=address, **extra
    )


def admin_login(client, email, password, address="203.0.113.10"):
    return client.post("/admin/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def audit_events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id").values_list("after", flat=True))


def test_parallel_reservations_never_grant_more_than_the_limit():
    limiter = FailureLimiter("test-parallel", 5, 60)
    start = threading.Barrier(15)

    def attempt(_):
        start.wait()
        return limiter.reserve("someone").granted

    with ThreadPoolExecutor(max_workers=15) as pool:
        granted = list(pool.map(attempt, range(15)))
    assert granted.count(True) == 5
    assert not limiter.reserve("someone").granted


def test_a_released_reservation_is_not_a_failure():
    limiter = FailureLimiter("test-release", 2, 60)
    for _ in range(5):
        reservation = limiter.reserve("someone")
        assert reservation.granted
        reservation.release()
    assert limiter.reserve("someone").granted
    assert limiter.reserve("someone").granted
    assert not limiter.reserve("someone").granted


@pytest.mark.django_db(transaction=True)
@pytest.mark.requires_postgres(
    "parallel audit inserts need PostgreSQL (SQLite's shared in-memory test database locks whole tables)"
)
def test_fifteen_parallel_wrong_passwords_check_only_the_limit():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        # A deliberately slow hash keeps every attempt in flight together, as in production.
        customer = UserFactory()
        start = threading.Barrier(15)

        def attempt(_):
            start.wait()
            try:
                return login(APIClient(), customer.email, "wrong-password").status_code
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=15) as pool:
            statuses = Counter(pool.map(attempt, range(15)))
    assert statuses == {400: settings.LOGIN_FAILURES_PER_EMAIL, 429: 15 - settings.LOGIN_FAILURES_PER_EMAIL}
    assert len(audit_events(actions.LOGIN_FAILED)) == settings.LOGIN_FAILURES_PER_EMAIL


@pytest.mark.django_db(transaction=True)
@pytest.mark.requires_postgres(
    "parallel audit inserts need PostgreSQL (SQLite's shared in-memory test database locks whole tables)"
)
def test_a_parallel_flood_of_refused_logins_is_one_audit_event(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        assert login(APIClient(), f"guess{n}@example.test", "x" * 10).status_code == 400
    start = threading.Barrier(30)

    def attempt(n):
        start.wait()
        try:
            return login(APIClient(), f"flood{n}@example.test", "x" * 10).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = Counter(pool.map(attempt, range(30)))
    assert statuses == {429: 30}
    throttled = audit_events(actions.LOGIN_THROTTLED)
    assert [event["scope"] for event in throttled] == ["login-address"], throttled


@pytest.mark.django_db
class TestLockoutByOthers:
    def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(self, api_client, customer):
        for _ in range(5):
            assert login(api_client, customer.email, "wrong-password", "198.51.100.66").status_code == 400
        assert login(api_client, customer.email, DEFAULT_PASSWORD, "198.51.100.66").status_code == 429
        assert login(api_client, customer.email, DEFAULT_PASSWORD, "203.0.113.10").status_code == 200

    def test_guesses_spread_over_addresses_lock_only_addresses_that_failed(self, api_client, customer):
        for n in range(5):
            assert login(api_client, customer.email, "wrong-password", f"198.51.100.{n}").status_code == 400
        # Each guessing address has failed for this email: it gets no second try.
        assert login(api_client, customer.email, "wrong-password", "198.51.100.1").status_code == 429
        # The owner, from an address that has not failed, still gets in.
        assert login(api_client, customer.email, DEFAULT_PASSWORD, "203.0.113.10").status_code == 200
        throttled = audit_events(actions.LOGIN_THROTTLED)
        assert throttled == [{"email": customer.email, "scope": "login-email"}]

    def test_addresses_in_one_ipv6_64_share_the_address_limit(self, api_client, settings):
        settings.LOGIN_FAILURES_PER_ADDRESS = 3
        for n in range(1, 4):
            assert (
                login(api_client, f"guess{n}@example.test", "x" * 10, f"2001:db8:1:2::{n}").status_code == 400
            )
        assert login(api_client, "guess9@example.test", "x" * 10, "2001:db8:1:2:ab::ff").status_code == 429
        assert login(api_client, "guess9@example.test", "x" * 10, "2001:db8:1:3::1").status_code == 400
        # The audit log keeps each full address.
        failed = AuditEvent.objects.filter(action=actions.LOGIN_FAILED).values_list("ip_address", flat=True)
        assert set(failed) == {"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3", "2001:db8:1:3::1"}

    def test_fresh_addresses_in_a_64_that_failed_for_an_email_are_not_fresh(self, api_client, customer):
        for n in range(1, 6):
            assert (
                login(api_client, customer.email, "wrong-password", f"2001:db8:1:2::{n}").status_code == 400
            )
        assert login(api_client, customer.email, DEFAULT_PASSWORD, "2001:db8:1:2::ffff").status_code == 429
        assert login(api_client, customer.email, DEFAULT_PASSWORD, "2001:db8:9:9::1").status_code == 200

    def test_clients_behind_one_trusted_proxy_have_their_own_limits(self, api_client, customer, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.LOGIN_FAILURES_PER_ADDRESS = 3
        for n in range(3):
            response = login(
                api_client,
                f"guess{n}@example.test",
                "x" * 10,
                "10.0.0.2",
                HTTP_X_FORWARDED_FOR="198.51.100.7",
            )
            assert response.status_code == 400
        assert (
            login(
                api_client, "guess9@example.test", "x" * 10, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
            ).status_code
            == 429
        )
        assert (
            login(
                api_client, customer.email, DEFAULT_PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8"
            ).status_code
            == 200
        )


@pytest.mark.django_db
class TestAdminLogin:
    def test_admin_login_is_throttled_like_the_api(self, staff_user):
        client = Client()
        for _ in range(25):
            admin_login(client, staff_user.email, "wrong-password")
        response = admin_login(client, staff_user.email, DEFAULT_PASSWORD)
        assert response.status_code == 200
        assert "Too many failed login attempts" in response.content.decode()
        assert "_auth_user_id" not in client.session
        failed = audit_events(actions.LOGIN_FAILED)
        assert failed == [{"email": staff_user.email, "via": "admin"}] * settings.LOGIN_FAILURES_PER_EMAIL
        # One event for the window's refusals, however many there are.
        throttled = audit_events(actions.LOGIN_THROTTLED)
        assert throttled == [{"email": staff_user.email, "scope": "login-email-address", "via": "admin"}]

    def test_api_failures_count_against_the_admin_login(self, api_client, staff_user):
        for _ in range(5):
            assert login(api_client, staff_user.email, "wrong-password").status_code == 400
        response = admin_login(Client(), staff_user.email, DEFAULT_PASSWORD)
        assert "_auth_user_id" not in response.wsgi_request.session
        assert "Too many failed login attempts" in response.content.decode()

    def test_staff_signs_in_and_is_audited_once(self, staff_user):
        client = Client()
        response = admin_login(client, staff_user.email, DEFAULT_PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(staff_user.pk)
        assert not AuditEvent.objects.exists()  # a password alone signs nobody in yet
        code = totp_code(staff_authenticator(staff_user))
        response = client.post("/admin/second-factor/", {"code": code}, REMOTE_ADDR="203.0.113.10")
        assert response.status_code == 302
        event = AuditEvent.objects.get()
        assert (event.action, event.actor, event.after) == (
            actions.LOGIN_SUCCEEDED,
            staff_user,
            {"via": "admin", "step": "code", "factor": "authenticator"},
        )
        assert event.ip_address == "203.0.113.10"

    def test_a_customer_password_does_not_open_the_admin(self, customer):
        client = Client()
        response = admin_login(client, customer.email, DEFAULT_PASSWORD)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert audit_events(actions.LOGIN_FAILED) == [{"email": customer.email, "via": "admin"}]


@pytest.mark.django_db
class TestPasswordChangeThrottle:
    def change(self, client, current):
        return client.post(
            "/api/auth/password", {"current_password": current, "new_password": NEW_PASSWORD}, format="json"
        )

    def test_wrong_current_passwords_are_limited_per_user(self, customer_client, customer):
        for _ in range(settings.LOGIN_FAILURES_PER_EMAIL):
            assert self.change(customer_client, "not-it").json()["code"] == "password_incorrect"
        refused = self.change(customer_client, DEFAULT_PASSWORD)
        assert refused.status_code == 429
        assert refused.json()["code"] == "throttled"
        assert 1 <= int(refused["Retry-After"]) <= settings.LOGIN_FAILURE_WINDOW_SECONDS
        customer.refresh_from_db()
        assert customer.check_password(DEFAULT_PASSWORD)
        assert customer_client.get("/api/auth/me").status_code == 200

    def test_a_correct_current_password_gives_its_attempt_back(
        self, customer_client, customer, bearer_client
    ):
        for _ in range(settings.LOGIN_FAILURES_PER_EMAIL - 1):
            self.change(customer_client, "not-it")
        response = self.change(customer_client, DEFAULT_PASSWORD)
        assert response.status_code == 200, response.json()
        signed_in_again = bearer_client(token=response.json()["token"])
        # Had the correct attempt counted, this one would be over the limit.
        assert self.change(signed_in_again, NEW_PASSWORD).status_code == 200

    def test_one_customers_wrong_passwords_do_not_limit_another(
        self, customer_client, api_client, bearer_client
    ):
        other = UserFactory()
        other_client = bearer_client(token=login(api_client, other.email, DEFAULT_PASSWORD).json()["token"])
        for _ in range(settings.LOGIN_FAILURES_PER_EMAIL):
            self.change(customer_client, "not-it")
        response = self.change(other_client, DEFAULT_PASSWORD)
        assert response.status_code == 200, response.json()
