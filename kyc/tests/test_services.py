import datetime
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import NotPermitted
from kyc import services
from kyc.errors import KycTransitionRefused
from kyc.models import DocumentStatus, KycDocument, KycProfile, KycStatus
from kyc.tests.factories import submitted_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    from django.contrib.auth.models import Permission

    officer = UserFactory(is_staff=True)
    officer.user_permissions.set(Permission.objects.filter(codename="review_kyc"))
    return officer


def test_a_decision_needs_the_review_permission():
    profile = submitted_profile(UserFactory())
    with pytest.raises(NotPermitted):
        services.kyc_approve(profile_id=profile.pk, reviewer=UserFactory(is_staff=True))
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.PENDING_REVIEW


def test_a_decided_profile_cannot_be_decided_again(reviewer):
    profile = submitted_profile(UserFactory())
    services.kyc_reject(profile_id=profile.pk, reviewer=reviewer, reason="Forged.")
    with pytest.raises(KycTransitionRefused):
        services.kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.REJECTED
    assert AuditEvent.objects.filter(action=actions.KYC_APPROVED).count() == 0


def test_needs_more_info_lets_the_customer_upload_and_submit_again(reviewer):
    from kyc.tests import files

    customer = UserFactory()
    profile = submitted_profile(customer)
    services.kyc_request_more_info(profile_id=profile.pk, reviewer=reviewer, reason="A clearer selfie.")
    services.kyc_document_upload(customer=customer, document_type="selfie", data=files.jpeg(color=(7, 7, 7)))
    assert services.kyc_submit(customer=customer).status == KycStatus.PENDING_REVIEW
    assert AuditEvent.objects.filter(action=actions.KYC_SUBMITTED).count() == 2


def test_kyc_expire_sends_an_approved_profile_with_an_expired_id_back_to_review_once(reviewer):
    customer = UserFactory()
    profile = submitted_profile(customer)
    services.kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    passport = KycDocument.objects.get(customer=customer, document_type="passport")
    later = passport.expires_on + datetime.timedelta(days=1)
    assert services.kyc_expire(today=passport.expires_on) == 0
    assert services.kyc_expire(today=later) == 1
    assert services.kyc_expire(today=later) == 0
    profile.refresh_from_db()
    passport.refresh_from_db()
    assert (profile.status, passport.status) == (KycStatus.PENDING_REVIEW, DocumentStatus.EXPIRED)
    assert AuditEvent.objects.filter(action=actions.KYC_REVIEW_REOPENED).count() == 1
    assert AuditEvent.objects.filter(action=actions.KYC_DOCUMENT_EXPIRED).count() == 1


def test_kyc_expire_command_runs_for_today(capsys):
    call_command("kyc_expire")
    assert "Sent 0 approved profile(s) back to review." in capsys.readouterr().out


@pytest.mark.skipif(
    "Redis" not in settings.CACHES["default"]["BACKEND"],
    reason="reads the Redis-cached status; run with REDIS_URL=redis://127.0.0.1:6379/0 make test, as CI does",
)
@pytest.mark.django_db(transaction=True)
def test_a_decision_is_seen_on_the_next_status_read_after_commit(reviewer, customer_client, customer):
    profile = submitted_profile(customer)
    assert customer_client.get("/api/kyc/status").json()["status"] == "pending_review"
    services.kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    assert customer_client.get("/api/kyc/status").json()["status"] == "approved"


@pytest.mark.requires_postgres("two reviewers race on row locks")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_never_both_win(reviewer):
    profile = submitted_profile(UserFactory())
    other = UserFactory(is_staff=True)
    other.user_permissions.set(reviewer.user_permissions.all())
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(decision, who):
        try:
            barrier.wait()
            decision(who)
            outcomes.append("won")
        except KycTransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide,
            args=(lambda who: services.kyc_approve(profile_id=profile.pk, reviewer=who), reviewer),
        ),
        threading.Thread(
            target=decide,
            args=(lambda who: services.kyc_reject(profile_id=profile.pk, reviewer=who, reason="No."), other),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    decisions = AuditEvent.objects.filter(action__in=[actions.KYC_APPROVED, actions.KYC_REJECTED])
    assert decisions.count() == 1
    assert KycProfile.objects.get(pk=profile.pk).decided_at <= timezone.now()


@pytest.mark.requires_postgres("two uploads race on the unique constraint")
@pytest.mark.django_db(transaction=True)
def test_the_same_file_uploaded_twice_at_once_is_kept_once(kyc_storage):
    from kyc.errors import DuplicateDocument
    from kyc.tests import files

    customer = UserFactory()
    data = files.png(size=(200, 200))
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait()
            services.kyc_document_upload(customer=customer, document_type="selfie", data=data)
            outcomes.append("stored")
        except DuplicateDocument:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate", "stored"]
    assert KycDocument.objects.filter(customer=customer).count() == 1
    assert len([path for path in kyc_storage.rglob("*") if path.is_file()]) == 1
