import pytest

from audit.models import AuditEvent
from bankcore.config import DEFAULTS, config_check, config_get, config_set
from bankcore.errors import InvalidSetting
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


@pytest.mark.parametrize("value", ["ten", "10", True, -1, 1.5, 10.0, 2**63, None, [10], {"n": 10}])
def test_a_value_not_of_the_defaults_type_is_refused_and_changes_nothing(staff_user, value):
    with pytest.raises(InvalidSetting) as refused:
        config_set(name="accounts.max_per_customer", value=value, actor=staff_user)
    assert refused.value.code == "invalid_setting"
    assert "accounts.max_per_customer" in refused.value.detail
    assert not SystemSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="config.changed").exists()


def test_values_are_checked_against_their_defaults_type(monkeypatch):
    monkeypatch.setitem(DEFAULTS, "test.flag", (False, "A switch."))
    monkeypatch.setitem(DEFAULTS, "test.rate", (0.5, "A fraction."))
    monkeypatch.setitem(DEFAULTS, "test.label", ("bankcore", "A name."))
    for name, good, bad in [
        ("test.flag", [True, False], [1, 0, "true", None]),
        ("test.rate", [1, 0.25, 0], [True, -0.5, float("nan"), float("inf"), "0.5"]),
        ("test.label", ["", "a bank"], [1, None, ["a"]]),
        ("accounts.max_per_customer", [0, 1, 2**63 - 1], [False, -1, 2**63, 1.0]),
    ]:
        for value in good:
            config_check(name=name, value=value)
        for value in bad:
            with pytest.raises(InvalidSetting):
                config_check(name=name, value=value)


def test_a_bad_row_from_before_values_were_checked_reads_as_the_default(caplog):
    SystemSetting.objects.create(key="accounts.max_per_customer", value="ten")
    with caplog.at_level("ERROR", logger="bankcore.config"):
        assert config_get("accounts.max_per_customer") == 10
    assert "accounts.max_per_customer holds an invalid value" in caplog.text


def test_a_bad_row_does_not_break_opening_an_account(customer_client):
    SystemSetting.objects.create(key="accounts.max_per_customer", value="ten")
    response = customer_client.post("/api/accounts", {"kind": "checking", "currency": "USD"}, format="json")
    assert response.status_code == 201, response.json()


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
