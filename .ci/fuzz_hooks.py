"""schemathesis hooks for .ci/fuzz: values for the schema's own string formats.

A format names a rule that JSON Schema cannot state, so a generator that knows the rule
makes values the API accepts; without it nearly every generated value breaks the rule.
"""

import json
import unicodedata
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

# Written by .ci/fuzz's seeding step, before schemathesis starts.
SEEDED_CUSTOMERS = Path("var/fuzz/customers.json")


def _account_number(base: int) -> str:
    # ISO 7064 MOD 97-10, as accounts.numbers makes them.
    digits = f"{base:010d}"
    return digits + f"{98 - (int(digits) * 100) % 97:02d}"


seeded_numbers = [
    account["account_number"]
    for customer in json.loads(SEEDED_CUSTOMERS.read_text())["customers"]
    for account in customer["accounts"]
]
# Existing accounts reach the ledger's rules and move money; made-up ones its refusals.
schemathesis.openapi.format(
    "account-number",
    st.sampled_from(seeded_numbers) | st.integers(0, 10**10 - 1).map(_account_number),
)


def _iban(country: str, bank_and_account: str) -> str:
    # ISO 13616: check digits make the rearranged number 1 modulo 97.
    digits = "".join(str(int(char, 36)) for char in bank_and_account + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bank_and_account}"


def _routing_number(first_eight: str) -> str:
    # ABA: 3, 7, 1 weights over nine digits sum to a multiple of 10.
    weights = [3, 7, 1] * 3
    total = sum(int(d) * w for d, w in zip(first_eight, weights, strict=False))
    return first_eight + str((10 - total % 10) % 10)


# German IBANs of banks the bank directory (schwifty's registry) knows, each with its own BIC:
# a BIC given with an IBAN must be the IBAN's bank's.
_GERMAN_BANKS = {
    "37040044": "COBADEFFXXX",
    "10070000": "DEUTDEBBXXX",
    "50070010": "DEUTDEFFXXX",
    "20041111": "COBADEHDXXX",
}
schemathesis.openapi.format(
    "beneficiary-account",
    st.tuples(st.sampled_from(sorted(_GERMAN_BANKS)), st.integers(0, 10**10 - 1)).map(
        lambda parts: _iban("DE", f"{parts[0]}{parts[1]:010d}")
    ),
)
schemathesis.openapi.format("bic", st.sampled_from(sorted(_GERMAN_BANKS.values())))
# A routing number starts with a prefix the Federal Reserve assigns (00-12, 21-32, 61-72, 80)
# and is not all zeros.
_ROUTING_PREFIXES = [f"{n:02d}" for n in [*range(0, 13), *range(21, 33), *range(61, 73), 80]]
schemathesis.openapi.format(
    "aba-routing-number",
    st.tuples(st.sampled_from(_ROUTING_PREFIXES), st.integers(1, 10**6 - 1)).map(
        lambda parts: _routing_number(f"{parts[0]}{parts[1]:06d}")
    ),
)


# Free text (bankcore.api.fields.FreeTextField): its pattern names the refused characters of
# the Basic Multilingual Plane only, so a generator drawing UTF-16 surrogates from it makes
# characters above U+FFFF that the field refuses (unassigned ones, private use, tags). These are
# the field's refusals, as bankcore/tests/project/test_fuzz_hooks.py keeps them.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"})
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
BLANK_LOOKALIKES = frozenset({"\u2800"})
MAX_COMBINING_MARKS = 3


def _free_text_character(character: str) -> bool:
    if unicodedata.category(character) in REFUSED_CATEGORIES or character in BLANK_LOOKALIKES:
        return False
    return not any(start <= ord(character) <= end for start, end in DEFAULT_IGNORABLE)


def _few_marks(text: str) -> bool:
    run = 0
    for character in unicodedata.normalize("NFD", text):
        run = run + 1 if unicodedata.category(character) in {"Mn", "Mc", "Me"} else 0
        if run > MAX_COMBINING_MARKS:
            return False
    return True


schemathesis.openapi.format(
    "free-text",
    st.text(st.characters(codec="utf-8").filter(_free_text_character), min_size=1).filter(_few_marks),
)


@schemathesis.hook
def before_call(context, case, **kwargs):
    """A wire names its beneficiary's account one of two ways, and the parts must agree: with
    a routing number, a US account number (and no BIC); else an IBAN in the beneficiary's
    country, with its own bank's BIC if one is given. Formats are drawn field by field, and the
    coverage phase varies one field of the schema's example at a time, so every wire is made
    to agree here, just before it is sent, whatever phase drew it."""
    operation = context.operation
    if operation is None or operation.path != "/api/wire-transfers" or operation.method.upper() != "POST":
        return
    if isinstance(case.body, dict):
        _agreeing_wire(case.body)


def _agreeing_wire(body: dict) -> dict:
    routing = body.get("beneficiary_routing_number")
    if isinstance(routing, str) and len(routing) == 9 and routing.isdigit():
        account = body.get("beneficiary_account")
        if isinstance(account, str) and not account.isdigit():
            body["beneficiary_account"] = "".join(ch for ch in account if ch.isdigit())[:17].ljust(4, "0")
        if isinstance(body.get("beneficiary_bic"), str):
            body["beneficiary_bic"] = None
        return body
    # An IBAN's beneficiary is in the IBAN's country, and a BIC given is the IBAN's bank's.
    iban = body.get("beneficiary_account")
    if isinstance(iban, str) and iban[:2] == "DE" and iban[4:12] in _GERMAN_BANKS:
        if isinstance(body.get("beneficiary_country"), str):
            body["beneficiary_country"] = "DE"
        if isinstance(body.get("beneficiary_bic"), str):
            body["beneficiary_bic"] = _GERMAN_BANKS[iban[4:12]]
    return body
