"""The kyc app's reads."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from bankcore.cache import get_or_set
from kyc import cache
from kyc.models import (
    PHOTO_ID_TYPES,
    DocumentStatus,
    DocumentType,
    KycDocument,
    KycLevel,
    KycProfile,
    KycStatus,
)

# What each level needs, by requirement: a photo ID is any of PHOTO_ID_TYPES.
PHOTO_ID = "photo_id"
SELFIE = DocumentType.SELFIE.value
PROOF_OF_ADDRESS = DocumentType.PROOF_OF_ADDRESS.value
LEVEL_REQUIREMENTS = {
    KycLevel.BASIC: (PHOTO_ID, SELFIE),
    KycLevel.FULL: (PHOTO_ID, SELFIE, PROOF_OF_ADDRESS),
}
PROOF_OF_ADDRESS_MAX_AGE_MONTHS = 3


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier, or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def document_list_for_customer(*, customer) -> QuerySet[KycDocument]:
    return KycDocument.objects.filter(customer=customer).order_by("-id")


def requirements_missing(*, documents, level: str, today: datetime.date) -> list[str]:
    """Which of ``level``'s requirements ``documents`` do not meet today, in a fixed order."""
    met = set()
    oldest_proof_of_address = months_before(today, PROOF_OF_ADDRESS_MAX_AGE_MONTHS)
    for document in documents:
        if document.status != DocumentStatus.ACTIVE:
            continue
        if document.document_type in PHOTO_ID_TYPES and document.expires_on and document.expires_on >= today:
            met.add(PHOTO_ID)
        elif document.document_type == SELFIE:
            met.add(SELFIE)
        elif (
            document.document_type == PROOF_OF_ADDRESS
            and document.issued_on
            and oldest_proof_of_address <= document.issued_on <= today
        ):
            met.add(PROOF_OF_ADDRESS)
    return [requirement for requirement in LEVEL_REQUIREMENTS[KycLevel(level)] if requirement not in met]


def next_level(profile: KycProfile | None) -> str:
    """The level a customer works towards: the one applied for, or full once basic is approved."""
    if profile is None:
        return KycLevel.BASIC
    if profile.status == KycStatus.APPROVED and profile.level == KycLevel.BASIC:
        return KycLevel.FULL
    return profile.level


def kyc_status_body(*, customer_id: int) -> dict:
    """The customer's status as the API answers it, from the cache when current."""
    return get_or_set(cache.kyc_status(customer_id), lambda: _kyc_status_body(customer_id))


def _kyc_status_body(customer_id: int) -> dict:
    profile = KycProfile.objects.filter(customer_id=customer_id).first()
    documents = KycDocument.objects.filter(customer_id=customer_id, status=DocumentStatus.ACTIVE).only(
        "document_type", "status", "issued_on", "expires_on"
    )
    level = next_level(profile)
    return {
        "status": profile.status if profile else KycStatus.NOT_STARTED.value,
        "level": profile.level if profile else KycLevel.BASIC.value,
        "submitted_at": profile.submitted_at if profile else None,
        "decided_at": profile.decided_at if profile else None,
        "reason": profile.reason if profile else "",
        "missing": requirements_missing(documents=documents, level=level, today=timezone.localdate()),
    }


# ---- What the apps above kyc read of a customer's KYC (wires) ---------------------------------


@dataclass(frozen=True)
class KycStanding:
    """A customer's KYC status and level, as the apps above kyc decide by them."""

    status: str
    level: str

    @property
    def approved(self) -> bool:
        return self.status == KycStatus.APPROVED

    @property
    def full(self) -> bool:
        """The full level (photo ID, selfie and proof of address) applied for or granted."""
        return self.level == KycLevel.FULL


def kyc_standing(*, customer_id: int) -> KycStanding | None:
    """The customer's KYC status and level, or None when they have no profile. One query."""
    row = KycProfile.objects.filter(customer_id=customer_id).values_list("status", "level").first()
    return None if row is None else KycStanding(status=row[0], level=row[1])


def kyc_status_subquery(customer_field: str = "customer_id") -> Subquery:
    """The KYC status of the customer a row's ``customer_field`` names, to annotate a list of
    such rows in its own query (None for a customer without a profile)."""
    return Subquery(KycProfile.objects.filter(customer_id=OuterRef(customer_field)).values("status")[:1])


def kyc_cache_scope(customer_id: int) -> tuple[str, int]:
    """The cache generation scope that every change of the customer's KYC retires: a cached
    answer computed from their KYC names it to be retired with it."""
    return (cache.KYC, customer_id)
