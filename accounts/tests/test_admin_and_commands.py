import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.management.commands.seed_demo import DEMO_USERS
from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD
from audit import actions
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_login_to_admin_is_audited(client, staff_user):
    client.post("/admin/login/", {"username": staff_user.email, "password": "wrong-password"})
    response = client.post("/admin/login/", {"username": staff_user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    failed, succeeded = AuditEvent.objects.order_by("id")
    assert failed.action == actions.LOGIN_FAILED
    assert failed.after == {"email": staff_user.email, "via": "admin"}
    assert succeeded.action == actions.LOGIN_SUCCEEDED
    assert succeeded.actor == staff_user


def test_staff_can_browse_users_but_never_delete_them(client, customer):
    admin = User.objects.create_superuser("root@example.test", DEFAULT_PASSWORD)
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{customer.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/user/{customer.pk}/delete/").status_code == 403


def test_seed_demo_creates_users_that_can_log_in_and_can_run_again(api_client, capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    for email, password, _name, is_staff, is_superuser in DEMO_USERS:
        assert f"{email} / {password}" in output
        user = User.objects.get(email=email)
        assert (user.is_staff, user.is_superuser) == (is_staff, is_superuser)
    assert User.objects.count() == len(DEMO_USERS)
    email, password = DEMO_USERS[0][:2]
    response = api_client.post("/api/auth/login", {"email": email, "password": password}, format="json")
    assert response.status_code == 200
    compliance = User.objects.get(email="compliance@bankcore.test")
    assert compliance.has_perm("accounts.view_user")
    assert not compliance.has_perm("accounts.delete_user")


def test_seed_demo_refuses_to_run_with_debug_off_and_changes_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_runs_with_debug_off_only_when_forced(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert User.objects.filter(email=DEMO_USERS[0][0]).exists()


def test_purge_expired_sessions_keeps_live_ones(customer, capsys):
    from datetime import timedelta

    from knox.models import AuthToken

    AuthToken.objects.create(user=customer, expiry=timedelta(seconds=-5))
    live, _ = AuthToken.objects.create(user=customer)
    call_command("purge_expired_sessions")
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [live.digest]
    assert "Deleted 1 expired session token(s)." in capsys.readouterr().out
