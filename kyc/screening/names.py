"""Names as the sanctions matcher reads them: Latin lower-case words, by sound and by shape.

A name is read twice when it has a word outside ASCII:

- by sound: the word is transliterated (Cyrillic "Путин" is "putin", Greek "Αλέξης" is "alexis");
- by shape: each letter is replaced by the Latin letter it is drawn like, its prototype in
  Unicode's confusables.txt (the UTS #39 skeleton). "PUTIN" written in Lisu capitals (U+A4D1
  U+A4F4 U+A4D4 U+A4F2 U+A4E0) reads so; transliterated by sound it would be "budin".

The matcher screens both readings and keeps the better score. A word wholly in a script that
exists mainly to be drawn like Latin letters (Lisu, Cherokee, Canadian syllabics, Coptic…)
is read by shape only: no listed name is spelled in those scripts, and their sound reading only
adds noise. Case, accents, punctuation, digits standing for letters ("Put1n") are dropped.

Words that say what a party is rather than who (titles, generational suffixes, legal forms)
are ``NOISE_WORDS``: a listed name is found beside them, and they never make a name match.
"""

import functools
import re
import unicodedata

import jellyfish
import pycountry
from anyascii import anyascii
from confusable_homoglyphs import categories, confusables

# Titles and honorifics, generational suffixes, and legal-form and company words, as they
# read after normalising ("L.L.C." is "llc" once its dots are joined; "&" is punctuation).
_TITLES = "mr mrs ms miss mister madam madame mme mlle dr doctor prof professor sir dame lord lady"
_HONORIFICS = "sheikh shaikh sheik shaykh haji hajji hadji sayyid sayed sayyed mullah imam herr frau sig sra"
_SUFFIXES = "jr sr snr jnr junior senior ii iii iv esq"
_LEGAL_FORMS = (
    "holding holdings group grp llc llp lp ltd limited co cos company companies corp corporation inc"
    " incorporated gmbh mbh ag kg sa sas sarl srl spa bv nv plc pte pty oao ooo zao pao ao jsc ojsc"
    " cjsc pjsc fzco fze fzc wll foundation trust and the of"
)
NOISE_WORDS = frozenset(" ".join([_TITLES, _HONORIFICS, _SUFFIXES, _LEGAL_FORMS]).split())
# Particles that join a surname in Arabic, Spanish, Dutch and German names: written or left out
# at will ("Bashar Assad" is "AL-ASSAD, Bashar"), so a listed name is found without them.
PARTICLES = frozenset(
    "al el ul ad as ash at az bin ibn bint ben de del der la van von da di".split()  # noqa: SIM905
)

# Words that say what trade or which country a company is in, not which company it is: a
# listed company is found by its other words ("Bank Melli" for "BANK MELLI IRAN"), never by
# these alone ("Bank of Iran", "Shipping Lines Ltd", "Korea General Corporation").
_TRADES = (
    "bank banking banks trading trade traders shipping ship ships lines line navigation maritime marine"
    " general industrial industries industry development developments international national import export"
    " imports exports services service energy oil gas petroleum petrochemical petrochemicals investment"
    " investments finance financial commercial insurance airline airlines airways air aviation steel metals"
    " mining logistics transport transportation construction engineering technology technologies"
    " enterprise enterprises partners management capital resources equipment chemical chemicals"
    " electronics products manufacturing agency exchange credit savings fund corporation union"
    " islamic democratic peoples people state federal central korean iranian russian chinese syrian"
)
GENERIC_WORDS = frozenset(_TRADES.split()) | frozenset(
    word
    for country in pycountry.countries
    for label in ("name", "official_name", "common_name")
    for word in anyascii(getattr(country, label, "")).casefold().replace(",", " ").split()
    if word.isalpha()
)
# Scripts whose letters are read by shape only (confusable_homoglyphs' script aliases).
LOOKALIKE_SCRIPTS = frozenset({"LISU", "CHEROKEE", "CANADIAN_ABORIGINAL", "COPTIC", "OSAGE", "VAI"})
# Digits and punctuation belong to no one alphabet.
_SHARED_SCRIPTS = frozenset({"COMMON", "INHERITED"})
# Digits written for the letters they look like, in a word that has letters too. A one is
# drawn like an i and like an l: a name is read with each ("Cabe11o", "Put1n").
DIGITS_AS_LETTERS = str.maketrans("0134578", "oieastb")
_DIGITS_AS_LETTERS_ONE_L = str.maketrans("0134578", "oleastb")
# Unicode's data marks a right-to-left prototype with left-to-right marks around it.
_DIRECTION_MARKS = "\u200e\u200f"


@functools.cache
def _prototype(char: str) -> str:
    """The character ``char`` is drawn like, per confusables.txt, or ``char`` itself.

    confusable-homoglyphs ships confusables.txt as pairs in both directions: a character that
    maps to a prototype lists only that prototype, while a prototype lists all that map to it.
    ASCII is its own prototype here: the names screened against are Latin ("m" is not "rn").
    """
    if char.isascii():
        return char
    found = confusables.confusables_data.get(char)
    if not found or len(found) != 1:
        return char
    target = found[0]["c"].strip(_DIRECTION_MARKS)
    pointed_at = confusables.confusables_data.get(target, ())
    if len(target) == 1 and len(pointed_at) == 1 and not target.isascii():
        # A pair of two characters only: the direction is unknown, and neither is Latin.
        return char
    return target


