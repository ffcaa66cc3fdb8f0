"""The compliance back office: the queue of held wires and the decision page."""

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import AccountFactory, UserFactory, fund
from audit import actions
from audit.models import AuditEvent
from transfers.models import BusinessHoliday, WireLimitOverride, WireTransfer
from transfers.services.wires.review import wire_reject
from transfers.tests.helpers import kyc_approve

pytestmark = pytest.mark.django_db


def test_decision_page_shows_the_wire_its_history_and_the_customers_recent_wires(client, officer, held):
    older, wire = held("150.00"), held()
    response = client.get(f"/admin/transfers/wiretransfer/{wire.pk}/decide/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="wire-decision"' in page
    assert 'id="id_note"' in page
    assert 'id="wire-approve"' in page
    assert 'id="wire-reject"' in page
    assert f"/admin/transfers/wiretransfer/{older.pk}/change/" in page
    assert actions.WIRE_CREATED in page


def test_approving_from_the_decision_page_sends_the_wire(client, officer, held):
    wire = held()
    response = client.post(
        f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "checked", "decision": "approve"}
    )
    assert response.status_code == 302
    wire.refresh_from_db()
    assert wire.status == "sent"
    assert wire.decided_by == officer
    page = client.get(f"/admin/transfers/wiretransfer/{wire.pk}/decide/").content.decode()
    assert actions.WIRE_APPROVED in page
    assert 'id="wire-decision"' not in page, "a decided wire offers no decision"


def test_rejecting_needs_a_note(client, officer, held, source):
    wire = held()
    response = client.post(
        f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "", "decision": "reject"}
    )
    assert response.status_code == 200
    wire.refresh_from_db()
    assert wire.status == "pending_review"
    client.post(f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "fraud", "decision": "reject"})
    wire.refresh_from_db()
    assert wire.status == "rejected"
    source.refresh_from_db()
    assert source.balance == 10_000_00


def test_four_eyes_from_the_decision_page(client, officer, held, reviewer_factory):
    wire = held("3000.00")
    client.post(f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "one", "decision": "approve"})
    wire.refresh_from_db()
    assert wire.status == "pending_review"
    again = client.post(
        f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "two", "decision": "approve"}
    )
    assert again.status_code == 200
    assert "second, different member of staff" in again.content.decode()
    client.force_login(reviewer_factory())
    client.post(f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "two", "decision": "approve"})
    wire.refresh_from_db()
    assert wire.status == "sent"


def test_the_history_reads_in_words_with_each_step_its_officer_status_and_note(
    client, officer, held, reviewer_factory
):
    wire = held("3000.00")
    url = f"/admin/transfers/wiretransfer/{wire.pk}/decide/"
    client.post(url, {"note": "Invoice seen", "decision": "approve"})
    second = reviewer_factory(email="second.officer@bankcore.test")
    client.force_login(second)
    client.post(url, {"note": "Beneficiary confirmed by phone", "decision": "approve"})
    page = client.get(url).content.decode()
    history = page[page.index('id="wire-history"') :]
    rows = history.split("<tr>")[2:]
    expected = [
        ("Created by the customer", "Pending review", ""),
        ("First of two approvals", "Pending review", "Invoice seen"),
        ("Approved", "Pending review → Approved", "Beneficiary confirmed by phone"),
        ("Sent", "Approved → Sent", ""),
    ]
    assert len(rows) == len(expected)
    for row, (what, status, note) in zip(rows, expected, strict=True):
        assert f"<td>{what} <span" in row
        assert f"<td>{status}</td>" in row
        assert f"<td>{note}</td>" in row
    assert officer.email in rows[1]
    assert second.email in rows[2]
    assert second.email in rows[3]
    # No raw audit payloads (minor units, posting ids) on the page.
    assert "'posting'" not in history
    assert "300000" not in history


def test_approval_requests_name_a_four_eyes_wire_in_words_not_its_action_name(client, officer, held):
    officer.user_permissions.add(Permission.objects.get(codename="view_approvalrequest"))
    wire = held("3000.00")
    client.post(f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "one", "decision": "approve"})
    wire.refresh_from_db()
    listing = client.get("/admin/accounts/approvalrequest/").content.decode()
    assert (
        '<td class="field-request_kind">Wire at or above the four-eyes threshold (second approval)</td>'
        in listing
    )
    assert f"Send wire {wire.pk} of 3000.00 USD to Erika Mustermann (first approval: one)" in listing
    assert ">transfers.wire_release<" not in listing, "no cell or filter shows the action's name"
    page = client.get(f"/admin/accounts/approvalrequest/{wire.approval_id}/change/").content.decode()
    assert "Wire at or above the four-eyes threshold (second approval)" in page
    # The filter offers the kinds by label and still filters by the action.
    filtered = client.get("/admin/accounts/approvalrequest/?action=accounts.deposit").content.decode()
    assert f"Send wire {wire.pk}" not in filtered
    assert "Deposit above the approval threshold" in filtered
    kept = client.get("/admin/accounts/approvalrequest/?action=transfers.wire_release").content.decode()
    assert f"Send wire {wire.pk}" in kept


