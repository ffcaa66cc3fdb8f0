"""What a wire's beneficiary account, routing number, BIC and country must be, over HTTP."""

import uuid

import pytest

from accounts.models import LedgerEntry
from accounts.tests.factories import AccountFactory
from transfers.models import WireTransfer
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db

US = {"beneficiary_routing_number": "011000015", "beneficiary_country": "US", "beneficiary_bic": None}


def assert_refused(response, field: str, code: str) -> None:
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "validation_error"
    assert [error["code"] for error in body["fields"][field]] == [code], body
    assert not WireTransfer.objects.exists()
    assert not LedgerEntry.objects.filter(type=LedgerEntry.Type.WIRE_OUT).exists()


@pytest.mark.parametrize("country", ["FR", "US", "IR"])
def test_an_iban_beneficiary_is_in_the_ibans_country(customer_client, source, country):
    response = post_wire(customer_client, source, beneficiary_country=country)
    assert_refused(response, "beneficiary_country", "country_mismatch")


@pytest.mark.parametrize(
    "account",
    [
        "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",  # Arabic-Indic
        "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",  # full-width
        "12345\uff1678",  # one full-width digit among ASCII ones
        "\U0001d7cf\U0001d7d0\U0001d7d1\U0001d7d2\U0001d7d3\U0001d7d4",  # mathematical bold
        "\u00b9\u00b2\u00b3\u2074\u2075\u2076",  # superscripts
        "\u2460\u2461\u2462\u2463\u2464",  # circled
        "\u0967\u0968\u0969\u096a\u096b\u096c\u096d",  # Devanagari
        "123",  # too short
        "123456789012345678",  # too long
        "12345A78",
    ],
)
def test_a_us_account_number_is_4_to_17_ascii_digits(customer_client, source, account):
    response = post_wire(customer_client, source, beneficiary_account=account, **US)
    assert_refused(response, "beneficiary_account", "invalid_account_number")


def test_a_us_account_number_with_spaces_is_stored_compact(customer_client, source):
    response = post_wire(customer_client, source, beneficiary_account="1234 5678", **US)
    assert response.status_code == 201, response.json()
    assert response.json()["beneficiary_account"] == "12345678"


@pytest.mark.parametrize(
    "routing_number",
    [
        "000000000",  # all zeros: passes the checksum, names no bank
        "500000005",  # prefix 50 is unassigned
        "990000000",  # prefix 99 is unassigned
        "130000005",  # 13-20 are unassigned
        "011000016",  # wrong check digit
        "01100001",  # too short
        "0110000155",  # too long
        "01100001A",
        "\uff10\uff11\uff11\uff10\uff10\uff10\uff10\uff11\uff15",  # full-width 011000015
        "0110 00015",
    ],
)
def test_a_routing_number_needs_an_assigned_prefix_and_its_check_digit(
    customer_client, source, routing_number
):
    response = post_wire(
        customer_client,
        source,
        **{**US, "beneficiary_routing_number": routing_number},
        beneficiary_account="12345678",
    )
    assert_refused(response, "beneficiary_routing_number", "invalid_routing_number")


