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
