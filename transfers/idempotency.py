"""Idempotency-Key handling for money-moving POSTs.

The same key and body replay the first response; the same key with another body is a
422; a key whose first request is still running is a 409. Keys are the customer's own.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bankcore.errors import IdempotencyKeyInProgress, IdempotencyKeyInvalid, IdempotencyKeyReused
from transfers.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Longer than any request may run (gunicorn's timeout is 30 s): a claim this old whose
# transaction never completed it moved no money, and may be taken over.
STALE_CLAIM_AFTER = timedelta(seconds=120)
KEY_RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Claim:
    record: IdempotencyKey
    replay: bool


def idempotency_key_from(headers) -> str:
    key = headers.get(HEADER)
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise IdempotencyKeyInvalid()
    return key


def request_fingerprint(*, method: str, path: str, body) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_claim(*, customer, key: str, fingerprint: str) -> Claim:
    """Claim ``key`` for this request, or say the completed request to replay.

    Runs in its own short transaction, before the money-moving one, so that concurrent
    requests with one key meet at the unique constraint.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            return Claim(
                IdempotencyKey.objects.create(customer=customer, key=key, fingerprint=fingerprint), False
            )
    except IntegrityError:
        pass
    existing = (
        IdempotencyKey.objects.select_related("transfer__destination")
        .filter(customer=customer, key=key)
        .first()
    )
    if existing is None:
        # The request holding the key failed and freed it after our insert collided with it.
        raise IdempotencyKeyInProgress()
    if existing.created_at < now - KEY_RETENTION:
        # Forgotten keys start over: the old record is replaced by this request's claim.
        taken = IdempotencyKey.objects.filter(pk=existing.pk, created_at=existing.created_at).update(
            fingerprint=fingerprint,
            status=IdempotencyKey.Status.IN_PROGRESS,
            transfer=None,
            response_status=None,
            created_at=now,
            claimed_at=now,
        )
        if taken:
            existing.refresh_from_db()
            return Claim(existing, False)
        raise IdempotencyKeyInProgress()
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if existing.status == IdempotencyKey.Status.COMPLETED:
        return Claim(existing, True)
    if existing.claimed_at < now - STALE_CLAIM_AFTER:
        taken = IdempotencyKey.objects.filter(
            pk=existing.pk, status=IdempotencyKey.Status.IN_PROGRESS, claimed_at=existing.claimed_at
        ).update(claimed_at=now)
        if taken:
            existing.claimed_at = now
            return Claim(existing, False)
    raise IdempotencyKeyInProgress()


def idempotency_complete(*, record: IdempotencyKey, response_status: int, transfer=None) -> None:
    """Mark the claim done; call inside the transaction that moved the money."""
    IdempotencyKey.objects.filter(pk=record.pk).update(
        status=IdempotencyKey.Status.COMPLETED, response_status=response_status, transfer=transfer
    )


def idempotency_release(*, record: IdempotencyKey) -> None:
    """Free the key of a request that failed, so that it left nothing behind."""
    IdempotencyKey.objects.filter(pk=record.pk, status=IdempotencyKey.Status.IN_PROGRESS).delete()


def idempotency_keys_purge(*, older_than: timedelta = KEY_RETENTION) -> int:
    """Forget keys older than ``older_than``; returns how many were deleted."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
