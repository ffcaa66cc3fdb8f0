"""Fixtures of the transfers tests: customers with approved KYC, their funded account,
compliance staff and wire settings."""

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import AccountFactory, UserFactory, fund
from transfers.models import WireTransfer
from transfers.tests.helpers import kyc_approve, post_wire


@pytest.fixture
def approved_customer(customer):
    kyc_approve(customer)
    return customer


@pytest.fixture
def source(approved_customer):
    return fund(AccountFactory(customer=approved_customer), 10_000_00)


@pytest.fixture
def reviewer_factory(db):
    """Make a member of staff holding transfers.review_wire."""

    def make(**fields):
        user = UserFactory(is_staff=True, **fields)
        user.user_permissions.add(Permission.objects.get(codename="review_wire"))
        return user

    return make


@pytest.fixture
def limits_officer_factory(db):
    """Make a member of staff who may set wire limit overrides (as the compliance role may)."""

    def make(**fields):
        user = UserFactory(is_staff=True, **fields)
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["view_wirelimitoverride", "add_wirelimitoverride", "change_wirelimitoverride"]
            )
        )
        return user

    return make


@pytest.fixture
def wire_settings(db):
    """Set wire system settings through the audited service, as staff would."""
    from bankcore.backoffice.operations import config_set

    admin = UserFactory(is_staff=True, is_superuser=True)

    def set_(**values):
        for name, value in values.items():
            config_set(name=f"wires.{name}", value=value, actor=admin)

    return set_


@pytest.fixture
def held(customer_client, source, wire_settings):
    wire_settings(review_threshold={"USD": 100}, four_eyes_threshold={"USD": 3000})

    def make(amount="500.00", **overrides):
        body = post_wire(customer_client, source, amount=amount, **overrides).json()
        return WireTransfer.objects.get(pk=body["id"])

    return make


@pytest.fixture
def officer(client, reviewer_factory):
    user = reviewer_factory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_wiretransfer"]))
    client.force_login(user)
    return user


@pytest.fixture
def destination():
    return AccountFactory()


@pytest.fixture
def second_source(approved_customer):
    return fund(AccountFactory(customer=approved_customer), 2_000_00)
