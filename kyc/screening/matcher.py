"""The sanctions name matcher: the newest list version held in memory, and the scoring.

A name screened is read as Latin words (``kyc.screening.names``: by sound and, outside ASCII, by shape)
and scored 0-100 against every listed name and alias; a score at or above
``SANCTIONS_MATCH_THRESHOLD`` is a hit. The score is the best of:

- containment: every word of the listed name pairs with a different word of the name screened,
  whatever other words stand beside them ("Mr Vladimir Putin Jr Holding" contains "PUTIN,
  Vladimir"); surname particles (al, bin, de…) and noise words (titles, suffixes, legal forms)
  of the listed name may be left out. Needs two listed words: a one-word name or alias would
  otherwise match every name containing it. A one-word entity name ("ROSNEFT") of five letters
  or more is contained when a word of the name screened is that word, all but exactly;
- word by word: every word of the name screened, less its noise words, pairs with a different
  word of the listed name, one of them with its surname (missing middle names, initials:
  "V. Putin");
- the whole name, less noise words, in sorted word order, against a listed name whose surname
  it has a word like;
- the name written without spaces against the listed name's compact forms ("VladimirPutin").

Two words pair when their similarity (Jaro-Winkler and Indel, see ``_similar_words``) reaches
``WORD_MATCH_MIN``, or when they sound alike (``SOUND_SCORE``). A person's date of birth and
country move the score when the listed entry has them too (``_adjusted``): a country ranks hits,
it never takes a name under the hit line.

The newest list version's names are read once per process and kept in memory for that version;
each screening then costs one indexed query (which version is newest) and the scoring
(docs/performance.md).
"""

import datetime
import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from kyc.models import SanctionsEntry
from kyc.screening.lists import sanctions_list_version
from kyc.screening.names import (
    GENERIC_WORDS,
    NOISE_WORDS,
    PARTICLES,
    name_core,
    name_readings,
    name_words,
    sound_key,
    transliteration_fold,
)

logger = logging.getLogger("kyc.screening")

# Points a matching date of birth or country adds to the name's score, and a clashing one
# takes away. Both are what the screened party says (the birth date typed into a KYC profile,
# the country chosen for a wire): a clash ranks a hit below one they agree with and never
# takes a name that is a hit on its own under the threshold, or it would be the way to evade.
DOB_EXACT_BONUS = 5
DOB_YEAR_BONUS = 3
DOB_MISMATCH_PENALTY = 15
COUNTRY_MATCH_BONUS = 3
COUNTRY_MISMATCH_PENALTY = 5
# Names this far below the threshold are still looked at: a matching birth date and country
# can lift them over it.
_MOST_BONUS = DOB_EXACT_BONUS + COUNTRY_MATCH_BONUS

# Word-by-word scoring: a word pairs with a listed word if it scores this much. A word's score
# is the mean of its Jaro-Winkler similarity (kind to typos) and its Indel similarity (which
# checks Jaro-Winkler's generosity to a shared first few letters: "Victoria" is not "Vicri").
# An initial pairs with any word it begins at INITIAL_SCORE: "V. Putin" is held, at 95, for
# "PUTIN, Vladimir".
WORD_MATCH_MIN = 85
INITIAL_SCORE = 90
# Words of four letters or more with the same Metaphone key pair at SOUND_SCORE when their
# spelling is at least SOUND_FLOOR alike: "Poetin" is "Putin" (78), "Patton" is not (64).
SOUND_SCORE = 95
SOUND_FLOOR = 72
# A one-word entity name is found inside a longer name only under this near-exact score.
ONE_WORD_CONTAINED_MIN = 95
ONE_WORD_CONTAINED_LENGTH = 5
# Jaro-Winkler's floor for a word to be scored by spelling: below it the mean cannot reach the
# minimum. Words that sound alike are looked up by their key instead.
_JARO_WINKLER_FLOOR = (2 * WORD_MATCH_MIN - 100) / 100


@dataclass(frozen=True)
class ScreeningHit:
    entry_id: int
    uid: int
    listed_name: str
    score: int
    list_version: int


@dataclass(frozen=True)
class _Candidate:
    entry_id: int
    uid: int
    dates_of_birth: tuple[str, ...]
    countries: frozenset[str]


