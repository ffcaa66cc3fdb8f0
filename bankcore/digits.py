"""Numbers, ids and dates a client sends are read from ASCII digits only.

Python's ``int()``, Django's date parsers and DRF's and Django's integer fields read any
Unicode decimal digit: Arabic-Indic (U+0668), full-width (U+FF18), mathematical (U+1D7D6),
Devanagari… and ``str.isdigit()`` also says yes to superscript and circled digits. So an
Arabic-Indic eight would name account 8, and an account number written in such digits would
be stored as sent. No payment rail carries them, and a look-alike number slips past duplicate
checks and searches: every parse of a client's number, id or date checks here first.
"""

import re

ASCII_DIGITS = re.compile(r"[0-9]+")

# More digits than any id or number bankcore reads (BIGINT has 19): refused before int()
# spends time on it.
_MOST_DIGITS = 32


def ascii_digits(text: object) -> bool:
    """Whether ``text`` is a string of one or more of the digits 0-9 and nothing else."""
    return isinstance(text, str) and ASCII_DIGITS.fullmatch(text) is not None


def ascii_whole_number(text: object) -> int | None:
    """The whole number ``text`` writes in ASCII digits (no sign, point or space), or None."""
    if not ascii_digits(text) or len(text) > _MOST_DIGITS:
        return None
    return int(text)


# Primary keys are BIGINT: a larger id names nothing, and comparing one in SQL is an error.
LARGEST_ID = 2**63 - 1
