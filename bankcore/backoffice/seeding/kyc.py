"""KYC states for load-test customers, made in bulk: profiles submitted for review with the
documents a basic level needs, and the system reviewer that approves them (audited)."""

import datetime
import hashlib
import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from audit import actions
from audit.services import audit_record
from bankcore.backoffice.seeding.load import BATCH_SIZE, SeededCustomer
from kyc import cache, crypto
from kyc.models import DocumentType, KycDocument, KycProfile, KycStatus
from kyc.services.documents import document_storage
from kyc.services.review import kyc_approve

# Decides seeded load-test profiles: active so that it holds a permission, with no usable
# password and no staff flag, so nobody can sign in as it.
SYSTEM_REVIEWER_EMAIL = "kyc-system-reviewer@bankcore.invalid"
KYC_STATES = ("none", "pending", "approved")


def kyc_system_reviewer() -> User:
    """The reviewer of seeded load-test profiles, made once with the review permission alone."""
    from django.contrib.auth.models import Permission

    reviewer, created = User.objects.get_or_create(
        email=SYSTEM_REVIEWER_EMAIL, defaults={"full_name": "KYC system reviewer", "password": "!"}
    )
    if created:
        reviewer.set_unusable_password()
        reviewer.save(update_fields=["password", "password_changed_at"])
        reviewer.user_permissions.add(
            Permission.objects.get(content_type__app_label="kyc", codename="review_kyc")
        )
    return User.objects.get(pk=reviewer.pk)  # a fresh object: permissions are cached per instance


def _seed_image(grey: int) -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (1, 1), (grey, grey, grey)).save(image, format="PNG")
    return image.getvalue()


@transaction.atomic(durable=True)
def kyc_seed_submitted(*, customers: list[User]) -> list[int]:
    """Load-test profiles, complete and submitted for review, in bulk; one audit event for the
    batch. Returns their ids. Each has a passport (valid ten years) and a selfie, each one grey
    pixel stored encrypted, so that an approval finds what the level needs."""
    now = timezone.now()
    profiles = KycProfile.objects.bulk_create(
        [
            KycProfile(
                customer=customer,
                status=KycStatus.PENDING_REVIEW,
                legal_name=customer.full_name or customer.email,
                date_of_birth=datetime.date(1990, 1, 1),
                nationality="DE",
                residence_country="DE",
                address="Load test street 1, Berlin",
                national_id_encrypted=crypto.encrypt(f"LOAD{customer.pk}".encode()).decode(),
                national_id_hash=crypto.lookup_hash(f"LOAD{customer.pk}"),
                national_id_last4=f"LOAD{customer.pk}"[-4:],
                submitted_at=now,
                created_at=now,
                updated_at=now,
            )
            for customer in customers
        ],
        batch_size=1000,
    )
    # Two different pixels: a customer's documents differ by their bytes.
    images = {DocumentType.PASSPORT: _seed_image(128), DocumentType.SELFIE: _seed_image(96)}
    encrypted = {document_type: crypto.encrypt(image) for document_type, image in images.items()}
    storage = document_storage()
    expires_on = timezone.localdate().replace(year=timezone.localdate().year + 10, day=1)
    KycDocument.objects.bulk_create(
        [
            KycDocument(
                customer=customer,
                document_type=document_type,
                content_type="image/png",
                size=len(images[document_type]),
                sha256=hashlib.sha256(images[document_type]).hexdigest(),
                storage_name=storage.save(
                    f"documents/{uuid.uuid4().hex}", ContentFile(encrypted[document_type])
                ),
                expires_on=expires_on if document_type == DocumentType.PASSPORT else None,
                uploaded_at=now,
            )
            for customer in customers
            for document_type in (DocumentType.PASSPORT, DocumentType.SELFIE)
        ],
        batch_size=1000,
    )
    audit_record(
        action=actions.KYC_LOAD_DATA_SEEDED,
        object_type="kyc.kycprofile",
        after={"profiles": len(profiles), "status": KycStatus.PENDING_REVIEW.value},
    )
    for customer in customers:
        cache.kyc_changed(customer.pk)
    return [profile.pk for profile in profiles]


def kyc_seed_load(*, customers: list[SeededCustomer], state: str) -> None:
    """Put seeded customers in a known KYC state: ``pending`` (submitted for review) or
    ``approved`` (then each approved through ``kyc_approve`` by the system reviewer, audited)."""
    if state == "none":
        return
    emails = [customer.email for customer in customers]
    profile_ids: list[int] = []
    for start in range(0, len(emails), BATCH_SIZE):
        users = list(User.objects.filter(email__in=emails[start : start + BATCH_SIZE]).order_by("pk"))
        profile_ids += kyc_seed_submitted(customers=users)
    if state == "approved":
        reviewer = kyc_system_reviewer()
        for profile_id in profile_ids:
            kyc_approve(profile_id=profile_id, reviewer=reviewer)
