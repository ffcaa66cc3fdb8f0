"""What the wire limits endpoint costs in SQL, across a customer's accounts."""

import pytest

from accounts.tests.factories import AccountFactory, fund
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db


# As in api/test_wire_limits.py, not the conftest's 10,000.00.
@pytest.fixture
def source(approved_customer):
    # Two accounts of 2,000.00: a test may fund 10,000.00 in all before deposits need approval.
    return fund(AccountFactory(customer=approved_customer), 2_000_00)


def test_the_limits_show_the_account_and_the_customer_across_accounts(
    customer_client, source, second_source, wire_settings, django_assert_num_queries
):
    wire_settings(limit_daily={"USD": 5000}, limit_daily_count=4)
    post_wire(customer_client, source, amount="1200.00")
    url = f"/api/wire-transfers/limits?account={second_source.pk}"
    # the account, the KYC level, the customer's overrides in the currency with what is used
    with django_assert_num_queries(3):
        limits = customer_client.get(url).json()
    assert limits["daily"] == {"limit": "5000.00", "used": "0.00", "remaining": "5000.00"}
    assert limits["customer"]["daily"] == {"limit": "5000.00", "used": "1200.00", "remaining": "3800.00"}
    assert limits["customer"]["daily_count"] == {"limit": 4, "used": 1, "remaining": 3}
    # A wire from the other account retires this account's cached limits.
    post_wire(customer_client, source, amount="100.00")
    assert customer_client.get(url).json()["customer"]["daily"]["used"] == "1300.00"
