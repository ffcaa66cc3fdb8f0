"""Account numbers: ten random digits and two ISO 7064 MOD 97-10 check digits.

MOD 97-10 (the IBAN check) catches every single-digit error and every swap of two
adjacent digits, so a mistyped number is refused instead of paying someone else.
"""

import re
import secrets

from stdnum.iso7064 import mod_97_10

_FORMAT = re.compile(r"[0-9]{12}")


def account_number_generate() -> str:
    base = f"{secrets.randbelow(9 * 10**9) + 10**9:010d}"
    return base + mod_97_10.calc_check_digits(base)


def account_number_is_valid(number: str) -> bool:
    # The format comes first: stdnum also reads letters, as IBANs have them.
    return bool(_FORMAT.fullmatch(number or "")) and mod_97_10.is_valid(number)
