"""Screening on submit: a hit is recorded for staff, who clear or confirm it before approval."""

import datetime
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import NotPermitted, ReasonRequired
from kyc.errors import ReviewOwnProfile, SanctionsMatchConfirmed, ScreeningMatchDecided, ScreeningUnresolved
from kyc.models import KycProfile, KycStatus, ScreeningMatch
from kyc.services.documents import kyc_document_upload
from kyc.services.profile import kyc_profile_update
from kyc.services.review import kyc_approve, kyc_request_more_info, kyc_submit
from kyc.services.screening import screening_match_clear, screening_match_confirm
from kyc.tests import files
from kyc.tests.helpers import submitted

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sdn_list(db):
    call_command("sanctions_load", FIXTURES / "sdn.csv", "--alt", FIXTURES / "alt.csv", stdout=None)


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="review_kyc"))
    return user


def test_a_listed_name_with_accents_and_swapped_word_order_is_held_with_its_hit(customer):
    profile = submitted(customer, legal_name="Nicolás Maduro Moros")
    assert profile.status == KycStatus.PENDING_REVIEW
    [match] = profile.screening_matches.all()
    assert (match.entry.uid, match.listed_name, match.decision) == (22790, "MADURO MOROS, Nicolás", "pending")
    assert match.score == 100
    assert match.sanctions_list == match.entry.sanctions_list
    event = AuditEvent.objects.get(action=actions.KYC_SCREENED, object_id=str(profile.pk))
    assert event.after["hits"][0]["uid"] == 22790
    assert event.after["new_matches"] == [match.pk]


