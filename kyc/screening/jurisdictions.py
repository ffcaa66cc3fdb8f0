"""Screening by jurisdiction: comprehensively sanctioned countries and regions.

The list is the system setting ``screening.sanctioned_jurisdictions``, kept by compliance
(every change audited): ISO 3166-1 country codes such as ``IR``, and ISO 3166-2 subdivision
codes for the regions that have no country code of their own, such as ``UA-43`` (Crimea).

A country code matches a country field (a wire's beneficiary country, the IBAN's and the BIC's
country; a KYC profile's residence and nationality). No field carries a subdivision, so a
subdivision matches where an address names it, as a whole word in any case or accent, under
its Latin, Ukrainian or Russian name or its main city (``Simferopol``). Both sides are read in
Latin letters, as the sanctions name matcher reads names: look-alike letters of another
alphabet in a word (a Cyrillic Es for the C of "Crimea") are the Latin ones they pass for,
other scripts are transliterated, and a postcode written against a name ("295000Simferopol")
or digits standing for letters ("Cr1mea") do not hide it. A hit never refuses: it holds the
wire, or marks the KYC profile, for compliance review.
"""

import functools
import re
from dataclasses import dataclass

import pycountry

from bankcore.config import config_get
from kyc.config import SANCTIONED_JURISDICTIONS
from kyc.screening.names import DIGITS_AS_LETTERS, latin_text

# The names an address uses for the subdivisions of the default list, beside ISO 3166-2's own
# (which is only one transliteration): a subdivision compliance adds is found by its ISO name.
_SUBDIVISION_NAMES = {
    "UA-43": ("Crimea", "Krym", "Krim", "Крим", "Крым", "Simferopol", "Сімферополь", "Симферополь"),
    "UA-40": ("Sevastopol", "Sebastopol", "Севастополь"),
    "UA-14": ("Donetsk", "Donetska", "Donetskaya", "Донецьк", "Донецк", "Донецька", "Донецкая"),
    "UA-09": (
        "Luhansk",
        "Lugansk",
        "Luhanska",
        "Luganskaya",
        "Луганськ",
        "Луганск",
        "Луганська",
        "Луганская",
    ),
}

# The short name a hit shows compliance and the customer.
_DISPLAY_NAMES = {"UA-43": "Crimea", "UA-40": "Sevastopol", "UA-14": "Donetsk", "UA-09": "Luhansk"}


@dataclass(frozen=True)
class JurisdictionHit:
    jurisdiction: str  # the listed code: "IR" or "UA-43"
    name: str  # "Iran" or "Crimea"
    field: str  # what matched: "beneficiary_country", "residence_country", "address"…

    def as_dict(self) -> dict:
        return {"jurisdiction": self.jurisdiction, "name": self.name, "field": self.field}


def _words(text: str) -> tuple[str, ...]:
    """The text's words of letters only: digits and underscores separate them, so a postcode
    against a name ("295000Simferopol") leaves the name a word."""
    return tuple(re.findall(r"[^\W\d_]+", latin_text(text)))


def _readings(text: str) -> tuple[tuple[str, ...], ...]:
    """The ways an address may name a place: read by sound and by shape (a Cyrillic Es in
    "Crimea" is there for its shape), each as its words of letters and as its words with
    digits read as the letters they look like ("Cr1mea")."""
    readings = []
    for by_shape in (False, True):
        latin = latin_text(text, by_shape=by_shape)
        readings.append(tuple(re.findall(r"[^\W\d_]+", latin)))
        readings.append(tuple(re.findall(r"[^\W_]+", latin.translate(DIGITS_AS_LETTERS))))
    return tuple(readings)


def jurisdiction_name(code: str) -> str:
    if code in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[code]
    if len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
        return getattr(country, "common_name", None) or country.name
    return pycountry.subdivisions.get(code=code).name


@functools.cache
def _subdivision_phrases(code: str) -> tuple[tuple[str, ...], ...]:
    names = (*_SUBDIVISION_NAMES.get(code, ()), pycountry.subdivisions.get(code=code).name)
    return tuple(_words(name) for name in names)


def _names(text_words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(text_words[start : start + size] == phrase for start in range(len(text_words) - size + 1))


def jurisdiction_screen(*, countries: dict[str, str], addresses: dict[str, str]) -> list[JurisdictionHit]:
    """The listed jurisdictions the given fields match, at most one hit per jurisdiction and
    field, in the order of the fields and the list.

    ``countries`` maps a field's name to the ISO 3166-1 alpha-2 code it holds, ``addresses``
    a field's name to free text.
    """
    listed = config_get(SANCTIONED_JURISDICTIONS)
    hits = [
        JurisdictionHit(jurisdiction=value, name=jurisdiction_name(value), field=field)
        for field, value in countries.items()
        if value and value in listed
    ]
    subdivisions = [code for code in listed if len(code) > 2]
    for field, text in addresses.items():
        readings = _readings(text or "")
        hits.extend(
            JurisdictionHit(jurisdiction=code, name=jurisdiction_name(code), field=field)
            for code in subdivisions
            if any(_names(words, phrase) for words in readings for phrase in _subdivision_phrases(code))
        )
    return hits


def kyc_profile_jurisdiction_hits(*, profile) -> list[dict]:
    """The jurisdiction hits of a KYC profile, as recorded on it when it is submitted."""
    hits = jurisdiction_screen(
        countries={"residence_country": profile.residence_country, "nationality": profile.nationality},
        addresses={"address": profile.address},
    )
    return [hit.as_dict() for hit in hits]
