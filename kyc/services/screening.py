"""Sanctions screening in the KYC workflow: loading a list version, screening a profile on
submit, and staff decisions on its matches; each audited.

The matching itself is ``kyc.screening`` (names, lists, matcher), which records nothing.
"""

import hashlib
from pathlib import Path

from django.db import transaction

from audit import actions
from audit.services import audit_record
from bankcore.errors import NotFound, ReasonRequired
from kyc.errors import ReviewOwnProfile, SanctionsMatchConfirmed, ScreeningUnresolved
from kyc.models import KycProfile, SanctionsEntry, SanctionsList, ScreeningMatch
from kyc.screening.lists import sanctions_files_read
from kyc.screening.matcher import screening_run
from kyc.services.transitions import review_permission_check, screening_match_transition


def sanctions_list_load(
    *, sdn_path: Path, alt_path: Path | None = None, actor=None, progress=None
) -> tuple[SanctionsList, bool]:
    """Load an SDN file (and its aliases) as the newest list version, in one transaction.

    Loading the files the newest version came from again changes nothing and returns that
    version with ``False``. A malformed file raises ``SanctionsFileInvalid`` and loads nothing.
    ``progress`` is told of each thousand entries written.
    """
    files = sanctions_files_read(sdn_path=sdn_path, alt_path=alt_path)
    with transaction.atomic():
        newest = SanctionsList.objects.order_by("-pk").first()
        if newest is not None and newest.checksum == files.checksum:
            return newest, False
        sanctions_list = SanctionsList.objects.create(
            source=files.source, checksum=files.checksum, entry_count=len(files.entries)
        )
        entries = list(files.entries.values())
        for start in range(0, len(entries), 1000):
            chunk = entries[start : start + 1000]
            SanctionsEntry.objects.bulk_create(
                SanctionsEntry(sanctions_list=sanctions_list, **e) for e in chunk
            )
            if progress is not None:
                progress(len(chunk))
        audit_record(
            action=actions.SANCTIONS_LIST_LOADED,
            actor=actor,
            target=sanctions_list,
            after={"source": files.source, "checksum": files.checksum, "entry_count": len(files.entries)},
        )
    return sanctions_list, True


def _screened_digest(profile: KycProfile) -> str:
    screened = [
        profile.legal_name,
        profile.date_of_birth.isoformat() if profile.date_of_birth else "",
        profile.nationality or "",
    ]
    return hashlib.sha256("\0".join(screened).encode()).hexdigest()


def kyc_profile_screen(*, profile: KycProfile) -> list[ScreeningMatch]:
    """Screen the profile's legal name, date of birth and nationality, inside the caller's
    transaction (the submit's); record a pending match for each entry not matched before with
    these same details, and audit the screening with its hits. Returns the matches recorded now.

    A clearance answers "is the person with these details the listed party?": once the
    customer changes their name, birth date or nationality, a match with the entry is asked
    again, even if the entry was cleared for the old details.
    """
    hits = screening_run(
        name=profile.legal_name, date_of_birth=profile.date_of_birth, country=profile.nationality
    )
    digest = _screened_digest(profile)
    known = set(
        ScreeningMatch.objects.filter(profile=profile, screened_digest=digest)
        .order_by()
        .values_list("entry_id", flat=True)
    )
    matches = ScreeningMatch.objects.bulk_create(
        ScreeningMatch(
            profile=profile,
            entry_id=hit.entry_id,
            sanctions_list_id=hit.list_version,
            listed_name=hit.listed_name,
            score=hit.score,
            screened_digest=digest,
        )
        for hit in hits
        if hit.entry_id not in known
    )
    audit_record(
        action=actions.KYC_SCREENED,
        target=profile,
        after={
            "hits": [
                {"uid": hit.uid, "listed_name": hit.listed_name, "score": hit.score, "list": hit.list_version}
                for hit in hits
            ],
            "new_matches": [match.pk for match in matches],
        },
    )
    return matches


def kyc_screening_approval_check(*, profile_id: int) -> None:
    """Refuse (409) the approval of a profile with an undecided or confirmed sanctions match."""
    decisions = set(
        ScreeningMatch.objects.filter(
            profile_id=profile_id,
            decision__in=[ScreeningMatch.Decision.PENDING, ScreeningMatch.Decision.CONFIRMED],
        ).values_list("decision", flat=True)
    )
    if ScreeningMatch.Decision.CONFIRMED in decisions:
        raise SanctionsMatchConfirmed()
    if decisions:
        raise ScreeningUnresolved()


def _match_decide(*, match_id: int, reviewer, reason: str, decision: str, action: str) -> ScreeningMatch:
    review_permission_check(reviewer)
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    match = ScreeningMatch.objects.select_related("profile").filter(pk=match_id).first()
    if match is None:
        raise NotFound()
    if match.profile.customer_id == reviewer.pk:
        raise ReviewOwnProfile()
    return screening_match_transition(
        match, decision=decision, action=action, reviewer=reviewer, reason=reason
    )


@transaction.atomic(durable=True)
def screening_match_clear(*, match_id: int, reviewer, reason: str) -> ScreeningMatch:
    """Decide that the customer is not the listed party, with a reason, audited."""
    return _match_decide(
        match_id=match_id,
        reviewer=reviewer,
        reason=reason,
        decision=ScreeningMatch.Decision.CLEARED,
        action=actions.SCREENING_MATCH_CLEARED,
    )


@transaction.atomic(durable=True)
def screening_match_confirm(*, match_id: int, reviewer, reason: str) -> ScreeningMatch:
    """Decide that the customer is the listed party, with a reason, audited; the profile can
    then never be approved."""
    return _match_decide(
        match_id=match_id,
        reviewer=reviewer,
        reason=reason,
        decision=ScreeningMatch.Decision.CONFIRMED,
        action=actions.SCREENING_MATCH_CONFIRMED,
    )
