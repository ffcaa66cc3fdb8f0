"""The matcher's arithmetic at its edges: how a birth date and a country move a score, and the
forms a listed name is indexed under.

Each test pins a line of kyc/screening/matcher.py that could be wrong without the screening tests
noticing (make mutate finds such lines). Most parts are pure: the tests from the one-word company
on load a list and screen names against it.
"""

import datetime
import uuid

import pytest

from kyc.models import SanctionsEntry, SanctionsList
from kyc.screening.matcher import (
    COUNTRY_MATCH_BONUS,
    COUNTRY_MISMATCH_PENALTY,
    DOB_EXACT_BONUS,
    DOB_MISMATCH_PENALTY,
    DOB_YEAR_BONUS,
    _adjusted,
    _Candidate,
    _compact_forms,
    _first_name,
    _listed_forms,
    _ListIndex,
    _paired,
    _required,
    _similar_words,
    screening_run,
)

THRESHOLD = 85


def fresh_checksum() -> str:
    # The matcher keeps a list version's index by (pk, checksum), and SQLite hands a rolled-back
    # version's pk to the next: each test's list needs a checksum of its own.
    return uuid.uuid4().hex * 2


BORN = datetime.date(1952, 10, 7)


def candidate(dates=(), countries=()):
    return _Candidate(entry_id=1, uid=1, dates_of_birth=tuple(dates), countries=frozenset(countries))


def test_the_points_are_what_the_module_documents():
    assert (DOB_EXACT_BONUS, DOB_YEAR_BONUS, DOB_MISMATCH_PENALTY) == (5, 3, 15)
    assert (COUNTRY_MATCH_BONUS, COUNTRY_MISMATCH_PENALTY) == (3, 5)


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["1952-10-07"], 80 + 5),  # the same day
        (["1952"], 80 + 3),  # the list gives the year only, and it agrees
        (["1952-10"], 80 + 3),  # the year and month, and they agree
        (["1952-03-01"], 80),  # the same year, another day: no points either way
        (["1960-10-07"], 80 - 15),  # another year
        (["1960", "1952-10-07"], 80 + 5),  # one of several agrees
        ([], 80),  # the list gives none
    ],
)
def test_a_birth_date_moves_a_score_below_the_line(dates, expected):
    assert _adjusted(80, candidate(dates), BORN, None, THRESHOLD) == expected


def test_no_birth_date_given_moves_nothing():
    assert _adjusted(80, candidate(["1960-01-01"]), None, None, THRESHOLD) == 80


@pytest.mark.parametrize(("country", "expected"), [("ru", 83), ("RU", 83), ("FR", 75), ("", 80), (None, 80)])
def test_a_country_moves_a_score_below_the_line(country, expected):
    assert _adjusted(80, candidate(countries={"RU"}), None, country, THRESHOLD) == expected


def test_a_clash_never_takes_a_hit_under_the_line_but_ranks_it_lower():
    clashing = candidate(["1960-01-01"], {"RU"})
    assert _adjusted(90, clashing, BORN, "FR", THRESHOLD) == THRESHOLD
    assert _adjusted(100, clashing, BORN, "FR", THRESHOLD) == THRESHOLD
    assert _adjusted(100, candidate(countries={"RU"}), None, "FR", THRESHOLD) == 100 - 5
    assert _adjusted(THRESHOLD, clashing, BORN, "FR", THRESHOLD) == THRESHOLD


def test_bonuses_lift_a_near_miss_over_the_line_and_scores_stay_within_0_and_100():
    agreeing = candidate(["1952-10-07"], {"RU"})
    assert _adjusted(THRESHOLD - 8, agreeing, BORN, "RU", THRESHOLD) == THRESHOLD
    assert _adjusted(99, agreeing, BORN, "RU", THRESHOLD) == 100
    assert _adjusted(10, candidate(["1960"], {"RU"}), BORN, "FR", THRESHOLD) == 0


def test_a_score_is_rounded_to_the_nearest_point():
    assert _adjusted(84.5, candidate(), None, None, THRESHOLD) == 84
    assert _adjusted(84.6, candidate(), None, None, THRESHOLD) == 85