def test_the_approvals_queue_no_longer_offers_a_rejected_wires_request(
    client, officer, held, reviewer_factory
):
    officer.user_permissions.add(Permission.objects.get(codename="view_approvalrequest"))
    wire = held("3000.00")
    client.post(f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "one", "decision": "approve"})
    wire.refresh_from_db()
    wire_reject(wire_id=wire.pk, reviewer=reviewer_factory(), note="no")
    pending = client.get("/admin/accounts/approvalrequest/?status__exact=pending").content.decode()
    assert f"Send wire {wire.pk}" not in pending
    assert "Withdrawn" in client.get("/admin/accounts/approvalrequest/").content.decode()
    second = reviewer_factory()
    second.user_permissions.add(Permission.objects.get(codename="view_approvalrequest"))
    client.force_login(second)
    response = client.post(
        "/admin/accounts/approvalrequest/",
        {"action": "approve_requests", "_selected_action": [wire.approval_id], "note": "second"},
        follow=True,
    )
    assert response.status_code == 200
    refusal = f"Request {wire.approval_id}: This request was already approved, rejected or withdrawn."
    assert refusal in response.content.decode()
    wire.refresh_from_db()
    assert (wire.status, wire.release_posting_id) == ("rejected", None)
    assert client.get("/admin/transfers/wirereviewqueue/").content.decode().count(f"/{wire.pk}/change/") == 0


def test_on_the_customers_page_a_reviewer_opens_a_held_wire_on_its_decision_page(client, officer, held):
    officer.user_permissions.add(Permission.objects.get(codename="view_user"))
    wire = held()
    page = client.get(f"/admin/accounts/user/{wire.customer_id}/change/").content.decode()
    assert f'<a href="/admin/transfers/wiretransfer/{wire.pk}/decide/">Wire {wire.pk}</a>' in page
    assert "500.00 USD" in page
    assert "Pending review" in page


def test_staff_without_the_review_permission_cannot_decide(client, held):
    wire = held()
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/transfers/wirereviewqueue/").status_code == 403
    response = client.post(
        f"/admin/transfers/wiretransfer/{wire.pk}/decide/", {"note": "x", "decision": "approve"}
    )
    assert response.status_code == 403
    wire.refresh_from_db()
    assert wire.status == "pending_review"


def test_limit_overrides_and_holidays_are_audited(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    owner = UserFactory()
    kyc_approve(owner)
    account = fund(AccountFactory(customer=owner), 100_00)
    response = client.post(
        "/admin/transfers/wirelimitoverride/add/",
        {
            "account": account.pk,
            "per_wire_amount": "",
            "daily_amount": "750.50",
            "monthly_amount": "",
            "daily_count": "",
            "reason": "seasonal importer",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = WireLimitOverride.objects.get()
    assert (override.daily, override.per_wire, override.updated_by) == (750_50, None, admin_user)
    assert AuditEvent.objects.filter(action=actions.WIRE_LIMITS_CHANGED, actor=admin_user).exists()
    assert (
        'value="750.50"'
        in client.get(f"/admin/transfers/wirelimitoverride/{override.pk}/change/").content.decode()
    )
    client.post("/admin/transfers/businessholiday/add/", {"date": "2026-12-25", "name": "Christmas Day"})
    holiday = BusinessHoliday.objects.get()
    client.post(f"/admin/transfers/businessholiday/{holiday.pk}/delete/", {"post": "yes"})
    assert not BusinessHoliday.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="wire.holiday")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [actions.WIRE_HOLIDAY_ADDED, actions.WIRE_HOLIDAY_REMOVED]


@pytest.mark.parametrize(
    ("beneficiary", "shown"),
    [
        (
            {
                "beneficiary_account": "IR062960000000100324200001",
                "beneficiary_country": "IR",
                "beneficiary_bic": None,
            },
            "The beneficiary&#x27;s country (Iran) is in a comprehensively sanctioned jurisdiction",
        ),
        (
            # An Austrian IBAN of a bank the directory does not list, with an Austrian BIC it
            # does not list either.
            {
                "beneficiary_account": "AT611904300234573201",
                "beneficiary_country": "AT",
                "beneficiary_bic": "ZZZZATWWXXX",
            },
            "The BIC is not in the bank directory",
        ),
    ],
)
def test_the_queue_and_the_decision_page_say_why_a_wire_held_by_its_beneficiary_waits(
    client, officer, held, beneficiary, shown
):
    wire = held("10.00", **beneficiary)
    assert wire.status == WireTransfer.Status.PENDING_REVIEW, wire.review_reason
    for page in (
        client.get("/admin/transfers/wirereviewqueue/"),
        client.get(f"/admin/transfers/wiretransfer/{wire.pk}/decide/"),
        client.get(f"/admin/transfers/wiretransfer/{wire.pk}/change/"),
    ):
        assert page.status_code == 200
        text = page.content.decode()
        assert shown in text
        assert "not held" not in text


def test_the_decision_page_shows_the_beneficiarys_address_a_wire_may_be_held_for(client, officer, held):
    wire = held(
        "10.00",
        beneficiary_account="UA213223130000026007233566001",
        beneficiary_country="UA",
        beneficiary_bic=None,
        beneficiary_address="vul. Pushkinska 1, Simferopol",
    )
    assert wire.review_reason["field"] == "beneficiary_address"
    page = client.get(f"/admin/transfers/wiretransfer/{wire.pk}/decide/").content.decode()
    assert "vul. Pushkinska 1, Simferopol" in page


def test_a_wire_is_named_by_its_amount_in_its_currencys_units_and_its_status_in_words(client, officer, held):
    wire = held("250.00")
    assert str(wire) == f"wire {wire.pk}: 250.00 USD (Pending review)"
    page = client.get(f"/admin/transfers/wiretransfer/{wire.pk}/change/").content.decode()
    assert f"wire {wire.pk}: 250.00 USD (Pending review)" in page
    assert "25000 USD" not in page