def skeleton(word: str) -> str:
    """The word with each character replaced by its prototype (UTS #39), decomposed.

    The prototype of a stroke (capital I, small l, Lisu I, Cyrillic palochka…) is a small l;
    a stroke that is not itself a small letter is read as a capital I in a word with no small
    letters ("VLADIMIR" in Lisu) and as an l beside small ones (a Cyrillic capital I before a
    small one reads "li").
    """
    decomposed = unicodedata.normalize("NFD", word)
    prototypes = [_prototype(char) for char in decomposed]
    small_letters = any(
        char.islower() for char, prototype in zip(decomposed, prototypes, strict=True) if prototype != "l"
    )
    read = [
        "I" if prototype == "l" and not small_letters and unicodedata.category(char) != "Ll" else prototype
        for char, prototype in zip(decomposed, prototypes, strict=True)
    ]
    return unicodedata.normalize("NFD", "".join(read))


def _read_by_shape_only(word: str) -> bool:
    scripts = {categories.alias(char) for char in word} - _SHARED_SCRIPTS
    return bool(scripts) and scripts <= LOOKALIKE_SCRIPTS


def _read_word(word: str, *, by_shape: bool) -> str:
    if word.isascii():
        return word
    if by_shape or _read_by_shape_only(word):
        return skeleton(word)
    # A word that mixes scripts is read by sound here and by shape in the other reading: a
    # Cyrillic Er in a Latin word is there for its shape ("\u0420utin"), Cyrillic letters with
    # no Latin look-alike for their sound ("Py\u0442\u0438\u043d").
    return word


def latin_text(text: str, *, by_shape: bool = False) -> str:
    """The text in Latin lower case without accents, punctuation kept: a word in a look-alike
    alphabet or mixing alphabets read by its shape, any other script transliterated."""
    words = [_read_word(word, by_shape=by_shape) for word in unicodedata.normalize("NFKC", text).split()]
    return anyascii(" ".join(words)).casefold()


def name_words(name: str, *, join: bool, by_shape: bool = False, one_as_l: bool = False) -> list[str]:
    """The name's words in Latin lower case, in their order. With ``join``, a hyphen or a dot
    inside a word does not split it ("Pu-tin" is "putin"); with ``one_as_l`` a one among
    letters reads as an l, else as an i."""
    # An apostrophe joins its word ("O'Neill" is "oneill"); other punctuation separates words.
    text = re.sub(r"['`]", "", latin_text(name, by_shape=by_shape))
    if join:
        text = re.sub(r"(?<=[^\W_])[.-](?=[^\W_])", "", text)
    digits = _DIGITS_AS_LETTERS_ONE_L if one_as_l else DIGITS_AS_LETTERS
    return [
        word if word.isalpha() or word.isdigit() else word.translate(digits)
        for word in re.findall(r"[^\W_]+", text)
    ]


def name_readings(name: str) -> list[list[str]]:
    """The name's distinct readings as word lists: by sound and by shape, each with hyphenated
    and dotted words split and joined, and a one among letters read as an i and as an l."""
    readings = {
        tuple(name_words(name, join=join, by_shape=by_shape, one_as_l=one_as_l))
        for by_shape in (False, True)
        for join in (False, True)
        for one_as_l in (False, "1" in name)
    }
    return [list(words) for words in sorted(readings) if words]


def name_core(words: list[str]) -> list[str]:
    """The words that say who the party is: ``words`` without noise words, unless that leaves none."""
    core = [word for word in words if word not in NOISE_WORDS]
    return core or words


def name_normalize(name: str) -> str:
    """The name as the matcher compares it: Latin lower case, no accents or punctuation, words sorted."""
    return " ".join(sorted(name_words(name, join=False)))


# Spellings that transliterations of one name differ by (German, French, Polish and English
# renderings of Cyrillic and Arabic): "Medwedjew" is "Medvedev", "Prigojine" is "Prigozhin".
_TRANSLITERATION_FOLDS = [
    ("tsch", "ch"),
    ("sch", "sh"),
    ("zh", "j"),
    ("kh", "h"),
    ("ph", "f"),
    ("dh", "d"),
    ("w", "v"),
    ("ou", "u"),
    ("je", "ye"),
    ("ij", "iy"),
]


def transliteration_fold(word: str) -> str:
    """The word with the letters that transliterations render differently written one way."""
    for spelling, folded in _TRANSLITERATION_FOLDS:
        word = word.replace(spelling, folded)
    return word


def sound_key(word: str) -> str:
    """The word's Metaphone key (jellyfish): transliterations of one name share it
    ("Putin" and "Poetin", "Mohammed" and "Muhammad", "Aleksandr" and "Alexander"). Metaphone
    keeps a first vowel as written; here any first vowel is an A, as transliterations differ
    there most ("Usama" and "Osama", "Oleksandr" and "Alexander")."""
    key = jellyfish.metaphone(word)
    return "A" + key[1:] if key[:1] in ("E", "I", "O", "U") else key
