"""Staff finding a customer by their national ID number.

The number is matched exactly through its keyed hash, never by text, and each search is an
audit event: a number names a person, and who looked one up is the bank's to know.
"""

from accounts.models import User
from audit import actions
from audit.services import audit_record
from kyc import crypto
from kyc.models import KycProfile


def kyc_profile_find_by_national_id(*, national_id: str, actor: User) -> list[int]:
    """The ids of the profiles whose national ID is ``national_id`` (any spelling of it),
    oldest first; the search is audited with what it found, never with the number."""
    profile_ids = list(
        KycProfile.objects.filter(national_id_hash=crypto.lookup_hash(national_id))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    audit_record(
        action=actions.KYC_NATIONAL_ID_SEARCHED,
        actor=actor,
        object_type=KycProfile._meta.label_lower,
        object_id=str(profile_ids[0]) if len(profile_ids) == 1 else "",
        after={"profiles": profile_ids},
    )
    return profile_ids
