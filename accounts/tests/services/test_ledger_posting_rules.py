"""The ledger's rules at their edges: exact amounts, exact boundaries, exact refusals.

Each test pins a line of accounts/services/ledger/ that could be wrong without the broader
ledger tests noticing (make mutate finds such lines).
"""

import dataclasses

import pytest
from django.db import transaction

from accounts.errors import AccountNotActive, InsufficientFunds
from accounts.locks import transfer_accounts_lock
from accounts.models import Account, LedgerEntry, Posting
from accounts.services.bank_accounts import account_freeze, system_account
from accounts.services.ledger import (
    Leg,
    PostingDraft,
    ledger_transaction,
    posting_bulk_create,
    posting_create,
)
from accounts.tests.factories import AccountFactory, fund
from accounts.tests.helpers import move

pytestmark = pytest.mark.django_db


def balances(*accounts):
    return tuple(Account.objects.get(pk=account.pk).balance for account in accounts)


def test_a_posting_may_move_one_minor_unit():
    source, destination = fund(AccountFactory(), 5), AccountFactory()
    move(source, destination, 1)
    assert balances(source, destination) == (4, 1)


def test_a_posting_may_leave_a_customer_balance_at_exactly_zero():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    posting = move(source, destination, 1000)
    assert balances(source, destination) == (0, 1000)
    assert posting.entries.get(account=source).balance_after == 0


def test_an_overdraft_of_one_minor_unit_is_refused_with_the_balance_it_had():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    with pytest.raises(InsufficientFunds) as refused:
        move(source, destination, 1001)
    assert refused.value.detail == f"Account {source.number} has 10.00 USD."
    assert balances(source, destination) == (1000, 0)


@pytest.mark.parametrize("amounts", [[5, -4], [-5, 4], [3, 0, -3], [-1, 1, 0]])
def test_legs_that_do_not_balance_or_move_nothing_are_refused(amounts):
    accounts = [fund(AccountFactory(), 10) for _ in amounts]
    with pytest.raises(ValueError, match="sum to zero"), transaction.atomic():
        posting_create(
            kind=Posting.Kind.ADJUSTMENT,
            legs=[
                Leg(a.pk, amount, LedgerEntry.Type.ADJUSTMENT)
                for a, amount in zip(accounts, amounts, strict=True)
            ],
        )
    assert balances(*accounts) == (10,) * len(accounts)


def test_three_legs_that_sum_to_zero_move_each_account():
    payer, first, second = fund(AccountFactory(), 100), AccountFactory(), AccountFactory()
    with transaction.atomic():
        posting_create(
            kind=Posting.Kind.ADJUSTMENT,
            legs=[
                Leg(payer.pk, -30, LedgerEntry.Type.ADJUSTMENT),
                Leg(first.pk, 10, LedgerEntry.Type.ADJUSTMENT),
                Leg(second.pk, 20, LedgerEntry.Type.ADJUSTMENT),
            ],
        )
    assert balances(payer, first, second) == (70, 10, 20)


def test_a_leg_describes_itself_or_takes_the_postings_description():
    source, destination = fund(AccountFactory(), 100), AccountFactory()
    with transaction.atomic():
        posting = posting_create(
            kind=Posting.Kind.TRANSFER,
            description="rent",
            legs=[
                Leg(source.pk, -40, LedgerEntry.Type.TRANSFER_OUT, description="rent for May"),
                Leg(destination.pk, 40, LedgerEntry.Type.TRANSFER_IN),
            ],
        )
    described = dict(posting.entries.values_list("account_id", "description"))
    assert described == {source.pk: "rent for May", destination.pk: "rent"}


