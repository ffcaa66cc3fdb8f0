import functools
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from knox.models import AuthToken

from accounts.errors import SessionEnded
from accounts.locks import Guard, transfer_accounts_lock
from accounts.models import Account, LedgerEntry, Posting, User
from accounts.services.ledger import Follower, Leg, debit_check, posting_create
from accounts.sessions import session_hold, session_hold_sql
from audit import actions
from audit.services import audit_event_build, audit_record
from bankcore.database.rows import row_insert
from bankcore.errors import NotFound
from bankcore.events import event_build, event_insert_sql, event_publish
from bankcore.observability import phase
from bankcore.throttling import FailureLimiter
from transfers import events, metrics
from transfers.errors import DestinationUnavailable, IdempotencyKeyInProgress, SameAccount, TransfersThrottled
from transfers.idempotency import IdempotencyClaim
from transfers.models import Transfer


def _failure_limiter() -> FailureLimiter:
    return FailureLimiter(
        "transfer-failures",
        settings.TRANSFER_FAILURES_PER_CUSTOMER,
        settings.TRANSFER_FAILURE_WINDOW_SECONDS,
    )


def transfer_create(
    *,
    customer: User,
    source_account_id: int,
    destination_number: str,
    amount: int,
    currency: str,
    description: str,
    auth_token: AuthToken | None,
    idempotency_claim: IdempotencyClaim | None,
) -> Transfer:
    """Move ``amount`` from the customer's account to another customer account, at once.

    One durable transaction holds the posting, the transfer, the completed idempotency
    claim and the audit event: all of them are written, or none. The API passes the
    request's session (``auth_token``), re-checked inside that transaction, and its claimed
    Idempotency-Key; bankcore's own callers (demo data) pass None for both.

    Refusals of the destination count against the customer's refused-transfer limit; past
    it, every transfer is refused for a while, so that account numbers cannot be probed by
    the thousand. Refusals about the customer's own account (an overdraft) reveal nothing
    about anyone else and do not count: a customer is never locked out for being short.

    Transfers in flight hold no place under the limit, so a customer may run any number at
    once. Parallel probes still get at most the limit's worth of refusals: a refusal is
    counted when it happens, and one counted past the limit is answered 429 instead; a transfer
    whose destination is good reads the count again before it commits, and is answered 429
    too if refusals reached the limit meanwhile. Past the limit the answer is 429 whatever
    the destination.
    """
    limiter = _failure_limiter()
    tally = limiter.tally(str(customer.pk))
    if not tally.granted:
        raise TransfersThrottled(tally.retry_after)
    try:
        return _transfer_post(
            customer=customer,
            source_account_id=source_account_id,
            destination_number=destination_number,
            amount=amount,
            currency=currency,
            description=description,
            auth_token=auth_token,
            idempotency_claim=idempotency_claim,
            refusals_recount=functools.partial(limiter.recount, tally),
        )
    except DestinationUnavailable:
        retry_after = limiter.count_failure(tally)
        if retry_after is not None:
            raise TransfersThrottled(retry_after) from None
        raise


def request_guards(auth_token: AuthToken | None, idempotency_claim: IdempotencyClaim | None) -> list[Guard]:
    """What must hold before a money-moving request locks its accounts: its session is
    alive, then its Idempotency-Key is still its own claim (each locked until the commit).
    Transfers and wires embed them in their account lock's statement."""
    guards = []
    if auth_token is not None:
        sql, params = session_hold_sql(auth_token=auth_token)
        hold = functools.partial(session_hold, auth_token=auth_token)
        guards.append(Guard(sql, params, hold, SessionEnded))
    if idempotency_claim is not None:
        sql, params = idempotency_claim.hold_sql()
        guards.append(Guard(sql, params, idempotency_claim.hold, IdempotencyKeyInProgress))
    return guards


