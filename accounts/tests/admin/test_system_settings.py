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
