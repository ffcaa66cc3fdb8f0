"""The review of a KYC profile, one function per edge of its state machine: submit,
approve, reject, ask for more information, and the expiry that reopens an approval.

Every edge is one durable transaction holding its audit event, and retires the customer's
cached status on commit; the status moves only through ``kyc.services.transitions``, so two
decisions (two staff clicks, a decision and an expiry) never both win.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from audit import actions
from audit.services import audit_record
from bankcore.errors import NotFound, ReasonRequired
from kyc import cache
from kyc.errors import (
    KycDocumentsMissing,
    KycProfileIncomplete,
    KycTransitionRefused,
    ReviewOwnProfile,
)
from kyc.models import PHOTO_ID_TYPES, DocumentStatus, KycDocument, KycLevel, KycProfile, KycStatus
from kyc.screening.jurisdictions import kyc_profile_jurisdiction_hits
from kyc.selectors import requirements_missing
from kyc.services.profile import PROFILE_EDITABLE, PROFILE_FIELDS, profile_locked
from kyc.services.screening import kyc_profile_screen, kyc_screening_approval_check
from kyc.services.transitions import profile_transition, review_permission_check


@transaction.atomic(durable=True)
def kyc_submit(*, customer: User, level: str = KycLevel.BASIC) -> KycProfile:
    """Send the profile to review for ``level``: from not started, from a request for more
    information, or from an approved basic level to full. Refused (422) when the profile is
    incomplete or documents the level needs are missing, naming them."""
    profile = profile_locked(customer)
    upgrade = (
        profile.status == KycStatus.APPROVED and profile.level == KycLevel.BASIC and level == KycLevel.FULL
    )
    if profile.status not in PROFILE_EDITABLE and not upgrade:
        raise KycTransitionRefused()
    empty = [field for field in (*PROFILE_FIELDS, "national_id_hash") if not getattr(profile, field)]
    if empty:
        raise KycProfileIncomplete(extra={"missing": [f.replace("_hash", "") for f in empty]})
    documents = KycDocument.objects.filter(customer=customer, status=DocumentStatus.ACTIVE)
    missing = requirements_missing(documents=documents, level=level, today=timezone.localdate())
    if missing:
        raise KycDocumentsMissing(extra={"missing": missing})
    # A hit does not change what the customer sees: it holds the approval until staff decide it.
    kyc_profile_screen(profile=profile)
    return profile_transition(
        profile,
        from_status=profile.status,
        to_status=KycStatus.PENDING_REVIEW,
        action=actions.KYC_SUBMITTED,
        actor=customer,
        level=level,
        submitted_at=timezone.now(),
        decided_at=None,
        reason="",
        reviewer=None,
        # Recorded for the reviewer, never shown to the customer, like a sanctions match.
        jurisdiction_hits=kyc_profile_jurisdiction_hits(profile=profile),
    )


def _decide(*, profile_id: int, reviewer: User, to_status: str, action: str, reason: str) -> KycProfile:
    review_permission_check(reviewer)
    profile = KycProfile.objects.filter(pk=profile_id).first()
    if profile is None:
        raise NotFound()
    if profile.customer_id == reviewer.pk:
        raise ReviewOwnProfile()
    return profile_transition(
        profile,
        from_status=KycStatus.PENDING_REVIEW,
        to_status=to_status,
        action=action,
        actor=reviewer,
        decided_at=timezone.now(),
        reason=reason,
        reviewer=reviewer,
    )


@transaction.atomic(durable=True)
def kyc_approve(*, profile_id: int, reviewer: User) -> KycProfile:
    """pending_review → approved, by a reviewer who is not the customer, once every sanctions
    match of the profile is cleared."""
    profile = _decide(
        profile_id=profile_id,
        reviewer=reviewer,
        to_status=KycStatus.APPROVED,
        action=actions.KYC_APPROVED,
        reason="",
    )
    # Checked after the reviewer's rights, so only a reviewer learns of a match; raising here
    # rolls the approval back with its audit event.
    kyc_screening_approval_check(profile_id=profile.pk)
    # A photo ID can expire while the profile waits in the queue.
    documents = KycDocument.objects.filter(customer_id=profile.customer_id, status=DocumentStatus.ACTIVE)
    missing = requirements_missing(documents=documents, level=profile.level, today=timezone.localdate())
    if missing:
        raise KycDocumentsMissing(extra={"missing": missing})
    # The approval covers what the reviewer saw: no upload lands while a review is pending, and
    # one made after this commit stays unapproved until the next decision.
    documents.filter(approved_at__isnull=True).update(approved_at=profile.decided_at)
    return profile


@transaction.atomic(durable=True)
def kyc_reject(*, profile_id: int, reviewer: User, reason: str) -> KycProfile:
    """pending_review → rejected, with the reason the customer is shown."""
    if not reason.strip():
        raise ReasonRequired()
    return _decide(
        profile_id=profile_id,
        reviewer=reviewer,
        to_status=KycStatus.REJECTED,
        action=actions.KYC_REJECTED,
        reason=reason.strip(),
    )


@transaction.atomic(durable=True)
def kyc_request_more_info(*, profile_id: int, reviewer: User, reason: str) -> KycProfile:
    """pending_review → needs_more_info, saying what is missing; the customer uploads and
    submits again."""
    if not reason.strip():
        raise ReasonRequired()
    return _decide(
        profile_id=profile_id,
        reviewer=reviewer,
        to_status=KycStatus.NEEDS_MORE_INFO,
        action=actions.KYC_MORE_INFO_REQUESTED,
        reason=reason.strip(),
    )


@transaction.atomic(durable=True)
def kyc_expire(*, today: datetime.date) -> int:
    """Mark photo IDs past their expiry date as expired, and ask each approved profile left
    without a valid approved photo ID for a new one (needs_more_info, so the customer can
    upload and submit again). Idempotent; returns how many profiles moved."""
    expired = list(
        KycDocument.objects.select_for_update()
        .filter(status=DocumentStatus.ACTIVE, document_type__in=PHOTO_ID_TYPES, expires_on__lt=today)
        .order_by("pk")
    )
    for document in expired:
        KycDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.EXPIRED)
        audit_record(
            action=actions.KYC_DOCUMENT_EXPIRED,
            target=document,
            before={"status": DocumentStatus.ACTIVE.value},
            after={"status": DocumentStatus.EXPIRED.value, "expires_on": str(document.expires_on)},
        )
        cache.kyc_changed(document.customer_id)
    # Every approved profile, not only those whose documents expired in this run: one approved
    # with an ID that lapsed in the queue, or kept alive only by an unreviewed upload, is caught.
    valid_photo_id = KycDocument.objects.filter(
        customer_id=OuterRef("customer_id"),
        status=DocumentStatus.ACTIVE,
        document_type__in=PHOTO_ID_TYPES,
        expires_on__gte=today,
        approved_at__isnull=False,
    )
    moved = 0
    for profile in (
        KycProfile.objects.filter(status=KycStatus.APPROVED).exclude(Exists(valid_photo_id)).order_by("pk")
    ):
        profile_transition(
            profile,
            from_status=KycStatus.APPROVED,
            to_status=KycStatus.NEEDS_MORE_INFO,
            action=actions.KYC_REVIEW_REOPENED,
            actor=None,
            reason=_photo_id_lapsed_reason(customer_id=profile.customer_id),
        )
        moved += 1
    return moved


def _photo_id_lapsed_reason(*, customer_id: int) -> str:
    lapsed = (
        KycDocument.objects.filter(
            customer_id=customer_id, document_type__in=PHOTO_ID_TYPES, approved_at__isnull=False
        )
        .order_by("-expires_on", "-pk")
        .first()
    )
    if lapsed is None:
        return "No approved photo ID is on file: upload a valid one and submit again."
    kind = lapsed.get_document_type_display()
    return (
        f"Your {kind[0].lower()}{kind[1:]} expired on {lapsed.expires_on:%Y-%m-%d}: "
        "upload a valid photo ID and submit again."
    )