@transaction.atomic(durable=True)
def _transfer_post(
    *,
    customer: User,
    source_account_id: int,
    destination_number: str,
    amount: int,
    currency: str,
    description: str,
    auth_token: AuthToken | None,
    idempotency_claim: IdempotencyClaim | None,
    refusals_recount: Callable[[], int | None],
) -> Transfer:
    # Both accounts are locked before any rule is checked, and read only under the lock: after
    # the session is re-checked and the claim held, in the same statement on PostgreSQL.
    with phase("lock", op="db.lock", description="lock source and destination accounts"):
        accounts = transfer_accounts_lock(
            customer_id=customer.pk,
            source_id=source_account_id,
            destination_number=destination_number,
            guards=request_guards(auth_token, idempotency_claim),
        )
    # The customer's own source account may be refused in detail, and is checked first: a
    # customer without the funds learns nothing about the destination.
    source = accounts.get(source_account_id)
    if source is None or source.customer_id != customer.pk:
        raise NotFound("You have no account with that id.")
    if destination_number == source.number:
        raise SameAccount()
    debit_check(source, amount=amount, currency=currency)
    destination = next(
        (account for account in accounts.values() if account.number == destination_number), None
    )
    if destination is None or destination.currency != currency or destination.status != Account.Status.ACTIVE:
        raise DestinationUnavailable()
    # Parallel probes all pass the check on entry before any of them is refused: one that
    # found a good account must not say so once the others have used up the limit.
    retry_after = refusals_recount()
    if retry_after is not None:
        raise TransfersThrottled(retry_after)
    transfer = Transfer(
        customer=customer,
        source=source,
        destination=destination,
        amount=amount,
        currency=currency,
        description=description,
    )
    posting_create(
        kind=Posting.Kind.TRANSFER,
        legs=[
            Leg(source.pk, -amount, LedgerEntry.Type.TRANSFER_OUT),
            Leg(destination.pk, amount, LedgerEntry.Type.TRANSFER_IN),
        ],
        initiated_by=customer,
        description=description,
        locked_accounts=accounts,
        followers=_records(transfer, customer=customer, idempotency_claim=idempotency_claim),
    )
    metrics.transfer_committed(currency=currency, amount=amount)
    return transfer


def _records(
    transfer: Transfer, *, customer: User, idempotency_claim: IdempotencyClaim | None
) -> list[Follower]:
    """What the transfer writes after its posting, in the posting's own statement on
    PostgreSQL: the transfer itself, the claim completed with it, its audit event and its
    event. Each has its ORM write beside it, the reference its SQL follows."""
    records = [_transfer_record(transfer)]
    if idempotency_claim is not None:
        records.append(_claim_record(idempotency_claim, transfer))
    records.append(_audit_record(transfer, customer=customer))
    records.append(_event_record(transfer, customer=customer))
    return records


def _audit_after(transfer: Transfer, posting_id: int | None) -> dict:
    return {
        "source": transfer.source_id,
        "destination": transfer.destination_id,
        "amount": transfer.amount,
        "currency": transfer.currency,
        "posting": posting_id,
    }


def _transfer_record(transfer: Transfer) -> Follower:
    def statement() -> tuple[str, list]:
        return row_insert(transfer, expressions={"posting_id": ("(SELECT id FROM new_posting)", [])})

    def write(posting: Posting) -> None:
        transfer.posting = posting
        transfer.save(force_insert=True)

    def done(posting: Posting, transfer_id: int) -> None:
        transfer.pk, transfer.posting = transfer_id, posting
        transfer._state.adding, transfer._state.db = False, posting._state.db

    return Follower("new_transfer", statement, write=write, done=done)


def _claim_record(claim: IdempotencyClaim, transfer: Transfer) -> Follower:
    def statement() -> tuple[str, list]:
        return claim.complete_sql(
            result_type=Transfer._meta.label_lower, result_id=("(SELECT id FROM new_transfer)", [])
        )

    def done(posting: Posting, key_id: int | None) -> None:
        if key_id is None:
            raise IdempotencyKeyInProgress()

    return Follower(
        "claim_completed", statement, write=lambda posting: claim.complete(result=transfer), done=done
    )


def _audit_record(transfer: Transfer, *, customer: User) -> Follower:
    def statement() -> tuple[str, list]:
        # The event as audit_record makes it; the two values only the statement knows (the
        # transfer's id, its posting's) are read from the rows it inserts.
        with phase("audit", op="db.audit", description="make audit event"):
            event = audit_event_build(
                action=actions.TRANSFER_CREATED,
                actor=customer,
                target=transfer,
                after=_audit_after(transfer, None),
            )
            after = event._meta.get_field("after").get_db_prep_save(event.after, connection)
            return row_insert(
                event,
                expressions={
                    "object_id": ("(SELECT id::text FROM new_transfer)", []),
                    "after": ("%s || jsonb_build_object('posting', (SELECT id FROM new_posting))", [after]),
                },
            )

    def write(posting: Posting) -> None:
        audit_record(
            action=actions.TRANSFER_CREATED,
            actor=customer,
            target=transfer,
            after=_audit_after(transfer, posting.pk),
        )

    return Follower("new_audit_event", statement, write=write, done=lambda posting, event_id: None)


def _event_record(transfer: Transfer, *, customer: User) -> Follower:
    def statement() -> tuple[str, list]:
        event = event_build(type=events.TRANSFER_CREATED, customer_id=customer.pk, object_id=None)
        return event_insert_sql(event, object_id_sql="(SELECT id FROM new_transfer)")

    def write(posting: Posting) -> None:
        event_publish(type=events.TRANSFER_CREATED, customer_id=customer.pk, object_id=transfer.pk)

    return Follower("new_event", statement, write=write, done=lambda posting, event_id: None)
