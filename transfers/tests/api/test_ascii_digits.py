"""Every id, number and date a customer sends is read from ASCII digits only.

Python's int(), DRF's and Django's integer fields and Django's date parsers read Arabic-Indic,
full-width, mathematical and other Unicode digits as numbers: each place the API reads one
refuses them with a 400 naming the field, and changes nothing.
"""

import uuid

import pytest

from accounts.tests.factories import AccountFactory, fund
from kyc.models import KycProfile
from kyc.tests.helpers import PROFILE
from transfers.models import Transfer, WireTransfer
from transfers.tests.helpers import kyc_approve, wire_body

pytestmark = pytest.mark.django_db

# The digit zero of some of the scripts Python's parsers read.
ZEROS = {
    "arabic_indic": 0x0660,
    "devanagari": 0x0966,
    "full_width": 0xFF10,
    "mathematical_bold": 0x1D7CE,
}


def in_digits(text: str, script: str) -> str:
    return "".join(chr(ZEROS[script] + int(c)) if c.isascii() and c.isdigit() else c for c in text)


def look_alikes(number: int) -> list[str]:
    """``number`` written in each script, with one digit changed, and as ``8.0``."""
    text = str(number)
    mixed = text[:-1] + in_digits(text[-1], "full_width")
    return [*(in_digits(text, script) for script in ZEROS), mixed, f"{text}.0", f" {text}", f"+{text}"]


@pytest.fixture
def source(customer):
    kyc_approve(customer)
    return fund(AccountFactory(customer=customer), 1_000_00)


def assert_field_refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"], body


@pytest.mark.parametrize("form", range(8))
def test_a_transfer_source_account_in_other_digits_is_a_400(customer_client, source, form):
    destination = AccountFactory(currency="USD")
    response = customer_client.post(
        "/api/transfers",
        {
            "source_account": look_alikes(source.pk)[form],
            "destination_account_number": destination.number,
            "amount": "1.00",
            "currency": "USD",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert_field_refused(response, "source_account")
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("form", range(8))
def test_a_wire_source_account_in_other_digits_is_a_400(customer_client, source, form):
    body = wire_body(source, amount="1.00", source_account=look_alikes(source.pk)[form])
    response = customer_client.post(
        "/api/wire-transfers", body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )
    assert_field_refused(response, "source_account")
    assert not WireTransfer.objects.exists()


@pytest.mark.parametrize("value", [8.0, True, "8e0", [8]])
def test_a_source_account_that_is_not_a_whole_number_is_a_400(customer_client, source, value):
    response = customer_client.post(
        "/api/wire-transfers",
        wire_body(source, source_account=value),
        format="json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert_field_refused(response, "source_account")


def test_a_source_account_as_a_json_number_or_ascii_digits_is_read(customer_client, source):
    for value in (source.pk, str(source.pk)):
        response = customer_client.post(
            "/api/wire-transfers",
            wire_body(source, amount="1.00", source_account=value),
            format="json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        assert response.status_code == 201, response.json()


@pytest.mark.parametrize("path", ["/api/transactions", "/api/wire-transfers", "/api/wire-transfers/limits"])
@pytest.mark.parametrize("form", range(8))
def test_an_account_query_parameter_in_other_digits_is_a_400(customer_client, source, path, form):
    response = customer_client.get(path, {"account": look_alikes(source.pk)[form]})
    assert_field_refused(response, "account")


@pytest.mark.parametrize("path", ["/api/transactions", "/api/wire-transfers", "/api/wire-transfers/limits"])
def test_an_account_query_parameter_in_ascii_digits_is_read(customer_client, source, path):
    assert customer_client.get(path, {"account": str(source.pk)}).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/transactions", "/api/wire-transfers", "/api/accounts/{account}/transactions"]
)
@pytest.mark.parametrize("field", ["created_after", "created_before"])
@pytest.mark.parametrize("script", ZEROS)
def test_a_time_in_other_digits_is_a_400(customer_client, source, path, field, script):
    for moment in (
        in_digits("2024-01-08T00:00:00Z", script),
        "2024-01-0" + in_digits("8", script) + "T00:00",
    ):
        response = customer_client.get(path.format(account=source.pk), {field: moment})
        assert_field_refused(response, field)


@pytest.mark.parametrize("path", ["/api/transactions", "/api/wire-transfers"])
def test_a_time_in_ascii_digits_is_read(customer_client, source, path):
    response = customer_client.get(path, {"created_after": "2024-01-08T00:00:00+05:30"})
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("script", ZEROS)
def test_a_date_of_birth_in_other_digits_is_a_400(customer_client, customer, script):
    response = customer_client.put(
        "/api/kyc/profile", {**PROFILE, "date_of_birth": in_digits("1990-04-01", script)}, format="json"
    )
    assert_field_refused(response, "date_of_birth")
    assert not KycProfile.objects.filter(customer=customer).exists()


@pytest.mark.parametrize("field", ["issued_on", "expires_on"])
def test_a_document_date_in_other_digits_is_a_400(customer_client, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kyc.tests import files

    document_type = "proof_of_address" if field == "issued_on" else "passport"
    response = customer_client.post(
        "/api/kyc/documents",
        {
            "document_type": document_type,
            "file": SimpleUploadedFile("file.png", files.png()),
            field: in_digits("2030-01-08", "full_width"),
        },
        format="multipart",
    )
    assert_field_refused(response, field)


@pytest.mark.parametrize(
    "path", ["/api/accounts/{}", "/api/transfers/{}", "/api/wire-transfers/{}", "/api/kyc/documents/{}"]
)
def test_an_id_in_the_path_in_other_digits_is_a_404(customer_client, source, path):
    for form in look_alikes(source.pk)[:5]:
        assert customer_client.get(path.format(form)).status_code == 404
