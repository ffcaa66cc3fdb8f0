"""The ledger: the one place money moves.

``postings`` holds the services (``posting_create``, ``posting_bulk_create``,
``ledger_transaction``), ``rules`` what a posting must be and what an account allows
(``debit_check``), ``writers`` the SQL that stores them. Callers import from here.
"""

from accounts.services.ledger.postings import ledger_transaction, posting_bulk_create, posting_create
from accounts.services.ledger.rules import Leg, PostingDraft, debit_check
from accounts.services.ledger.writers import Follower

__all__ = [
    "Follower",
    "Leg",
    "PostingDraft",
    "debit_check",
    "ledger_transaction",
    "posting_bulk_create",
    "posting_create",
]
