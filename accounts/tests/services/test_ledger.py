import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.errors import AccountNotActive, CurrencyMismatch, InsufficientFunds
from accounts.models import Account, LedgerEntry, Posting
from accounts.services.bank_accounts import account_freeze, system_account
from accounts.services.deposits import deposit_create
from accounts.services.ledger import Follower, Leg, posting_bulk_create, posting_create
from accounts.tests.factories import AccountFactory, fund
from accounts.tests.helpers import move, transfer_draft
from audit import actions
from audit.models import AuditEvent
from bankcore.database.rows import row_insert

pytestmark = pytest.mark.django_db


def test_deposit_credits_customer_from_the_cash_account(staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="post_deposit"))
    account = AccountFactory()
    deposit_create(account=account, amount=5000, reason="cash at branch", actor=staff_user)
    account.refresh_from_db()
    cash = system_account(code="cash", currency="USD")
    assert (account.balance, cash.balance) == (5000, -5000)
    posting = Posting.objects.get()
    assert sorted(posting.entries.values_list("amount", flat=True)) == [-5000, 5000]
    assert posting.entries.get(account=account).balance_after == 5000
    event = AuditEvent.objects.get(action=actions.DEPOSIT_POSTED)
    assert (event.actor, event.after["amount"], event.after["reason"]) == (staff_user, 5000, "cash at branch")


def test_posting_moves_money_and_records_balance_after():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    posting = move(source, destination, 300)
    source.refresh_from_db()
    destination.refresh_from_db()
    assert (source.balance, destination.balance) == (700, 300)
    entries = {entry.account_id: entry for entry in posting.entries.all()}
    assert (entries[source.pk].balance_after, entries[destination.pk].balance_after) == (700, 300)
    assert entries[destination.pk].customer_id == destination.customer_id


@pytest.mark.requires_postgres("only PostgreSQL writes a posting in one statement")
def test_a_customer_posting_is_written_in_one_statement_after_the_lock():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    with CaptureQueriesContext(connection) as queries:
        posting = move(source, destination, 300)
    writes = [query["sql"] for query in queries if query["sql"].startswith(("INSERT", "UPDATE", "WITH"))]
    # The posting, both balances and both entries: one round trip while the accounts are locked.
    assert len(writes) == 1
    assert writes[0].startswith("WITH new_posting")
    assert posting.entries.count() == 2


def test_posting_refuses_overdraft_and_writes_nothing():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    postings_before = Posting.objects.count()
    with pytest.raises(InsufficientFunds):
        move(source, destination, 1001)
    source.refresh_from_db()
    assert source.balance == 1000
    assert Posting.objects.count() == postings_before


def test_posting_refuses_frozen_accounts_either_side(staff_user):
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    account_freeze(account=destination, actor=staff_user, reason="court order")
    with pytest.raises(AccountNotActive):
        move(source, destination, 1)
    with pytest.raises(AccountNotActive):
        move(destination, source, 1)


def test_posting_refuses_mixed_currencies():
    with pytest.raises(CurrencyMismatch):
        move(fund(AccountFactory(), 1000), AccountFactory(currency="EUR"), 1)


@pytest.mark.parametrize("amounts", [[-5, 4], [0, 0], [5]])
def test_posting_refuses_legs_that_do_not_balance(amounts):
    accounts = [AccountFactory() for _ in amounts]
    with pytest.raises(ValueError, match="sum to zero"), transaction.atomic():
        posting_create(
            kind=Posting.Kind.ADJUSTMENT,
            legs=[
                Leg(a.pk, amount, LedgerEntry.Type.ADJUSTMENT)
                for a, amount in zip(accounts, amounts, strict=True)
            ],
        )


@pytest.mark.django_db(transaction=True)  # a plain test runs inside a transaction already
def test_posting_outside_a_transaction_is_refused():
    source, destination = fund(AccountFactory(), 10), AccountFactory()
    legs = [Leg(source.pk, -1, "transfer_out"), Leg(destination.pk, 1, "transfer_in")]
    with pytest.raises(RuntimeError):
        posting_create(kind=Posting.Kind.TRANSFER, legs=legs)


def test_database_refuses_a_negative_customer_balance():
    account = AccountFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-1)


