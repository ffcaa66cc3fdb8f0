"""The back office's second factor, through the real forms: a password alone opens nothing,
codes count against the login limits, recovery codes work once, first sign-in sets up an
authenticator, and a superuser's reset is audited."""

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, RecoveryCodeDevice, recovery_code_digest
from accounts.services.devices import second_factor_reset
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import (
    admin_code_step,
    admin_login,
    admin_password_step,
    admin_post,
    staff_authenticator,
    totp_code,
)
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import NotPermitted, ReasonRequired

pytestmark = pytest.mark.django_db

THROTTLED = "Too many failed login attempts"


def _superuser(email="root@example.test"):
    return UserFactory(email=email, is_staff=True, is_superuser=True)


def _password_only(member) -> Client:
    client = Client(enforce_csrf_checks=True)
    response = admin_password_step(client, member.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.url.startswith("/admin/second-factor/")
    return client


def _staff_pages() -> list[str]:
    changelists = [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry
    ]
    return ["/admin/", *changelists, "/admin/database-report/", "/admin/password_change/"]


@pytest.mark.parametrize("has_authenticator", [True, False], ids=["set-up", "not-set-up"])
def test_a_password_alone_opens_no_staff_page(has_authenticator):
    root = _superuser()
    if has_authenticator:
        staff_authenticator(root)
    client = _password_only(root)
    pages = _staff_pages()
    assert len(pages) > 15
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url
    assert client.get("/silk/").status_code == 403
    # The login page sends the session on to its second step, not back to the index.
    step = "/admin/second-factor/" if has_authenticator else "/admin/second-factor/setup/"
    assert client.get("/admin/login/", follow=True).redirect_chain[-1][0].startswith(step)
    assert client.get("/api/ops/cache-stats").status_code == 403
    assert "detail" not in client.get("/health").json()


def test_a_right_code_gets_in_and_is_not_accepted_twice():
    member = UserFactory(is_staff=True)
    device = staff_authenticator(member)
    client = _password_only(member)
    code = totp_code(device)
    assert admin_code_step(client, code).url == "/admin/"
    assert client.get("/admin/").status_code == 200
    other = _password_only(member)
    response = admin_code_step(other, code)
    assert response.status_code == 200
    assert "The code is incorrect or was already used." in response.content.decode()


def test_a_wrong_code_is_refused_audited_and_counts_toward_the_lock_out():
    member = UserFactory(is_staff=True)
    device = staff_authenticator(member)
    client = _password_only(member)
    for _ in range(settings.LOGIN_FAILURES_PER_EMAIL):
        response = admin_code_step(client, "000000" if totp_code(device) != "000000" else "111111")
        assert response.status_code == 200
        assert client.get("/admin/").status_code == 302
    # The right code is now refused like a right password would be.
    response = admin_code_step(client, totp_code(device))
    assert THROTTLED in response.content.decode()
    assert client.get("/admin/").status_code == 302
    response = admin_password_step(Client(enforce_csrf_checks=True), member.email, DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    failed = AuditEvent.objects.filter(action=actions.LOGIN_FAILED).values_list("after", flat=True)
    assert list(failed) == [{"email": member.email, "via": "admin", "step": "code"}] * (
        settings.LOGIN_FAILURES_PER_EMAIL
    )


def test_wrong_codes_count_toward_the_per_address_limit(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    member = UserFactory(is_staff=True)
    staff_authenticator(member)
    client = _password_only(member)
    for _ in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        admin_code_step(client, "not-a-code")
    # Another member's correct password from the same address is refused.
    other = UserFactory(is_staff=True)
    response = admin_password_step(Client(enforce_csrf_checks=True), other.email, DEFAULT_PASSWORD)
    assert THROTTLED in response.content.decode()


def test_a_recovery_code_works_once():
    member = UserFactory(is_staff=True)
    client = _password_only(member)
    page = client.get("/admin/second-factor/setup/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    response = admin_code_step(client, totp_code(device), setup=True)
    codes = re.findall(
        r"<li>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</li>", response.content.decode()
    )
    assert len(set(codes)) == 10
    used = codes[3]
    first = _password_only(member)
    assert admin_code_step(first, used.lower().replace("-", " ")).url == "/admin/"
    second = _password_only(member)
    response = admin_code_step(second, used)
    assert response.status_code == 200
    assert second.get("/admin/").status_code == 302
    assert RecoveryCode.objects.filter(device__user=member).count() == 9
    succeeded = AuditEvent.objects.filter(action=actions.LOGIN_SUCCEEDED).latest("id")
    assert succeeded.after == {"via": "admin", "step": "code", "factor": "recovery_code"}


def test_first_sign_in_sets_up_an_authenticator_and_shows_recovery_codes_once():
    member = UserFactory(is_staff=True)
    client = _password_only(member)
    assert client.get("/admin/second-factor/").url.startswith("/admin/second-factor/setup/")
    page = client.get("/admin/second-factor/setup/").content.decode()
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    assert "<svg" in page
    assert "otpauth://" not in page  # inside the QR code only
    assert client.get("/admin/second-factor/setup/").status_code == 200
    assert TOTPDevice.objects.filter(user=member).count() == 1  # a reload shows the same secret
    wrong = "123456" if totp_code(device) != "123456" else "654321"
    assert admin_code_step(client, wrong, setup=True).status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    response = admin_code_step(client, totp_code(device), setup=True)
    assert response.status_code == 200
    codes = re.findall(r"<li>([0-9A-Z-]{19})</li>", response.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    stored = set(RecoveryCode.objects.filter(device__user=member).values_list("digest", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes}
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action=actions.SECOND_FACTOR_CONFIRMED)
    assert (event.actor, event.after) == (member, {"device": "Authenticator app", "recovery_codes": 10})
    # The setup page is gone once confirmed: its codes are never shown again.
    assert client.get("/admin/second-factor/setup/").status_code == 302


def test_a_superuser_resets_a_members_second_factor_with_a_reason_audited():
    root = _superuser()
    member = UserFactory(is_staff=True)
    member_client = admin_login(member.email, DEFAULT_PASSWORD)
    staff_authenticator(root)
    root_client = admin_login(root.email, DEFAULT_PASSWORD)
    url = "/admin/accounts/user/"
    form = {"action": "reset_second_factor", "_selected_action": [member.pk], "index": 0}
    admin_post(root_client, url, {**form, "reason": "  "})
    assert TOTPDevice.objects.filter(user=member).exists()
    assert not AuditEvent.objects.filter(action=actions.SECOND_FACTOR_RESET).exists()
    admin_post(root_client, url, {**form, "reason": "Lost phone, ticket 4711"})
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not RecoveryCodeDevice.objects.filter(user=member).exists()
    event = AuditEvent.objects.get(action=actions.SECOND_FACTOR_RESET)
    assert event.actor == root
    assert event.object_id == str(member.pk)
    assert event.after == {"authenticators": 0, "recovery_codes": 0, "reason": "Lost phone, ticket 4711"}
    assert event.before["authenticators"] == 1
    # The member's open session no longer counts; their next sign-in sets up anew.
    assert member_client.get("/admin/").status_code == 302
    client = _password_only(member)
    assert client.get("/admin/second-factor/").url.startswith("/admin/second-factor/setup/")


def test_only_a_superuser_resets_a_second_factor():
    member = UserFactory(is_staff=True)
    staff_authenticator(member)
    colleague = UserFactory(is_staff=True)
    colleague.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    with pytest.raises(NotPermitted):
        second_factor_reset(member=member, actor=colleague, reason="asked nicely")
    with pytest.raises(ReasonRequired):
        second_factor_reset(member=member, actor=_superuser(), reason="")
    client = admin_login(colleague.email, DEFAULT_PASSWORD)
    page = client.get("/admin/accounts/user/").content.decode()
    assert "reset_second_factor" not in page
    admin_post(
        client,
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [member.pk], "index": 0, "reason": "x"},
    )
    assert TOTPDevice.objects.filter(user=member, confirmed=True).exists()
    assert not AuditEvent.objects.filter(action=actions.SECOND_FACTOR_RESET).exists()


def test_customers_api_sign_in_needs_no_second_factor(api_client, customer):
    response = api_client.post(
        "/api/auth/login", {"email": customer.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    me = api_client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    assert me.status_code == 200
    assert not TOTPDevice.objects.filter(user=customer).exists()


def _setup_secret(client: Client) -> str:
    page = client.get("/admin/second-factor/setup/").content.decode()
    return re.search(r'<p class="second-factor-secret">([A-Z2-7 ]+)</p>', page).group(1)


def test_the_setup_secret_is_shown_to_one_session_only():
    # Someone who learnt a new member's password opens the setup page before the member does:
    # the secret they see must not be the one the member's authenticator is confirmed with.
    member = UserFactory(is_staff=True)
    intruder = _password_only(member)
    seen_by_intruder = _setup_secret(intruder)
    own = _password_only(member)
    seen_by_member = _setup_secret(own)
    assert seen_by_member != seen_by_intruder
    assert _setup_secret(own) == seen_by_member  # a reload shows the same secret
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    assert admin_code_step(own, totp_code(device), setup=True).status_code == 200
    confirmed = TOTPDevice.objects.get(user=member, confirmed=True)
    assert confirmed.bin_key != b32decode(seen_by_intruder.replace(" ", ""))
    # The intruder's page is gone with the setup: the member's device is the one kept.
    assert intruder.get("/admin/second-factor/setup/").status_code == 302
    assert list(TOTPDevice.objects.filter(user=member)) == [confirmed]


def test_wrong_codes_from_many_addresses_lock_the_member_out_of_the_code_step():
    # Whoever sends codes already holds the member's password, and signs in afresh from as
    # many addresses as they have: each address's own count must not buy more guesses.
    member = UserFactory(is_staff=True)
    device = staff_authenticator(member)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    for number in range(settings.LOGIN_FAILURES_PER_EMAIL):
        client = Client(enforce_csrf_checks=True, REMOTE_ADDR=f"198.51.100.{number + 1}")
        admin_password_step(client, member.email, DEFAULT_PASSWORD)
        assert "incorrect" in admin_code_step(client, wrong).content.decode()
    fresh = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.9")
    assert admin_password_step(fresh, member.email, DEFAULT_PASSWORD).status_code == 302
    response = admin_code_step(fresh, totp_code(device))
    assert THROTTLED in response.content.decode()
    assert fresh.get("/admin/").status_code == 302
