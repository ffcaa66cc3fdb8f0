"""The customer's KYC profile: their identity, set while no review is under way.

Every write is one durable transaction holding its audit event, and retires the customer's
cached status on commit.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import actions
from audit.services import audit_record
from kyc import cache, crypto
from kyc.errors import DateOfBirthInvalid, KycNotEditable
from kyc.models import KycProfile, KycStatus

PROFILE_FIELDS = ("legal_name", "date_of_birth", "nationality", "residence_country", "address")
# The customer edits the profile and documents only before a review starts or when asked.
PROFILE_EDITABLE = frozenset({KycStatus.NOT_STARTED, KycStatus.NEEDS_MORE_INFO})


def profile_locked(customer: User) -> KycProfile:
    """The customer's profile, made if missing, locked for the caller's transaction."""
    KycProfile.objects.get_or_create(customer=customer)
    return KycProfile.objects.select_for_update().get(customer=customer)


def profile_snapshot(profile: KycProfile) -> dict:
    """What the audit log keeps of a profile: never the national ID, only its last four."""
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
    profile = profile_locked(customer)
    if profile.status not in PROFILE_EDITABLE:
        raise KycNotEditable()
    before = profile_snapshot(profile)
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
        after=profile_snapshot(profile),
    )
    cache.kyc_changed(customer.pk)
    return profile
