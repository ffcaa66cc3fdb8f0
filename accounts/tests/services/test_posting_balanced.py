"""PostgreSQL itself refuses, at commit, a posting whose entries do not sum to zero in each
currency, however the rows were written (migration 0012's deferred constraint trigger)."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import LedgerEntry, Posting
from accounts.services.bank_accounts import system_account
from accounts.tests.factories import AccountFactory, fund
from accounts.verification import ledger_verify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("the deferred constraint trigger is PostgreSQL's"),
]


def _posting_insert(cursor) -> int:
    cursor.execute(
        "INSERT INTO accounts_posting (kind, description, created_at) VALUES ('adjustment', 'raw', now()) "
        "RETURNING id"
    )
    return cursor.fetchone()[0]


def _entry_insert(cursor, posting_id: int, account, amount: int, currency: str | None = None) -> None:
    # balance_after is whatever: the trigger judges the posting's sums, not balances.
    cursor.execute(
        "INSERT INTO accounts_ledgerentry (posting_id, account_id, customer_id, amount, balance_after, "
        "currency, type, status, description, created_at) "
        "VALUES (%s, %s, %s, %s, 0, %s, 'adjustment', 'posted', 'raw', now())",
        [posting_id, account.pk, account.customer_id, amount, currency or account.currency],
    )


def _commit(legs, *, posting_id: int | None = None) -> int:
    """Write ``legs`` ((account, amount) pairs) by SQL in one transaction, into a new posting
    or ``posting_id``, and commit; returns the posting's id."""
    with transaction.atomic(), connection.cursor() as cursor:
        posting_id = posting_id or _posting_insert(cursor)
        for account, amount in legs:
            _entry_insert(cursor, posting_id, account, amount)
        # Deferred: inside the transaction a half-written posting is still allowed (so a
        # posting may be written leg by leg); only the commit judges it.
        cursor.execute("SELECT count(*) FROM accounts_ledgerentry WHERE posting_id = %s", [posting_id])
        assert cursor.fetchone()[0] >= len(legs)
    return posting_id


def _counts():
    return Posting.objects.count(), LedgerEntry.objects.count()


def test_an_unbalanced_posting_written_by_sql_fails_at_commit_and_leaves_nothing():
    account = AccountFactory()
    before = _counts()
    with pytest.raises(IntegrityError, match="does not balance: its USD entries sum to 500"):
        _commit([(account, 5_00)])
    assert _counts() == before


def test_a_balanced_posting_in_two_currencies_commits():
    usd, eur = AccountFactory(currency="USD"), AccountFactory(currency="EUR")
    usd_cash, eur_cash = (
        system_account(code="cash", currency="USD"),
        system_account(code="cash", currency="EUR"),
    )
    posting_id = _commit([(usd_cash, -7_00), (usd, 7_00), (eur_cash, -3_00), (eur, 3_00)])
    assert LedgerEntry.objects.filter(posting_id=posting_id).count() == 4


def test_a_posting_that_sums_to_zero_only_across_currencies_is_refused():
    usd, eur = AccountFactory(currency="USD"), AccountFactory(currency="EUR")
    before = _counts()
    with pytest.raises(IntegrityError, match="does not balance"):
        _commit([(usd, -2_00), (eur, 2_00)])
    assert _counts() == before


def test_an_entry_added_to_a_committed_posting_is_refused():
    account = fund(AccountFactory(), 10_00)
    posting_id = LedgerEntry.objects.filter(account=account).get().posting_id
    with pytest.raises(IntegrityError, match=f"posting {posting_id} does not balance"):
        _commit([(account, 1_00)], posting_id=posting_id)
    assert LedgerEntry.objects.filter(posting_id=posting_id).count() == 2


def _check_now(cursor) -> None:
    cursor.execute("SET CONSTRAINTS accounts_ledgerentry_posting_balanced IMMEDIATE")


def test_the_check_can_be_asked_for_before_the_commit():
    account = AccountFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        _entry_insert(cursor, _posting_insert(cursor), account, 1_00)
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            _check_now(cursor)
        transaction.set_rollback(True)


def test_the_posting_services_still_commit_under_the_check():
    account = fund(AccountFactory(), 10_00)
    assert account.balance == 10_00
    assert ledger_verify().ok