@dataclass
class _ListIndex:
    """A list version's names: multi-word names (sorted words) with the words each must show
    to be contained, one-word names, each word's names, the words' sound keys, and the names
    written without spaces."""

    version: tuple[int, str]
    multi_word: list[str] = field(default_factory=list)
    multi_word_owners: list[tuple[_Candidate, str]] = field(default_factory=list)
    required: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    surnames: list[frozenset[str] | None] = field(default_factory=list)
    single_word: list[str] = field(default_factory=list)
    single_word_owners: list[tuple[_Candidate, str]] = field(default_factory=list)
    contained_single: dict[str, list[int]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    word_names: dict[str, list[int]] = field(default_factory=dict)
    sounds: dict[str, list[str]] = field(default_factory=dict)
    compact: list[str] = field(default_factory=list)
    compact_owners: list[tuple[_Candidate, str]] = field(default_factory=list)

    def add_word(self, word: str) -> None:
        if word not in self.word_names:
            self.words.append(word)
            self.word_names[word] = []
            if len(word) >= 4:
                self.sounds.setdefault(sound_key(word), []).append(word)

    def add_name(
        self,
        words: list[str],
        owner: tuple[_Candidate, str],
        *,
        entity: bool,
        required: list[list[str]],
        surname: list[str] | None,
    ) -> None:
        """Index one form of a listed name. ``required`` are the sets of words any one of which,
        all present, makes a longer name contain this one; a shorter name is this one only if
        it has a word of ``surname``, when the list says which words are the surname or the name
        is a company's (whose telling words are its words less ``GENERIC_WORDS``). A company named
        by generic words alone ("ISLAMIC REPUBLIC OF IRAN SHIPPING LINES") has an empty
        ``surname``: it is found whole or containing all its words, never word by word."""
        normalized = " ".join(sorted(words))
        if len(words) > 1:
            position = len(self.multi_word)
            for word in set(words):
                self.add_word(word)
                self.word_names[word].append(position)
            self.multi_word.append(normalized)
            self.multi_word_owners.append(owner)
            self.required.append(tuple(tuple(words) for words in required if len(words) > 1))
            self.surnames.append(None if surname is None else frozenset(surname))
        elif words:
            position = len(self.single_word)
            self.single_word.append(normalized)
            self.single_word_owners.append(owner)
            if entity and len(normalized) >= ONE_WORD_CONTAINED_LENGTH:
                self.add_word(normalized)
                self.contained_single.setdefault(normalized, []).append(position)


def _folded(words: list[str]) -> list[str]:
    return [transliteration_fold(word) for word in words]


def _telling(words: list[str]) -> list[str]:
    """The words a name must show to be found inside a longer one: no particles, no noise words."""
    return [word for word in words if word not in PARTICLES and word not in NOISE_WORDS]


def _listed_forms(listed_name: str) -> list[tuple[list[str], list[str], list[str]]]:
    """The listed name's words with hyphenated and dotted words split and, if that differs,
    joined; each with the surname's and the given names' words when the list writes
    "SURNAME, Given Names" (else both empty)."""
    surname, comma, given = listed_name.partition(",")
    forms: list[tuple[list[str], list[str], list[str]]] = []
    for join in (False, True):
        surname_words, given_words = name_words(surname, join=join), name_words(given, join=join)
        if comma and surname_words and given_words:
            form = (surname_words + given_words, surname_words, given_words)
        else:
            form = (name_words(listed_name, join=join), [], [])
        if not forms or forms[0][0] != form[0]:
            forms.append(form)
    return forms


def _required(words: list[str], surname: list[str], given: list[str], *, person: bool) -> list[list[str]]:
    """The word sets that make a longer name contain a listed name: all its telling words,
    and for a person listed as "SURNAME, Given Names", the surname and the first given name
    (middle names are left out as often as not). A given word of three letters or fewer is
    part of the first name ("KIM, Jong Un" needs "Un"), and the first name runs to its first
    longer word: the Vietnamese middle names Van and Thi are borne by millions, so
    "NGUYEN, Van Thang" needs "Thang" and "TRAN, Thi Huong" needs "Huong"."""
    required = [_telling(words)]
    if person and len(given) > 1:
        required.append(_telling(surname) + _first_name(given))
    return [_folded(words) for words in required]


def _first_name(given: list[str]) -> list[str]:
    """The words of the given names that make the first name (see ``_required``)."""
    first_long = next((i for i, word in enumerate(given) if len(word) > 3), len(given) - 1)
    return given[: first_long + 1] + [word for word in given[first_long + 1 :] if len(word) <= 3]


def _compact_forms(words: list[str], surname: list[str], given: list[str], *, entity: bool) -> list[str]:
    """A listed name written without spaces, as "VladimirPutin" or "PutinVladimir" would be:
    given names then surname, surname then given names, and the first given name before or
    after the surname. A name listed without a comma is taken without its noise words, in its
    order and reversed; a company's one word of five letters or more is there too, so that
    it is found written in parts ("Sovcom Flot" for "SOVCOMFLOT PJSC")."""
    if not given:
        core = name_core(words)
        if len(core) > 1 or (entity and core and len(core[0]) >= ONE_WORD_CONTAINED_LENGTH):
            return list(dict.fromkeys(["".join(core), "".join(reversed(core))]))
        return []
    first_name = _first_name(given)
    forms = [given + surname, surname + given, first_name + surname, surname + first_name]
    return list(dict.fromkeys("".join(form) for form in forms))


_index: _ListIndex | None = None
_index_lock = threading.Lock()


def _index_build(version: tuple[int, str]) -> _ListIndex:
    index = _ListIndex(version)
    # Names are normalised here rather than read back from the entries, so a list loaded
    # before the normaliser last changed is compared the same way as the names screened.
    rows = (
        SanctionsEntry.objects.filter(sanctions_list_id=version[0])
        .values_list("pk", "uid", "entry_type", "name", "aliases", "dates_of_birth", "countries")
        .iterator(chunk_size=2000)
    )
    for entry_id, uid, entry_type, name, aliases, dates_of_birth, countries in rows:
        candidate = _Candidate(entry_id, uid, tuple(dates_of_birth), frozenset(countries))
        person = entry_type == SanctionsEntry.EntryType.INDIVIDUAL
        for listed_name in [name, *aliases]:
            owner = (candidate, listed_name)
            forms = _listed_forms(listed_name)
            for words, surname, given in forms:
                if not person:
                    surname_words = _folded([word for word in _telling(words) if word not in GENERIC_WORDS])
                elif given:
                    surname_words = _folded(_telling(surname) or surname)
                else:
                    surname_words = None
                required = _required(words, surname, given, person=person)
                index.add_name(
                    _folded(words), owner, entity=not person, required=required, surname=surname_words
                )
                core = name_core(words)
                if core != words:
                    index.add_name(
                        _folded(core),
                        owner,
                        entity=not person,
                        required=[_folded(core)],
                        surname=surname_words,
                    )
            for compact in _compact_forms(*forms[-1], entity=not person):
                index.compact.append(transliteration_fold(compact))
                index.compact_owners.append(owner)
    return index


def _index_current() -> _ListIndex | None:
    global _index
    # The checksum is part of the key: SQLite may give a rolled-back version's pk to the next.
    version = sanctions_list_version()
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
    name_score: float,
    candidate: _Candidate,
    date_of_birth: datetime.date | None,
    country: str | None,
    threshold: int,
) -> int:
    bonus = penalty = 0
    if date_of_birth is not None and candidate.dates_of_birth:
        born = date_of_birth.isoformat()
        if born in candidate.dates_of_birth:
            bonus += DOB_EXACT_BONUS
        elif any(born.startswith(listed) for listed in candidate.dates_of_birth):
            # The list gives only the year (or month), and it agrees.
            bonus += DOB_YEAR_BONUS
        elif not any(listed[:4] == born[:4] for listed in candidate.dates_of_birth):
            penalty += DOB_MISMATCH_PENALTY
    if country and candidate.countries:
        if country.upper() in candidate.countries:
            bonus += COUNTRY_MATCH_BONUS
        else:
            penalty += COUNTRY_MISMATCH_PENALTY
    score = round(name_score + bonus)
    if score >= threshold:
        # Ranks the hit below one whose birth date and country agree, but keeps it a hit.
        score = max(threshold, score - penalty)
    else:
        score -= penalty
    return max(0, min(100, score))


