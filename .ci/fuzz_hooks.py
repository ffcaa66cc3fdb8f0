"""schemathesis hooks for .ci/fuzz: values for the schema's own string formats.

A format names a rule that JSON Schema cannot state, so a generator that knows the rule
makes values the API accepts; without it nearly every generated value breaks the rule.
"""

import json
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


# German IBANs (8-digit bank code, 10-digit account) with German BICs: the BIC's country is
# the IBAN's, as the API requires of a wire to an IBAN.
_GERMAN_BICS = ["COBADEFFXXX", "DEUTDEFF", "DEUTDEFF500", "MARKDEF1100"]
schemathesis.openapi.format(
    "beneficiary-account",
    st.tuples(st.integers(10**7, 10**8 - 1), st.integers(0, 10**10 - 1)).map(
        lambda parts: _iban("DE", f"{parts[0]:08d}{parts[1]:010d}")
    ),
)
schemathesis.openapi.format("bic", st.sampled_from(_GERMAN_BICS))
schemathesis.openapi.format(
    "aba-routing-number", st.integers(0, 10**8 - 1).map(lambda n: _routing_number(f"{n:08d}"))
)


@schemathesis.hook
def map_body(context, body):
    """A wire names its beneficiary's account one of two ways, and the parts must agree: with
    a routing number, a US account number (and a US BIC, if any); else an IBAN whose country
    is the BIC's, if one is given. Formats are drawn field by field, so a drawn wire is made
    to agree here."""
    operation = context.operation
    if operation is None or operation.path != "/api/wire-transfers" or operation.method.upper() != "POST":
        return body
    if not isinstance(body, dict):
        return body
    routing = body.get("beneficiary_routing_number")
    if isinstance(routing, str) and len(routing) == 9 and routing.isdigit():
        account = body.get("beneficiary_account")
        if isinstance(account, str) and not account.isdigit():
            body["beneficiary_account"] = "".join(ch for ch in account if ch.isdigit())[:17].ljust(4, "0")
        if isinstance(body.get("beneficiary_bic"), str):
            body["beneficiary_bic"] = None
    return body
