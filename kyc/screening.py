"""Sanctions screening: the list loader and the name matcher.

Names are compared in Latin letters: a word mixing alphabets has its look-alikes read as the
Latin letters they pass for (a Cyrillic Er, U+0420, before "utin" is a P), other scripts are
transliterated (Cyrillic "Putin" is "putin"), and case, accents, punctuation, digits standing
for letters ("Put1n") and word order are dropped. A name is scored 0-100 with rapidfuzz, whole
and word by word (see ``screening_run``), so a typo, a split word or an initial does not hide
it. A person's date of birth and
country move the score when the listed entry has them too (see ``_adjusted``). Callers pass
plain values, not profiles, so wire beneficiaries are screened the same way as customers.

The newest list version's names are read once per process and kept in memory for that
version; each screening then costs one indexed query (which version is newest) and the
scoring, about 15 ms on 10,000 entries with an alias each (docs/PERFORMANCE.md).
"""

import csv
import datetime
import hashlib
import io
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pycountry
from anyascii import anyascii
from confusable_homoglyphs import confusables
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from audit import actions
from audit.services import audit_record
from bankcore.errors import Conflict, DomainError, NotFound, NotPermitted, ReasonRequired
from kyc.errors import ReviewOwnProfile
from kyc.models import KycProfile, SanctionsEntry, SanctionsList, ScreeningMatch

logger = logging.getLogger(__name__)

# Points a matching date of birth or country adds to the name's score, and a clashing one
# takes away. A clash in birth year is strong evidence of a different person; a country is
# weaker (people move and hold several nationalities), so it moves the score less.
DOB_EXACT_BONUS = 5
DOB_YEAR_BONUS = 3
DOB_MISMATCH_PENALTY = 15
COUNTRY_MATCH_BONUS = 3
COUNTRY_MISMATCH_PENALTY = 5
# Names this far below the threshold are still looked at: a matching birth date and country
# can lift them over it.
_MOST_BONUS = DOB_EXACT_BONUS + COUNTRY_MATCH_BONUS

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


@dataclass(frozen=True)
class ScreeningHit:
    entry_id: int
    uid: int
    listed_name: str
    score: int
    list_version: int


# Digits and punctuation belong to no one alphabet.
_SHARED_SCRIPTS = ["COMMON", "INHERITED"]
# Digits written for the letters they look like, in a word that has letters too.
_DIGITS_AS_LETTERS = str.maketrans("0134578", "oieastb")


def _latin_lookalike(char: str) -> str:
    found = confusables.is_confusable(char, greedy=False, preferred_aliases=["latin"])
    for homoglyph in found[0]["homoglyphs"] if found else ():
        if homoglyph["c"].isascii():
            return homoglyph["c"]
    return char


def _name_words(name: str, *, join: bool) -> list[str]:
    """The name's words in Latin lower case, in their order. With ``join``, a hyphen or a dot
    inside a word does not split it ("Pu-tin" is "putin")."""
    words = []
    for word in unicodedata.normalize("NFKC", name).split():
        if not word.isascii() and confusables.is_mixed_script(word, allowed_aliases=_SHARED_SCRIPTS):
            word = "".join(_latin_lookalike(char) for char in word)
        words.append(word)
    # An apostrophe joins its word ("O'Neill" is "oneill"); other punctuation separates words.
    text = re.sub(r"['`]", "", anyascii(" ".join(words)).casefold())
    if join:
        text = re.sub(r"(?<=[^\W_])[.-](?=[^\W_])", "", text)
    return [
        word if word.isalpha() or word.isdigit() else word.translate(_DIGITS_AS_LETTERS)
        for word in re.findall(r"[^\W_]+", text)
    ]


def name_normalize(name: str) -> str:
    """The name as the matcher compares it: Latin lower case, no accents or punctuation, words sorted."""
    return " ".join(sorted(_name_words(name, join=False)))


def _name_forms(name: str) -> list[str]:
    """The normalised name, and the same with hyphenated or dotted words joined if that differs."""
    return list(dict.fromkeys(" ".join(sorted(_name_words(name, join=join))) for join in (False, True)))


def _compact_forms(name: str) -> list[str]:
    """A listed name written without spaces, as "VladimirPutin" would be: given names then
    surname, surname then given names, and first given name then surname. OFAC writes
    "SURNAME, Given Names"; a name without a comma is taken in its order and reversed."""
    surname, comma, given = name.partition(",")
    if not comma:
        words = _name_words(name, join=True)
        return list(dict.fromkeys(["".join(words), "".join(reversed(words))])) if len(words) > 1 else []
    surname_words, given_words = _name_words(surname, join=True), _name_words(given, join=True)
    if not surname_words or not given_words:
        return []
    forms = [given_words + surname_words, surname_words + given_words, given_words[:1] + surname_words]
    return list(dict.fromkeys("".join(form) for form in forms))


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