def test_system_accounts_may_go_negative_and_exist_once_per_currency():
    cash = system_account(code="cash", currency="EUR")
    assert system_account(code="cash", currency="EUR") == cash
    assert system_account(code="cash", currency="USD") != cash
    Account.objects.filter(pk=cash.pk).update(balance=-10)
    assert cash.is_system


@pytest.mark.parametrize(
    ("trouble", "error"),
    [("overdraft", InsufficientFunds), ("frozen", AccountNotActive), ("currency", CurrencyMismatch)],
)
def test_bulk_postings_refuse_what_posting_create_refuses_and_write_nothing(staff_user, trouble, error):
    a, b = fund(AccountFactory(), 100), AccountFactory()
    other = {
        "overdraft": b,
        "frozen": account_freeze(account=AccountFactory(), actor=staff_user, reason="court order"),
        "currency": AccountFactory(currency="EUR"),
    }[trouble]
    amount = 101 if trouble == "overdraft" else 10
    entries = LedgerEntry.objects.count()
    with pytest.raises(error), transaction.atomic():
        posting_bulk_create(drafts=[transfer_draft(a, b, 10), transfer_draft(a, other, amount)])
    a.refresh_from_db()
    assert (a.balance, LedgerEntry.objects.count()) == (100, entries)


@pytest.mark.django_db(transaction=True)
def test_bulk_postings_need_the_callers_transaction():
    a, b = fund(AccountFactory(), 100), AccountFactory()
    with pytest.raises(RuntimeError, match="posting_bulk_create must run inside a transaction"):
        posting_bulk_create(drafts=[transfer_draft(a, b, 10)])


# Writing entries or balances, spelled any of the ways Django allows.
MONEY_WRITES = re.compile(
    r"(?<!class )LedgerEntry\("
    r"|LedgerEntry\.objects\.(?:create|bulk_create|update|get_or_create|update_or_create)"
    r"|\.balance\s*[-+]?=(?!=)|\bbalance\s*=\s*F\(|update\([^)]*\bbalance\s*="
    r"|(?:bulk_update\(|update_fields=)[^)]*[\"']balance[\"']"
)


def test_only_the_posting_functions_write_ledger_entries_or_balances():
    root = Path(settings.BASE_DIR)
    writers = {
        str(path.relative_to(root))
        for app in ("bankcore", "accounts", "audit", "transfers", "kyc", "loadtest")
        for path in (root / app).rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and MONEY_WRITES.search(path.read_text())
    }
    assert writers == {"accounts/services/ledger/writers.py"}


def _event_follower(calls: list) -> Follower:
    """A follower that records the posting's id in an audit event (any model would do)."""
    event = AuditEvent(action="test.followed", object_type="accounts.posting")

    def statement():
        return row_insert(event, expressions={"object_id": ("(SELECT id::text FROM new_posting)", [])})

    def write(posting):
        event.object_id = str(posting.pk)
        event.save(force_insert=True)
        calls.append(("write", event.pk))

    def done(posting, event_id):
        calls.append(("done", event_id))

    return Follower("followed", statement, write=write, done=done)


def test_a_posting_writes_its_followers_in_its_own_statement_on_postgresql_and_after_it_elsewhere():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    calls = []
    with CaptureQueriesContext(connection) as queries:
        posting = move(source, destination, 300, followers=[_event_follower(calls)])
    event = AuditEvent.objects.get(action="test.followed")
    assert event.object_id == str(posting.pk)
    writes = [query for query in queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    if connection.vendor == "postgresql":
        assert calls == [("done", event.pk)]
        assert len(writes) == 2  # the lock, then the posting with its follower
    else:
        assert calls == [("write", event.pk)]


def test_a_follower_that_refuses_undoes_the_posting():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()

    class Refused(Exception):
        pass

    def refuse(*args):
        raise Refused()

    follower = _event_follower([])
    refusing = Follower(follower.name, follower.statement, write=refuse, done=refuse)
    postings = Posting.objects.count()
    with pytest.raises(Refused):
        move(source, destination, 300, followers=[refusing])
    assert Posting.objects.count() == postings
    assert not AuditEvent.objects.filter(action="test.followed").exists()
    source.refresh_from_db()
    assert source.balance == 1000
