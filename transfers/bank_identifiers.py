"""What a wire's beneficiary bank identifiers must be, beyond their check digits.

Pure functions over the IBAN, BIC and ABA rules and schwifty's bank registry (an in-memory
table shipped with the library): no database, so the API's validation and the wire service's
review rules read the same answers.
"""

import functools
import re

from schwifty import IBAN, registry
from stdnum.us import rtn

# A US account number as the Fedwire and ACH rails carry it: 4 to 17 ASCII digits (a \d or
# str.isdigit() would let Arabic-Indic, full-width and other Unicode digits through).
US_ACCOUNT_NUMBER = re.compile(r"[0-9]{4,17}")

# The first two digits of a routing number name its Federal Reserve district: 00-12 for
# banks, 21-32 for thrifts, 61-72 for electronic (ACH) routing, 80 for traveler's cheques.
# Anything else (13-20, 33-60, 73-79, 81-99) is unassigned; 000000000 passes the checksum but
# names no bank.
_ROUTING_PREFIXES = frozenset(
    [f"{prefix:02d}" for prefix in (*range(0, 13), *range(21, 33), *range(61, 73), 80)]
)


def us_account_number_valid(number: str) -> bool:
    return US_ACCOUNT_NUMBER.fullmatch(number) is not None


def routing_number_valid(number: str) -> bool:
    """A 9-digit ABA routing number with a valid check digit and an assigned prefix."""
    return (
        re.fullmatch(r"[0-9]{9}", number) is not None
        and rtn.is_valid(number)
        and number[:2] in _ROUTING_PREFIXES
        and number != "000000000"
    )


def institution(bic: str) -> str:
    """A BIC's first 8 characters: bank, country and location. The optional last three name
    one branch of that same institution."""
    return bic[:8]


def iban_bank_institutions(iban: IBAN) -> frozenset[str]:
    """The institutions (8-character BICs) the registry lists for the IBAN's bank code; empty
    when the registry does not know that bank."""
    bank = iban.bank
    if bank is None:
        return frozenset()
    return frozenset(
        institution(entry.bic)
        for entry in registry.get_banks_by_code(iban.country_code, bank.bank_code)
        if entry.bic
    )


@functools.cache
def _registry_index() -> tuple[frozenset[str], frozenset[str]]:
    """The countries whose banks the registry lists, and every institution it lists (whatever
    its country: an Austrian bank code can belong to a German BIC). Read once, ~0.4 s."""
    banks = [bank for bank in registry.get_all_banks() if bank.bic]
    return (
        frozenset(bank.country_code for bank in banks),
        frozenset(institution(bank.bic) for bank in banks),
    )


def bic_registered(bic: str) -> bool | None:
    """Whether the registry lists the BIC's institution; None when it lists no bank of the
    BIC's country at all (the United States, for one), so it can say nothing about it."""
    countries, institutions = _registry_index()
    if bic[4:6] not in countries:
        return None
    return institution(bic) in institutions
