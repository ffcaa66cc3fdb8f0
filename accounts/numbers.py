"""Account numbers: ten random digits and two ISO 7064 MOD 97-10 check digits.

MOD 97-10 (the IBAN check) catches every single-digit error and every swap of two
adjacent digits, so a mistyped number is refused instead of paying someone else.
"""

import re
import secrets

_FORMAT = re.compile(r"[0-9]{12}")


def _check_digits(base: str) -> str:
    return f"{98 - (int(base) * 100) % 97:02d}"


def account_number_generate() -> str:
    base = f"{secrets.randbelow(9 * 10**9) + 10**9:010d}"
    return base + _check_digits(base)


def account_number_is_valid(number: str) -> bool:
    return bool(_FORMAT.fullmatch(number or "")) and int(number) % 97 == 1