def _similar_words(word: str, index: _ListIndex) -> dict[str, float]:
    """The listed words ``word`` pairs with, and their scores."""
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
    if len(word) >= 4:
        for listed_word in index.sounds.get(sound_key(word), ()):
            spelled = (
                JaroWinkler.normalized_similarity(word, listed_word) * 100 + fuzz.ratio(word, listed_word)
            ) / 2
            if spelled >= SOUND_FLOOR:
                similar[listed_word] = max(similar.get(listed_word, 0), SOUND_SCORE)
    return similar


def _paired(
    words: list[str], listed_words: tuple[str, ...] | list[str], similar: dict
) -> list[tuple[float, str]]:
    """Pair each listed word with a different word (best pairs first); each pair's score and
    listed word."""
    pairs = sorted(
        (
            similar[word].get(listed, 0) if len(word) > 1 else INITIAL_SCORE * listed.startswith(word),
            i,
            j,
        )
        for i, word in enumerate(words)
        for j, listed in enumerate(listed_words)
    )
    paired_words, paired_listed, scores = set(), set(), []
    for score, i, j in reversed(pairs):
        if score >= WORD_MATCH_MIN and i not in paired_words and j not in paired_listed:
            paired_words.add(i)
            paired_listed.add(j)
            scores.append((score, listed_words[j]))
    return scores


