"""The ledger: the one place money moves.

``posting_create`` moves money once; ``posting_bulk_create`` many times at once (load
data). Both apply the same rules and the same arithmetic, below, and nothing else
writes ledger entries or balances. Money that passes through a bank system account
(cash, wire clearing, ...) moves inside ``ledger_transaction``.
"""

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import cache
from accounts.errors import AccountNotActive, CurrencyMismatch, InsufficientFunds
from accounts.models import Account, LedgerEntry, Posting, User
from bankcore.money import format_amount
from bankcore.observability import phase

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


@dataclass
class _SystemMoves:
    """The system accounts' side of a transaction's postings, written when it ends."""

    accounts: dict[int, Account] = field(default_factory=dict)
    # Each account's move so far; its entries' balance_after count from the balance the
    # account has when the moves are written.
    deltas: Counter = field(default_factory=Counter)
    entries: list[LedgerEntry] = field(default_factory=list)


_system_moves: ContextVar[_SystemMoves | None] = ContextVar("system_moves", default=None)


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
    this transaction is refused.
    """
    with transaction.atomic(durable=True):
        moves = _SystemMoves()
        token = _system_moves.set(moves)
        try:
            yield
        finally:
            _system_moves.reset(token)
        if moves.entries:
            with phase("system_moves", op="db.posting", description="move system account balances"):
                _system_moves_write(moves, now=timezone.now())


def customer_accounts_lock(account_ids) -> dict[int, Account]:
    """Lock the customer accounts among ``account_ids`` in primary-key order, so two
    postings can never wait on each other. System accounts are left alone (see
    ``posting_create``)."""
    locked = Account.objects.filter(pk__in=set(account_ids), customer__isnull=False).order_by("pk")
    return {account.pk: account for account in locked.select_for_update(no_key=True)}


def transfer_accounts_lock(
    *, customer_id: int, source_id: int, destination_number: str
) -> dict[int, Account]:
    """Lock, in one statement and primary-key order, the customer's own ``source_id`` and the
    customer account numbered ``destination_number``: whichever of the two exist."""
    locked = (
        Account.objects.filter(
            Q(pk=source_id, customer_id=customer_id) | Q(number=destination_number, customer__isnull=False)
        )
        .order_by("pk")
        .select_for_update(no_key=True)
    )
    return {account.pk: account for account in locked}


def posting_create(
    *,
    kind: str,
    legs: Sequence[Leg],
    initiated_by: User | None = None,
    description: str = "",
    reverses: Posting | None = None,
    locked_accounts: Mapping[int, Account] | None = None,
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
    the customer side are written here. A caller that already locked customer accounts in this
    transaction (``customer_accounts_lock``, ``transfer_accounts_lock``, or its own
    ``select_for_update``) passes them as ``locked_accounts`` instead of having them locked
    again, with any system account of the posting it has already read.
    """
    draft = PostingDraft(
        kind=kind, legs=legs, description=description, initiated_by=initiated_by, reverses=reverses
    )
    [posting] = _postings_write([draft], service="posting_create", locked_accounts=locked_accounts)
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


def _system_balance_move(account: Account, delta: int, now: datetime) -> int:
    """Add ``delta`` to a system account's balance in one statement; returns the new balance.

    The row is locked from here until the transaction ends: only ``_system_moves_write``
    calls this, as the transaction's last statements.
    """
    table = connection.ops.quote_name(Account._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET balance = balance + %s, updated_at = %s WHERE id = %s RETURNING balance",  # noqa: S608
            [delta, connection.ops.adapt_datetimefield_value(now), account.pk],
        )
        (balance,) = cursor.fetchone()
    return balance


