"""Sanctions matches in the back office: shown to reviewers, decided through audited actions."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from kyc.models import ScreeningMatch
from kyc.tests.helpers import held_profile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sdn_list(db):
    call_command("sanctions_load", FIXTURES / "sdn.csv", "--alt", FIXTURES / "alt.csv", stdout=None)


def test_the_review_queue_and_the_profile_show_the_hit_with_entry_score_and_list_version(client, reviewer):
    profile = held_profile()
    match = profile.screening_matches.get()
    shown = f"GUZMÁN LOERA, Joaquín (#6861, score 100, list v{match.sanctions_list_id}): Pending"
    assert shown in client.get("/admin/kyc/kycreviewqueue/").content.decode()
    assert shown in client.get(f"/admin/kyc/kycprofile/{profile.pk}/change/").content.decode()
    page = client.get(f"/admin/kyc/screeningmatch/{match.pk}/change/").content.decode()
    assert "SDNTK, ILLICIT-DRUGS-EO14059" in page
    assert "1957-04-04, 1954-12-25" in page


def test_clearing_a_match_in_the_admin_is_audited_with_the_reason(client, reviewer):
    match = held_profile().screening_matches.get()
    response = client.post(
        "/admin/kyc/screeningmatch/",
        {"action": "clear", "_selected_action": [match.pk], "reason": "Different person: passport photo"},
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.decision, match.decided_by, match.reason) == (
        "cleared",
        reviewer,
        "Different person: passport photo",
    )
    event = AuditEvent.objects.get(action=actions.SCREENING_MATCH_CLEARED)
    assert (event.actor, event.before, event.after["decision"]) == (
        reviewer,
        {"decision": "pending"},
        "cleared",
    )


def test_confirming_without_a_reason_changes_nothing(client, reviewer):
    match = held_profile().screening_matches.get()
    client.post("/admin/kyc/screeningmatch/", {"action": "confirm", "_selected_action": [match.pk]})
    assert ScreeningMatch.objects.get(pk=match.pk).decision == "pending"
    assert not AuditEvent.objects.filter(action=actions.SCREENING_MATCH_CONFIRMED).exists()


def test_approving_a_held_profile_in_the_admin_is_refused_until_its_match_is_cleared(client, reviewer):
    profile = held_profile()
    response = client.post(
        "/admin/kyc/kycprofile/", {"action": "approve", "_selected_action": [profile.pk]}, follow=True
    )
    assert "clear each match before approving" in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == "pending_review"


def test_staff_without_the_review_permission_cannot_see_or_decide_matches(client):
    match = held_profile().screening_matches.get()
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/kyc/screeningmatch/").status_code == 403
    client.post(
        "/admin/kyc/screeningmatch/", {"action": "clear", "_selected_action": [match.pk], "reason": "x"}
    )
    assert ScreeningMatch.objects.get(pk=match.pk).decision == "pending"


def test_staff_with_only_view_permissions_do_not_see_a_profiles_sanctions_matches(client, reviewer):
    profile = held_profile()
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(codename__in=["view_kycprofile", "view_kycdocument"])
    )
    client.force_login(clerk)
    for url in ("/admin/kyc/kycprofile/", f"/admin/kyc/kycprofile/{profile.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert profile.customer.email in page
        assert "GUZMÁN" not in page
        assert "sanctions matches" not in page.lower()
    client.force_login(reviewer)
    assert "GUZMÁN" in client.get("/admin/kyc/kycprofile/").content.decode()


def test_no_decision_can_be_made_by_editing_a_field(client, reviewer):
    match = held_profile().screening_matches.get()
    response = client.post(f"/admin/kyc/screeningmatch/{match.pk}/change/", {"decision": "cleared"})
    assert response.status_code == 403
    assert ScreeningMatch.objects.get(pk=match.pk).decision == "pending"
