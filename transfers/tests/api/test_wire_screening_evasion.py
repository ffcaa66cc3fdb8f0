# ruff: noqa: RUF001 - the look-alike letters are what these tests screen.
"""Wires to listed names written to evade screening: each is held for review with its hit."""

from pathlib import Path

import pytest
from django.core.management import call_command

from transfers.models import WireTransfer
from transfers.tests.helpers import post_wire

FIXTURES = Path(__file__).resolve().parents[3] / "kyc" / "fixtures"

pytestmark = pytest.mark.django_db

# Each was sent at once, with no review and no hit recorded. A German beneficiary gets a German
# IBAN; a Russian one an account and routing number, whose beneficiary_country is the
# customer's choice.
PROBES = {
    "title": ("Mr Vladimir Putin", "DE", 36735),
    "generational suffix": ("Vladimir Putin Jr", "DE", 36735),
    "company word": ("Vladimir Putin Holding", "RU", 36735),
    "and co": ("Vladimir Putin and Co", "RU", 36735),
    "transliteration": ("Wladimir Poetin", "DE", 36735),
    "lisu capitals": ("ꓦꓡꓮꓓꓲꓟꓲꓣ ꓑꓴꓔꓲꓠ", "RU", 36735),
    "lisu surname": ("Ramzan ꓗꓮꓓꓬꓣꓳꓦ", "DE", 23393),
    "lisu surname of an alias": ("Alexander ꓡꓴꓗꓮꓢꓧꓰꓠꓗꓳ", "DE", 29700),
    "lisu first surname": ("Diosdado ꓚꓮꓐꓰꓡꓡꓳ", "DE", 24432),
    "cherokee": ("Bashar ᎪᏕᏕᎪᎠ", "DE", 12436),
    "cyrillic dze and komi de": ("Bashar аѕѕаԁ", "DE", 12436),
}
ROUTED_ACCOUNT = {
    "beneficiary_account": "12345678",
    "beneficiary_routing_number": "011000015",
    "beneficiary_bic": None,
}


@pytest.fixture(autouse=True)
def sdn_list(db):
    call_command("sanctions_load", FIXTURES / "sdn.csv", "--alt", FIXTURES / "alt.csv", stdout=None)


@pytest.mark.parametrize(("name", "country", "uid"), PROBES.values(), ids=PROBES.keys())
def test_a_wire_to_a_disguised_listed_name_is_held_with_its_hit(customer_client, source, name, country, uid):
    account = {} if country == "DE" else ROUTED_ACCOUNT
    response = post_wire(
        customer_client,
        source,
        amount="100.00",
        beneficiary_name=name,
        beneficiary_country=country,
        **account,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_review"
    assert body["review_reason"]["rule"] == "sanctions_screening"
    wire = WireTransfer.objects.get(pk=body["id"])
    assert uid in [hit["uid"] for hit in wire.screening_hits]


def test_a_wire_to_someone_sharing_only_a_listed_given_name_is_sent(customer_client, source):
    response = post_wire(
        customer_client, source, amount="100.00", beneficiary_name="Mr Vladimir Schmidt GmbH"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] != "pending_review"