@pytest.mark.parametrize(
    ("given", "first"),
    [
        (["vladimir", "vladimirovich"], ["vladimir"]),
        (["jong", "un"], ["jong", "un"]),
        (["van", "thang"], ["van", "thang"]),
        (["thi", "huong", "lan"], ["thi", "huong", "lan"]),
        (["thi", "huong", "maria"], ["thi", "huong"]),
        (["ali"], ["ali"]),
        (["abu", "bakr"], ["abu", "bakr"]),
        (["john", "paul", "li"], ["john", "li"]),
    ],
)
def test_the_first_name_runs_to_its_first_word_of_four_letters_or_more(given, first):
    assert _first_name(given) == first


def test_a_person_listed_surname_first_is_required_whole_or_by_surname_and_first_name():
    words = ["putin", "vladimir", "vladimirovich"]
    assert _required(words, ["putin"], ["vladimir", "vladimirovich"], person=True) == [
        ["putin", "vladimir", "vladimirovich"],
        ["putin", "vladimir"],
    ]
    assert _required(["kim", "un"], ["kim"], ["un"], person=True) == [["kim", "un"]]
    assert _required(words, ["putin"], ["vladimir", "vladimirovich"], person=False) == [words]


def test_compact_forms_of_a_person_and_of_a_company():
    assert _compact_forms(
        ["putin", "vladimir", "vladimirovich"], ["putin"], ["vladimir", "vladimirovich"], entity=False
    ) == ["vladimirvladimirovichputin", "putinvladimirvladimirovich", "vladimirputin", "putinvladimir"]
    assert _compact_forms(["sovcomflot"], [], [], entity=True) == ["sovcomflot"]
    assert _compact_forms(["rosn"], [], [], entity=True) == []
    assert _compact_forms(["sovcomflot"], [], [], entity=False) == []


def test_each_listed_word_pairs_with_a_different_word_best_first():
    similar = {"putin": {"putin": 100.0}, "vladimir": {"vladimir": 100.0, "vladimirovich": 86.0}}
    assert _paired(["vladimir", "putin"], ["putin", "vladimir", "vladimirovich"], similar) == [
        (100.0, "putin"),
        (100.0, "vladimir"),
    ]
    # An initial pairs with a word it begins, at INITIAL_SCORE; with none, with nothing.
    assert _paired(["v", "putin"], ["putin", "vladimir"], similar) == [(100.0, "putin"), (90, "vladimir")]
    assert _paired(["x", "putin"], ["putin", "vladimir"], similar) == [(100.0, "putin")]
    # A pair below WORD_MATCH_MIN is no pair.
    assert _paired(["vladimir"], ["vladimirovich"], {"vladimir": {"vladimirovich": 84.9}}) == []
    assert _paired(["vladimir"], ["vladimirovich"], {"vladimir": {"vladimirovich": 85.0}}) == [
        (85.0, "vladimirovich")
    ]


def test_a_listed_name_is_indexed_split_and_joined_only_when_the_two_differ():
    assert _listed_forms("PUTIN, Vladimir Vladimirovich") == [
        (["putin", "vladimir", "vladimirovich"], ["putin"], ["vladimir", "vladimirovich"])
    ]
    assert _listed_forms("GUZMAN-LOERA, Joaquin") == [
        (["guzman", "loera", "joaquin"], ["guzman", "loera"], ["joaquin"]),
        (["guzmanloera", "joaquin"], ["guzmanloera"], ["joaquin"]),
    ]
    assert _listed_forms("SOVCOMFLOT PJSC") == [(["sovcomflot", "pjsc"], [], [])]


def test_a_listed_name_with_nothing_on_one_side_of_its_comma_is_taken_whole():
    # Only "SURNAME, Given Names" with words on both sides has a surname and given names: a
    # list row with an empty side (as a malformed file may hold) is one name without parts.
    assert _listed_forms(", Vladimir Putin") == [(["vladimir", "putin"], [], [])]
    assert _listed_forms("PUTIN,") == [(["putin"], [], [])]


def test_a_word_that_sounds_like_a_listed_one_pairs_at_the_sound_score():
    index = _ListIndex(version=(1, "checksum"))
    for word in ("putin", "patton"):
        index.add_word(word)
    # "Poetin" is spelled 78 alike "Putin" (over the floor of 72), "Patton" only 64.
    assert _similar_words("poetin", index) == {"putin": 95}
    assert _similar_words("putin", index) == {"putin": 100.0}
    # Four letters are enough to be heard: "Patn" sounds like both and is spelled 74 alike "Putin".
    assert _similar_words("patn", index) == {"putin": 95, "patton": 95}


