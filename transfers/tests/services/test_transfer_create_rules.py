"""transfer_create at its edges: exact amounts, the order of its refusals, what it records.

Each test pins a line of transfers/services/transfers.py that could be wrong without the API
tests noticing (make mutate finds such lines).
"""

import pytest
from django.db import transaction

from accounts.errors import AccountNotActive, CurrencyMismatch, InsufficientFunds
from accounts.models import Account, LedgerEntry
from accounts.numbers import account_number_generate
from accounts.services.bank_accounts import account_freeze
from accounts.tests.factories import AccountFactory, fund
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import NotFound
from transfers.errors import DestinationUnavailable, SameAccount, TransfersThrottled
from transfers.idempotency import idempotency_claim
from transfers.models import IdempotencyKey, Transfer
from transfers.services.transfers import transfer_create

pytestmark = pytest.mark.django_db


def send(source, destination_number, amount, *, customer=None, currency="USD", claim=None):
    return transfer_create(
        customer=customer or source.customer,
        source_account_id=source.pk,
        destination_number=destination_number,
        amount=amount,
        currency=currency,
        description="rent",
        auth_token=None,
        idempotency_claim=claim,
    )


def balances(*accounts):
    return tuple(Account.objects.get(pk=account.pk).balance for account in accounts)


def test_a_transfer_moves_the_whole_balance_and_records_it():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    transfer = send(source, destination.number, 1000)
    assert balances(source, destination) == (0, 1000)
    assert (transfer.source, transfer.destination, transfer.amount, transfer.currency) == (
        source,
        destination,
        1000,
        "USD",
    )
    assert (transfer.customer, transfer.description) == (source.customer, "rent")
    entries = {entry.account_id: entry for entry in transfer.posting.entries.all()}
    assert (entries[source.pk].amount, entries[source.pk].type) == (-1000, LedgerEntry.Type.TRANSFER_OUT)
    assert (entries[destination.pk].amount, entries[destination.pk].type) == (
        1000,
        LedgerEntry.Type.TRANSFER_IN,
    )
    assert transfer.posting.initiated_by == source.customer
    event = AuditEvent.objects.get(action=actions.TRANSFER_CREATED)
    assert (event.actor, event.object_type, event.object_id) == (
        source.customer,
        "transfers.transfer",
        str(transfer.pk),
    )
    assert event.after == {
        "source": source.pk,
        "destination": destination.pk,
        "amount": 1000,
        "currency": "USD",
        "posting": transfer.posting.pk,
    }


def test_one_minor_unit_more_than_the_balance_is_refused_with_the_balance():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    with pytest.raises(InsufficientFunds) as refused:
        send(source, destination.number, 1001)
    assert refused.value.detail == f"Account {source.number} has 10.00 USD."
    assert balances(source, destination) == (1000, 0)
    assert not Transfer.objects.exists()


def test_another_customers_account_is_not_found_as_a_source():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    with pytest.raises(NotFound):
        send(source, destination.number, 1, customer=destination.customer)
    assert balances(source, destination) == (1000, 0)


def test_a_frozen_source_is_refused_by_name(staff_user):
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    account_freeze(account=source, actor=staff_user, reason="court order")
    with pytest.raises(AccountNotActive) as refused:
        send(source, destination.number, 1)
    assert refused.value.detail == f"Account {source.number} is frozen."


def test_an_amount_in_another_currency_than_the_source_is_refused():
    source, destination = fund(AccountFactory(), 1000), AccountFactory(currency="EUR")
    with pytest.raises(CurrencyMismatch) as refused:
        send(source, destination.number, 1, currency="EUR")
    assert refused.value.detail == "The source account holds USD, the amount is in EUR."


def test_a_transfer_to_the_source_itself_is_refused():
    source = fund(AccountFactory(), 1000)
    with pytest.raises(SameAccount):
        send(source, source.number, 1)
    assert balances(source) == (1000,)


@pytest.mark.parametrize("trouble", ["unknown", "currency", "frozen"])
def test_every_problem_with_the_destination_is_one_refusal(staff_user, trouble):
    source = fund(AccountFactory(), 1000)
    number = {
        "unknown": lambda: account_number_generate(),
        "currency": lambda: AccountFactory(currency="EUR").number,
        "frozen": lambda: account_freeze(account=AccountFactory(), actor=staff_user, reason="order").number,
    }[trouble]()
    with pytest.raises(DestinationUnavailable):
        send(source, number, 1)
    assert balances(source) == (1000,)


def test_the_customers_own_account_is_checked_before_the_destination():
    source = fund(AccountFactory(), 5)
    with pytest.raises(InsufficientFunds):
        send(source, account_number_generate(), 6)


def test_destination_refusals_up_to_the_limit_then_every_transfer_is_throttled(settings):
    settings.TRANSFER_FAILURES_PER_CUSTOMER = 2
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    for _ in range(2):
        with pytest.raises(DestinationUnavailable):
            send(source, account_number_generate(), 1)
    with pytest.raises(TransfersThrottled):
        send(source, destination.number, 1)
    assert balances(source, destination) == (1000, 0)


def test_the_refusal_that_reaches_the_limit_is_answered_throttled(settings):
    settings.TRANSFER_FAILURES_PER_CUSTOMER = 1
    source = fund(AccountFactory(), 1000)
    with pytest.raises(DestinationUnavailable):
        send(source, account_number_generate(), 1)
    with pytest.raises(TransfersThrottled):
        send(source, account_number_generate(), 1)


def test_overdrafts_do_not_count_against_the_refusal_limit(settings):
    settings.TRANSFER_FAILURES_PER_CUSTOMER = 1
    source, destination = fund(AccountFactory(), 10), AccountFactory()
    for _ in range(3):
        with pytest.raises(InsufficientFunds):
            send(source, destination.number, 11)
    send(source, destination.number, 10)
    assert balances(source, destination) == (0, 10)


def test_the_idempotency_claim_is_completed_with_the_transfer():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    claim = idempotency_claim(customer=source.customer, key="k-1", fingerprint="f" * 64)
    transfer = send(source, destination.number, 250, claim=claim)
    record = IdempotencyKey.objects.get(pk=claim.key_id)
    assert (record.status, record.result_type, record.result_id) == (
        "completed",
        "transfers.transfer",
        transfer.pk,
    )


@pytest.mark.django_db(transaction=True)  # a plain test runs inside a transaction already
def test_a_transfer_commits_on_its_own_and_refuses_a_callers_transaction():
    source, destination = fund(AccountFactory(), 1000), AccountFactory()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        send(source, destination.number, 100)
    assert balances(source, destination) == (1000, 0)