# ---- Matching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    entry_id: int
    uid: int
    dates_of_birth: tuple[str, ...]
    countries: frozenset[str]


@dataclass(frozen=True)
class _ListIndex:
    """A list version's names, split by word count so each gets a scorer that suits it, with
    each word's names (for word-by-word scoring) and the names written without spaces."""

    version: tuple[int, str]
    multi_word: list[str]
    multi_word_owners: list[tuple[_Candidate, str]]
    single_word: list[str]
    single_word_owners: list[tuple[_Candidate, str]]
    words: list[str]
    word_names: dict[str, list[int]]
    compact: list[str]
    compact_owners: list[tuple[_Candidate, str]]


_index: _ListIndex | None = None
_index_lock = threading.Lock()


def _index_build(version: tuple[int, str]) -> _ListIndex:
    index = _ListIndex(version, [], [], [], [], [], {}, [], [])
    # Names are normalised here rather than read back from the entries, so a list loaded
    # before the normaliser last changed is compared the same way as the names screened.
    rows = (
        SanctionsEntry.objects.filter(sanctions_list_id=version[0])
        .values_list("pk", "uid", "name", "aliases", "dates_of_birth", "countries")
        .iterator(chunk_size=2000)
    )
    for entry_id, uid, name, aliases, dates_of_birth, countries in rows:
        candidate = _Candidate(entry_id, uid, tuple(dates_of_birth), frozenset(countries))
        for listed_name in [name, *aliases]:
            for normalized in _name_forms(listed_name):
                if " " in normalized:
                    for word in set(normalized.split()):
                        if word not in index.word_names:
                            index.words.append(word)
                            index.word_names[word] = []
                        index.word_names[word].append(len(index.multi_word))
                    index.multi_word.append(normalized)
                    index.multi_word_owners.append((candidate, listed_name))
                elif normalized:
                    index.single_word.append(normalized)
                    index.single_word_owners.append((candidate, listed_name))
            for compact in _compact_forms(listed_name):
                index.compact.append(compact)
                index.compact_owners.append((candidate, listed_name))
    return index


def _index_current() -> _ListIndex | None:
    global _index
    # The checksum is part of the key: SQLite may give a rolled-back version's pk to the next.
    version = SanctionsList.objects.order_by("-pk").values_list("pk", "checksum").first()
    if version is None:
        return None
    index = _index
    if index is not None and index.version == version:
        return index
    with _index_lock:
        if _index is None or _index.version != version:
            _index = _index_build(version)
        return _index


def _adjusted(
    name_score: float, candidate: _Candidate, date_of_birth: datetime.date | None, country: str | None
) -> int:
    score = name_score
    if date_of_birth is not None and candidate.dates_of_birth:
        born = date_of_birth.isoformat()
        if born in candidate.dates_of_birth:
            score += DOB_EXACT_BONUS
        elif any(born.startswith(listed) for listed in candidate.dates_of_birth):
            # The list gives only the year (or month), and it agrees.
            score += DOB_YEAR_BONUS
        elif not any(listed[:4] == born[:4] for listed in candidate.dates_of_birth):
            score -= DOB_MISMATCH_PENALTY
    if country and candidate.countries:
        score += COUNTRY_MATCH_BONUS if country.upper() in candidate.countries else -COUNTRY_MISMATCH_PENALTY
    return max(0, min(100, round(score)))


# Word-by-word scoring: each word of the name screened is paired with a different word of
# the listed name; a word pairs only if it scores this much, and the name scores the mean of
# its words. A word's score is the mean of its Jaro-Winkler similarity (kind to typos) and
# its Indel similarity (which checks Jaro-Winkler's generosity to a shared first few letters:
# "Victoria" is not "Vicri"). An initial pairs with any word it begins at INITIAL_SCORE:
# "V. Putin" is held, at 95, for "PUTIN, Vladimir".
WORD_MATCH_MIN = 85
INITIAL_SCORE = 90
# Jaro-Winkler's floor for a word to be scored at all: below it the mean cannot reach the minimum.
_JARO_WINKLER_FLOOR = (2 * WORD_MATCH_MIN - 100) / 100


