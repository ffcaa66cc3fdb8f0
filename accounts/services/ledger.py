"""The ledger: the one place money moves.

``posting_create`` moves money once; ``posting_bulk_create`` many times at once (load
data). Both apply the same rules and the same arithmetic, below, and nothing else
writes ledger entries or balances.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts import cache
from accounts.models import Account, LedgerEntry, Posting, User
from bankcore.errors import AccountNotActive, CurrencyMismatch, InsufficientFunds
from bankcore.money import format_amount

# Rows per INSERT or UPDATE statement when many postings are written at once.
BATCH_SIZE = 5000


@dataclass(frozen=True)
class Leg:
    account_id: int
    amount: int  # signed minor units
    type: str
    description: str = ""


@dataclass(frozen=True)
class PostingDraft:
    """One posting for ``posting_bulk_create``: what ``posting_create`` takes."""

    kind: str
    legs: Sequence[Leg]
    description: str = ""
    initiated_by: User | None = None
    # When the money moved, for back-dated history (load data); None is now.
    created_at: datetime | None = None
    # The posting this one undoes (a released hold, a correction), linked when it is written.
    reverses: Posting | None = None


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

    With ``posting_bulk_create``, the only code that changes a balance. It must run inside
    the caller's (durable) transaction, next to the caller's audit event. It locks every
    account involved in primary-key order and checks the rules after the lock (never a
    cached balance): all accounts in one currency, customer accounts active and never
    below zero. Refusals raise a DomainError and write nothing. Cached views of the
    accounts are retired when the transaction commits.
    """
    draft = PostingDraft(
        kind=kind, legs=legs, description=description, initiated_by=initiated_by, reverses=reverses
    )
    [posting] = _postings_write([draft], service="posting_create")
    return posting


def posting_bulk_create(*, drafts: Sequence[PostingDraft]) -> list[Posting]:
    """Move money many times at once: ``posting_create`` for each draft, in order.

    Every account involved is locked once, each posting is checked under the same rules
    against the balances the drafts before it left, and the rows are written with bulk
    inserts. Runs inside the caller's transaction; a refused draft raises and nothing of
    any draft is written.
    """
    return _postings_write(drafts, service="posting_bulk_create")


def _postings_write(drafts: Sequence[PostingDraft], *, service: str) -> list[Posting]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{service} must run inside a transaction")
    for draft in drafts:
        legs = draft.legs
        if len(legs) < 2 or any(leg.amount == 0 for leg in legs) or sum(leg.amount for leg in legs) != 0:
            raise ValueError("a posting needs two or more non-zero legs that sum to zero")

    wanted = {leg.account_id for draft in drafts for leg in draft.legs}
    accounts = accounts_lock(wanted)
    if len(accounts) != len(wanted):
        raise Account.DoesNotExist("a leg names an account that does not exist")
    balances = {pk: account.balance for pk, account in accounts.items()}
    now = timezone.now()
    postings, entries = [], []
    for draft in drafts:
        posting = Posting(
            kind=draft.kind,
            description=draft.description,
            initiated_by=draft.initiated_by,
            reverses=draft.reverses,
            created_at=draft.created_at or now,
        )
        postings.append(posting)
        entries += _posting_entries(posting=posting, draft=draft, accounts=accounts, balances=balances)

    Posting.objects.bulk_create(postings, batch_size=BATCH_SIZE)
    LedgerEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    for pk, account in accounts.items():
        account.balance, account.updated_at = balances[pk], now
    Account.objects.bulk_update(accounts.values(), ["balance", "updated_at"], batch_size=BATCH_SIZE)
    cache.accounts_changed(accounts.values())
    return postings


def _posting_entries(
    *, posting: Posting, draft: PostingDraft, accounts: dict[int, Account], balances: dict[int, int]
) -> list[LedgerEntry]:
    """The ledger's rules and arithmetic for one posting: its entries, with ``balances``
    moved on by its legs. Raises a DomainError on the first leg the rules refuse."""
    currencies = {accounts[leg.account_id].currency for leg in draft.legs}
    if len(currencies) != 1:
        raise CurrencyMismatch()
    currency = currencies.pop()
    entries = []
    for leg in draft.legs:
        account = accounts[leg.account_id]
        if not account.is_system and account.status != Account.Status.ACTIVE:
            raise AccountNotActive(f"Account {account.number} is {account.status}.", account_id=account.pk)
        before = balances[account.pk]
        balances[account.pk] = before + leg.amount
        if not account.is_system and balances[account.pk] < 0:
            raise InsufficientFunds(
                f"Account {account.number} has {format_amount(before, currency)} {currency}."
            )
        entries.append(
            LedgerEntry(
                posting=posting,
                account=account,
                customer_id=account.customer_id,
                amount=leg.amount,
                balance_after=balances[account.pk],
                currency=currency,
                type=leg.type,
                description=leg.description or draft.description,
                created_at=posting.created_at,
            )
        )
    return entries
