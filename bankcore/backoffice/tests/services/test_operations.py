import pytest
from django.core.management import call_command

from accounts.models import Account
from accounts.numbers import account_number_generate
from audit.models import AuditEvent
from bankcore import cache as kernel
from bankcore.backoffice.operations import config_set
from bankcore.errors import InvalidSetting
from bankcore.models import DatabaseIdentity, SystemSetting

pytestmark = pytest.mark.django_db


def test_unknown_settings_are_refused(staff_user):
    with pytest.raises(KeyError):
        config_set(name="no.such.setting", value=1, actor=staff_user)


@pytest.mark.parametrize("value", ["ten", "10", True, -1, 1.5, 10.0, 2**63, None, [10], {"n": 10}])
def test_a_value_not_of_the_defaults_type_is_refused_and_changes_nothing(staff_user, value):
    with pytest.raises(InvalidSetting) as refused:
        config_set(name="accounts.max_per_customer", value=value, actor=staff_user)
    assert refused.value.code == "invalid_setting"
    assert "accounts.max_per_customer" in refused.value.detail
    assert not SystemSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="config.changed").exists()


def listed_numbers(client) -> list[str]:
    response = client.get("/api/accounts")
    assert response.status_code == 200, response.content
    return [account["number"] for account in response.json()["results"]]


@pytest.mark.django_db(transaction=True)
def test_a_database_restored_from_its_own_backup_renews_its_identity(
    customer, customer_client, funded_account, capsys
):
    account = funded_account(customer=customer)
    assert listed_numbers(customer_client) == [account.number]
    before = kernel.database_identity()
    new_number = account_number_generate()
    Account.objects.filter(pk=account.pk).update(number=new_number)  # the backup's rows

    call_command("renew_database_identity")

    after = DatabaseIdentity.objects.order_by("-pk").first().value
    assert after != before
    assert after in capsys.readouterr().out
    assert kernel.database_identity() == after
    assert listed_numbers(customer_client) == [new_number]
    event = AuditEvent.objects.get(action="database.identity_renewed")
    assert (event.before, event.after) == ({"value": before}, {"value": after})
