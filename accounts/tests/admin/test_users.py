import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from knox.models import AuthToken

from accounts.models import User
from accounts.services.users import user_access_change, user_create, user_password_set, user_set_active
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import admin_login, admin_post
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import NotPermitted, ReasonRequired

pytestmark = pytest.mark.django_db

ROOT_PASSWORD = "root-Pass-2026-original"


@pytest.fixture
def root():
    return User.objects.create_superuser("root@example.test", ROOT_PASSWORD, full_name="Root")


def _compliance_officer():
    """The demo's compliance officer, with the group seed_demo gives them."""
    call_command("seed_demo", force=True)
    return User.objects.get(email="compliance@bankcore.test"), "demo-compliance-Pass-2026"


def _user_manager():
    """Staff holding every model permission over users, groups and tokens, short of superuser."""
    manager = UserFactory(is_staff=True, email="manager@example.test")
    manager.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["accounts", "auth", "knox"],
            content_type__model__in=["user", "group", "permission", "authtoken"],
        )
    )
    return manager, DEFAULT_PASSWORD


def _access(user: User) -> dict:
    user = User.objects.get(pk=user.pk)
    return {
        "email": user.email,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "is_active": user.is_active,
        "password": user.password,
        "groups": set(user.groups.values_list("pk", flat=True)),
        "permissions": set(user.user_permissions.values_list("pk", flat=True)),
    }


def _change_form(user: User, **overrides) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "user_permissions": list(user.user_permissions.values_list("pk", flat=True)),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != ""}


@pytest.mark.parametrize("role", [_compliance_officer, _user_manager], ids=["compliance", "user_manager"])
def test_staff_cannot_escalate_through_the_admin_forms(role, root):
    attacker, password = role()
    colleague = UserFactory(is_staff=True)
    customer = UserFactory()
    AuthToken.objects.all().delete()
    group = Group.objects.get_or_create(name="compliance")[0]
    group_permissions = set(group.permissions.values_list("pk", flat=True))
    watched = [attacker, root, colleague, customer]
    before = {user.pk: _access(user) for user in watched}
    users_before = User.objects.count()
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    client = admin_login(attacker.email, password)

    attempts = {
        "make myself superuser": (
            f"/admin/accounts/user/{attacker.pk}/change/",
            _change_form(
                attacker,
                is_superuser="on",
                groups=list(Group.objects.values_list("pk", flat=True)),
                user_permissions=every_permission,
            ),
        ),
        "take over the superuser's email": (
            f"/admin/accounts/user/{root.pk}/change/",
            _change_form(root, email="attacker-inbox@example.test"),
        ),
        "make a colleague superuser": (
            f"/admin/accounts/user/{colleague.pk}/change/",
            _change_form(colleague, is_superuser="on"),
        ),
        "set the superuser's password": (
            f"/admin/accounts/user/{root.pk}/password/",
            {"usable_password": "true", "password1": "owned-Pass-2026", "password2": "owned-Pass-2026"},
        ),
        "set a colleague's password": (
            f"/admin/accounts/user/{colleague.pk}/password/",
            {"usable_password": "true", "password1": "owned-Pass-2026", "password2": "owned-Pass-2026"},
        ),
        "set a customer's password": (
            f"/admin/accounts/user/{customer.pk}/password/",
            {"usable_password": "true", "password1": "owned-Pass-2026", "password2": "owned-Pass-2026"},
        ),
        "create a user": (
            "/admin/accounts/user/add/",
            {
                "email": "sock-puppet@example.test",
                "full_name": "Sock",
                "usable_password": "true",
                "password1": "puppet-Pass-2026",
                "password2": "puppet-Pass-2026",
            },
        ),
        "give my group every permission": (
            f"/admin/auth/group/{group.pk}/change/",
            {"name": group.name, "permissions": every_permission},
        ),
        "mint a token for a customer": (
            "/admin/knox/authtoken/add/",
            {"user": customer.pk, "expiry_0": "2099-01-01", "expiry_1": "00:00:00"},
        ),
    }
    for attempt, (url, data) in attempts.items():
        response = admin_post(client, url, data)
        assert response.status_code == 403, f"{attempt}: answered {response.status_code}"

    assert {user.pk: _access(user) for user in watched} == before
    assert User.objects.count() == users_before
    assert set(group.permissions.values_list("pk", flat=True)) == group_permissions
    assert not AuthToken.objects.exists()
    assert authenticate(email=root.email, password=ROOT_PASSWORD) == root


def test_superuser_access_change_in_admin_is_one_audited_event_with_before_and_after(root):
    target = UserFactory(email="casey@example.test")
    group = Group.objects.create(name="tellers")
    permission = Permission.objects.get(codename="freeze_account")
    client = admin_login(root.email, ROOT_PASSWORD)
    response = admin_post(
        client,
        f"/admin/accounts/user/{target.pk}/change/",
        _change_form(
            target,
            email="Casey.New@Example.test",
            is_staff="on",
            groups=[group.pk],
            user_permissions=[permission.pk],
        ),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.email, target.is_staff) == ("casey.new@example.test", True)
    assert list(target.groups.all()) == [group]
    event = AuditEvent.objects.get(action=actions.USER_ACCESS_CHANGED)
    assert (event.actor, event.object_id) == (root, str(target.pk))
    assert event.before == {
        "email": "casey@example.test",
        "is_staff": False,
        "groups": [],
        "permissions": [],
    }
    assert event.after == {
        "email": "casey.new@example.test",
        "is_staff": True,
        "groups": ["tellers"],
        "permissions": ["accounts.freeze_account"],
    }


