"""The ledger's rules: what a posting is, what it must be, and what each account allows.

No SQL here. Every function raises before anything is written: a malformed posting is a
``ValueError`` (a bug in the caller), a refused one a DomainError. ``posting_moves`` is the
arithmetic that the writers (accounts.services.ledger.writers) store as it computes it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from accounts.errors import AccountNotActive, CurrencyMismatch, InsufficientFunds
from accounts.models import Account, Posting, User
from bankcore.money import format_amount


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


@dataclass(frozen=True)
class Move:
    """One leg applied: the account's balance after it."""

    leg: Leg
    account: Account
    balance_after: int


def legs_balanced_check(legs: Sequence[Leg]) -> None:
    """Refuse a posting that is not double entry: two or more legs, none zero, summing to zero."""
    if len(legs) < 2 or any(leg.amount == 0 for leg in legs) or sum(leg.amount for leg in legs) != 0:
        raise ValueError("a posting needs two or more non-zero legs that sum to zero")


def debit_check(
    account: Account, *, amount: int, currency: str | None = None, balance: int | None = None
) -> None:
    """Refuse to take ``amount`` (minor units) from the customer account ``account``.

    The account must be active, hold ``currency`` (when given: the currency the caller was
    asked to move) and have ``amount`` in ``balance`` (by default its balance as read, which
    must be under the caller's lock: never a cached one). Checked in that order, and a
    refusal says only what the account's own customer may know.
    """
    if account.status != Account.Status.ACTIVE:
        raise AccountNotActive(f"Account {account.number} is {account.status}.", account_id=account.pk)
    if currency is not None and currency != account.currency:
        raise CurrencyMismatch(f"The source account holds {account.currency}, the amount is in {currency}.")
    available = account.balance if balance is None else balance
    if available < amount:
        raise InsufficientFunds(
            f"Account {account.number} has {format_amount(available, account.currency)} {account.currency}."
        )


def _returned(draft: PostingDraft, leg: Leg, account: Account) -> bool:
    """A reversal may give money back to a frozen account: a freeze stops money leaving, and a
    released hold (a rejected or cancelled wire) only returns what was taken. Closed accounts
    take nothing."""
    return draft.reverses is not None and leg.amount > 0 and account.status == Account.Status.FROZEN


def posting_moves(
    *, draft: PostingDraft, accounts: Mapping[int, Account], balances: dict[int, int]
) -> tuple[str, list[Move]]:
    """The rules and arithmetic of one posting: its currency and its legs applied, with
    ``balances`` moved on by them. Raises a DomainError on the first leg the rules refuse.

    All accounts hold one currency. A customer account gives money only under
    ``debit_check``, and takes it only while active (or frozen, for money a reversal returns).
    System accounts have no rule: they may go below zero.
    """
    currencies = {accounts[leg.account_id].currency for leg in draft.legs}
    if len(currencies) != 1:
        raise CurrencyMismatch()
    moves = []
    for leg in draft.legs:
        account = accounts[leg.account_id]
        before = balances[account.pk]
        if not account.is_system:
            if leg.amount < 0:
                debit_check(account, amount=-leg.amount, balance=before)
            elif account.status != Account.Status.ACTIVE and not _returned(draft, leg, account):
                raise AccountNotActive(
                    f"Account {account.number} is {account.status}.", account_id=account.pk
                )
        balances[account.pk] = before + leg.amount
        moves.append(Move(leg=leg, account=account, balance_after=balances[account.pk]))
    return currencies.pop(), moves
