"""The KYC state machines' moves, in one place: a profile's status and a sanctions match's
decision change only here.

Each move is a conditional update from the one state its edge leaves (``UPDATE … WHERE
status = from``, the kernel's ``state_transition``, as wires' moves) and a check of the row
count, inside the caller's durable transaction with its audit event, so two decisions (two
staff clicks, a decision and an expiry) never both win. Who may take a reviewer's edge is decided here too.
"""

from django.utils import timezone

from audit.services import audit_record
from bankcore.errors import NotPermitted
from bankcore.events import event_publish
from bankcore.services import state_transition
from kyc import cache, events
from kyc.errors import KycTransitionRefused, ScreeningMatchDecided
from kyc.models import KycProfile, KycStatus, ScreeningMatch
from kyc.services.profile import profile_snapshot

# What the customer's app is told of each status a profile moves to.
_STATUS_EVENTS = {
    KycStatus.PENDING_REVIEW: events.KYC_SUBMITTED,
    KycStatus.APPROVED: events.KYC_APPROVED,
    KycStatus.REJECTED: events.KYC_REJECTED,
    KycStatus.NEEDS_MORE_INFO: events.KYC_MORE_INFORMATION_NEEDED,
}

# The permission that lets staff review KYC and decide sanctions matches (KycProfile's
# review_kyc).
REVIEW_PERMISSION = "kyc.review_kyc"


def review_permission_check(reviewer) -> None:
    """Refuse (403) a member of staff who may not review KYC."""
    if not reviewer.has_perm(REVIEW_PERMISSION):
        raise NotPermitted()


def profile_transition(
    profile: KycProfile, *, from_status: str, to_status: str, action: str, actor, **fields
) -> KycProfile:
    """Move ``profile`` along one edge, if it is still where the edge starts, audited; the
    customer's cached status is retired on commit. Refused (409) when another move won."""
    before = profile_snapshot(profile)
    now = timezone.now()
    if not state_transition(profile, from_state=from_status, to_state=to_status, updated_at=now, **fields):
        raise KycTransitionRefused()
    profile.refresh_from_db()
    audit_record(action=action, actor=actor, target=profile, before=before, after=profile_snapshot(profile))
    event_publish(type=_STATUS_EVENTS[to_status], customer_id=profile.customer_id, object_id=profile.pk)
    cache.kyc_changed(profile.customer_id)
    return profile


def screening_match_transition(
    match: ScreeningMatch, *, decision: str, action: str, reviewer, reason: str
) -> ScreeningMatch:
    """Decide a pending match, audited. Refused (409) when it was already decided."""
    # From pending only: two staff members deciding at once cannot both win.
    decided = state_transition(
        match,
        field="decision",
        from_state=ScreeningMatch.Decision.PENDING,
        to_state=decision,
        decided_by=reviewer,
        reason=reason,
        decided_at=timezone.now(),
    )
    if not decided:
        raise ScreeningMatchDecided()
    match.refresh_from_db()
    audit_record(
        action=action,
        actor=reviewer,
        target=match,
        before={"decision": ScreeningMatch.Decision.PENDING},
        after={
            "decision": decision,
            "reason": reason,
            "profile": match.profile_id,
            "entry_uid": match.entry.uid,
            "score": match.score,
            "list": match.sanctions_list_id,
        },
    )
    return match
