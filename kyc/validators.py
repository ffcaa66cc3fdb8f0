"""Rules for the names a customer declares for KYC."""

from confusable_homoglyphs import confusables

from kyc.errors import LegalNameMixedScript

# Digits, hyphens, apostrophes and combining marks belong to no one alphabet.
_SHARED_SCRIPTS = ["COMMON", "INHERITED"]


def validate_legal_name_single_script(value: str) -> None:
    """Refuse a name with a word that mixes alphabets: a Cyrillic letter among Latin ones
    ("Putin" with a Cyrillic Er) reads as the listed name but is another string, and nobody's
    name is written that way. Words wholly in different alphabets are fine."""
    for word in value.split():
        if confusables.is_mixed_script(word, allowed_aliases=_SHARED_SCRIPTS):
            raise LegalNameMixedScript()