def test_a_listed_word_of_four_letters_is_heard():
    index = _ListIndex(version=(1, "checksum"))
    index.add_word("jong")
    # "Jang" is spelled under the word minimum like "Jong", and sounds like it.
    assert _similar_words("jang", index) == {"jong": 95}


@pytest.mark.django_db
def test_a_one_word_company_is_found_inside_a_longer_name_and_a_one_word_person_is_not():
    version = SanctionsList.objects.create(source="test", checksum=fresh_checksum(), entry_count=2)
    SanctionsEntry.objects.create(sanctions_list=version, uid=1, name="ROSNEFT", entry_type="entity")
    SanctionsEntry.objects.create(sanctions_list=version, uid=2, name="ROSNEFT", entry_type="individual")
    [hit] = screening_run(name="Bright Rosneft Limited")
    assert (hit.uid, hit.listed_name, hit.score) == (1, "ROSNEFT", 100)


@pytest.mark.django_db
def test_a_one_word_company_is_found_inside_a_longer_name_by_a_word_that_sounds_like_it():
    version = SanctionsList.objects.create(source="test", checksum=fresh_checksum(), entry_count=1)
    SanctionsEntry.objects.create(sanctions_list=version, uid=1, name="ROSNEFT", entry_type="entity")
    # "Rosnefd" sounds like "Rosneft": it pairs at SOUND_SCORE (95), the least a word inside a
    # longer name must score to be the company.
    [hit] = screening_run(name="Bright Rosnefd Limited")
    assert (hit.uid, hit.score) == (1, 95)


@pytest.mark.django_db
def test_a_company_listed_with_its_legal_form_is_found_by_its_one_telling_word_inside_a_longer_name():
    version = SanctionsList.objects.create(source="test", checksum=fresh_checksum(), entry_count=1)
    SanctionsEntry.objects.create(sanctions_list=version, uid=1, name="ROSNEFT PJSC", entry_type="entity")
    [hit] = screening_run(name="Bright Rosneft Limited")
    assert (hit.uid, hit.listed_name, hit.score) == (1, "ROSNEFT PJSC", 100)


@pytest.fixture
def kovalenko(db):
    version = SanctionsList.objects.create(source="test", checksum=fresh_checksum(), entry_count=1)
    return SanctionsEntry.objects.create(
        sanctions_list=version,
        uid=7,
        name="KOVALENKO, Dmitry Sergeyevich",
        entry_type="individual",
        dates_of_birth=["1961-05-02"],
        countries=["UA"],
    )


def test_a_birth_date_and_a_country_lift_a_name_up_to_eight_points_under_the_line(settings, kovalenko):
    # "Dima Kovalenko" scores 57 against the listed name (sorted words); nothing else pairs.
    settings.SANCTIONS_MATCH_THRESHOLD = 57 + DOB_EXACT_BONUS + COUNTRY_MATCH_BONUS
    assert screening_run(name="Dima Kovalenko") == []
    [hit] = screening_run(name="Dima Kovalenko", date_of_birth=datetime.date(1961, 5, 2), country="UA")
    assert (hit.uid, hit.score) == (7, 65)


def test_a_threshold_of_zero_makes_every_name_considered_a_hit(settings, kovalenko):
    settings.SANCTIONS_MATCH_THRESHOLD = 0
    # As long as the listed name written without spaces, and without one letter of it.
    [hit] = screening_run(name="Zzzzzzzzzzzzzzz")
    assert (hit.uid, hit.score) == (7, 0)


def test_a_word_scoring_exactly_the_word_minimum_pairs():
    index = _ListIndex(version=(1, "checksum"))
    index.add_word("abcdab")
    # Jaro-Winkler and Indel similarity average to exactly WORD_MATCH_MIN (85) for this pair.
    assert _similar_words("acda", index) == {"abcdab": 85.0}


