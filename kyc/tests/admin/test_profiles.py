import datetime

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from kyc.models import KycProfile, KycStatus
from kyc.tests.factories import submitted_profile

pytestmark = pytest.mark.django_db


def decide(client, url, action, profiles, reason=""):
    return client.post(
        url, {"action": action, "_selected_action": [p.pk for p in profiles], "reason": reason}
    )


def test_each_preview_of_a_document_is_audited(client, reviewer):
    profile = submitted_profile(UserFactory())
    document = profile.customer.kyc_documents.get(document_type="passport")
    response = client.get(f"/admin/kyc/kycprofile/document/{document.pk}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.get(action=actions.KYC_DOCUMENT_VIEWED)
    assert (event.actor_id, event.object_id) == (reviewer.pk, str(document.pk))


def test_a_customer_cannot_reach_the_staff_preview(client, customer_client, customer):
    profile = submitted_profile(customer)
    document = profile.customer.kyc_documents.first()
    url = f"/admin/kyc/kycprofile/document/{document.pk}/preview/"
    assert customer_client.get(url).status_code == 302  # to the admin login: a token is no staff session
    client.force_login(customer)
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action=actions.KYC_DOCUMENT_VIEWED).exists()


def test_staff_without_the_review_permission_cannot_preview(client):
    profile = submitted_profile(UserFactory())
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename="view_kycprofile"))
    client.force_login(clerk)
    document = profile.customer.kyc_documents.first()
    assert client.get(f"/admin/kyc/kycprofile/document/{document.pk}/preview/").status_code == 403


def test_documents_no_approval_covered_are_marked(client, reviewer):
    from kyc.services.documents import kyc_document_upload
    from kyc.tests import files

    profile = submitted_profile(UserFactory())
    decide(client, "/admin/kyc/kycprofile/", "approve", [profile])
    kyc_document_upload(
        customer=profile.customer,
        document_type="national_id",
        data=files.png(color=(5, 50, 5)),
        expires_on=datetime.date(2099, 12, 31),
    )
    page = client.get(f"/admin/kyc/kycprofile/{profile.pk}/change/").content.decode()
    assert "National ID card</a> (not approved)" in page
    assert "Passport</a> (not" not in page
    assert page.count("(not approved)") == 1


def test_approve_reject_and_more_info_actions_are_audited_with_before_and_after(client, reviewer):
    approved, rejected, more = (submitted_profile(UserFactory()) for _ in range(3))
    url = "/admin/kyc/kycreviewqueue/"
    decide(client, url, "approve", [approved])
    decide(client, url, "reject", [rejected], reason="The photo does not match the selfie.")
    decide(client, url, "request_more_info", [more], reason="Upload the back of the ID card.")
    statuses = {p.pk: p.status for p in KycProfile.objects.all()}
    assert statuses == {
        approved.pk: KycStatus.APPROVED,
        rejected.pk: KycStatus.REJECTED,
        more.pk: KycStatus.NEEDS_MORE_INFO,
    }
    for action, profile in [
        (actions.KYC_APPROVED, approved),
        (actions.KYC_REJECTED, rejected),
        (actions.KYC_MORE_INFO_REQUESTED, more),
    ]:
        event = AuditEvent.objects.get(action=action)
        assert event.actor_id == reviewer.pk
        assert event.object_id == str(profile.pk)
        assert event.before["status"] == "pending_review"
    assert KycProfile.objects.get(pk=rejected.pk).reason == "The photo does not match the selfie."


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_a_reason_changes_nothing(client, reviewer, reason):
    profile = submitted_profile(UserFactory())
    response = decide(client, "/admin/kyc/kycreviewqueue/", "reject", [profile], reason=reason)
    assert response.status_code == 302
    assert response["Location"] == "/admin/kyc/kycreviewqueue/"
    shown = [(message.level, message.message) for message in get_messages(response.wsgi_request)]
    assert shown == [(messages.ERROR, "Give a reason: the customer is shown it.")]
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.PENDING_REVIEW
    assert not AuditEvent.objects.filter(action=actions.KYC_REJECTED).exists()


def test_a_reviewer_cannot_decide_their_own_profile(client, reviewer):
    own = submitted_profile(reviewer)
    decide(client, "/admin/kyc/kycreviewqueue/", "approve", [own])
    assert KycProfile.objects.get(pk=own.pk).status == KycStatus.PENDING_REVIEW
    assert not AuditEvent.objects.filter(action=actions.KYC_APPROVED).exists()


def test_staff_search_by_email_and_legal_name(client, reviewer):
    # The national ID has a form of its own: test_national_id_search.py.
    target = submitted_profile(UserFactory(email="zoe@example.test"))
    other = submitted_profile(UserFactory(), legal_name="Someone Else")
    for term in ("zoe@example.test", "Ångström"):
        page = client.get("/admin/kyc/kycprofile/", {"q": term}).content.decode()
        assert target.customer.email in page, term
        assert other.customer.email not in page, term


def test_no_status_can_be_edited_as_a_field(client, reviewer):
    profile = submitted_profile(UserFactory())
    client.post(f"/admin/kyc/kycprofile/{profile.pk}/change/", {"status": "approved"})
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.PENDING_REVIEW
    assert client.get("/admin/kyc/kycprofile/add/").status_code == 403


def test_filters_by_status_level_country_and_submitted_date(client, reviewer):
    shown = submitted_profile(UserFactory())
    hidden = KycProfile.objects.create(customer=UserFactory(), residence_country="FR", level="full")
    for query in (
        {"status__exact": "pending_review"},
        {"level__exact": "basic"},
        {"residence_country": "DE"},
        {"submitted_at__gte": "2000-01-01 00:00:00+00:00"},
    ):
        page = client.get("/admin/kyc/kycprofile/", query).content.decode()
        assert shown.customer.email in page, query
        assert hidden.customer.email not in page, query
