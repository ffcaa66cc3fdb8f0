"""Wires to a comprehensively sanctioned jurisdiction are held for review, saying why."""

import pytest

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.backoffice.operations import config_set
from bankcore.config import config_get
from bankcore.errors import InvalidSetting
from transfers.models import WireTransfer
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db

IRAN = {
    "beneficiary_account": "IR062960000000100324200001",
    "beneficiary_country": "IR",
    "beneficiary_bic": None,
    "beneficiary_address": "Ferdowsi Ave, Tehran",
}


def held_for(response) -> dict:
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_review", body
    wire = WireTransfer.objects.get(pk=body["id"])
    assert wire.status == WireTransfer.Status.PENDING_REVIEW
    assert wire.review_reason == body["review_reason"]
    return body["review_reason"]


def test_a_wire_to_an_iranian_iban_is_held_with_the_reason(customer_client, source):
    reason = held_for(post_wire(customer_client, source, amount="10.00", **IRAN))
    assert reason["rule"] == "sanctioned_jurisdiction"
    assert reason["jurisdiction"] == "IR"
    assert reason["field"] == "beneficiary_country"
    assert "Iran" in reason["detail"]


def test_a_us_routed_wire_to_a_north_korean_beneficiary_is_held(customer_client, source):
    reason = held_for(
        post_wire(
            customer_client,
            source,
            amount="10.00",
            beneficiary_account="12345678",
            beneficiary_routing_number="011000015",
            beneficiary_country="KP",
            beneficiary_bic=None,
        )
    )
    assert (reason["rule"], reason["jurisdiction"], reason["field"]) == (
        "sanctioned_jurisdiction",
        "KP",
        "beneficiary_country",
    )


def test_a_bic_of_a_sanctioned_country_holds_the_wire(customer_client, source, superuser):
    # The Austrian branch of TeamBank has a German BIC: with DE listed, only the BIC matches.
    config_set(name="screening.sanctioned_jurisdictions", value=["DE"], actor=superuser)
    reason = held_for(
        post_wire(
            customer_client,
            source,
            amount="10.00",
            beneficiary_account="AT407603200000123456",
            beneficiary_country="AT",
            beneficiary_bic="TEAMDE71TAT",
        )
    )
    assert (reason["rule"], reason["jurisdiction"], reason["field"]) == (
        "sanctioned_jurisdiction",
        "DE",
        "bic_country",
    )


@pytest.mark.parametrize(
    ("address", "region"),
    [
        ("vul. Pushkinska 1, Simferopol", "UA-43"),
        ("Republic of CRIMEA, Yalta", "UA-43"),
        ("Krým", "UA-43"),
        ("ул. Ленина 5, Севастополь", "UA-40"),
        ("pr. Illicha 10, Donetsk 83000", "UA-14"),
        ("Lugansk", "UA-09"),
        ("Luhanska oblast", "UA-09"),
    ],
)
def test_an_address_in_an_occupied_region_of_ukraine_holds_the_wire(customer_client, source, address, region):
    reason = held_for(
        post_wire(
            customer_client,
            source,
            amount="10.00",
            beneficiary_account="UA213223130000026007233566001",
            beneficiary_country="UA",
            beneficiary_bic=None,
            beneficiary_address=address,
        )
    )
    assert (reason["rule"], reason["jurisdiction"], reason["field"]) == (
        "sanctioned_jurisdiction",
        region,
        "beneficiary_address",
    )


@pytest.mark.parametrize(
    ("address", "region"),
    [
        # A Cyrillic Es (U+0421) for the C, a Cyrillic Ie (U+0435) for an e: read as Latin.
        ("\u0421rimea", "UA-43"),
        ("ul. Lenina 1, S\u0435vastopol", "UA-40"),
        # A Greek Omicron (U+039F) for the O, in upper case.
        ("D\u039fNETSK", "UA-14"),
        # A postcode written against the city, before or after it.
        ("ul. Lenina 5, 295000Simferopol", "UA-43"),
        ("Sevastopol99011", "UA-40"),
        ("Simferopol_center", "UA-43"),
        # Digits for the letters they look like.
        ("Cr1mea", "UA-43"),
        # Another transliteration of a Cyrillic name, as the list's Cyrillic one reads.
        ("\u0421\u0456\u043c\u0444\u0435\u0440\u043e\u043f\u043e\u043b\u044c", "UA-43"),
    ],
)
def test_a_region_written_with_look_alike_letters_or_a_glued_postcode_holds_the_wire(
    customer_client, source, address, region
):
    reason = held_for(
        post_wire(
            customer_client,
            source,
            amount="10.00",
            beneficiary_account="UA213223130000026007233566001",
            beneficiary_country="UA",
            beneficiary_bic=None,
            beneficiary_address=address,
        )
    )
    assert (reason["rule"], reason["jurisdiction"]) == ("sanctioned_jurisdiction", region)


@pytest.mark.parametrize("address", ["Khreshchatyk 1, Kyiv", "Donetskyi lane 3, Lviv", ""])
def test_an_address_elsewhere_in_ukraine_sends_the_wire(customer_client, source, address):
    response = post_wire(
        customer_client,
        source,
        amount="10.00",
        beneficiary_account="UA213223130000026007233566001",
        beneficiary_country="UA",
        beneficiary_bic=None,
        beneficiary_address=address,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "sent"


def test_compliance_changes_the_list_through_the_audited_setting(customer_client, source, superuser):
    assert "IR" in config_get("screening.sanctioned_jurisdictions")
    config_set(name="screening.sanctioned_jurisdictions", value=["CU", "KP"], actor=superuser)
    event = AuditEvent.objects.get(action=actions.CONFIG_CHANGED)
    assert event.actor == superuser
    assert event.before == {"value": None}
    assert event.after == {"value": ["CU", "KP"]}
    response = post_wire(customer_client, source, amount="10.00", **IRAN)
    assert response.json()["status"] == "sent"


@pytest.mark.parametrize(
    "value",
    ["IR", ["ir"], ["XX"], ["UA-99"], ["IRN"], [1], ["I\u0280"], [["IR"]], {"IR": True}],
)
def test_the_list_holds_only_country_and_subdivision_codes(superuser, value):
    with pytest.raises(InvalidSetting):
        config_set(name="screening.sanctioned_jurisdictions", value=value, actor=superuser)
    assert not AuditEvent.objects.filter(action=actions.CONFIG_CHANGED).exists()


@pytest.fixture
def superuser(db):
    """Settings are changed by superusers only (the settings admin)."""
    return UserFactory(is_staff=True, is_superuser=True)
