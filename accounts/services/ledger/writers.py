"""The ledger's writes: postings, entries and balances into the database, and nothing else
but the rows a caller has follow its posting (``Follower``).

Only accounts.services.ledger.postings calls these, after the rules
(accounts.services.ledger.rules) have passed, with the accounts locked as they require.
On PostgreSQL a posting is written in one statement, with its followers (a transfer's row,
its completed Idempotency-Key and its audit event: one round trip); the ORM's statements
serve any database and any number of postings, and the followers then write themselves.
A posting's system side may come in a later statement of the same transaction
(``ledger_transaction``): PostgreSQL checks that each posting balances, per currency, only
when the transaction commits (accounts migration 0012). No rule is checked here: the
followers' statements write rows, they decide nothing.
"""

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from accounts.models import Account, LedgerEntry, Posting
from accounts.services.ledger.rules import Move, PostingDraft

# Rows per INSERT or UPDATE statement when many postings are written at once.
BATCH_SIZE = 5000


@dataclass
class SystemMoves:
    """The system accounts' side of a transaction's postings, written when it ends."""

    accounts: dict[int, Account] = field(default_factory=dict)
    # Each account's move so far; its entries' balance_after count from the balance the
    # account has when the moves are written.
    deltas: Counter = field(default_factory=Counter)
    entries: list[LedgerEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Follower:
    """A row the caller of ``posting_create`` writes right after the posting, in its
    transaction: in the posting's own statement on PostgreSQL, one round trip for all.

    ``statement()`` makes a data-modifying statement, and its parameters, that returns at
    most one row of one column; it may read the new posting's ``id`` from ``new_posting``
    and the row of each follower before it from that follower's ``name``. ``done(posting,
    value)`` is then called with what it returned (None for no row). Where the posting takes
    statements of its own (any other database, system accounts), ``write(posting)`` writes
    the row instead, with the ORM: the reference that the statement must match.
    """

    name: str
    statement: Callable[[], tuple[str, list]]
    write: Callable[[Posting], object]
    done: Callable[[Posting, object], None]


def one_statement(
    postings: Sequence[Posting], entries: Sequence[LedgerEntry], accounts: Mapping[int, Account]
) -> bool:
    """Whether ``postings_write`` writes ``postings`` in one statement, with their followers."""
    return (
        connection.vendor == "postgresql"
        and len(postings) == 1
        and bool(entries)
        and not any(account.is_system for account in accounts.values())
    )


def entries_build(
    *, posting: Posting, draft: PostingDraft, currency: str, moves: list[Move]
) -> list[LedgerEntry]:
    """The ledger entries of one posting, as the rules moved its legs (not yet saved)."""
    return [
        LedgerEntry(
            posting=posting,
            account=move.account,
            customer_id=move.account.customer_id,
            amount=move.leg.amount,
            balance_after=move.balance_after,
            currency=currency,
            type=move.leg.type,
            description=move.leg.description or draft.description,
            created_at=posting.created_at,
        )
        for move in moves
    ]


def postings_write(
    postings: list[Posting],
    entries: list[LedgerEntry],
    *,
    accounts: dict[int, Account],
    moves: dict,
    now,
    followers: Sequence[tuple[Follower, str, list]] = (),
) -> None:
    """Write ``postings``, their ``entries`` and each of ``accounts``' new balance (``moves``:
    the balance each account moves to, or a system account's delta), and set them on the
    objects. One statement for a single customer posting on PostgreSQL (``one_statement``),
    with the ``followers`` (each with its statement made) in it; there only."""
    if one_statement(postings, entries, accounts):
        _posting_write_one_statement(
            postings[0], entries, accounts=accounts, moves=moves, now=now, followers=followers
        )
    elif followers:
        raise ValueError("followers are written in a posting's own statement only")
    else:
        _postings_write_statements(postings, entries, accounts=accounts, moves=moves, now=now)


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
        system_moves_write(
            SystemMoves(
                accounts=system,
                deltas=Counter({pk: moves[pk] for pk in system}),
                entries=[entry for entry in entries if entry.account_id in system],
            ),
            now=now,
        )
    else:
        LedgerEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def system_moves_write(moves: SystemMoves, *, now: datetime) -> None:
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


def _system_balance_move(account: Account, delta: int, now: datetime) -> int:
    """Add ``delta`` to a system account's balance in one statement; returns the new balance.

    The row is locked from here until the transaction ends: only ``system_moves_write``
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


_ENTRY_COLUMNS = (
    "account_id, customer_id, amount, balance_after, currency, type, status, description, created_at"
)
_ENTRY_RECORD = (
    "position int, posting_id bigint, account_id bigint, customer_id bigint, amount bigint, "
    "balance_after bigint, currency text, type text, status text, description text, created_at timestamptz"
)


def _entry_values(entries: list[LedgerEntry]) -> tuple[str, list]:
    """``json_to_recordset(...) AS e(position, posting_id, <_ENTRY_COLUMNS>)`` for ``entries``
    and its one parameter; ``balance_after`` as the entry has it.

    One parameter, a JSON array of the rows, however many entries: a statement with more
    than 50 parameters is parsed anew by psycopg each time it runs (its cache of parsed
    statements takes none longer), and a transfer's with its followers had 59. JSON numbers
    read into bigint exactly; the times are ISO 8601 with their offset."""
    rows = [
        {
            "position": position,
            "posting_id": entry.posting.pk,  # None until the posting is written (then the statement has it)
            "account_id": entry.account_id,
            "customer_id": entry.customer_id,
            "amount": entry.amount,
            "balance_after": entry.balance_after,
            "currency": entry.currency,
            "type": entry.type,
            "status": entry.status,
            "description": entry.description,
            "created_at": entry.created_at.isoformat(),
        }
        for position, entry in enumerate(entries)
    ]
    return f"json_to_recordset(%s::json) AS e({_ENTRY_RECORD})", [json.dumps(rows)]


def _posting_write_one_statement(
    posting: Posting,
    entries: list[LedgerEntry],
    *,
    accounts: dict[int, Account],
    moves: dict,
    now,
    followers: Sequence[tuple[Follower, str, list]] = (),
) -> None:
    """Write one posting, its customer accounts' balances, its entries and its followers in
    one PostgreSQL statement: one round trip while the accounts are locked. Each balance
    moves by its delta, to the value checked under its lock."""
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
        "JOIN moved ON moved.id = e.account_id ORDER BY e.position RETURNING id)"
        # The followers' statements are their callers', every value a parameter.
        + "".join(f", {follower.name} AS ({sql})" for follower, sql, _ in followers)
        + " SELECT id"
        + "".join(f", (SELECT * FROM {follower.name})" for follower, _, _ in followers)  # noqa: S608
        + " FROM new_posting"
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
    params += entry_params
    for _, _, follower_params in followers:
        params += follower_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (posting.pk, *values) = cursor.fetchone()
    for pk, account in accounts.items():
        account.balance, account.updated_at = moves[pk], now
    posting._state.adding, posting._state.db = False, connection.alias
    for (follower, _, _), value in zip(followers, values, strict=True):
        follower.done(posting, value)


def _system_moves_write_one_statement(moves: SystemMoves, *, now: datetime) -> dict[int, int]:
    """``system_moves_write`` in one PostgreSQL statement: lock the rows in primary-key
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
