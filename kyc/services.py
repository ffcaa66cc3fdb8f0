"""The kyc app's writes: the profile, documents, and each edge of the review's state machine.

Every write is one durable transaction holding its audit event, and retires the customer's
cached status on commit. Each status change is a conditional update from the one state its
edge leaves, so two decisions (two staff clicks, a decision and an expiry) never both win.
"""

import datetime
import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from audit import actions
from audit.services import audit_record
from bankcore.errors import NotFound, NotPermitted, ReasonRequired
from kyc import cache, crypto
from kyc.errors import (
    DateOfBirthInvalid,
    DocumentDatesInvalid,
    DuplicateDocument,
    KycDocumentLimitReached,
    KycDocumentsMissing,
    KycNotEditable,
    KycProfileIncomplete,
    KycTransitionRefused,
    ReviewOwnProfile,
)
from kyc.inspection import inspect_document
from kyc.jurisdictions import kyc_profile_jurisdiction_hits
from kyc.models import (
    PHOTO_ID_TYPES,
    DocumentStatus,
    DocumentType,
    KycDocument,
    KycLevel,
    KycProfile,
    KycStatus,
)
from kyc.screening import kyc_profile_screen, kyc_screening_approval_check
from kyc.selectors import requirements_missing

REVIEW_PERMISSION = "kyc.review_kyc"
PROFILE_FIELDS = ("legal_name", "date_of_birth", "nationality", "residence_country", "address")
# The customer edits the profile and documents only before a review starts or when asked.
_PROFILE_EDITABLE = frozenset({KycStatus.NOT_STARTED, KycStatus.NEEDS_MORE_INFO})
_UPLOAD_ALLOWED = frozenset({KycStatus.NOT_STARTED, KycStatus.NEEDS_MORE_INFO, KycStatus.APPROVED})
# Enough for every document type with retakes; the bound keeps one customer from filling the store.
MAX_ACTIVE_DOCUMENTS = 20


def document_storage():
    return storages["kyc"]


def _profile_locked(customer: User) -> KycProfile:
    KycProfile.objects.get_or_create(customer=customer)
    return KycProfile.objects.select_for_update().get(customer=customer)


def _snapshot(profile: KycProfile) -> dict:
    # What the audit log keeps of a profile: never the national ID, only its last four.
    return {
        "status": profile.status,
        "level": profile.level,
        **{field: str(getattr(profile, field) or "") for field in PROFILE_FIELDS},
        "national_id_last4": profile.national_id_last4,
        "reason": profile.reason,
        "jurisdiction_hits": profile.jurisdiction_hits,
    }


@transaction.atomic(durable=True)
def kyc_profile_update(
    *,
    customer: User,
    legal_name: str,
    date_of_birth: datetime.date,
    nationality: str,
    residence_country: str,
    address: str,
    national_id: str,
) -> KycProfile:
    """Set the customer's identity, the national ID encrypted beside its keyed hash; refused
    (409) while a review is under way or decided."""
    if not datetime.date(1900, 1, 1) <= date_of_birth < timezone.localdate():
        raise DateOfBirthInvalid()
    profile = _profile_locked(customer)
    if profile.status not in _PROFILE_EDITABLE:
        raise KycNotEditable()
    before = _snapshot(profile)
    normalised = crypto.normalise_national_id(national_id)
    profile.legal_name = legal_name
    profile.date_of_birth = date_of_birth
    profile.nationality = nationality
    profile.residence_country = residence_country
    profile.address = address
    profile.national_id_encrypted = crypto.encrypt(normalised.encode()).decode()
    profile.national_id_hash = crypto.lookup_hash(normalised)
    profile.national_id_last4 = normalised[-4:]
    profile.updated_at = timezone.now()
    profile.save()
    audit_record(
        action=actions.KYC_PROFILE_UPDATED,
        actor=customer,
        target=profile,
        before=before,
        after=_snapshot(profile),
    )
    cache.kyc_changed(customer.pk)
    return profile


