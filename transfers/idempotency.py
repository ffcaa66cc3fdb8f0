"""Idempotency-Key handling for money-moving POSTs.

The same key and body replay the first response; the same key with another body is a
422; a key whose first request is still running is a 409. Keys are the customer's own.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from bankcore.database.rows import new_row_insert, rows_delete_in_batches
from transfers.errors import IdempotencyKeyInProgress, IdempotencyKeyInvalid, IdempotencyKeyReused
from transfers.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# A claim this old that is not held by a running money transaction (see
# IdempotencyClaim.hold) belongs to a request that died before its transaction began, or
# whose release was lost: it may be taken over. A claim that is held cannot be.
STALE_CLAIM_AFTER = timedelta(seconds=120)
KEY_RETENTION = timedelta(hours=24)


def _table(connection) -> str:
    return connection.ops.quote_name(IdempotencyKey._meta.db_table)


@dataclass(frozen=True)
class IdempotencyClaim:
    """One request's claim on its Idempotency-Key, handed to the money-moving service.

    The service calls ``hold`` first inside its transaction and ``complete`` with what it
    created before it commits; whoever ran the request calls ``release`` if it failed.
    Each acts only while the key is still claimed by this very claim (``token``): a
    request whose claim was taken over can neither move money nor free its successor's key.
    """

    key_id: int
    token: uuid.UUID

    def hold(self) -> None:
        """Lock the key until the transaction ends; refuse if the claim is no longer ours.

        While the lock is held a retry cannot take the key over, however long the
        transaction waits for other locks. A lock, not an update: a retry's insert then
        collides at once and is told the key is in progress, instead of waiting for us.
        """
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            raise RuntimeError("an idempotency claim is held inside the money-moving transaction")
        sql, params = self.hold_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.fetchone() is None:
                raise IdempotencyKeyInProgress()

    def hold_sql(self) -> tuple[str, list]:
        """``hold``'s query and its parameters: a row (1), with the key locked FOR UPDATE
        where the database has row locks, while the claim is ours; no row otherwise. A
        statement that checks more in one round trip embeds it (``IdempotencyKeyInProgress``
        is then its caller's to raise)."""
        connection = transaction.get_connection()
        table = _table(connection)
        token = IdempotencyKey._meta.get_field("claim_token").get_db_prep_value(self.token, connection)
        # The table name is the model's, every value is a parameter.
        sql = f"SELECT 1 FROM {table} WHERE id = %s AND claim_token = %s AND status = %s"  # noqa: S608
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        return sql, [self.key_id, token, IdempotencyKey.Status.IN_PROGRESS.value]

    def complete(self, *, result: models.Model) -> None:
        """Mark the key done with what the request created, in the transaction that moved the money."""
        sql, params = self.complete_sql(result_type=result._meta.label_lower, result_id=("%s", [result.pk]))
        with transaction.get_connection().cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.fetchone() is None:
                raise IdempotencyKeyInProgress()

    def complete_sql(self, *, result_type: str, result_id: tuple[str, list]) -> tuple[str, list]:
        """``complete``'s statement and its parameters, returning the key's id when it was
        still this claim's, no row otherwise; ``result_id`` is an SQL expression and its
        parameters. A statement that writes the result embeds it, the result's id read from
        the row it inserts (``IdempotencyKeyInProgress`` is then its caller's to raise)."""
        connection = transaction.get_connection()
        table = _table(connection)
        token = IdempotencyKey._meta.get_field("claim_token").get_db_prep_value(self.token, connection)
        expression, expression_params = result_id
        # The table name is the model's, every value is a parameter.
        sql = (
            f"UPDATE {table} SET status = %s, result_type = %s, result_id = {expression} "  # noqa: S608
            "WHERE id = %s AND claim_token = %s AND status = %s RETURNING id"
        )
        params = [IdempotencyKey.Status.COMPLETED.value, result_type, *expression_params]
        return sql, [*params, self.key_id, token, IdempotencyKey.Status.IN_PROGRESS.value]

    def release(self) -> bool:
        """Free the key of a request that failed, unless another request has claimed it since."""
        deleted, _ = IdempotencyKey.objects.filter(
            pk=self.key_id, claim_token=self.token, status=IdempotencyKey.Status.IN_PROGRESS
        ).delete()
        return bool(deleted)


@dataclass(frozen=True)
class Replay:
    """The key's first request completed: answer with its result again."""

    result_type: str
    result_id: int

    def result(self, queryset: models.QuerySet):
        """The first request's result, read through the replaying endpoint's ``queryset``,
        or None if it is no longer there."""
        if queryset.model._meta.label_lower != self.result_type:
            # The fingerprint holds the path, so only an endpoint that changed its model gets here.
            raise IdempotencyKeyReused()
        return queryset.filter(pk=self.result_id).first()


def idempotency_key_from(headers) -> str:
    key = headers.get(HEADER)
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise IdempotencyKeyInvalid()
    return key


def request_fingerprint(*, method: str, path: str, body) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_claim(*, customer, key: str, fingerprint: str) -> IdempotencyClaim | Replay:
    """Claim ``key`` for this request, or say the completed request to replay.

    Runs in its own short transaction, before the money-moving one, so that concurrent
    requests with one key meet at the unique constraint.
    """
    now = timezone.now()
    try:
        return _claim_insert(customer=customer, key=key, fingerprint=fingerprint)
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(customer=customer, key=key).first()
    if existing is None:
        # The request holding the key failed and freed it after our insert collided with it.
        raise IdempotencyKeyInProgress()
    if existing.created_at < now - KEY_RETENTION:
        # Forgotten keys start over: the old record is replaced by this request's claim.
        return _take_over(existing, fingerprint=fingerprint, created_at=now)
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if existing.status == IdempotencyKey.Status.COMPLETED:
        return Replay(existing.result_type, existing.result_id)
    if existing.claimed_at < now - STALE_CLAIM_AFTER:
        return _take_over(
            existing,
            fingerprint=fingerprint,
            created_at=existing.created_at,
            status=IdempotencyKey.Status.IN_PROGRESS,
        )
    raise IdempotencyKeyInProgress()


def _claim_insert(*, customer, key: str, fingerprint: str) -> IdempotencyClaim:
    """Insert the claim; raises IntegrityError when the key is taken.

    Outside a transaction the single INSERT commits on its own, so no BEGIN and COMMIT of
    its own are sent (two round trips). Inside a caller's transaction a savepoint keeps a
    collision from breaking it. The INSERT is bankcore's own on PostgreSQL
    (``new_row_insert``: every money-moving request makes one).
    """
    record = IdempotencyKey(customer=customer, key=key, fingerprint=fingerprint)
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            new_row_insert(record)
    else:
        new_row_insert(record)
    return IdempotencyClaim(record.pk, record.claim_token)


def _take_over(existing: IdempotencyKey, *, fingerprint: str, created_at, **unchanged) -> IdempotencyClaim:
    # SKIP LOCKED: a key locked by a running money transaction is in progress, not stale,
    # and waiting for that transaction would only hold this request up. The token must be
    # the one we read: anyone who claimed the key since has changed it.
    with transaction.atomic():
        current = (
            IdempotencyKey.objects.select_for_update(skip_locked=True)
            .filter(pk=existing.pk, claim_token=existing.claim_token, **unchanged)
            .first()
        )
        if current is None:
            raise IdempotencyKeyInProgress()
        token = uuid.uuid4()
        IdempotencyKey.objects.filter(pk=current.pk).update(
            fingerprint=fingerprint,
            status=IdempotencyKey.Status.IN_PROGRESS,
            result_type="",
            result_id=None,
            created_at=created_at,
            claimed_at=timezone.now(),
            claim_token=token,
        )
    return IdempotencyClaim(current.pk, token)


def idempotency_keys_purge(*, older_than: timedelta = KEY_RETENTION, progress=None) -> int:
    """Forget keys older than ``older_than``, a batch at a time; returns how many were deleted."""
    expired = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than)
    return rows_delete_in_batches(expired, progress=progress)
