import datetime
import hashlib
import importlib
import threading
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import NotPermitted
from kyc import crypto
from kyc.errors import KycDocumentsMissing, KycTransitionRefused
from kyc.models import DocumentStatus, KycDocument, KycProfile, KycStatus
from kyc.services.documents import document_storage, kyc_document_upload
from kyc.services.review import kyc_approve, kyc_expire, kyc_reject, kyc_request_more_info, kyc_submit
from kyc.tests import files
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
        kyc_approve(profile_id=profile.pk, reviewer=UserFactory(is_staff=True))
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.PENDING_REVIEW


def test_a_decided_profile_cannot_be_decided_again(reviewer):
    profile = submitted_profile(UserFactory())
    kyc_reject(profile_id=profile.pk, reviewer=reviewer, reason="Forged.")
    with pytest.raises(KycTransitionRefused):
        kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.REJECTED
    assert AuditEvent.objects.filter(action=actions.KYC_APPROVED).count() == 0


def test_needs_more_info_lets_the_customer_upload_and_submit_again(reviewer):
    from kyc.tests import files

    customer = UserFactory()
    profile = submitted_profile(customer)
    kyc_request_more_info(profile_id=profile.pk, reviewer=reviewer, reason="A clearer selfie.")
    kyc_document_upload(customer=customer, document_type="selfie", data=files.jpeg(color=(7, 7, 7)))
    assert kyc_submit(customer=customer).status == KycStatus.PENDING_REVIEW
    assert AuditEvent.objects.filter(action=actions.KYC_SUBMITTED).count() == 2


def test_kyc_expire_asks_an_approved_profile_with_an_expired_id_for_a_new_one_once(reviewer):
    from kyc.tests import files

    customer = UserFactory()
    profile = submitted_profile(customer)
    kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    passport = KycDocument.objects.get(customer=customer, document_type="passport")
    later = passport.expires_on + datetime.timedelta(days=1)
    assert kyc_expire(today=passport.expires_on) == 0
    assert kyc_expire(today=later) == 1
    assert kyc_expire(today=later) == 0
    profile.refresh_from_db()
    passport.refresh_from_db()
    assert (profile.status, passport.status) == (KycStatus.NEEDS_MORE_INFO, DocumentStatus.EXPIRED)
    assert profile.reason == (
        f"Your passport expired on {passport.expires_on:%Y-%m-%d}: upload a valid photo ID and submit again."
    )
    assert AuditEvent.objects.filter(action=actions.KYC_REVIEW_REOPENED).count() == 1
    assert AuditEvent.objects.filter(action=actions.KYC_DOCUMENT_EXPIRED).count() == 1
    # What the customer does next: a new photo ID, and the profile goes back to the queue.
    kyc_document_upload(
        customer=customer,
        document_type="driving_licence",
        data=files.png(color=(9, 9, 9)),
        expires_on=timezone.localdate() + datetime.timedelta(days=3000),
    )
    assert kyc_submit(customer=customer).status == KycStatus.PENDING_REVIEW


def test_an_upload_after_approval_does_not_keep_the_profile_approved_past_the_approved_id(reviewer):
    from kyc.tests import files

    customer = UserFactory()
    profile = submitted_profile(customer)
    kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    reviewed = KycDocument.objects.get(customer=customer, document_type="passport")
    unreviewed = kyc_document_upload(
        customer=customer,
        document_type="passport",
        data=files.jpeg(color=(1, 99, 1)),
        expires_on=datetime.date(2099, 12, 31),
    )
    assert reviewed.approved_at is not None
    assert KycDocument.objects.get(pk=unreviewed.pk).approved_at is None
    assert kyc_expire(today=reviewed.expires_on + datetime.timedelta(days=1)) == 1
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.NEEDS_MORE_INFO


def test_approval_is_refused_when_the_photo_id_expired_while_waiting_for_review(reviewer):
    customer = UserFactory()
    profile = submitted_profile(customer)
    passport = KycDocument.objects.get(customer=customer, document_type="passport")
    assert kyc_expire(today=passport.expires_on + datetime.timedelta(days=1)) == 0
    with pytest.raises(KycDocumentsMissing) as refused:
        kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    assert refused.value.extra == {"missing": ["photo_id"]}
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.PENDING_REVIEW
    assert not AuditEvent.objects.filter(action=actions.KYC_APPROVED).exists()
    assert not KycDocument.objects.filter(customer=customer, approved_at__isnull=False).exists()


