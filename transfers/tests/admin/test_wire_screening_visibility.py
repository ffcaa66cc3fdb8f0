"""Whom a wire's beneficiary resembles on the sanctions lists is shown to the staff who review
screening (compliance), never to those who only read wires (support)."""

import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import admin_login
from kyc.services.screening import sanctions_list_load
from transfers.models import WireTransfer
from transfers.tests.helpers import post_wire

pytestmark = pytest.mark.django_db

LISTED_NAME = "MUSTERMANN, Erika"


@pytest.fixture
def hit_wire(customer_client, source, tmp_path):
    sdn = tmp_path / "sdn.csv"
    sdn.write_text(f'36,"{LISTED_NAME}","individual","SDGT",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"DOB 1970."\n')
    alt = tmp_path / "alt.csv"
    alt.write_text("")
    sanctions_list_load(sdn_path=sdn, alt_path=alt)
    body = post_wire(customer_client, source).json()
    wire = WireTransfer.objects.get(pk=body["id"])
    assert wire.review_reason["rule"] == "sanctions_screening"
    [hit] = wire.screening_hits
    return wire, hit


def _member(role: str):
    member = UserFactory(is_staff=True, email=f"{role}.member@example.test")
    member.groups.add(Group.objects.get(name=role))
    return admin_login(member.email, DEFAULT_PASSWORD)


def _pages(client, wire) -> dict:
    return {
        "changelist": client.get("/admin/transfers/wiretransfer/"),
        "change": client.get(f"/admin/transfers/wiretransfer/{wire.pk}/change/"),
        "decide": client.get(f"/admin/transfers/wiretransfer/{wire.pk}/decide/"),
        "customer": client.get(f"/admin/accounts/user/{wire.customer_id}/change/"),
    }


def test_support_sees_a_wire_held_for_compliance_review_but_not_the_screening_hit(hit_wire):
    wire, hit = hit_wire
    pages = _pages(_member("support"), wire)
    assert pages["decide"].status_code == 403
    for name in ("changelist", "change", "customer"):
        assert pages[name].status_code == 200, name
        page = pages[name].content.decode()
        for secret in (LISTED_NAME, f"#{hit['uid']}", f"score {hit['score']}", "sanctions list", "Screening"):
            assert secret not in page, (name, secret)
        assert f"/admin/transfers/wiretransfer/{wire.pk}/decide/" not in page, name
    assert "held for compliance review" in pages["changelist"].content.decode()
    assert "held for compliance review" in pages["change"].content.decode()


def test_compliance_sees_the_screening_hit(hit_wire):
    wire, hit = hit_wire
    pages = _pages(_member("compliance"), wire)
    assert all(response.status_code == 200 for response in pages.values())
    for name in ("change", "decide"):
        page = pages[name].content.decode()
        assert LISTED_NAME in page, name
        assert "the beneficiary matched the sanctions list" in page, name
    assert f"score {hit['score']}" in pages["decide"].content.decode()
    assert "the beneficiary matched the sanctions list" in pages["changelist"].content.decode()
