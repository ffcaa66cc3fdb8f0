"""Rules for the email addresses users sign in with, for every form that sets one."""

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError

# Digits, hyphens and combining marks belong to no one alphabet.
_SHARED_SCRIPTS = ["COMMON", "INHERITED"]


def validate_email_not_lookalike(value: str) -> None:
    """Refuse an address that can pass for another one in a list of customers.

    Its local part must be ASCII (with a long s, U+017F, "customer" is another address
    that reads the same), and each label of its domain must keep to one alphabet (a
    Cyrillic a, U+0430, in "bankcore" makes another domain); a domain label wholly in
    one other alphabet is fine.
    """
    local_part, _, domain = value.rpartition("@")
    if not local_part.isascii():
        raise ValidationError(
            "Use only ASCII letters, digits and symbols before the @: others can pass for them.",
            code="email_lookalike",
        )
    for label in domain.split("."):
        if confusables.is_mixed_script(label, allowed_aliases=_SHARED_SCRIPTS):
            raise ValidationError(
                "Each part of the domain must keep to one alphabet: a mix can pass for another domain.",
                code="email_lookalike",
            )
