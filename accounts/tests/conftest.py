"""Fixtures several of this app's test modules share."""

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import AccountFactory, UserFactory, fund


@pytest.fixture
def compliance(client):
    officer = UserFactory(is_staff=True)
    officer.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_account", "view_ledgerentry", "freeze_account", "post_deposit"]
        )
    )
    client.force_login(officer)
    return officer


@pytest.fixture
def history(customer, transfer):
    """Two accounts of the customer with deposits and transfers both ways, and a stranger's."""
    checking = fund(AccountFactory(customer=customer), 100_000)
    savings = fund(AccountFactory(customer=customer, kind="savings"), 50_000)
    for amount in (100, 200, 300):
        transfer(checking, savings, amount)
    transfer(savings, checking, 50)
    stranger = fund(AccountFactory(), 70_000)
    transfer(stranger, checking, 1_000)
    return checking, savings, stranger
