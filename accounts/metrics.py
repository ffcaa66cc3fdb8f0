"""The accounts app's events in /metrics: deposits and logins, counted as they happen.

The kernel (``bankcore.metrics``) serves them with every other family; the names are what
the dashboards and alert rules read.
"""

from prometheus_client import Counter

from bankcore.metrics import money_counted_on_commit

DEPOSITS = Counter("bankcore_deposits", "Deposits committed, by currency.", ["currency"])
DEPOSIT_AMOUNT = Counter(
    "bankcore_deposit_amount_minor_units",
    "Money deposited by committed deposits, in minor units, by currency.",
    ["currency"],
)
LOGINS = Counter(
    "bankcore_logins",
    "Login attempts (API and admin) by outcome: succeeded, failed or throttled.",
    ["outcome"],
)
for _outcome in ("succeeded", "failed", "throttled"):
    LOGINS.labels(_outcome)  # every outcome is exported from the start, at zero


def deposit_committed(*, currency: str, amount: int) -> None:
    """Count a deposit once its transaction commits (a rolled-back one never happened)."""
    money_counted_on_commit(DEPOSITS, DEPOSIT_AMOUNT, (currency,), amount)


def login_counted(outcome: str) -> None:
    LOGINS.labels(outcome).inc()