def test_callers_locked_accounts_are_used_even_with_others_beside_them():
    source, destination, bystander = fund(AccountFactory(), 100), AccountFactory(), fund(AccountFactory(), 7)
    with transaction.atomic():
        locked = {a.pk: a for a in Account.objects.filter(pk__in=[source.pk, destination.pk, bystander.pk])}
        posting_create(
            kind=Posting.Kind.TRANSFER,
            legs=[
                Leg(source.pk, -25, LedgerEntry.Type.TRANSFER_OUT),
                Leg(destination.pk, 25, LedgerEntry.Type.TRANSFER_IN),
            ],
            locked_accounts=locked,
        )
    assert balances(source, destination, bystander) == (75, 25, 7)
    assert (locked[source.pk].balance, locked[destination.pk].balance) == (75, 25)


def test_a_leg_naming_no_account_is_refused():
    source = fund(AccountFactory(), 100)
    with pytest.raises(Account.DoesNotExist), transaction.atomic():
        posting_create(
            kind=Posting.Kind.TRANSFER,
            legs=[Leg(source.pk, -1, "transfer_out"), Leg(source.pk + 10_000, 1, "transfer_in")],
        )


# ---- system accounts ----------------------------------------------------------------------


def cash_legs(customer, amount, cash):
    return [
        Leg(cash.pk, -amount, LedgerEntry.Type.DEPOSIT),
        Leg(customer.pk, amount, LedgerEntry.Type.DEPOSIT),
    ]


def test_a_posting_through_a_system_account_outside_ledger_transaction_is_refused():
    customer, cash = AccountFactory(), system_account(code="cash", currency="USD")
    with pytest.raises(RuntimeError, match="ledger_transaction"), transaction.atomic():
        posting_create(kind=Posting.Kind.DEPOSIT, legs=cash_legs(customer, 5, cash))
    assert balances(customer, cash) == (0, 0)


def test_system_moves_count_from_where_the_system_balance_stood():
    customer, cash = AccountFactory(), system_account(code="cash", currency="USD")
    Account.objects.filter(pk=cash.pk).update(balance=-1000)
    cash.refresh_from_db()
    with ledger_transaction():
        posting_create(
            kind=Posting.Kind.DEPOSIT,
            legs=cash_legs(customer, 300, cash),
            locked_accounts={cash.pk: cash},
        )
        posting_create(kind=Posting.Kind.DEPOSIT, legs=cash_legs(customer, 200, cash))
    assert balances(customer, cash) == (500, -1500)
    # The caller's own copy of the system account is moved too, to what the row holds.
    assert cash.balance == -1500
    cash_history = LedgerEntry.objects.filter(account=cash).order_by("id")
    assert [(e.amount, e.balance_after) for e in cash_history] == [(-300, -1300), (-200, -1500)]
    customer_history = LedgerEntry.objects.filter(account=customer).order_by("id")
    assert [(e.amount, e.balance_after) for e in customer_history] == [(300, 300), (200, 500)]


def test_nothing_of_a_ledger_transaction_is_written_when_its_body_raises():
    customer, cash = AccountFactory(), system_account(code="cash", currency="USD")

    def deposit_then_fail():
        with ledger_transaction():
            posting_create(kind=Posting.Kind.DEPOSIT, legs=cash_legs(customer, 300, cash))
            raise LookupError

    with pytest.raises(LookupError):
        deposit_then_fail()
    assert balances(customer, cash) == (0, 0)
    assert not LedgerEntry.objects.filter(account__in=[customer, cash]).exists()


def test_bulk_postings_through_a_system_account_count_from_its_balance():
    first, second = AccountFactory(), AccountFactory()
    cash = system_account(code="cash", currency="USD")
    Account.objects.filter(pk=cash.pk).update(balance=-50)
    cash.refresh_from_db()
    with transaction.atomic():
        posting_bulk_create(
            drafts=[
                PostingDraft(kind=Posting.Kind.DEPOSIT, legs=cash_legs(first, 100, cash)),
                PostingDraft(kind=Posting.Kind.DEPOSIT, legs=cash_legs(second, 30, cash)),
            ]
        )
    assert balances(first, second, cash) == (100, 30, -180)
    cash_history = LedgerEntry.objects.filter(account=cash).order_by("id")
    assert [(e.amount, e.balance_after) for e in cash_history] == [(-100, -150), (-30, -180)]
    customers_side = LedgerEntry.objects.filter(account__in=[first, second]).values_list(
        "account_id", "balance_after"
    )
    assert dict(customers_side) == {first.pk: 100, second.pk: 30}


