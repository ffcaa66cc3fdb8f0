"""System accounts (cash, clearing) are never hot rows: no posting waits for one to check its
rules, and their entries' running balances stay exact under concurrency."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction

from accounts.models import Account, LedgerEntry, Posting, User
from accounts.services.bank_accounts import SYSTEM_CASH, account_freeze, system_account
from accounts.services.deposits import deposit_create
from accounts.services.ledger import Leg, posting_create
from accounts.services.operations import config_set
from accounts.tests.factories import AccountFactory, UserFactory
from accounts.verification import ledger_verify
from bankcore.errors import AccountNotActive

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("needs PostgreSQL row locks (SQLite serialises writers)"),
]


def _cash_in(account: Account, amount: int) -> Posting:
    cash = system_account(code=SYSTEM_CASH, currency=account.currency)
    return posting_create(
        kind=Posting.Kind.DEPOSIT,
        legs=[
            Leg(cash.pk, -amount, LedgerEntry.Type.DEPOSIT),
            Leg(account.pk, amount, LedgerEntry.Type.DEPOSIT),
        ],
    )


def test_a_posting_checks_its_rules_while_another_holds_the_cash_account(staff_user):
    system_account(code=SYSTEM_CASH, currency="USD")  # opened and committed before the race
    busy, frozen = AccountFactory(), AccountFactory()
    account_freeze(account=frozen, actor=staff_user, reason="court order")
    cash_held, release = threading.Event(), threading.Event()

    def hold_the_cash_account():
        try:
            with transaction.atomic():
                _cash_in(busy, 5_00)  # its cash update holds the row until this commits
                cash_held.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_cash_account)
    holder.start()
    try:
        assert cash_held.wait(timeout=10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            # Refused at once from the frozen account's own row: no wait for the cash row,
            # which would end in a lock timeout here.
            with pytest.raises(AccountNotActive):
                _cash_in(frozen, 1_00)
    finally:
        release.set()
        holder.join()
    assert Account.objects.get(pk=busy.pk).balance == 5_00


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