def _postings_write(
    drafts: Sequence[PostingDraft], *, service: str, locked_accounts: Mapping[int, Account] | None = None
) -> list[Posting]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{service} must run inside a transaction")
    for draft in drafts:
        legs = draft.legs
        if len(legs) < 2 or any(leg.amount == 0 for leg in legs) or sum(leg.amount for leg in legs) != 0:
            raise ValueError("a posting needs two or more non-zero legs that sum to zero")

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
        entries += _posting_entries(posting=posting, draft=draft, accounts=accounts, balances=balances)

    with phase("posting", op="db.posting", description="write posting, balances and entries"):
        if pending is not None:
            system = {pk: account for pk, account in accounts.items() if account.is_system}
            for pk, account in system.items():
                pending.accounts.setdefault(pk, account)
                pending.deltas[pk] = balances[pk]
            pending.entries += [entry for entry in entries if entry.account_id in system]
            entries = [entry for entry in entries if entry.account_id not in system]
            accounts = {pk: account for pk, account in accounts.items() if pk not in system}
        if (
            connection.vendor == "postgresql"
            and len(postings) == 1
            and entries
            and not any(account.is_system for account in accounts.values())
        ):
            _posting_write_one_statement(postings[0], entries, accounts=accounts, moves=balances, now=now)
        else:
            _postings_write_statements(postings, entries, accounts=accounts, moves=balances, now=now)
    cache.accounts_changed([*accounts.values(), *(pending.accounts.values() if pending else ())])
    return postings


def _postings_write_statements(
    postings: list[Posting], entries: list[LedgerEntry], *, accounts: dict[int, Account], moves: dict, now
) -> None:
    """Write postings, balances and entries with the ORM: any database, any number of postings."""
    Posting.objects.bulk_create(postings, batch_size=BATCH_SIZE)
    customer_accounts = [account for account in accounts.values() if not account.is_system]
    for account in customer_accounts:
        account.balance, account.updated_at = moves[account.pk], now
    Account.objects.bulk_update(customer_accounts, ["balance", "updated_at"], batch_size=BATCH_SIZE)
    system = {pk: account for pk, account in accounts.items() if account.is_system}
    if system:  # load data (posting_bulk_create): the system side at once
        LedgerEntry.objects.bulk_create(
            [entry for entry in entries if entry.account_id not in system], batch_size=BATCH_SIZE
        )
        _system_moves_write(
            _SystemMoves(
                accounts=system,
                deltas=Counter({pk: moves[pk] for pk in system}),
                entries=[entry for entry in entries if entry.account_id in system],
            ),
            now=now,
        )
    else:
        LedgerEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def _system_moves_write(moves: _SystemMoves, *, now: datetime) -> None:
    """Move each system account's balance by its delta, in primary-key order (two
    transactions through the same system accounts never deadlock), and write their entries
    counted from where each update found its balance. Each row stays locked to the commit."""
    if connection.vendor == "postgresql":
        starts = _system_moves_write_one_statement(moves, now=now)
    else:
        starts = {}
        for pk in sorted(moves.deltas):
            starts[pk] = _system_balance_move(moves.accounts[pk], moves.deltas[pk], now) - moves.deltas[pk]
        for entry in moves.entries:
            entry.balance_after += starts[entry.account_id]
        LedgerEntry.objects.bulk_create(moves.entries, batch_size=BATCH_SIZE)
    for pk, account in moves.accounts.items():
        account.balance, account.updated_at = starts[pk] + moves.deltas[pk], now


_ENTRY_COLUMNS = (
    "account_id, customer_id, amount, balance_after, currency, type, status, description, created_at"
)


def _entry_values(entries: list[LedgerEntry]) -> tuple[str, list]:
    """``(VALUES ...) AS e(position, posting_id, <_ENTRY_COLUMNS>)`` for ``entries`` and its
    parameters; ``balance_after`` as the entry has it."""
    row = (
        "(%s::int, %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::bigint, "
        "%s, %s, %s, %s, %s::timestamptz)"
    )
    params = []
    for position, entry in enumerate(entries):
        params += [
            position,
            entry.posting.pk,  # None until the posting is written (then the statement has it)
            entry.account_id,
            entry.customer_id,
            entry.amount,
            entry.balance_after,
            entry.currency,
            entry.type,
            entry.status,
            entry.description,
            entry.created_at,
        ]
    rows = ", ".join([row] * len(entries))
    return f"(VALUES {rows}) AS e(position, posting_id, {_ENTRY_COLUMNS})", params


