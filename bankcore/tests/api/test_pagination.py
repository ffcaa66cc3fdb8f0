"""Cursors and page sizes the API did not issue: a 400 with a code on every list, never a 500."""

import base64

import pytest

pytestmark = pytest.mark.django_db

LISTS = ["/api/accounts", "/api/transactions", "/api/accounts/{account}/transactions", "/api/transfers"]


@pytest.fixture
def account(customer, funded_account, transfer):
    checking = funded_account(customer=customer, balance=100_00)
    for amount in (1_00, 2_00):
        transfer(checking, funded_account(), amount)
    return checking


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "made_up",
    [
        cursor("p=abc"),
        cursor("p=1.5"),
        cursor("p=-1"),
        cursor("p=5\n"),
        cursor("p=99999999999999999999"),
        cursor("o=x"),
        cursor("r=maybe"),
        # Percent-escaped digits other than ASCII ones, which int() reads: Arabic-Indic 8 and
        # 1, full-width 8.
        cursor("o=%D9%A8"),
        cursor("o=%EF%BC%98&p=5"),
        cursor("r=%D9%A1"),
        cursor("p=%D9%A8"),
        cursor("o=1.0"),
        cursor("r=2"),
        "not base64 at all",
        "é",
    ],
)
def test_a_cursor_the_list_did_not_issue_is_a_404_invalid_cursor(customer_client, account, path, made_up):
    response = customer_client.get(path.format(account=account.pk), {"cursor": made_up})
    assert response.status_code == 404
    assert response.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize("path", LISTS)
def test_cursors_the_list_issued_still_page(customer_client, customer, account, path, funded_account):
    funded_account(customer=customer)
    first = customer_client.get(path.format(account=account.pk), {"page_size": 1}).json()
    assert first["next"] is not None
    second = customer_client.get(first["next"])
    assert second.status_code == 200
    assert second.json()["results"][0]["id"] != first["results"][0]["id"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("page_size", ["abc", "0", "-1", "1.5", " 5", "1e3", "٣", "5\n"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(customer_client, account, path, page_size):
    response = customer_client.get(path.format(account=account.pk), {"page_size": page_size})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]["page_size"][0]["code"] == "invalid"


@pytest.fixture
def crowded_account(customer, funded_account, transfer):
    """An account of ``customer`` with one row more than the largest page on every list:
    201 accounts, 201 transfers, 202 transactions."""
    checking = funded_account(customer=customer, balance=1_000_00)
    payee = funded_account()
    for _ in range(201):
        transfer(checking, payee, 1)
    for _ in range(200):
        funded_account(customer=customer)
    return checking


# However many digits: a 33-digit size was a 400 once ids were read through a digit limit, and
# int() refuses a string of more than 4,300.
@pytest.mark.parametrize("path", LISTS)
def test_a_page_size_above_the_maximum_is_capped(customer_client, crowded_account, path):
    for page_size in ["99999999999999999999", "4" * 33, "9" * 5000, "000201"]:
        response = customer_client.get(path.format(account=crowded_account.pk), {"page_size": page_size})
        assert response.status_code == 200, page_size
        body = response.json()
        assert len(body["results"]) == 200, page_size
        assert body["next"] is not None, page_size
