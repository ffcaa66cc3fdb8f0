"""Ledger invariants, checked in SQL over the whole database.

1. the entries of each currency sum to zero (and so does every posting);
2. every account's stored balance equals the sum of its entries, and the ``balance_after``
   of its newest entry (system accounts' entries take it from their last-moment update);
3. no customer account is below zero.

Each check is one aggregate query, so it stays fast at millions of entries.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction

from accounts.models import Account, LedgerEntry
from audit import actions
from audit.services import audit_record


@dataclass
class LedgerReport:
    entries: int = 0
    accounts: int = 0
    unbalanced_currencies: list[tuple[str, int]] = field(default_factory=list)
    unbalanced_postings: list[tuple[int, int]] = field(default_factory=list)
    balance_mismatches: list[tuple[int, int, int]] = field(default_factory=list)
    balance_after_mismatches: list[tuple[int, int, int]] = field(default_factory=list)
    negative_customer_accounts: list[tuple[int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.unbalanced_currencies
            or self.unbalanced_postings
            or self.balance_mismatches
            or self.balance_after_mismatches
            or self.negative_customer_accounts
        )


def _rows_of(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


# The statements ledger_verify runs, each a step of its progress.
LEDGER_STEPS = 7


def ledger_verify(*, limit: int = 20, progress=None) -> LedgerReport:
    """Check invariants 1-3; each list holds at most ``limit`` offenders. ``progress`` is
    told of each of its LEDGER_STEPS statements."""
    entry, account = LedgerEntry._meta.db_table, Account._meta.db_table
    report = LedgerReport()

    def _rows(sql):
        found = _rows_of(sql)
        if progress is not None:
            progress(1)
        return found

    report.entries = _rows(f"SELECT COUNT(*) FROM {entry}")[0][0]  # noqa: S608 - table names only
    report.accounts = _rows(f"SELECT COUNT(*) FROM {account}")[0][0]  # noqa: S608
    report.unbalanced_currencies = _rows(
        f"SELECT currency, SUM(amount) FROM {entry} GROUP BY currency "  # noqa: S608
        f"HAVING SUM(amount) <> 0 ORDER BY currency LIMIT {int(limit)}"
    )
    report.unbalanced_postings = _rows(
        f"SELECT posting_id, SUM(amount) FROM {entry} GROUP BY posting_id "  # noqa: S608
        f"HAVING SUM(amount) <> 0 ORDER BY posting_id LIMIT {int(limit)}"
    )
    report.balance_mismatches = _rows(
        f"SELECT a.id, a.balance, COALESCE(e.total, 0) FROM {account} a "  # noqa: S608
        f"LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM {entry} GROUP BY account_id) e "
        f"ON e.account_id = a.id WHERE a.balance <> COALESCE(e.total, 0) ORDER BY a.id LIMIT {int(limit)}"
    )
    # One probe of entry_account_recent_idx per account.
    report.balance_after_mismatches = _rows(
        f"SELECT id, balance, newest FROM (SELECT a.id, a.balance, "  # noqa: S608
        f"(SELECT e.balance_after FROM {entry} e WHERE e.account_id = a.id ORDER BY e.id DESC LIMIT 1) "
        f"AS newest FROM {account} a) balances WHERE newest <> balance ORDER BY id LIMIT {int(limit)}"
    )
    report.negative_customer_accounts = _rows(
        f"SELECT id, balance FROM {account} WHERE customer_id IS NOT NULL AND balance < 0 "  # noqa: S608
        f"ORDER BY id LIMIT {int(limit)}"
    )
    return report


@transaction.atomic
def ledger_verification_record(*, report: LedgerReport, seconds: float) -> None:
    """Keep a verification's outcome in the audit log: the newest one is what /metrics
    reports (bankcore_ledger_verification_ok) and the alerts watch."""
    audit_record(
        action=actions.LEDGER_VERIFIED,
        object_type="ledger",
        after={
            "ok": report.ok,
            "entries": report.entries,
            "accounts": report.accounts,
            "seconds": round(seconds, 2),
        },
    )