def _posting_write_one_statement(
    posting: Posting, entries: list[LedgerEntry], *, accounts: dict[int, Account], moves: dict, now
) -> None:
    """Write one posting, its customer accounts' balances and its entries in one PostgreSQL
    statement: one round trip while the accounts are locked. Each balance moves by its
    delta, to the value checked under its lock."""
    deltas = {pk: moves[pk] - account.balance for pk, account in accounts.items()}
    posting_table, account_table, entry_table = (
        connection.ops.quote_name(model._meta.db_table) for model in (Posting, Account, LedgerEntry)
    )
    delta_rows = ", ".join(["(%s::bigint, %s::bigint)"] * len(deltas))
    entry_values, entry_params = _entry_values(entries)
    # Table names are the models', every value is a parameter.
    sql = (
        f"WITH new_posting AS (INSERT INTO {posting_table} "  # noqa: S608
        "(kind, description, initiated_by_id, reverses_id, created_at) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id), "
        f"moved AS (UPDATE {account_table} a SET balance = a.balance + m.delta, updated_at = %s "
        f"FROM (VALUES {delta_rows}) AS m(id, delta) WHERE a.id = m.id RETURNING a.id), "
        f"new_entries AS (INSERT INTO {entry_table} (posting_id, {_ENTRY_COLUMNS}) "
        f"SELECT p.id, {_ENTRY_COLUMNS} FROM new_posting p CROSS JOIN {entry_values} "
        "JOIN moved ON moved.id = e.account_id ORDER BY e.position RETURNING id) "
        "SELECT id FROM new_posting"
    )
    params = [
        posting.kind,
        posting.description,
        posting.initiated_by_id,
        posting.reverses_id,
        posting.created_at,
    ]
    params.append(now)
    for pk, delta in deltas.items():
        params += [pk, delta]
    with connection.cursor() as cursor:
        cursor.execute(sql, params + entry_params)
        (posting.pk,) = cursor.fetchone()
    for pk, account in accounts.items():
        account.balance, account.updated_at = moves[pk], now
    posting._state.adding, posting._state.db = False, connection.alias


def _system_moves_write_one_statement(moves: _SystemMoves, *, now: datetime) -> dict[int, int]:
    """``_system_moves_write`` in one PostgreSQL statement: lock the rows in primary-key
    order, move the balances, write the entries from where each balance started. Returns
    each account's starting balance."""
    account_table, entry_table = (
        connection.ops.quote_name(model._meta.db_table) for model in (Account, LedgerEntry)
    )
    ids = sorted(moves.deltas)
    delta_rows = ", ".join(["(%s::bigint, %s::bigint)"] * len(ids))
    entry_values, entry_params = _entry_values(moves.entries)
    # Table names are the models', every value is a parameter.
    sql = (
        f"WITH locked AS (SELECT id FROM {account_table} WHERE id = ANY(%s::bigint[]) "  # noqa: S608
        "ORDER BY id FOR NO KEY UPDATE), "
        f"moved AS (UPDATE {account_table} a SET balance = a.balance + m.delta, updated_at = %s "
        f"FROM (VALUES {delta_rows}) AS m(id, delta) WHERE a.id = m.id AND a.id IN (SELECT id FROM locked) "
        "RETURNING a.id, a.balance - m.delta AS start), "
        f"new_entries AS (INSERT INTO {entry_table} (posting_id, {_ENTRY_COLUMNS}) "
        "SELECT e.posting_id, e.account_id, e.customer_id, e.amount, e.balance_after + moved.start, "
        f"e.currency, e.type, e.status, e.description, e.created_at FROM {entry_values} "
        "JOIN moved ON moved.id = e.account_id ORDER BY e.position RETURNING id) "
        "SELECT moved.id, moved.start FROM moved"
    )
    params = [ids, now]
    for pk in ids:
        params += [pk, moves.deltas[pk]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params + entry_params)
        starts = dict(cursor.fetchall())
    for entry in moves.entries:
        entry.balance_after += starts[entry.account_id]
    return starts


def _returned(draft: PostingDraft, leg: Leg, account: Account) -> bool:
    """A reversal may give money back to a frozen account: a freeze stops money leaving, and a
    released hold (a rejected or cancelled wire) only returns what was taken. Closed accounts
    take nothing."""
    return draft.reverses is not None and leg.amount > 0 and account.status == Account.Status.FROZEN


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
        if (
            not account.is_system
            and account.status != Account.Status.ACTIVE
            and not _returned(draft, leg, account)
        ):
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
