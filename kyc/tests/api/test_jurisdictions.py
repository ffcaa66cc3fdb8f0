"""A KYC profile of a sanctioned jurisdiction goes to review with the hit recorded for staff."""

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from kyc.models import KycProfile, KycStatus
from kyc.tests import files
from kyc.tests.helpers import PROFILE, upload

pytestmark = pytest.mark.django_db


def submit(customer_client, **profile):
    assert customer_client.put("/api/kyc/profile", {**PROFILE, **profile}, format="json").status_code == 200
    assert upload(customer_client, files.png(), "passport").status_code == 201
    assert upload(customer_client, files.jpeg(), "selfie").status_code == 201
    return customer_client.post("/api/kyc/submit", {}, format="json")


@pytest.mark.parametrize(
    ("profile", "hits"),
    [
        ({"residence_country": "IR"}, [{"jurisdiction": "IR", "name": "Iran", "field": "residence_country"}]),
        ({"nationality": "KP"}, [{"jurisdiction": "KP", "name": "North Korea", "field": "nationality"}]),
        (
            {"residence_country": "UA", "address": "vul. Kirova 3, Simferopol"},
            [{"jurisdiction": "UA-43", "name": "Crimea", "field": "address"}],
        ),
        (
            {"residence_country": "SY", "nationality": "CU"},
            [
                {"jurisdiction": "SY", "name": "Syria", "field": "residence_country"},
                {"jurisdiction": "CU", "name": "Cuba", "field": "nationality"},
            ],
        ),
    ],
)
def test_a_profile_of_a_sanctioned_jurisdiction_goes_to_review_with_the_hit(
    customer_client, customer, profile, hits
):
    response = submit(customer_client, **profile)
    assert response.status_code == 200, response.json()
    # What the customer sees does not change: the hit is for the reviewer.
    assert response.json()["status"] == "pending_review"
    assert response.json()["reason"] == ""
    stored = KycProfile.objects.get(customer=customer)
    assert stored.status == KycStatus.PENDING_REVIEW
    assert stored.jurisdiction_hits == hits
    submitted = AuditEvent.objects.get(action=actions.KYC_SUBMITTED)
    assert submitted.after["jurisdiction_hits"] == hits


def test_a_profile_elsewhere_records_no_hit(customer_client, customer):
    assert submit(customer_client).status_code == 200
    assert KycProfile.objects.get(customer=customer).jurisdiction_hits == []


def test_the_reviewer_sees_the_hit_on_the_profile(customer_client, customer, client):
    submit(customer_client, residence_country="IR")
    officer = UserFactory(is_staff=True)
    officer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_kycprofile", "view_kycdocument", "review_kyc"])
    )
    client.force_login(officer)
    profile = KycProfile.objects.get(customer=customer)
    page = client.get(f"/admin/kyc/kycprofile/{profile.pk}/change/").content.decode()
    assert "Iran (IR): residence_country" in page
    queue = client.get("/admin/kyc/kycreviewqueue/").content.decode()
    assert "Iran (IR): residence_country" in queue


def test_staff_who_do_not_review_kyc_do_not_see_the_hit(customer_client, customer, client):
    # Like a sanctions match: what compliance weighs is not for every reader of profiles.
    submit(customer_client, residence_country="IR")
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(codename__in=["view_kycprofile", "view_kycdocument"])
    )
    client.force_login(clerk)
    profile = KycProfile.objects.get(customer=customer)
    for url in ("/admin/kyc/kycprofile/", f"/admin/kyc/kycprofile/{profile.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert customer.email in page
        assert "Iran (IR)" not in page
        assert "sanctioned jurisdictions" not in page.lower()
