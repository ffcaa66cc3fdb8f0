"""schemathesis hooks for .ci/fuzz: values for the schema's own string formats.

A format names a rule that JSON Schema cannot state, so a generator that knows the rule
makes values the API accepts; without it nearly every generated value breaks the rule.
"""

import schemathesis
from hypothesis import strategies as st


def _account_number(base: int) -> str:
    # ISO 7064 MOD 97-10, as accounts.numbers makes them.
    digits = f"{base:010d}"
    return digits + f"{98 - (int(digits) * 100) % 97:02d}"


schemathesis.openapi.format("account-number", st.integers(0, 10**10 - 1).map(_account_number))