def test_kyc_expire_rechecks_every_approved_profile_not_only_todays_expiries(reviewer):
    customer = UserFactory()
    profile = submitted_profile(customer)
    kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    # Expired by an earlier run that left the profile approved.
    KycDocument.objects.filter(customer=customer, document_type="passport").update(
        status=DocumentStatus.EXPIRED
    )
    assert kyc_expire(today=timezone.localdate()) == 1
    assert KycProfile.objects.get(pk=profile.pk).status == KycStatus.NEEDS_MORE_INFO


def test_kyc_expire_command_runs_for_today(capsys, reviewer):
    today = timezone.localdate()
    profiles = {}
    for name, expires_on in [("lapsed", today - datetime.timedelta(days=1)), ("last_day", today)]:
        profiles[name] = submitted_profile(UserFactory())
        kyc_approve(profile_id=profiles[name].pk, reviewer=reviewer)
        KycDocument.objects.filter(customer=profiles[name].customer, document_type="passport").update(
            expires_on=expires_on
        )
    call_command("kyc_expire")
    assert "Asked 1 approved profile(s) for a new photo ID." in capsys.readouterr().out
    statuses = {name: KycProfile.objects.get(pk=profile.pk).status for name, profile in profiles.items()}
    assert statuses == {"lapsed": KycStatus.NEEDS_MORE_INFO, "last_day": KycStatus.APPROVED}


@pytest.mark.skipif(
    "Redis" not in settings.CACHES["default"]["BACKEND"],
    reason="reads the Redis-cached status; run with REDIS_URL=redis://127.0.0.1:6379/0 make test, as CI does",
)
@pytest.mark.django_db(transaction=True)
def test_a_decision_is_seen_on_the_next_status_read_after_commit(reviewer, customer_client, customer):
    profile = submitted_profile(customer)
    assert customer_client.get("/api/kyc/status").json()["status"] == "pending_review"
    kyc_approve(profile_id=profile.pk, reviewer=reviewer)
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
            args=(lambda who: kyc_approve(profile_id=profile.pk, reviewer=who), reviewer),
        ),
        threading.Thread(
            target=decide,
            args=(lambda who: kyc_reject(profile_id=profile.pk, reviewer=who, reason="No."), other),
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
            kyc_document_upload(customer=customer, document_type="selfie", data=data)
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


def test_the_migration_marks_documents_an_earlier_approval_covered(reviewer):
    import importlib

    from django.apps import apps

    from kyc.tests import files

    marking = importlib.import_module("kyc.migrations.0005_document_approved_at")
    customer = UserFactory()
    profile = submitted_profile(customer)
    kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    later = kyc_document_upload(customer=customer, document_type="selfie", data=files.jpeg(color=(77, 7, 7)))
    KycDocument.objects.update(approved_at=None)
    marking.approved_documents_mark(apps, None)
    decided_at = KycProfile.objects.get(pk=profile.pk).decided_at
    covered = KycDocument.objects.exclude(pk=later.pk)
    assert set(covered.values_list("approved_at", flat=True)) == {decided_at}
    assert KycDocument.objects.get(pk=later.pk).approved_at is None


def test_documents_stored_before_the_duplicate_check_judged_kept_bytes_are_hashed_by_them(customer):
    from django.apps import apps

    migration = importlib.import_module("kyc.migrations.0008_document_sha256_of_stored_bytes")
    sent = files.jpeg() + b"\x00"
    document = kyc_document_upload(customer=customer, document_type="selfie", data=sent)
    KycDocument.objects.filter(pk=document.pk).update(sha256=hashlib.sha256(sent).hexdigest())
    unreadable = KycDocument.objects.create(
        customer=customer,
        document_type="passport",
        content_type="image/png",
        size=1,
        sha256="0" * 64,
        storage_name="documents/gone",
    )
    migration.sha256_of_stored_bytes(apps, SimpleNamespace(connection=connection))
    kept = crypto.decrypt(document_storage().open(document.storage_name).read())
    assert KycDocument.objects.get(pk=document.pk).sha256 == hashlib.sha256(kept).hexdigest()
    assert KycDocument.objects.get(pk=unreadable.pk).sha256 == "0" * 64
