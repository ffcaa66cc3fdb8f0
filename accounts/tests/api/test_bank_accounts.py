import pytest

from accounts.models import Account
from accounts.tests.factories import AccountFactory, fund
from bankcore.backoffice.operations import config_set
from bankcore.config import config_get

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "system", "currency": "USD"}, "kind"),
        ({"kind": "checking", "currency": "XXX"}, "currency"),
        ({"kind": "checking"}, "currency"),
    ],
)
def test_open_account_validates(customer_client, payload, field):
    response = customer_client.post("/api/accounts", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Account.objects.exists()


def test_open_account_limit(customer_client, customer):
    AccountFactory.create_batch(config_get("accounts.max_per_customer"), customer=customer)
    response = customer_client.post("/api/accounts", {"kind": "checking", "currency": "USD"}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "account_limit_reached"


def test_account_limit_is_a_setting_staff_can_change(customer_client, customer, staff_user):
    AccountFactory.create_batch(2, customer=customer)
    config_set(name="accounts.max_per_customer", value=2, actor=staff_user)
    response = customer_client.post("/api/accounts", {"kind": "checking", "currency": "USD"}, format="json")
    assert response.json()["code"] == "account_limit_reached"
    config_set(name="accounts.max_per_customer", value=3, actor=staff_user)
    response = customer_client.post("/api/accounts", {"kind": "checking", "currency": "USD"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("suffix", ["", "/balance", "/transactions"])
def test_other_customers_accounts_are_404(customer_client, suffix):
    other = fund(AccountFactory(), 100)
    response = customer_client.get(f"/api/accounts/{other.pk}{suffix}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("account_id", ["abc", "0", "99999999999999999999999", "-1"])
def test_odd_account_ids_are_404_not_500(customer_client, account_id):
    assert customer_client.get(f"/api/accounts/{account_id}/balance").status_code == 404


def test_accounts_need_a_token(api_client):
    assert api_client.get("/api/accounts").status_code == 401


def test_the_fast_balance_body_matches_its_serializer(customer):
    from accounts.api.serializers import BalanceOutputSerializer, balance_body

    account = fund(AccountFactory(customer=customer, currency="KWD"), 1_234_567)
    assert balance_body(account) == BalanceOutputSerializer(account).data
    assert balance_body(account)["balance"] == "1234.567"


@pytest.mark.parametrize("currency", ["USD", "JPY", "KWD"])
def test_the_plain_account_body_matches_its_serializer(customer_client, customer, currency):
    """The serializer declares the schema; the views render account_body: they cannot drift."""
    from accounts.api.serializers import AccountOutputSerializer, account_body

    account = fund(AccountFactory(customer=customer, currency=currency), 1_234_567)
    declared = AccountOutputSerializer(account).data
    assert account_body(account) == declared
    assert customer_client.get(f"/api/accounts/{account.pk}").json() == declared
    assert customer_client.get("/api/accounts").json()["results"] == [declared]
    assert customer_client.get("/api/accounts", {"page_size": 5}).json()["results"] == [declared]
