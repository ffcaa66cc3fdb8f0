"""Bulk data for load tests, written by the ledger's own posting service.

Every customer account is opened empty, funded from the bank's cash account and then
moved by transfers between the new accounts, through ``posting_bulk_create``: each
posting's entries sum to zero, balances are the running sums of their entries, and no
customer account goes below zero. Rows are written with bulk inserts, a chunk of
customers per transaction, so a million entries take minutes rather than hours.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, LedgerEntry, Posting, User
from accounts.numbers import account_number_generate
from accounts.services.bank_accounts import SYSTEM_CASH, system_account
from accounts.services.ledger import Leg, PostingDraft, posting_bulk_create
from audit import actions
from audit.services import audit_record
from transfers.models import Transfer, WireTransfer
from transfers.services.wires.review import SYSTEM_WIRE_CLEARING, SYSTEM_WIRE_SETTLEMENT

BATCH_SIZE = 5000
HISTORY_SPAN = timedelta(days=90)


@dataclass(frozen=True)
class SeededAccount:
    id: int
    account_number: str
    currency: str


@dataclass(frozen=True)
class SeededCustomer:
    email: str
    accounts: list[SeededAccount]


def _free_account_numbers(count: int) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = {account_number_generate() for _ in range(count - len(numbers))}
        taken = set(Account.objects.filter(number__in=wanted).values_list("number", flat=True))
        numbers |= wanted - taken
    return list(numbers)


def ledger_seed_load(
    *,
    customers: int,
    accounts_per_customer: int,
    opening_balance: int,
    transactions_per_account: int,
    password: str,
    currency: str = "USD",
    chunk_size: int = 500,
    rng: random.Random | None = None,
    wires_per_account: int = 0,
    progress=None,
) -> list[SeededCustomer]:
    """Create load-test customers with funded accounts and history; returns what it made.
    ``progress`` is told of each chunk of customers made.

    Each account gets one opening deposit and about ``transactions_per_account - 1`` more
    entries from transfers with the other new accounts of its chunk (never below half the
    opening balance), then
    ``wires_per_account`` wires: each held and sent, except every tenth, left pending review.
    """
    rng = rng or random.Random()  # noqa: S311 - load data, not secrets
    run = secrets.token_hex(4)
    password_hash = make_password(password)  # one hash for every load customer: seeding stays fast
    seeded: list[SeededCustomer] = []
    for chunk_start in range(0, customers, chunk_size):
        count = min(chunk_size, customers - chunk_start)
        seeded += _seed_chunk(
            run=run,
            first_index=chunk_start,
            count=count,
            accounts_per_customer=accounts_per_customer,
            opening_balance=opening_balance,
            transactions_per_account=transactions_per_account,
            password_hash=password_hash,
            currency=currency,
            rng=rng,
            wires_per_account=wires_per_account,
        )
        if progress is not None:
            progress(count)
    return seeded


@transaction.atomic
def _seed_chunk(
    *,
    run,
    first_index,
    count,
    accounts_per_customer,
    opening_balance,
    transactions_per_account,
    password_hash,
    currency,
    rng,
    wires_per_account=0,
):
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                email=f"load-{run}-{first_index + n}@bankcore.test",
                full_name="Load Customer",
                password=password_hash,
            )
            for n in range(count)
        ],
        batch_size=BATCH_SIZE,
    )
    numbers = _free_account_numbers(count * accounts_per_customer)
    accounts = Account.objects.bulk_create(
        [
            Account(
                number=numbers.pop(),
                customer=user,
                kind=Account.Kind.CHECKING if n == 0 else Account.Kind.SAVINGS,
                currency=currency,
                opened_at=now - HISTORY_SPAN,
            )
            for user in users
            for n in range(accounts_per_customer)
        ],
        batch_size=BATCH_SIZE,
    )

    cash = system_account(code=SYSTEM_CASH, currency=currency)
    # Decide every movement first, in time order, keeping running balances: a transfer
    # only moves what its source holds at that moment. The ledger checks it again.
    balances = {account.pk: 0 for account in accounts}
    movements: list[tuple[str, list[Leg]]] = []
    for account in accounts:
        movements.append(
            (
                Posting.Kind.DEPOSIT,
                [
                    Leg(cash.pk, -opening_balance, LedgerEntry.Type.DEPOSIT),
                    Leg(account.pk, opening_balance, LedgerEntry.Type.DEPOSIT),
                ],
            )
        )
        balances[account.pk] += opening_balance
    transfers_wanted = len(accounts) * max(transactions_per_account - 1, 0) // 2
    # A transfer never takes its source below half its opening balance: a random walk of
    # payments would otherwise leave some accounts with cents, and the load test's customers
    # spend what the seeding gave them (wires of up to 500, held ones above 10,000).
    floor = opening_balance // 2
    for _ in range(transfers_wanted if len(accounts) > 1 else 0):
        source, destination = rng.sample(accounts, 2)
        spare = balances[source.pk] - floor
        if spare < 1:
            continue
        amount = rng.randint(1, max(1, spare // 10))
        balances[source.pk] -= amount
        balances[destination.pk] += amount
        movements.append(
            (
                Posting.Kind.TRANSFER,
                [
                    Leg(source.pk, -amount, LedgerEntry.Type.TRANSFER_OUT),
                    Leg(destination.pk, amount, LedgerEntry.Type.TRANSFER_IN),
                ],
            )
        )

    wires = _wire_movements(
        accounts=accounts, balances=balances, per_account=wires_per_account, currency=currency, rng=rng
    )
    movements += [movement for wire in wires for movement in wire.movements]

    step = HISTORY_SPAN / max(len(movements), 1)
    start = now - HISTORY_SPAN
    postings = posting_bulk_create(
        drafts=[
            PostingDraft(kind=kind, legs=legs, description="load data", created_at=start + step * index)
            for index, (kind, legs) in enumerate(movements)
        ]
    )
    by_id = {account.pk: account for account in accounts}
    transfers = []
    for posting, (kind, legs) in zip(postings, movements, strict=True):
        if kind == Posting.Kind.TRANSFER:
            debit, credit = legs
            source = by_id[debit.account_id]
            transfers.append(
                Transfer(
                    customer_id=source.customer_id,
                    source=source,
                    destination=by_id[credit.account_id],
                    amount=credit.amount,
                    currency=currency,
                    description="load data",
                    posting=posting,
                    created_at=posting.created_at,
                )
            )
    Transfer.objects.bulk_create(transfers, batch_size=BATCH_SIZE)
    _wires_write(
        wires=wires,
        postings=postings[len(postings) - sum(len(w.movements) for w in wires) :],
        accounts=by_id,
        currency=currency,
    )
    audit_record(
        action=actions.LOAD_DATA_SEEDED,
        object_type="accounts.account",
        after={
            "customers": count,
            "accounts": len(accounts),
            "entries": sum(len(legs) for _, legs in movements),
            "wires": len(wires),
            "run": run,
        },
    )

    by_customer: dict[int, list[SeededAccount]] = {}
    for account in accounts:
        by_customer.setdefault(account.customer_id, []).append(
            SeededAccount(id=account.pk, account_number=account.number, currency=currency)
        )
    return [SeededCustomer(email=user.email, accounts=by_customer[user.pk]) for user in users]


@dataclass(frozen=True)
class _SeededWire:
    account_id: int
    amount: int
    sent: bool
    movements: list[tuple[str, list[Leg]]]


def _wire_movements(*, accounts, balances, per_account: int, currency: str, rng) -> list[_SeededWire]:
    """Wires out of each account, each a hold (customer -> clearing) and, unless it is left
    pending review, a release (clearing -> settlement), as the wire service posts them."""
    if per_account < 1:
        return []
    clearing = system_account(code=SYSTEM_WIRE_CLEARING, currency=currency)
    settlement = system_account(code=SYSTEM_WIRE_SETTLEMENT, currency=currency)
    wires = []
    for account in accounts:
        for number in range(per_account):
            amount = rng.randint(1, max(1, balances[account.pk] // 20))
            if balances[account.pk] < amount:
                break
            balances[account.pk] -= amount
            sent = number % 10 != 9
            movements = [
                (
                    Posting.Kind.WIRE,
                    [
                        Leg(account.pk, -amount, LedgerEntry.Type.WIRE_OUT),
                        Leg(clearing.pk, amount, LedgerEntry.Type.WIRE_OUT),
                    ],
                )
            ]
            if sent:
                movements.append(
                    (
                        Posting.Kind.WIRE,
                        [
                            Leg(clearing.pk, -amount, LedgerEntry.Type.WIRE_OUT),
                            Leg(settlement.pk, amount, LedgerEntry.Type.WIRE_OUT),
                        ],
                    )
                )
            wires.append(_SeededWire(account.pk, amount, sent, movements))
    return wires


def _wires_write(*, wires: list[_SeededWire], postings: list[Posting], accounts: dict, currency: str) -> None:
    rows, position = [], 0
    for wire in wires:
        hold = postings[position]
        release = postings[position + 1] if wire.sent else None
        position += len(wire.movements)
        rows.append(
            WireTransfer(
                customer_id=accounts[wire.account_id].customer_id,
                source_id=wire.account_id,
                amount=wire.amount,
                currency=currency,
                beneficiary_name="Load Beneficiary",
                beneficiary_account="DE89370400440532013000",
                beneficiary_bic="COBADEFFXXX",
                beneficiary_country="DE",
                reference="load data",
                value_date=hold.created_at.date(),
                status=WireTransfer.Status.SENT if wire.sent else WireTransfer.Status.PENDING_REVIEW,
                review_reason=None
                if wire.sent
                else {"rule": "amount_threshold", "detail": "load data", "threshold": "0", "amount": "0"},
                hold_posting=hold,
                release_posting=release,
                created_at=hold.created_at,
                updated_at=(release or hold).created_at,
            )
        )
    WireTransfer.objects.bulk_create(rows, batch_size=BATCH_SIZE)
