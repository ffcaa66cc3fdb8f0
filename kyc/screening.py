"""Sanctions screening: loading the list, screening KYC profiles, and staff decisions on matches.

The name matcher is ``kyc.matching`` (how a name is read: ``kyc.names``); callers pass plain
values, not profiles, so wire beneficiaries are screened the same way as customers.
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from pathlib import Path

import pycountry
from django.db import transaction
from django.utils import timezone

from audit import actions
from audit.services import audit_record
from bankcore.errors import Conflict, DomainError, NotFound, NotPermitted, ReasonRequired
from kyc.errors import ReviewOwnProfile
from kyc.matching import ScreeningHit, screening_run
from kyc.models import KycProfile, SanctionsEntry, SanctionsList, ScreeningMatch
from kyc.names import name_normalize

__all__ = ["ScreeningHit", "screening_run"]

_NULL = "-0-"
# OFAC spellings that ISO 3166 (and so pycountry) names differently.
_OFAC_COUNTRY_NAMES = {
    "burma": "MM",
    "korea, north": "KP",
    "korea, south": "KR",
    "north korea": "KP",
    "russia": "RU",
    "the bahamas": "BS",
    "the gambia": "GM",
    "west bank": "PS",
    "gaza": "PS",
    "kosovo": "XK",
    "turkey": "TR",
    "cote d ivoire": "CI",
    "congo, democratic republic of the": "CD",
}
_MONTHS = {
    month: number
    for number, month in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_DOB = re.compile(r"\bDOB (?:circa )?(?:(\d{1,2}) )?(?:([A-Za-z]{3}) )?(\d{4})")
_COUNTRY = re.compile(r"\b(?:nationality|citizen) ([^;.]+)")
_BIRTH_PLACE = re.compile(r"\bPOB ([^;]+)")


class SanctionsFileInvalid(DomainError):
    code = "sanctions_file_invalid"
    status = 400
    detail = "The file is not in the OFAC SDN CSV format."


class ScreeningUnresolved(Conflict):
    code = "screening_unresolved"
    detail = "The profile matched the sanctions list: clear each match before approving."


class SanctionsMatchConfirmed(Conflict):
    code = "sanctions_match_confirmed"
    detail = "The customer was confirmed as a listed party and cannot be approved."


class ScreeningMatchDecided(Conflict):
    code = "screening_match_decided"
    detail = "The match was already decided."


# ---- Loading ---------------------------------------------------------------------------------


def _field(value: str) -> str:
    value = value.strip()
    return "" if value == _NULL else value


def _dates_of_birth(remarks: str) -> list[str]:
    dates = []
    for day, month, year in _DOB.findall(remarks):
        month_number = _MONTHS.get(month.lower()) if month else None
        if day and month_number:
            dates.append(f"{year}-{month_number:02d}-{int(day):02d}")
        elif month_number:
            dates.append(f"{year}-{month_number:02d}")
        else:
            dates.append(year)
    return list(dict.fromkeys(dates))


def _country_code(name: str) -> str | None:
    name = name.strip().rstrip(")")
    known = _OFAC_COUNTRY_NAMES.get(name.lower().replace("'", " "))
    if known:
        return known
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return None


def _countries(remarks: str) -> list[str]:
    names = [match.strip() for match in _COUNTRY.findall(remarks)]
    names += [place.rsplit(",", 1)[-1] for place in _BIRTH_PLACE.findall(remarks)]
    codes = (_country_code(name) for name in names)
    return list(dict.fromkeys(code for code in codes if code))


def _entry_type(sdn_type: str) -> str:
    sdn_type = _field(sdn_type).lower()
    if sdn_type in SanctionsEntry.EntryType.values:
        return sdn_type
    return SanctionsEntry.EntryType.ENTITY


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # OFAC's own downloads are Windows-1252.
        return data.decode("cp1252", errors="replace")


def _rows(text: str, *, columns: int, file_label: str) -> Iterable[tuple[int, list[str]]]:
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        # OFAC's files end with a lone DOS end-of-file character (\x1a).
        if not row or all(not cell.strip(" \x1a") for cell in row):
            continue
        if len(row) < columns or not row[0].strip().isdigit():
            raise SanctionsFileInvalid(
                f"{file_label} line {line_number} is not an SDN row of {columns} fields "
                "starting with an entry number."
            )
        yield line_number, row


def _entries_parse(sdn_text: str, alt_text: str) -> dict[int, dict]:
    entries: dict[int, dict] = {}
    for _, row in _rows(sdn_text, columns=12, file_label="sdn"):
        uid = int(row[0])
        remarks = _field(row[11])
        programs = [p.strip(" []") for p in _field(row[3]).split("] [") if p.strip(" []")]
        entries[uid] = {
            "uid": uid,
            "name": _field(row[1]),
            "aliases": [],
            "entry_type": _entry_type(row[2]),
            "programs": programs,
            "dates_of_birth": _dates_of_birth(remarks),
            "countries": _countries(remarks),
            "remarks": remarks,
        }
    for line_number, row in _rows(alt_text, columns=4, file_label="alt"):
        entry = entries.get(int(row[0]))
        if entry is None:
            raise SanctionsFileInvalid(f"alt line {line_number} names entry {row[0]}, which sdn lacks.")
        alias = _field(row[3])
        if alias and alias not in entry["aliases"]:
            entry["aliases"].append(alias)
    return entries


def sanctions_list_load(
    *, sdn_path: Path, alt_path: Path | None = None, actor=None
) -> tuple[SanctionsList, bool]:
    """Load an SDN file (and its aliases) as the newest list version, in one transaction.

    Loading the files the newest version came from again changes nothing and returns that
    version with ``False``. A malformed file raises ``SanctionsFileInvalid`` and loads nothing.
    """
    sdn_bytes = sdn_path.read_bytes()
    alt_bytes = alt_path.read_bytes() if alt_path else b""
    checksum = hashlib.sha256(sdn_bytes + b"\0" + alt_bytes).hexdigest()
    entries = _entries_parse(_decode(sdn_bytes), _decode(alt_bytes))
    if not entries:
        raise SanctionsFileInvalid("The sdn file lists no entries.")
    with transaction.atomic():
        newest = SanctionsList.objects.order_by("-pk").first()
        if newest is not None and newest.checksum == checksum:
            return newest, False
        source = sdn_path.name + (f" + {alt_path.name}" if alt_path else "")
        sanctions_list = SanctionsList.objects.create(
            source=source, checksum=checksum, entry_count=len(entries)
        )
        SanctionsEntry.objects.bulk_create(
            (
                SanctionsEntry(
                    sanctions_list=sanctions_list,
                    normalized_names=[name_normalize(n) for n in [entry["name"], *entry["aliases"]]],
                    **entry,
                )
                for entry in entries.values()
            ),
            batch_size=1000,
        )
        audit_record(
            action=actions.SANCTIONS_LIST_LOADED,
            actor=actor,
            target=sanctions_list,
            after={"source": source, "checksum": checksum, "entry_count": len(entries)},
        )
    return sanctions_list, True


# ---- KYC: screening on submit, staff decisions ----------------------------------------------

# The permission that lets staff review KYC (kyc.KycProfile's review_kyc).
REVIEW_PERMISSION = "kyc.review_kyc"


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
    if not reviewer.has_perm(REVIEW_PERMISSION):
        raise NotPermitted()
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    match = ScreeningMatch.objects.select_related("profile").filter(pk=match_id).first()
    if match is None:
        raise NotFound()
    if match.profile.customer_id == reviewer.pk:
        raise ReviewOwnProfile()
    # From pending only: two staff members deciding at once cannot both win.
    changed = ScreeningMatch.objects.filter(pk=match_id, decision=ScreeningMatch.Decision.PENDING).update(
        decision=decision, decided_by=reviewer, reason=reason, decided_at=timezone.now()
    )
    if changed != 1:
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