def test_submitting_through_the_api_holds_a_listed_name_without_telling_the_customer(
    customer, customer_client
):
    kyc_profile_update(
        customer=customer,
        legal_name="Joaquín Guzmán Loera",
        date_of_birth=datetime.date(1957, 4, 4),
        nationality="MX",
        residence_country="MX",
        address="Calle 1, Culiacán",
        national_id="GULJ570404",
    )
    expires_on = timezone.localdate() + datetime.timedelta(days=365)
    kyc_document_upload(customer=customer, document_type="passport", data=files.jpeg(), expires_on=expires_on)
    kyc_document_upload(customer=customer, document_type="selfie", data=files.png())
    response = customer_client.post("/api/kyc/submit", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "pending_review"
    assert "GUZM" not in response.content.decode().upper()
    [match] = KycProfile.objects.get(customer=customer).screening_matches.all()
    assert (match.entry.uid, match.decision, match.score) == (6861, "pending", 100)


@pytest.mark.parametrize(
    "legal_name",
    ["Vladimir Putin", "\ua4e6\ua4e1\ua4ee\ua4d3\ua4f2\ua4df\ua4f2\ua4e3 \ua4d1\ua4f4\ua4d4\ua4f2\ua4e0"],
)
def test_a_listed_name_in_latin_or_in_lisu_look_alikes_is_held_when_put_through_the_api(
    customer, customer_client, legal_name
):
    # The Lisu capitals display as "VLADIMIR PUTIN"; the name is one script, so it is taken.
    profile = {
        "legal_name": legal_name,
        "date_of_birth": "1952-10-07",
        "nationality": "DE",
        "residence_country": "DE",
        "address": "Hauptstr. 1, Berlin",
        "national_id": "X1234567",
    }
    assert customer_client.put("/api/kyc/profile", profile, format="json").status_code == 200
    expires_on = timezone.localdate() + datetime.timedelta(days=365)
    kyc_document_upload(customer=customer, document_type="passport", data=files.jpeg(), expires_on=expires_on)
    kyc_document_upload(customer=customer, document_type="selfie", data=files.png())
    assert customer_client.post("/api/kyc/submit", {}, format="json").status_code == 200
    [match] = KycProfile.objects.get(customer=customer).screening_matches.all()
    assert match.entry.uid == 36735


def test_an_unrelated_name_passes_and_its_screening_is_still_audited(customer, reviewer):
    profile = submitted(customer, legal_name="Margaret Eleanor Whitfield", nationality="GB")
    assert not profile.screening_matches.exists()
    assert AuditEvent.objects.get(action=actions.KYC_SCREENED).after["hits"] == []
    assert kyc_approve(profile_id=profile.pk, reviewer=reviewer).status == KycStatus.APPROVED


def test_a_profile_with_an_undecided_match_cannot_be_approved(customer, reviewer):
    profile = submitted(customer, legal_name="Nicolas Maduro Moros")
    with pytest.raises(ScreeningUnresolved):
        kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    profile.refresh_from_db()
    assert profile.status == KycStatus.PENDING_REVIEW
    assert not AuditEvent.objects.filter(action=actions.KYC_APPROVED).exists()


def test_a_cleared_match_lets_the_profile_be_approved_and_the_clearance_is_audited(customer, reviewer):
    profile = submitted(customer, legal_name="Nicolas Maduro Moros")
    match = profile.screening_matches.get()
    cleared = screening_match_clear(match_id=match.pk, reviewer=reviewer, reason="Different person: passport")
    assert (cleared.decision, cleared.decided_by, cleared.reason) == (
        "cleared",
        reviewer,
        "Different person: passport",
    )
    event = AuditEvent.objects.get(action=actions.SCREENING_MATCH_CLEARED)
    assert (event.actor, event.object_id) == (reviewer, str(match.pk))
    assert event.before == {"decision": "pending"}
    assert event.after["decision"] == "cleared"
    assert event.after["reason"] == "Different person: passport"
    assert event.after["entry_uid"] == 22790
    assert kyc_approve(profile_id=profile.pk, reviewer=reviewer).status == KycStatus.APPROVED


def test_a_confirmed_match_is_audited_and_the_profile_can_never_be_approved(customer, reviewer):
    profile = submitted(customer, legal_name="Nicolas Maduro Moros")
    match = profile.screening_matches.get()
    screening_match_confirm(match_id=match.pk, reviewer=reviewer, reason="Same date of birth and cedula")
    event = AuditEvent.objects.get(action=actions.SCREENING_MATCH_CONFIRMED)
    assert event.after["decision"] == "confirmed"
    with pytest.raises(SanctionsMatchConfirmed):
        kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.PENDING_REVIEW


def test_a_match_is_decided_once(customer, reviewer):
    match = submitted(customer, legal_name="Nicolas Maduro Moros").screening_matches.get()
    screening_match_clear(match_id=match.pk, reviewer=reviewer, reason="Different person")
    with pytest.raises(ScreeningMatchDecided):
        screening_match_confirm(match_id=match.pk, reviewer=reviewer, reason="Changed my mind")
    assert ScreeningMatch.objects.get(pk=match.pk).decision == "cleared"


def test_the_customer_cannot_decide_their_own_match(customer):
    match = submitted(customer, legal_name="Nicolas Maduro Moros").screening_matches.get()
    customer.user_permissions.add(Permission.objects.get(codename="review_kyc"))
    customer = type(customer).objects.get(pk=customer.pk)
    with pytest.raises(ReviewOwnProfile):
        screening_match_clear(match_id=match.pk, reviewer=customer, reason="It is not me")
    assert ScreeningMatch.objects.get(pk=match.pk).decision == "pending"


def test_only_kyc_reviewers_decide_matches_and_always_with_a_reason(customer, reviewer):
    match = submitted(customer, legal_name="Nicolas Maduro Moros").screening_matches.get()
    with pytest.raises(NotPermitted):
        screening_match_clear(match_id=match.pk, reviewer=UserFactory(is_staff=True), reason="No")
    with pytest.raises(ReasonRequired):
        screening_match_clear(match_id=match.pk, reviewer=reviewer, reason="   ")
    assert ScreeningMatch.objects.get(pk=match.pk).decision == "pending"
    assert not AuditEvent.objects.filter(action=actions.SCREENING_MATCH_CLEARED).exists()


def test_a_resubmission_does_not_ask_again_about_a_cleared_match(customer, reviewer):
    profile = submitted(customer, legal_name="Nicolas Maduro Moros")
    match = profile.screening_matches.get()
    screening_match_clear(match_id=match.pk, reviewer=reviewer, reason="Different person")
    kyc_request_more_info(profile_id=profile.pk, reviewer=reviewer, reason="A clearer selfie")
    kyc_document_upload(customer=customer, document_type="selfie", data=files.png(color=(1, 2, 3)))
    kyc_submit(customer=customer)
    assert list(profile.screening_matches.values_list("decision", flat=True)) == ["cleared"]
    assert kyc_approve(profile_id=profile.pk, reviewer=reviewer).status == KycStatus.APPROVED


def test_a_cleared_match_is_asked_again_once_the_customer_changes_the_screened_details(customer, reviewer):
    profile = submitted(
        customer, legal_name="Vladimir Putin", date_of_birth=datetime.date(1952, 3, 3), nationality="DE"
    )
    cleared = profile.screening_matches.get()
    assert cleared.entry.uid == 36735
    screening_match_clear(match_id=cleared.pk, reviewer=reviewer, reason="Different person")
    kyc_request_more_info(profile_id=profile.pk, reviewer=reviewer, reason="A clearer selfie")
    kyc_profile_update(
        customer=customer,
        legal_name="Vladimir Vladimirovich Putin",
        date_of_birth=datetime.date(1952, 10, 7),
        nationality="RU",
        residence_country="ES",
        address="Calle Mayor 1, Madrid",
        national_id="X1234567",
    )
    kyc_document_upload(customer=customer, document_type="selfie", data=files.png(color=(1, 2, 3)))
    kyc_submit(customer=customer)
    asked = profile.screening_matches.exclude(pk=cleared.pk).get()
    assert (asked.entry_id, asked.decision, asked.score) == (cleared.entry_id, "pending", 100)
    assert asked.screened_digest != cleared.screened_digest
    with pytest.raises(ScreeningUnresolved):
        kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.PENDING_REVIEW


@pytest.mark.requires_postgres("two reviewers race on one match")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_on_a_match_never_both_win(customer, reviewer):
    match = submitted(customer, legal_name="Nicolas Maduro Moros").screening_matches.get()
    other = UserFactory(is_staff=True)
    other.user_permissions.set(reviewer.user_permissions.all())
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(decision, who):
        try:
            barrier.wait()
            decision(match_id=match.pk, reviewer=who, reason="Decided at once")
            outcomes.append("won")
        except ScreeningMatchDecided:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(screening_match_clear, reviewer)),
        threading.Thread(target=decide, args=(screening_match_confirm, other)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    decided = [actions.SCREENING_MATCH_CLEARED, actions.SCREENING_MATCH_CONFIRMED]
    assert AuditEvent.objects.filter(action__in=decided).count() == 1
