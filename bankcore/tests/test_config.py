import pytest

from audit.models import AuditEvent
from bankcore.config import config_get, config_set
from bankcore.models import SystemSetting

pytestmark = pytest.mark.django_db


def test_settings_default_until_set_and_are_cached(django_assert_num_queries, staff_user):
    with django_assert_num_queries(1):
        assert config_get("accounts.max_per_customer") == 10
    with django_assert_num_queries(0):  # "no row" is cached too
        assert config_get("accounts.max_per_customer") == 10
    config_set(name="accounts.max_per_customer", value=4, actor=staff_user)
    assert config_get("accounts.max_per_customer") == 4
    event = AuditEvent.objects.get(action="config.changed")
    assert (event.actor, event.before, event.after) == (staff_user, {"value": None}, {"value": 4})


def test_unknown_settings_are_refused(staff_user):
    with pytest.raises(KeyError):
        config_set(name="no.such.setting", value=1, actor=staff_user)


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