# ---- reversals and account status ---------------------------------------------------------


def reversal(source, destination, amount, original):
    return move(source, destination, amount, reverses=original)


def test_a_reversal_may_return_money_to_a_frozen_account_down_to_one_minor_unit(staff_user):
    customer, payee = fund(AccountFactory(), 100), AccountFactory()
    original = move(customer, payee, 10)
    account_freeze(account=customer, actor=staff_user, reason="court order")
    returned = reversal(payee, customer, 1, original)
    assert returned.reverses == original
    assert balances(customer, payee) == (91, 9)


def test_a_reversal_takes_nothing_out_of_a_frozen_account(staff_user):
    customer, payee = fund(AccountFactory(), 100), AccountFactory()
    original = move(customer, payee, 10)
    account_freeze(account=payee, actor=staff_user, reason="court order")
    with pytest.raises(AccountNotActive) as refused:
        reversal(payee, customer, 10, original)
    assert refused.value.detail == f"Account {payee.number} is frozen."
    assert balances(customer, payee) == (90, 10)


def test_a_reversal_gives_nothing_to_a_closed_account():
    customer, payee = fund(AccountFactory(), 100), AccountFactory()
    original = move(customer, payee, 10)
    Account.objects.filter(pk=customer.pk).update(status=Account.Status.CLOSED)
    with pytest.raises(AccountNotActive):
        reversal(payee, customer, 10, original)
    assert balances(customer, payee) == (90, 10)


def test_only_a_reversal_may_credit_a_frozen_account(staff_user):
    customer, payee = fund(AccountFactory(), 100), AccountFactory()
    account_freeze(account=payee, actor=staff_user, reason="court order")
    with pytest.raises(AccountNotActive):
        move(customer, payee, 10)
    assert balances(customer, payee) == (100, 0)


# ---- locks --------------------------------------------------------------------------------


def test_transfer_accounts_lock_takes_the_customers_source_and_the_numbered_customer_account():
    source, destination, elsewhere = AccountFactory(), AccountFactory(), AccountFactory()
    with transaction.atomic():
        locked = transfer_accounts_lock(
            customer_id=source.customer_id, source_id=source.pk, destination_number=destination.number
        )
    assert sorted(locked) == sorted([source.pk, destination.pk])
    assert elsewhere.pk not in locked


def test_transfer_accounts_lock_takes_no_other_customers_source_and_no_system_account():
    source, stranger = AccountFactory(), AccountFactory()
    cash = system_account(code="cash", currency="USD")
    with transaction.atomic():
        locked = transfer_accounts_lock(
            customer_id=stranger.customer_id, source_id=source.pk, destination_number=cash.number
        )
    assert locked == {}


def test_legs_and_drafts_cannot_change_once_made():
    leg = Leg(1, -5, LedgerEntry.Type.TRANSFER_OUT)
    draft = PostingDraft(kind=Posting.Kind.TRANSFER, legs=[leg])
    with pytest.raises(dataclasses.FrozenInstanceError):
        leg.amount = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.reverses = None


@pytest.mark.django_db(transaction=True)  # a plain test runs inside a transaction already
def test_a_ledger_transaction_commits_on_its_own_and_refuses_a_callers_transaction():
    customer, cash = AccountFactory(), system_account(code="cash", currency="USD")

    def deposit_inside_a_callers_transaction():
        with transaction.atomic(), ledger_transaction():
            posting_create(kind=Posting.Kind.DEPOSIT, legs=cash_legs(customer, 5, cash))

    with pytest.raises(RuntimeError, match="durable"):
        deposit_inside_a_callers_transaction()
    assert balances(customer, cash) == (0, 0)
