"""The posting services: the one place money moves.

``posting_create`` moves money once; ``posting_bulk_create`` many times at once (load
data). Both lock the customer accounts (accounts.locks), apply the ledger's rules
(accounts.services.ledger.rules) after the lock, and hand the rows to its writers
(accounts.services.ledger.writers); nothing else writes ledger entries or balances. Money
that passes through a bank system account (cash, wire clearing, ...) moves inside
``ledger_transaction``.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from accounts import cache
from accounts.locks import customer_accounts_lock
from accounts.models import Account, Posting, User
from accounts.services.ledger.rules import Leg, PostingDraft, legs_balanced_check, posting_moves
from accounts.services.ledger.writers import (
    Follower,
    SystemMoves,
    entries_build,
    one_statement,
    postings_write,
    system_moves_write,
)
from bankcore.observability import phase

_system_moves: ContextVar[SystemMoves | None] = ContextVar("system_moves", default=None)
# The accounts a ledger_transaction's postings moved, by pk: their cached views are retired
# together, in one round trip, when it commits.
_moved_accounts: ContextVar[dict[int, Account] | None] = ContextVar("moved_accounts", default=None)


@contextmanager
def ledger_transaction() -> Iterator[None]:
    """A durable transaction whose postings may pass through system accounts.

    Every deposit and every wire passes through one of a handful of system accounts, so
    their rows are the bank's hottest. Inside this transaction a posting writes its
    customer side at once (under the customer accounts' locks) and keeps its system side:
    the system accounts' balances and entries are written together as the transaction's
    last statement, in primary-key order, and each system row is held only from there to
    the commit. No deposit or wire waits on another's statements for a system account.
    When the body raises, nothing is written; a posting through a system account outside
    this transaction is refused. The cached views of every account its postings moved are
    retired together when it commits (one cache round trip, however many postings).
    """
    with transaction.atomic(durable=True):
        moves, moved = SystemMoves(), {}
        token, moved_token = _system_moves.set(moves), _moved_accounts.set(moved)
        try:
            yield
        finally:
            _system_moves.reset(token)
            _moved_accounts.reset(moved_token)
        if moves.entries:
            with phase("system_moves", op="db.posting", description="move system account balances"):
                system_moves_write(moves, now=timezone.now())
        if moved:
            cache.accounts_changed(moved.values())


def posting_create(
    *,
    kind: str,
    legs: Sequence[Leg],
    initiated_by: User | None = None,
    description: str = "",
    reverses: Posting | None = None,
    locked_accounts: Mapping[int, Account] | None = None,
    followers: Sequence[Follower] = (),
) -> Posting:
    """Move money: write one posting whose entries sum to zero, and the new balances.

    With ``posting_bulk_create``, the only code that changes a balance. It must run inside
    the caller's (durable) transaction, next to the caller's audit event. It locks every
    customer account involved in primary-key order and checks the rules after the lock
    (never a cached balance): all accounts in one currency, customer accounts active and
    never below zero. Refusals raise a DomainError and write nothing. Cached views of the
    accounts are retired when the transaction commits.

    System accounts (cash, wire clearing, ...) are never locked up front: they have no rule
    to check, and every deposit or wire would otherwise queue on them. A posting through
    one runs inside ``ledger_transaction``, which writes the system side when the
    transaction ends (their entries' ``balance_after`` stays exact); ``posting.pk`` and
    the customer side are written here. A caller that already locked customer accounts in
    this transaction (with a lock of accounts.locks) passes them as ``locked_accounts``
    instead of having them locked again, with any system account of the posting it has
    already read.

    ``followers`` are the caller's rows that follow the posting (writers.Follower): written
    in the posting's own statement on PostgreSQL, right after it elsewhere.
    """
    draft = PostingDraft(
        kind=kind, legs=legs, description=description, initiated_by=initiated_by, reverses=reverses
    )
    [posting] = _postings_write(
        [draft], service="posting_create", locked_accounts=locked_accounts, followers=followers
    )
    return posting


def posting_bulk_create(*, drafts: Sequence[PostingDraft]) -> list[Posting]:
    """Move money many times at once: ``posting_create`` for each draft, in order.

    Every account involved is locked once, each posting is checked under the same rules
    against the balances the drafts before it left, and the rows are written with bulk
    inserts. Runs inside the caller's transaction; a refused draft raises and nothing of
    any draft is written.
    """
    return _postings_write(drafts, service="posting_bulk_create")


def _posting_accounts(wanted: set[int], locked_accounts: Mapping[int, Account] | None) -> dict[int, Account]:
    """The accounts of a posting: customer accounts locked (unless the caller locked them),
    system accounts read without a lock (or taken as the caller read them)."""
    given = locked_accounts or {}
    accounts = {pk: given[pk] for pk in wanted & given.keys()}
    missing = wanted - accounts.keys()
    if missing:
        with phase("lock", op="db.lock", description="lock customer accounts"):
            accounts |= customer_accounts_lock(missing)
        unlocked = missing - accounts.keys()
        if unlocked:
            accounts |= Account.objects.filter(pk__in=unlocked, customer__isnull=True).in_bulk()
    return accounts


def _postings_write(
    drafts: Sequence[PostingDraft],
    *,
    service: str,
    locked_accounts: Mapping[int, Account] | None = None,
    followers: Sequence[Follower] = (),
) -> list[Posting]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{service} must run inside a transaction")
    for draft in drafts:
        legs_balanced_check(draft.legs)

    wanted = {leg.account_id for draft in drafts for leg in draft.legs}
    accounts = _posting_accounts(wanted, locked_accounts)
    if len(accounts) != len(wanted):
        raise Account.DoesNotExist("a leg names an account that does not exist")
    pending = _system_moves.get()
    if pending is None and service == "posting_create" and any(a.is_system for a in accounts.values()):
        raise RuntimeError("a posting through a system account must run inside ledger_transaction()")
    # Customer accounts move from their locked balance; system accounts from where this
    # transaction's earlier postings left them (0 at first), until the update that writes
    # them says where they really start.
    balances = {
        pk: (pending.deltas[pk] if pending else 0) if account.is_system else account.balance
        for pk, account in accounts.items()
    }
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
        currency, moves = posting_moves(draft=draft, accounts=accounts, balances=balances)
        entries += entries_build(posting=posting, draft=draft, currency=currency, moves=moves)

    if pending is not None:
        system = {pk: account for pk, account in accounts.items() if account.is_system}
        for pk, account in system.items():
            pending.accounts.setdefault(pk, account)
            pending.deltas[pk] = balances[pk]
        pending.entries += [entry for entry in entries if entry.account_id in system]
        entries = [entry for entry in entries if entry.account_id not in system]
        accounts = {pk: account for pk, account in accounts.items() if pk not in system}
    # The followers' statements are made before the posting's write is timed: making one
    # may be a phase of its own (the audit event's).
    statements = []
    if followers and one_statement(postings, entries, accounts):
        statements = [(follower, *follower.statement()) for follower in followers]
    with phase("posting", op="db.posting", description="write posting, balances and entries"):
        postings_write(postings, entries, accounts=accounts, moves=balances, now=now, followers=statements)
    if followers and not statements:
        for follower in followers:
            follower.write(postings[0])
    touched = [*accounts.values(), *(pending.accounts.values() if pending else ())]
    moved = _moved_accounts.get()
    if moved is None:
        cache.accounts_changed(touched)
    else:  # retired when the ledger_transaction ends, with its other postings' accounts
        moved.update((account.pk, account) for account in touched)
    return postings