def kyc_document_upload(
    *,
    customer: User,
    document_type: str,
    data: bytes,
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
) -> KycDocument:
    """Check the file by its bytes, store it encrypted under a generated name and record it,
    audited. Nothing is stored for a refused file; a stored file whose row is not written
    (a duplicate that raced in, a closed profile) is deleted again."""
    _check_document_dates(document_type=document_type, issued_on=issued_on, expires_on=expires_on)
    inspected = inspect_document(data)
    # Of the bytes kept, not those sent: a file and the same file with bytes the rewrite
    # drops (a NUL, a page of HTML after the pixels) are one document.
    sha256 = hashlib.sha256(inspected.content).hexdigest()
    if KycDocument.objects.filter(customer=customer, sha256=sha256).exists():
        raise DuplicateDocument()
    storage = document_storage()
    stored_name = storage.save(
        f"documents/{uuid.uuid4().hex}", ContentFile(crypto.encrypt(inspected.content))
    )
    try:
        return _document_record(
            customer=customer,
            document_type=document_type,
            content_type=inspected.content_type,
            size=len(inspected.content),
            sha256=sha256,
            stored_name=stored_name,
            issued_on=issued_on,
            expires_on=expires_on,
        )
    except BaseException:
        storage.delete(stored_name)
        raise


def _check_document_dates(*, document_type: str, issued_on, expires_on) -> None:
    today = timezone.localdate()
    if document_type in PHOTO_ID_TYPES and (expires_on is None or expires_on < today):
        raise DocumentDatesInvalid("A photo ID needs its expiry date, and must not have expired.")
    if document_type == DocumentType.PROOF_OF_ADDRESS and issued_on is None:
        raise DocumentDatesInvalid("A proof of address needs its issue date.")
    if issued_on is not None and issued_on > today:
        raise DocumentDatesInvalid("A document cannot be issued in the future.")


@transaction.atomic(durable=True)
def _document_record(*, customer: User, stored_name: str, **fields) -> KycDocument:
    profile = _profile_locked(customer)
    if profile.status not in _UPLOAD_ALLOWED:
        raise KycNotEditable()
    # Counted under the profile's lock, so uploads racing in cannot pass the cap together.
    if (
        KycDocument.objects.filter(customer=customer, status=DocumentStatus.ACTIVE).count()
        >= MAX_ACTIVE_DOCUMENTS
    ):
        raise KycDocumentLimitReached()
    try:
        with transaction.atomic():
            document = KycDocument.objects.create(customer=customer, storage_name=stored_name, **fields)
    except IntegrityError:
        raise DuplicateDocument() from None
    audit_record(
        action=actions.KYC_DOCUMENT_UPLOADED,
        actor=customer,
        target=document,
        after={
            "document_type": document.document_type,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    )
    cache.kyc_changed(customer.pk)
    return document


@transaction.atomic(durable=True)
def kyc_document_read(*, document: KycDocument, viewer: User) -> bytes:
    """The document's bytes for its owner or a reviewer, each reading audited."""
    if viewer.pk != document.customer_id and not viewer.has_perm(REVIEW_PERMISSION):
        raise NotFound()
    content = crypto.decrypt(document_storage().open(document.storage_name).read())
    audit_record(
        action=actions.KYC_DOCUMENT_VIEWED,
        actor=viewer,
        target=document,
        after={"by_owner": viewer.pk == document.customer_id},
    )
    return content


@transaction.atomic(durable=True)
def kyc_submit(*, customer: User, level: str = KycLevel.BASIC) -> KycProfile:
    """Send the profile to review for ``level``: from not started, from a request for more
    information, or from an approved basic level to full. Refused (422) when the profile is
    incomplete or documents the level needs are missing, naming them."""
    profile = _profile_locked(customer)
    upgrade = (
        profile.status == KycStatus.APPROVED and profile.level == KycLevel.BASIC and level == KycLevel.FULL
    )
    if profile.status not in _PROFILE_EDITABLE and not upgrade:
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
    return _transition(
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


def _transition(profile: KycProfile, *, from_status: str, to_status: str, action: str, actor, **fields):
    """Move ``profile`` along one edge, if it is still where the edge starts, audited."""
    before = _snapshot(profile)
    now = timezone.now()
    changed = KycProfile.objects.filter(pk=profile.pk, status=from_status).update(
        status=to_status, updated_at=now, **fields
    )
    if changed != 1:
        raise KycTransitionRefused()
    profile.refresh_from_db()
    audit_record(action=action, actor=actor, target=profile, before=before, after=_snapshot(profile))
    cache.kyc_changed(profile.customer_id)
    return profile


def _decide(*, profile_id: int, reviewer: User, to_status: str, action: str, reason: str) -> KycProfile:
    if not reviewer.has_perm(REVIEW_PERMISSION):
        raise NotPermitted()
    profile = KycProfile.objects.filter(pk=profile_id).first()
    if profile is None:
        raise NotFound()
    if profile.customer_id == reviewer.pk:
        raise ReviewOwnProfile()
    return _transition(
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
        _transition(
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