def test_hits_come_best_first(kovalenko):
    SanctionsEntry.objects.create(
        sanctions_list=kovalenko.sanctions_list,
        uid=3,
        name="KOVALENKO, Dmitry",
        entry_type="individual",
        countries=["RU"],
    )
    hits = screening_run(name="Dmitry Sergeyevich Kovalenko", country="UA")
    assert [(hit.uid, hit.score) for hit in hits] == [(7, 100), (3, 95)]


@pytest.fixture
def putin(db):
    version = SanctionsList.objects.create(source="test", checksum=fresh_checksum(), entry_count=1)
    return SanctionsEntry.objects.create(
        sanctions_list=version,
        uid=36735,
        name="PUTIN, Vladimir Vladimirovich",
        entry_type="individual",
        dates_of_birth=["1952-10-07"],
        countries=["RU"],
    )


def test_a_name_held_word_by_word_eight_points_under_the_line_is_lifted_to_a_hit(settings, putin):
    # "V. Putik" is held word by word only: the initial pairs with "Vladimir" at 90, "Putik"
    # with "Putin" at 86, the mean is 88. A word-by-word score is never under WORD_MATCH_MIN
    # (85), so only a strict threshold (93 or more) puts one exactly eight points under it.
    settings.SANCTIONS_MATCH_THRESHOLD = 88
    [hit] = screening_run(name="V. Putik")
    assert (hit.uid, hit.score) == (36735, 88)
    settings.SANCTIONS_MATCH_THRESHOLD = 88 + DOB_EXACT_BONUS + COUNTRY_MATCH_BONUS
    assert screening_run(name="V. Putik") == []
    [hit] = screening_run(name="V. Putik", date_of_birth=BORN, country="RU")
    assert (hit.uid, hit.score) == (36735, 96)


@pytest.mark.parametrize(
    ("listed_name", "entry_type", "name", "score"),
    [
        # A company named by generic words alone has no telling word to look for. Without
        # "Lines" it is not contained, and such a name is never held word by word.
        ("ISLAMIC REPUBLIC OF IRAN SHIPPING LINES", "entity", "Islamic Republic of Iran Shipping", 91),
        # A person listed without a comma: the list does not say which word is the surname.
        # "Kova Lenko" pairs with no listed word, and written without spaces it is in another order.
        ("Dmitry Sergeyevich Kovalenko", "individual", "Kova Lenko Dmitry Sergeyevich", 98),
    ],
)
def test_a_listed_name_with_no_surname_word_is_found_whole(
    settings, db, listed_name, entry_type, name, score
):
    settings.SANCTIONS_MATCH_THRESHOLD = 90
    version = SanctionsList.objects.create(source="test", checksum=fresh_checksum(), entry_count=1)
    SanctionsEntry.objects.create(sanctions_list=version, uid=1, name=listed_name, entry_type=entry_type)
    [hit] = screening_run(name=name)
    assert (hit.uid, hit.listed_name, hit.score) == (1, listed_name, score)


def test_a_name_without_a_word_like_the_listed_surname_is_not_found_whole(settings, putin):
    settings.SANCTIONS_MATCH_THRESHOLD = 90
    # In sorted word order "Vladimir Vladimirovich Pushkin" is 93 like the listed name: the two
    # long given names carry it. "Pushkin" is not "Putin", so the whole name is not scored.
    assert screening_run(name="Vladimir Vladimirovich Pushkin") == []
    [hit] = screening_run(name="Vladimir Vladimirovich Puttin")
    assert (hit.uid, hit.score) == (36735, 98)


@pytest.mark.parametrize("name", ["VladimirPutn", "VladimirPutinn", "PutinVladimi"])
def test_a_name_written_without_spaces_may_lack_or_add_one_letter(putin, name):
    [hit] = screening_run(name=name)
    assert hit.uid == 36735


@pytest.mark.django_db
def test_a_word_of_two_letters_pairs_by_its_spelling_not_as_an_initial():
    version = SanctionsList.objects.create(source="test", checksum=fresh_checksum(), entry_count=1)
    SanctionsEntry.objects.create(
        sanctions_list=version, uid=20130, name="KIM, Jong Un", entry_type="individual"
    )
    # Word by word: "Kim" 100, "Jung" sounds like "Jong" (95), "Un" is "Un" (100, where an
    # initial would pair at 90): 98.
    [hit] = screening_run(name="Kim Jung Un")
    assert (hit.uid, hit.score) == (20130, 98)
