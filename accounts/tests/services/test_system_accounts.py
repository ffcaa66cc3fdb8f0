"""System accounts (cash, clearing) are never hot rows: no posting waits for one to check its
rules, a transaction holds one only from its last statement to its commit, and their
entries' running balances stay exact under concurrency."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction

from accounts.errors import AccountNotActive
from accounts.models import Account, LedgerEntry, Posting, User
from accounts.services.bank_accounts import SYSTEM_CASH, account_freeze, system_account
from accounts.services.deposits import deposit_create
from accounts.services.ledger import Leg, ledger_transaction, posting_create
from accounts.tests.factories import AccountFactory, UserFactory
from accounts.verification import ledger_verify
from bankcore.backoffice.operations import config_set

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("needs PostgreSQL row locks (SQLite serialises writers)"),
]


def _cash_in(account: Account, amount: int, initiated_by: User | None = None) -> Posting:
    cash = system_account(code=SYSTEM_CASH, currency=account.currency)
    return posting_create(
        kind=Posting.Kind.DEPOSIT,
        initiated_by=initiated_by,
        legs=[
            Leg(cash.pk, -amount, LedgerEntry.Type.DEPOSIT),
            Leg(account.pk, amount, LedgerEntry.Type.DEPOSIT),
        ],
    )


def test_a_posting_checks_its_rules_while_another_holds_the_cash_account(staff_user):
    cash = system_account(code=SYSTEM_CASH, currency="USD")  # opened and committed before the race
    frozen = AccountFactory()
    account_freeze(account=frozen, actor=staff_user, reason="court order")
    cash_held, release = threading.Event(), threading.Event()

    def hold_the_cash_account():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM accounts_account WHERE id = %s FOR NO KEY UPDATE", [cash.pk])
                cash_held.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_cash_account)
    holder.start()
    try:
        assert cash_held.wait(timeout=10)
        with ledger_transaction():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            # Refused at once from the frozen account's own row: no wait for the cash row,
            # which would end in a lock timeout here.
            with pytest.raises(AccountNotActive):
                _cash_in(frozen, 1_00)
    finally:
        release.set()
        holder.join()
    assert not LedgerEntry.objects.exists()


def test_an_open_deposit_holds_no_system_row_until_its_last_statement():
    cash = system_account(code=SYSTEM_CASH, currency="USD")
    slow, quick = AccountFactory(), AccountFactory()
    posted, release = threading.Event(), threading.Event()

    def slow_deposit():
        try:
            with ledger_transaction():
                _cash_in(slow, 5_00)
                posted.set()  # the customer side is written; the rest of the transaction goes on
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=slow_deposit)
    holder.start()
    try:
        assert posted.wait(timeout=10)
        with ledger_transaction():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            # Before system moves waited for the end, the open deposit held the cash row
            # from its posting to its commit, and this one ended in a lock timeout.
            _cash_in(quick, 2_00)
        assert Account.objects.get(pk=cash.pk).balance == -2_00
    finally:
        release.set()
        holder.join()
    assert [Account.objects.get(pk=pk).balance for pk in (cash.pk, slow.pk, quick.pk)] == [-7_00, 5_00, 2_00]
    history = list(
        LedgerEntry.objects.filter(account=cash).order_by("id").values_list("amount", "balance_after")
    )
    assert history == [(-2_00, -2_00), (-5_00, -7_00)]
    assert ledger_verify().ok


def test_postings_through_one_system_account_in_one_transaction_keep_its_running_balance():
    """A wire's hold and release: the clearing account is moved once, by their sum, and each
    entry's balance_after counts from where the account stood."""
    cash = system_account(code=SYSTEM_CASH, currency="USD")
    clearing = system_account(code="wire_clearing", currency="USD")
    customer = AccountFactory()
    with ledger_transaction():
        _cash_in(customer, 10_00)
    with ledger_transaction():
        posting_create(
            kind=Posting.Kind.WIRE,
            legs=[
                Leg(customer.pk, -4_00, LedgerEntry.Type.WIRE_OUT),
                Leg(clearing.pk, 4_00, LedgerEntry.Type.WIRE_OUT),
            ],
        )
        posting_create(
            kind=Posting.Kind.WIRE,
            legs=[
                Leg(clearing.pk, -4_00, LedgerEntry.Type.WIRE_OUT),
                Leg(cash.pk, 4_00, LedgerEntry.Type.WIRE_OUT),
            ],
        )
    history = list(
        LedgerEntry.objects.filter(account=clearing).order_by("id").values_list("amount", "balance_after")
    )
    assert history == [(4_00, 4_00), (-4_00, 0)]
    assert [Account.objects.get(pk=pk).balance for pk in (cash.pk, clearing.pk, customer.pk)] == [
        -6_00,
        0,
        6_00,
    ]
    assert ledger_verify().ok


