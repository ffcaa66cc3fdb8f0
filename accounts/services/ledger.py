"""The ledger: the one place money moves."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts import cache
from accounts.models import Account, LedgerEntry, Posting, User
from bankcore.errors import AccountNotActive, CurrencyMismatch, InsufficientFunds
from bankcore.money import format_amount


@dataclass(frozen=True)
class Leg:
    account_id: int
    amount: int  # signed minor units
    type: str
    description: str = ""


def accounts_lock(account_ids) -> dict[int, Account]:
    """Lock accounts in primary-key order, so two postings can never wait on each other."""
    locked = Account.objects.filter(pk__in=set(account_ids)).order_by("pk").select_for_update()
    return {account.pk: account for account in locked}


def posting_create(
    *,
    kind: str,
    legs: Sequence[Leg],
    initiated_by: User | None = None,
    description: str = "",
    reverses: Posting | None = None,
) -> Posting:
    """Move money: write one posting whose entries sum to zero, and the new balances.

    The only code that changes a balance. It must run inside the caller's (durable)
    transaction, next to the caller's audit event. It locks every account involved in
    primary-key order and checks the rules after the lock (never a cached balance): all
    accounts in one currency, customer accounts active and never below zero. Refusals
    raise a DomainError and write nothing. Cached views of the accounts are retired when
    the transaction commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("posting_create must run inside a transaction")
    if len(legs) < 2 or any(leg.amount == 0 for leg in legs) or sum(leg.amount for leg in legs) != 0:
        raise ValueError("a posting needs two or more non-zero legs that sum to zero")

    accounts = accounts_lock(leg.account_id for leg in legs)
    if len(accounts) != len({leg.account_id for leg in legs}):
        raise Account.DoesNotExist("a leg names an account that does not exist")
    currencies = {account.currency for account in accounts.values()}
    if len(currencies) != 1:
        raise CurrencyMismatch()
    currency = currencies.pop()

    balances = {pk: account.balance for pk, account in accounts.items()}
    entries = []
    for leg in legs:
        account = accounts[leg.account_id]
        if not account.is_system and account.status != Account.Status.ACTIVE:
            raise AccountNotActive(f"Account {account.number} is {account.status}.", account_id=account.pk)
        balances[account.pk] += leg.amount
        if not account.is_system and balances[account.pk] < 0:
            raise InsufficientFunds(
                f"Account {account.number} has {format_amount(account.balance, currency)} {currency}."
            )
        entries.append(
            LedgerEntry(
                account=account,
                customer_id=account.customer_id,
                amount=leg.amount,
                balance_after=balances[account.pk],
                currency=currency,
                type=leg.type,
                description=leg.description or description,
            )
        )

    posting = Posting.objects.create(
        kind=kind, description=description, initiated_by=initiated_by, reverses=reverses
    )
    for entry in entries:
        entry.posting = posting
    LedgerEntry.objects.bulk_create(entries)
    now = timezone.now()
    for pk, account in accounts.items():
        account.balance, account.updated_at = balances[pk], now
    Account.objects.bulk_update(accounts.values(), ["balance", "updated_at"])
    cache.accounts_changed(accounts.values())
    return posting