def test_superuser_deactivation_in_the_change_form_is_audited(root):
    target = UserFactory()
    client = admin_login(root.email, ROOT_PASSWORD)
    response = admin_post(
        client, f"/admin/accounts/user/{target.pk}/change/", _change_form(target, is_active="")
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=actions.USER_ACCESS_CHANGED)
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


def test_superuser_sets_a_password_in_admin_audited_and_every_session_ends(root, customer, customer_client):
    client = admin_login(root.email, ROOT_PASSWORD)
    response = admin_post(
        client,
        f"/admin/accounts/user/{customer.pk}/password/",
        {"usable_password": "true", "password1": "reset-Pass-2026-x", "password2": "reset-Pass-2026-x"},
    )
    assert response.status_code == 302
    assert authenticate(email=customer.email, password="reset-Pass-2026-x") == customer
    assert customer_client.get("/api/auth/me").status_code == 401
    assert not AuthToken.objects.filter(user=customer).exists()
    event = AuditEvent.objects.get(action=actions.PASSWORD_SET_BY_STAFF)
    assert (event.actor, event.object_id) == (root, str(customer.pk))
    assert event.before["usable_password"] is True
    assert event.after["usable_password"] is True
    assert event.after["password_changed_at"] != event.before["password_changed_at"]


def test_superuser_creating_a_user_in_admin_is_audited(root):
    client = admin_login(root.email, ROOT_PASSWORD)
    response = admin_post(
        client,
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@example.test",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "new-Person-Pass-2026",
            "password2": "new-Person-Pass-2026",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(email="new.person@example.test")
    assert not created.is_staff
    event = AuditEvent.objects.get(action=actions.USER_CREATED)
    assert (event.actor, event.object_id) == (root, str(created.pk))
    assert event.after["is_staff"] is False
    assert event.after["usable_password"] is True


def _deactivate(client, *users, reason="suspected account takeover"):
    return admin_post(
        client,
        "/admin/accounts/user/",
        {"action": "deactivate_customers", "_selected_action": [user.pk for user in users], "reason": reason},
    )


def test_compliance_deactivates_a_customer_audited_and_their_session_ends_at_once(customer, customer_client):
    officer, password = _compliance_officer()
    client = admin_login(officer.email, password)
    assert _deactivate(client, customer).status_code == 302
    customer.refresh_from_db()
    assert not customer.is_active
    assert customer_client.get("/api/auth/me").status_code == 401
    event = AuditEvent.objects.get(action=actions.USER_DEACTIVATED)
    assert (event.actor, event.object_id) == (officer, str(customer.pk))
    assert (event.before, event.after) == (
        {"is_active": True},
        {"is_active": False, "reason": "suspected account takeover"},
    )


def test_compliance_cannot_deactivate_staff(root):
    officer, password = _compliance_officer()
    colleague = UserFactory(is_staff=True)
    client = admin_login(officer.email, password)
    _deactivate(client, colleague, root)
    assert User.objects.get(pk=colleague.pk).is_active
    assert User.objects.get(pk=root.pk).is_active
    assert not AuditEvent.objects.filter(action=actions.USER_DEACTIVATED).exists()


def test_deactivation_needs_a_reason(customer):
    officer, password = _compliance_officer()
    client = admin_login(officer.email, password)
    _deactivate(client, customer, reason="  ")
    assert User.objects.get(pk=customer.pk).is_active
    with pytest.raises(ReasonRequired):
        user_set_active(user=customer, actor=officer, is_active=False, reason=" ")


def test_only_superusers_reactivate(customer, root):
    officer, _ = _compliance_officer()
    user_set_active(user=customer, actor=officer, is_active=False, reason="fraud")
    with pytest.raises(NotPermitted):
        user_set_active(user=customer, actor=officer, is_active=True, reason="cleared")
    user_set_active(user=customer, actor=root, is_active=True, reason="cleared")
    assert User.objects.get(pk=customer.pk).is_active


def test_staff_without_the_permission_cannot_deactivate(customer, staff_user):
    with pytest.raises(NotPermitted):
        user_set_active(user=customer, actor=staff_user, is_active=False, reason="x")
    assert User.objects.get(pk=customer.pk).is_active


def test_access_and_password_services_refuse_non_superusers(customer, staff_user):
    staff_user.user_permissions.set(Permission.objects.filter(codename__in=["change_user", "add_user"]))
    staff_user = User.objects.get(pk=staff_user.pk)
    with pytest.raises(NotPermitted):
        user_access_change(user=staff_user, actor=staff_user, changes={"is_superuser": True})
    with pytest.raises(NotPermitted):
        user_password_set(user=customer, actor=staff_user, password="x-Pass-2026-long")
    with pytest.raises(NotPermitted):
        user_create(actor=staff_user, email="x@example.test", full_name="X", password=None)
    assert not User.objects.get(pk=staff_user.pk).is_superuser


def test_superuser_group_changes_in_admin_are_audited_with_before_and_after(root):
    freeze, deposit = Permission.objects.filter(codename__in=["freeze_account", "post_deposit"]).order_by(
        "codename"
    )
    client = admin_login(root.email, ROOT_PASSWORD)
    response = admin_post(client, "/admin/auth/group/add/", {"name": "tellers", "permissions": [freeze.pk]})
    assert response.status_code == 302
    group = Group.objects.get(name="tellers")
    member = UserFactory(is_staff=True)
    member.groups.add(group)
    response = admin_post(
        client, f"/admin/auth/group/{group.pk}/change/", {"name": "tellers", "permissions": [deposit.pk]}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).has_perm("accounts.post_deposit")
    response = admin_post(client, f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Group.objects.filter(name="tellers").exists()

    created, changed, deleted = AuditEvent.objects.filter(object_type="auth.group").order_by("id")
    assert (created.action, created.actor, created.before) == (actions.GROUP_CREATED, root, None)
    assert created.after == {"name": "tellers", "permissions": ["accounts.freeze_account"]}
    assert (changed.action, changed.before, changed.after) == (
        actions.GROUP_CHANGED,
        {"permissions": ["accounts.freeze_account"]},
        {"permissions": ["accounts.post_deposit"]},
    )
    assert deleted.action == actions.GROUP_DELETED
    assert deleted.before == {
        "name": "tellers",
        "permissions": ["accounts.post_deposit"],
        "members": [member.email],
    }


def test_staff_can_browse_users_but_never_delete_them(client, customer):
    admin = User.objects.create_superuser("root@example.test", DEFAULT_PASSWORD)
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{customer.pk}/change/").status_code == 200
    assert client.get(f"/admin/accounts/user/{customer.pk}/delete/").status_code == 403


NEW_PASSWORD = "changed-Pass-2026-y"


def _own_password_change(client, old_password: str):
    return admin_post(
        client,
        "/admin/password_change/",
        {"old_password": old_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_wrong_old_passwords_in_the_admin_s_own_password_change_are_throttled(root, settings):
    client = admin_login(root.email, ROOT_PASSWORD)
    for _ in range(settings.LOGIN_FAILURES_PER_EMAIL):
        response = _own_password_change(client, "wrong-old-password")
        assert response.status_code == 200
        assert response.context["form"].errors["old_password"][0].startswith("Your old password was entered")
    response = _own_password_change(client, ROOT_PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0].startswith("Too many wrong old passwords")
    assert authenticate(email=root.email, password=ROOT_PASSWORD) == root
    assert not AuditEvent.objects.filter(action=actions.PASSWORD_CHANGED).exists()


def test_staff_changing_their_own_password_in_admin_is_audited_and_ends_other_sessions(root):
    _, old_token = AuthToken.objects.create(user=root)
    other_session = admin_login(root.email, ROOT_PASSWORD)
    client = admin_login(root.email, ROOT_PASSWORD)

    response = _own_password_change(client, ROOT_PASSWORD)

    assert response.status_code == 302
    assert authenticate(email=root.email, password=NEW_PASSWORD) == root
    event = AuditEvent.objects.get(action=actions.PASSWORD_CHANGED)
    assert (event.actor, event.object_id, event.after) == (root, str(root.pk), {"via": "admin"})
    assert client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {old_token}").status_code == 401
    assert client.get("/admin/").status_code == 200
    assert other_session.get("/admin/").status_code == 302


def test_staff_who_may_not_change_a_user_see_no_password_hash_and_no_reset_button(customer):
    officer, password = _compliance_officer()
    client = admin_login(officer.email, password)

    page = client.get(f"/admin/accounts/user/{customer.pk}/change/").content.decode()

    assert customer.email in page
    # Neither the hash nor its algorithm's marker (the suite hashes with MD5): never a bare
    # "md5", which the page's random tokens may spell by chance.
    assert customer.password not in page
    assert "argon2" not in page
    assert "md5$" not in page.lower()
    assert "password/" not in page  # the reset link of Django's read-only password field


def test_a_refused_back_office_page_is_an_html_page_not_the_apis_json(customer):
    officer, password = _compliance_officer()
    client = admin_login(officer.email, password)

    response = client.get(f"/admin/accounts/user/{customer.pk}/password/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_deactivating_nobody_says_so_without_a_success_message(root):
    officer, password = _compliance_officer()
    client = admin_login(officer.email, password)

    response = admin_post(
        client,
        "/admin/accounts/user/",
        {"action": "deactivate_customers", "_selected_action": [root.pk], "reason": "test", "index": 0},
    )

    levels = [message.level_tag for message in response.wsgi_request._messages]
    assert "success" not in levels
    assert "error" in levels