def test_a_ledger_transaction_that_raises_moves_no_system_account():
    cash = system_account(code=SYSTEM_CASH, currency="USD")
    customer = AccountFactory()

    @ledger_transaction()
    def deposit_then_fail():
        _cash_in(customer, 3_00)
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        deposit_then_fail()
    assert Account.objects.get(pk=cash.pk).balance == 0
    assert not LedgerEntry.objects.exists()


def test_a_posting_through_a_system_account_outside_a_ledger_transaction_is_refused():
    customer = AccountFactory()
    with pytest.raises(RuntimeError, match="ledger_transaction"), transaction.atomic():
        _cash_in(customer, 1_00)
    assert not LedgerEntry.objects.exists()


def test_concurrent_deposits_keep_the_cash_accounts_running_balance_exact():
    tellers = []
    for n in range(8):
        teller = UserFactory(email=f"teller{n}@example.test", is_staff=True)
        teller.user_permissions.add(Permission.objects.get(codename="post_deposit"))
        tellers.append(User.objects.get(pk=teller.pk))
    config_set(name="deposits.daily_limit_per_staff", value={"USD": 10**6}, actor=tellers[0])
    accounts = [AccountFactory() for _ in range(8)]
    system_account(code=SYSTEM_CASH, currency="USD")
    start = threading.Barrier(8)

    def deposit_many(n: int) -> int:
        start.wait()
        try:
            for amount in range(1, 11):
                deposit_create(account=accounts[n], amount=amount * 100 + n, reason="till", actor=tellers[n])
            return 10
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sum(pool.map(deposit_many, range(8))) == 80

    cash = system_account(code=SYSTEM_CASH, currency="USD")
    history = list(
        LedgerEntry.objects.filter(account=cash).order_by("id").values_list("amount", "balance_after")
    )
    assert len(history) == 80
    running = 0
    for amount, balance_after in history:
        running += amount
        assert balance_after == running
    assert cash.balance == running == -sum(amount * 100 + n for n in range(8) for amount in range(1, 11))
    assert ledger_verify().ok


def _waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is a per-transaction snapshot
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def test_a_deposit_never_deadlocks_with_a_wire_of_the_same_customer():
    """A deposit locks the depositor's and the owner's user rows; a wire holds the owner's
    account and, at its commit, checks its rows' foreign keys to the owner (a key-share lock
    on that user row). A full FOR UPDATE on the users conflicted with that check: the deposit
    waited for the account, the wire's commit for the user, and PostgreSQL broke the deadlock
    with an error.

    The wire is the ledger's part of one (a wire is a transfers service, above this app): the
    source locked, rows pointing at its owner written, then held open until the deposit is
    seen waiting for a lock in pg_stat_activity, and only then committed."""
    teller = UserFactory(email="teller@example.test", is_staff=True)
    teller.user_permissions.add(Permission.objects.get(codename="post_deposit"))
    teller = User.objects.get(pk=teller.pk)
    account = AccountFactory()
    system_account(code=SYSTEM_CASH, currency="USD")
    holding, commit, deposit_pid, errors = threading.Event(), threading.Event(), [], {}

    def wire_like():
        try:
            with ledger_transaction():
                Account.objects.select_for_update().get(pk=account.pk)
                _cash_in(account, 1_00, initiated_by=account.customer)
                holding.set()
                assert commit.wait(timeout=30)
        except Exception as exc:
            errors["wire"] = exc
        finally:
            connection.close()

    def deposit():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                deposit_pid.append(cursor.fetchone()[0])
            deposit_create(account=account, amount=2_00, reason="cash at branch", actor=teller)
        except Exception as exc:
            errors["deposit"] = exc
        finally:
            connection.close()

    wire_thread = threading.Thread(target=wire_like)
    wire_thread.start()
    assert holding.wait(timeout=30)
    deposit_thread = threading.Thread(target=deposit)
    deposit_thread.start()
    try:
        deadline = time.monotonic() + 20
        while not (deposit_pid and _waiting_for_a_lock(deposit_pid[0])):
            assert deposit_thread.is_alive(), f"the deposit did not wait for the wire: {errors}"
            assert time.monotonic() < deadline, "the deposit never waited for the wire's lock"
            time.sleep(0.02)
    finally:
        commit.set()
        for thread in (wire_thread, deposit_thread):
            thread.join(30)
    assert errors == {}
    assert Account.objects.get(pk=account.pk).balance == 3_00
    assert ledger_verify().ok