@pytest.mark.parametrize(
    "routing_number",
    ["011000015", "021000021", "121000358", "211274450", "322271627", "061000104", "800000006"],
)
def test_routing_numbers_of_each_federal_reserve_range_are_accepted(customer_client, source, routing_number):
    response = post_wire(
        customer_client,
        source,
        **{**US, "beneficiary_routing_number": routing_number},
        beneficiary_account="12345678",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("bic", ["DEUTDEFFXXX", "ZZZZDEFFXXX", "DEUTDEFF"])
def test_a_bic_must_be_the_bank_the_iban_names(customer_client, source, bic):
    # DE89 3704 0044 …: bank code 37040044 is Commerzbank Köln, COBADEFFXXX.
    response = post_wire(customer_client, source, beneficiary_bic=bic)
    assert_refused(response, "beneficiary_bic", "bic_mismatch")


@pytest.mark.parametrize("bic", ["COBADEFFXXX", "COBADEFF", "cobadeff123", " COBADEFFXXX "])
def test_any_branch_of_the_ibans_bank_is_accepted(customer_client, source, bic):
    response = post_wire(customer_client, source, beneficiary_bic=bic)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "sent"
    assert response.json()["beneficiary_bic"] == bic.strip().upper()


def test_the_ibans_bank_may_have_a_bic_of_another_country(customer_client, source):
    # Bank code 76032 of Austria is TeamBank's Austrian branch, whose BIC is German.
    response = post_wire(
        customer_client,
        source,
        beneficiary_account="AT407603200000123456",
        beneficiary_country="AT",
        beneficiary_bic="TEAMDE71TAT",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "sent"


def test_a_bic_nobody_knows_for_a_bank_nobody_knows_holds_the_wire(customer_client, source):
    # The registry lists Swiss banks, but neither clearing number 00762 nor this BIC.
    response = post_wire(
        customer_client,
        source,
        beneficiary_account="CH9300762011623852957",
        beneficiary_country="CH",
        beneficiary_bic="ZZZZCHZZXXX",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_review"
    assert body["review_reason"]["rule"] == "unverified_bic"
    assert body["review_reason"]["bic"] == "ZZZZCHZZXXX"


def test_a_known_bic_for_a_bank_the_registry_lacks_is_sent(customer_client, source):
    response = post_wire(
        customer_client,
        source,
        beneficiary_account="CH9300762011623852957",
        beneficiary_country="CH",
        beneficiary_bic="UBSWCHZH80A",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "sent"


def test_a_bic_of_another_country_than_an_unknown_ibans_bank_is_refused(customer_client, source):
    response = post_wire(
        customer_client,
        source,
        beneficiary_account="CH9300762011623852957",
        beneficiary_country="CH",
        beneficiary_bic="COBADEFFXXX",
    )
    assert_refused(response, "beneficiary_bic", "country_mismatch")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"beneficiary_account": "DE8937040044053201300"}, "beneficiary_account"),  # one digit short
        ({"beneficiary_account": "DE893704004405320130000"}, "beneficiary_account"),  # one too many
        ({"beneficiary_account": "DE89\uff13\uff17040044053201300" + "0"}, "beneficiary_account"),
        ({"beneficiary_account": "XX89370400440532013000"}, "beneficiary_account"),
        ({"beneficiary_account": ""}, "beneficiary_account"),
        ({"beneficiary_bic": "COBADEFFXX"}, "beneficiary_bic"),
        ({"beneficiary_bic": "COBADEFFXXXX"}, "beneficiary_bic"),
        ({"beneficiary_bic": "COBA DEFF XXX"}, "beneficiary_bic"),
        ({"beneficiary_bic": "\uff23OBADEFFXXX"}, "beneficiary_bic"),
        ({"beneficiary_bic": 12345678}, "beneficiary_bic"),
        (
            {"beneficiary_routing_number": 11000015, "beneficiary_account": "12345678"},
            "beneficiary_routing_number",
        ),
    ],
)
def test_malformed_bank_identifiers_are_a_400(customer_client, source, overrides, field):
    response = post_wire(customer_client, source, **overrides)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not WireTransfer.objects.exists()


def test_a_lower_case_iban_with_spaces_and_its_bic_in_lower_case_are_accepted(customer_client, source):
    response = post_wire(
        customer_client,
        source,
        beneficiary_account=" de89 3704 0044 0532 0130 00 ",
        beneficiary_bic="cobadeffxxx",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["beneficiary_account"], body["beneficiary_bic"]) == ("DE89370400440532013000", "COBADEFFXXX")


@pytest.mark.parametrize(
    "amount",
    ["\u0661\u0660.00", "1\uff10.00", "10.\u0660\u0660", "\U0001d7cf\U0001d7ce", "1\u00b2", "10,00", "1e3"],
)
def test_an_amount_in_other_digits_is_refused(customer_client, source, amount):
    response = post_wire(customer_client, source, amount=amount)
    assert_refused(response, "amount", "invalid_amount")


@pytest.mark.parametrize(
    "name",
    [
        "\u0415rika Musterm\u0430nn",  # a Cyrillic capital E and small a among Latin letters
        "\uff25\uff52\uff49\uff4b\uff41",  # full-width
        "Er\u0131ka",  # dotless i
        "\U0001d404\U0001d42b\U0001d422\U0001d424\U0001d41a",  # mathematical bold
        "E\u0301rika",  # combining accent
    ],
)
def test_a_beneficiary_name_of_look_alike_letters_never_fails_the_request(customer_client, source, name):
    response = post_wire(customer_client, source, beneficiary_name=name)
    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        assert response.json()["status"] in ("sent", "pending_review")


def test_an_idempotency_key_of_a_transfer_cannot_send_a_wire(customer_client, source):
    destination = AccountFactory(currency="USD")
    key = uuid.uuid4().hex
    transfer = customer_client.post(
        "/api/transfers",
        {
            "source_account": source.pk,
            "destination_account_number": destination.number,
            "amount": "10.00",
            "currency": "USD",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert transfer.status_code == 201, transfer.json()
    wire = post_wire(customer_client, source, key=key)
    assert wire.status_code == 422, wire.json()
    assert wire.json()["code"] == "idempotency_key_reused"
    assert not WireTransfer.objects.exists()
