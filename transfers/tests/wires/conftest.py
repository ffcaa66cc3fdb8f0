"""Wire test helpers: customers with approved KYC, a valid wire body, compliance staff."""

import uuid

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import AccountFactory, UserFactory, fund
from kyc.models import KycProfile


def kyc_approve(customer, level: str = "basic") -> None:
    """Give ``customer`` an approved KYC profile of ``level`` (the review itself is tested in kyc)."""
    KycProfile.objects.update_or_create(customer=customer, defaults={"status": "approved", "level": level})


def wire_body(source, **overrides) -> dict:
    return {
        "source_account": source.pk,
        "amount": "2500.00",
        "currency": "USD",
        "beneficiary_name": "Erika Mustermann",
        "beneficiary_account": "DE89370400440532013000",
        "beneficiary_bic": "COBADEFFXXX",
        "beneficiary_country": "DE",
        "beneficiary_address": "Hauptstr. 1, Berlin",
        "beneficiary_routing_number": None,
        "reference": "Invoice 42",
        "charge_bearer": "SHAR",
        **overrides,
    }


def post_wire(client, source, *, key=None, **overrides):
    return client.post(
        "/api/wire-transfers",
        wire_body(source, **overrides),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex,
    )


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