def _similar_words(word: str, index: _ListIndex) -> dict[str, float]:
    similar: dict[str, float] = {}
    for listed_word, jaro_winkler, _ in process.extract(
        word,
        index.words,
        scorer=JaroWinkler.normalized_similarity,
        processor=None,
        score_cutoff=_JARO_WINKLER_FLOOR,
        limit=None,
    ):
        score = (jaro_winkler * 100 + fuzz.ratio(word, listed_word)) / 2
        if score >= WORD_MATCH_MIN:
            similar[listed_word] = score
    return similar


def _word_scores(query: str, index: _ListIndex) -> dict[int, float]:
    """Word-by-word scores of the names (multi_word positions) every word of ``query`` pairs with."""
    words = query.split()
    spelled = [word for word in words if len(word) > 1]
    if len(words) < 2 or not spelled:
        return {}
    similar = {word: _similar_words(word, index) for word in set(spelled)}
    # A name is scored only if every spelled-out word has a similar word in it.
    candidates: set[int] | None = None
    for word in spelled:
        found = {position for listed_word in similar[word] for position in index.word_names[listed_word]}
        candidates = found if candidates is None else candidates & found
    scores = {}
    for position in candidates or ():
        listed_words = index.multi_word[position].split()
        pairs = sorted(
            (
                similar[word].get(listed, 0) if len(word) > 1 else INITIAL_SCORE * listed.startswith(word),
                i,
                j,
            )
            for i, word in enumerate(words)
            for j, listed in enumerate(listed_words)
        )
        paired_words, paired_listed, total = set(), set(), 0.0
        for score, i, j in reversed(pairs):
            if score >= WORD_MATCH_MIN and i not in paired_words and j not in paired_listed:
                paired_words.add(i)
                paired_listed.add(j)
                total += score
        if len(paired_words) == len(words):
            scores[position] = total / len(words)
    return scores


def screening_run(
    *, name: str, date_of_birth: datetime.date | None = None, country: str | None = None
) -> list[ScreeningHit]:
    """Screen a person's or organisation's name against the newest sanctions list.

    Returns the entries scoring at or above ``SANCTIONS_MATCH_THRESHOLD``, best first, one
    hit per entry (under the name or alias that matched best). ``country`` is an ISO 3166
    alpha-2 code. With no list loaded nothing can match: that is logged, and no hit returned.

    A name's score is the best of: the whole name's (token set or sort ratio, with hyphenated
    and dotted words split and joined), the word-by-word score (``_word_scores``), and the
    name written without spaces against the listed name's compact forms.
    """
    queries = _name_forms(name)
    if not queries or not queries[0]:
        return []
    index = _index_current()
    if index is None:
        logger.warning("Sanctions screening ran with no sanctions list loaded (run sanctions_load).")
        return []
    threshold = settings.SANCTIONS_MATCH_THRESHOLD
    cutoff = max(threshold - _MOST_BONUS, 0)
    best: dict[int, tuple[int, str, _Candidate]] = {}

    def consider(name_score: float, owner: tuple[_Candidate, str]) -> None:
        candidate, listed_name = owner
        score = _adjusted(name_score, candidate, date_of_birth, country)
        if score >= threshold and score > best.get(candidate.entry_id, (-1,))[0]:
            best[candidate.entry_id] = (score, listed_name, candidate)

    for query in queries:
        # Token set scoring finds "Nicolas Maduro" in "MADURO MOROS, Nicolas", but would call
        # any one-word name a perfect match of every name containing it: one-word names on
        # either side are compared whole, in sorted word order.
        multi_word_scorer = fuzz.token_set_ratio if " " in query else fuzz.token_sort_ratio
        lookups = [
            (index.multi_word, index.multi_word_owners, multi_word_scorer),
            (index.single_word, index.single_word_owners, fuzz.token_sort_ratio),
        ]
        for choices, owners, scorer in lookups:
            for _, name_score, position in process.extract(
                query, choices, scorer=scorer, processor=None, score_cutoff=cutoff, limit=None
            ):
                consider(name_score, owners[position])
        for position, name_score in _word_scores(query, index).items():
            if name_score >= cutoff:
                consider(name_score, index.multi_word_owners[position])
    compact = "".join(_name_words(name, join=True))
    for _, name_score, position in process.extract(
        compact, index.compact, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
    ):
        consider(name_score, index.compact_owners[position])
    hits = [
        ScreeningHit(candidate.entry_id, candidate.uid, listed_name, score, index.version[0])
        for score, listed_name, candidate in best.values()
    ]
    return sorted(hits, key=lambda hit: (-hit.score, hit.uid))


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
