"""Every free-text field a customer writes refuses invisible and stacked characters through the
API: a 400 whose code names the field, and nothing written."""

import uuid

import pytest

from accounts.models import User
from accounts.tests.factories import AccountFactory, fund
from bankcore.tests.helpers import INVISIBLE, STACKED
from kyc.models import KycProfile
from transfers.models import Transfer, WireTransfer
from transfers.tests.helpers import kyc_approve, wire_body

pytestmark = pytest.mark.django_db

CASES = {**{name: (text, "invalid_character") for name, text in INVISIBLE.items()}}
CASES["61 combining marks on one letter"] = (STACKED, "too_many_combining_marks")

KYC_PROFILE = {
    "legal_name": "Erika Mustermann",
    "date_of_birth": "1980-01-01",
    "nationality": "DE",
    "residence_country": "DE",
    "address": "Hauptstr. 1, Berlin",
    "national_id": "X1234567",
}


@pytest.fixture
def source(customer):
    kyc_approve(customer)
    return fund(AccountFactory(customer=customer), 10_000_00)


def refused_field(response, field: str) -> str:
    assert response.status_code == 400, response.json()
    return response.json()["fields"][field][0]["code"]


@pytest.mark.parametrize(("text", "code"), CASES.values(), ids=CASES.keys())
def test_sign_up_full_name(api_client, text, code):
    body = {"email": "new@example.test", "password": "a-Long-enough-pass-42", "full_name": text}
    assert refused_field(api_client.post("/api/auth/register", body, format="json"), "full_name") == code
    assert not User.objects.filter(email="new@example.test").exists()


@pytest.mark.parametrize(("text", "code"), CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("field", ["legal_name", "address"])
def test_kyc_profile(customer_client, field, text, code):
    response = customer_client.put("/api/kyc/profile", {**KYC_PROFILE, field: text}, format="json")
    assert refused_field(response, field) == code
    assert not KycProfile.objects.exclude(legal_name="").exists()


@pytest.mark.parametrize(("text", "code"), CASES.values(), ids=CASES.keys())
def test_transfer_description(customer_client, source, text, code):
    body = {
        "source_account": source.pk,
        "destination_account_number": AccountFactory().number,
        "amount": "1.00",
        "currency": "USD",
        "description": text,
    }
    response = customer_client.post(
        "/api/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )
    assert refused_field(response, "description") == code
    assert not Transfer.objects.exists()


@pytest.mark.parametrize(("text", "code"), CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("field", ["beneficiary_name", "beneficiary_address", "reference"])
def test_wire_beneficiary_and_reference(customer_client, source, field, text, code):
    response = customer_client.post(
        "/api/wire-transfers",
        wire_body(source, **{field: text}),
        format="json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert refused_field(response, field) == code
    assert not WireTransfer.objects.exists()
