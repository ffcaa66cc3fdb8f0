import pytest

from audit.models import AuditEvent
from bankcore.config import config_get
from bankcore.models import SystemSetting

pytestmark = pytest.mark.django_db


def test_staff_change_settings_in_admin_through_the_audited_service(client):
    from accounts.models import User

    admin_user = User.objects.create_superuser("root@example.test", "a-Long-password-1")
    client.force_login(admin_user)
    response = client.post(
        "/admin/bankcore/systemsetting/add/", {"key": "accounts.max_per_customer", "value": "3"}
    )
    assert response.status_code == 302
    assert SystemSetting.objects.get().value == 3
    assert config_get("accounts.max_per_customer") == 3
    assert AuditEvent.objects.filter(action="config.changed", actor=admin_user).exists()


def test_admin_refuses_a_value_of_the_wrong_type_with_a_form_error(client):
    from accounts.models import User

    admin_user = User.objects.create_superuser("root@example.test", "a-Long-password-1")
    client.force_login(admin_user)
    response = client.post(
        "/admin/bankcore/systemsetting/add/", {"key": "accounts.max_per_customer", "value": '"ten"'}
    )
    assert response.status_code == 200
    assert "accounts.max_per_customer must be a whole number from 0" in response.content.decode()
    assert not SystemSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="config.changed").exists()


@pytest.mark.parametrize("permission", ["add_systemsetting", "change_systemsetting"])
def test_only_superusers_change_settings_even_holding_the_model_permission(client, permission):
    from django.contrib.auth.models import Permission

    from accounts.models import User

    setting = SystemSetting.objects.create(key="deposits.approval_threshold", value={"USD": 10_000})
    staff = User.objects.create_user("staff@example.test", "a-Long-password-1", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=[permission, "view_systemsetting"]))
    client.force_login(staff)

    added = client.post(
        "/admin/bankcore/systemsetting/add/",
        {"key": "deposits.daily_limit_per_staff", "value": '{"USD": 10000000000}'},
    )
    changed = client.post(
        f"/admin/bankcore/systemsetting/{setting.pk}/change/",
        {"key": "deposits.approval_threshold", "value": '{"USD": 10000000000}'},
    )

    assert (added.status_code, changed.status_code) == (403, 403)
    assert SystemSetting.objects.get().value == {"USD": 10_000}
    assert not AuditEvent.objects.filter(action="config.changed").exists()
