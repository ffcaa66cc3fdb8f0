"""A customer's KYC documents: uploads checked by their bytes and stored encrypted, and
reads by the owner or a reviewer; each audited.
"""

import datetime
import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit import actions
from audit.services import audit_record
from bankcore.errors import NotFound
from kyc import cache, crypto
from kyc.errors import DocumentDatesInvalid, DuplicateDocument, KycDocumentLimitReached, KycNotEditable
from kyc.inspection import inspect_document
from kyc.models import PHOTO_ID_TYPES, DocumentStatus, DocumentType, KycDocument, KycStatus
from kyc.services.profile import profile_locked
from kyc.services.transitions import REVIEW_PERMISSION

# An approved customer may add documents (a new ID, proof of address for the full level).
_UPLOAD_ALLOWED = frozenset({KycStatus.NOT_STARTED, KycStatus.NEEDS_MORE_INFO, KycStatus.APPROVED})
# Enough for every document type with retakes; the bound keeps one customer from filling the store.
MAX_ACTIVE_DOCUMENTS = 20


def document_storage():
    return storages["kyc"]


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
    profile = profile_locked(customer)
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