class _Scorer:
    """Scores one name's readings against the index, remembering each word's similar words."""

    def __init__(self, index: _ListIndex):
        self.index = index
        self._similar: dict[str, dict[str, float]] = {}

    def similar(self, words: list[str]) -> dict[str, dict[str, float]]:
        for word in words:
            if len(word) > 1 and word not in self._similar:
                self._similar[word] = _similar_words(word, self.index)
        return self._similar

    def word_by_word(self, words: list[str]) -> dict[int, float]:
        """Scores of the multi-word names (by position) every word of ``words`` pairs with."""
        spelled = [word for word in words if len(word) > 1]
        if len(words) < 2 or not spelled:
            return {}
        similar = self.similar(spelled)
        candidates: set[int] | None = None
        for word in spelled:
            found = {p for listed in similar[word] for p in self.index.word_names[listed]}
            candidates = found if candidates is None else candidates & found
        scores = {}
        for position in candidates or ():
            paired = _paired(words, self.index.multi_word[position].split(), similar)
            surname = self.index.surnames[position]
            if len(paired) == len(words) and (surname is None or any(word in surname for _, word in paired)):
                scores[position] = sum(score for score, _ in paired) / len(words)
        return scores

    def containment(self, words: list[str]) -> tuple[dict[int, float], dict[int, float]]:
        """Scores of the multi-word names whose every required word pairs with a word of
        ``words``, and of the one-word entity names one of ``words`` all but is."""
        spelled = [word for word in words if len(word) > 1]
        similar = self.similar(spelled)
        reachable: set[int] = set()
        single: dict[int, float] = {}
        for word in spelled:
            for listed, score in similar[word].items():
                reachable.update(self.index.word_names[listed])
                if score >= ONE_WORD_CONTAINED_MIN:
                    for position in self.index.contained_single.get(listed, ()):
                        single[position] = max(single.get(position, 0), score)
        multi = {}
        for position in reachable:
            for required in self.index.required[position]:
                paired = _paired(spelled, required, similar)
                if len(paired) == len(required):
                    score = sum(score for score, _ in paired) / len(required)
                    multi[position] = max(multi.get(position, 0), score)
        return multi, single


def screening_run(
    *, name: str, date_of_birth: datetime.date | None = None, country: str | None = None
) -> list[ScreeningHit]:
    """Screen a person's or organisation's name against the newest sanctions list.

    Returns the entries scoring at or above ``SANCTIONS_MATCH_THRESHOLD``, best first, one
    hit per entry (under the name or alias that matched best). ``country`` is an ISO 3166
    alpha-2 code. With no list loaded nothing can match: that is logged, and no hit returned.
    """
    readings = name_readings(name)
    if not readings:
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
        score = _adjusted(name_score, candidate, date_of_birth, country, threshold)
        if score >= threshold and score > best.get(candidate.entry_id, (-1,))[0]:
            best[candidate.entry_id] = (score, listed_name, candidate)

    scorer = _Scorer(index)
    for reading in readings:
        words, core = _folded(reading), _folded(name_core(reading))
        query = " ".join(sorted(core))
        # The whole name in sorted word order. A part of a listed name (a given name and
        # patronymic without the surname) is not scored whole: token set scoring would call it
        # a perfect match. Nor is a name without a word like the listed surname: two long
        # given names shared lift any third word close to the line. A company named by generic
        # words alone (no telling word to have) is scored whole, as it has no part to be.
        similar = scorer.similar(core)
        for _, name_score, position in process.extract(
            query,
            index.multi_word,
            scorer=fuzz.token_sort_ratio,
            processor=None,
            score_cutoff=cutoff,
            limit=None,
        ):
            surname = index.surnames[position]
            if not surname or any(surname.intersection(similar.get(word, ())) for word in core):
                consider(name_score, index.multi_word_owners[position])
        for _, name_score, position in process.extract(
            query,
            index.single_word,
            scorer=fuzz.token_sort_ratio,
            processor=None,
            score_cutoff=cutoff,
            limit=None,
        ):
            consider(name_score, index.single_word_owners[position])
        # A name written without spaces spells a listed name's letters give or take one: one
        # of its given names alone ("Fangwei" for "LI, Fangwei") is not it, nor are its given
        # names run together with another word.
        compact = "".join(core)
        for listed_compact, name_score, position in process.extract(
            compact, index.compact, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=None
        ):
            if abs(len(compact) - len(listed_compact)) <= 1:
                consider(name_score, index.compact_owners[position])
        contained, contained_single = scorer.containment(words)
        for scores in (scorer.word_by_word(core), contained):
            for position, name_score in scores.items():
                if name_score >= cutoff:
                    consider(name_score, index.multi_word_owners[position])
        for position, name_score in contained_single.items():
            consider(name_score, index.single_word_owners[position])
    hits = [
        ScreeningHit(candidate.entry_id, candidate.uid, listed_name, score, index.version[0])
        for score, listed_name, candidate in best.values()
    ]
    return sorted(hits, key=lambda hit: (-hit.score, hit.uid))
