from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, models, transaction
from django.utils import timezone

from audit.chain import CHAINED_FIELDS, GENESIS_HASH, event_hash
from audit.config import SEAL_MARGIN_SETTING
from audit.models import AuditCheckpoint, AuditEvent
from audit.selectors import ChainHead, audit_chain_head
from bankcore.config import config_get
from bankcore.database.rows import new_row_insert
from bankcore.observability import RequestContext, current_request_context, phase


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    context: RequestContext | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the transaction of the change it records.

    ``target`` names the object by its model label and primary key; ``object_type`` and
    ``object_id`` name one that has no row (a login attempt for an unknown email).
    The request's address, user agent, server's id and caller's id are taken from the
    current request.
    """
    with phase("audit", op="db.audit", description="write audit event"):
        event = audit_event_build(
            action=action,
            actor=actor,
            target=target,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            context=context,
        )
        new_row_insert(event)
        return event


def audit_event_build(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    context: RequestContext | None = None,
) -> AuditEvent:
    """The audit event ``audit_record`` appends, not saved: for a service that writes it in
    a statement of its own making (a transfer writes its event in its posting's statement,
    accounts.services.ledger.Follower), with the columns that statement alone knows (the
    new row's id) given there as SQL."""
    if target is not None:
        object_type = target._meta.label_lower
        object_id = str(target.pk)
    context = context or current_request_context()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        ip_address=context.ip if context else None,
        user_agent=context.user_agent if context else "",
        request_id=context.request_id if context else "",
        client_request_id=context.client_request_id if context else "",
    )


# The advisory lock that lets one sealer at a time extend the chain (any constant, fixed forever).
SEAL_LOCK_ID = 0x62616E6B_61756474  # "bankaudt"


@dataclass(frozen=True)
class SealRun:
    sealed: int
    head: ChainHead | None
    # Another sealer held the chain: it seals what this run left.
    busy: bool = False


def _chain_lock() -> bool:
    """Take the chain for this transaction; False when another sealer has it.

    On SQLite the transaction already holds the database's write lock (IMMEDIATE).
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_ID])
        return cursor.fetchone()[0]


# Seals written by one UPDATE each this many: each statement stays short (a few ms), where
# one UPDATE a row sent as a batch of 5,000 took 0.3-0.5 s (80 us a row) and was logged as
# one slow statement.
SEALS_PER_STATEMENT = 200


def _seals_write(seals: list[tuple[int, str, str, int]]) -> None:
    """The only change a sealed-to-be row ever takes (the database refuses any other): its
    sequence, previous hash and hash, by one UPDATE for each SEALS_PER_STATEMENT rows."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(seals), SEALS_PER_STATEMENT):
            chunk = seals[start : start + SEALS_PER_STATEMENT]
            # Typed: a bare parameter is compared as numeric, and the id's index goes unused.
            values = ", ".join(["(CAST(%s AS BIGINT), %s, %s, CAST(%s AS BIGINT))"] * len(chunk))
            cursor.execute(
                f"WITH seal (sequence, previous_hash, hash, id) AS (VALUES {values}) "  # noqa: S608
                f"UPDATE {table} SET sequence = seal.sequence, previous_hash = seal.previous_hash, "
                f"hash = seal.hash FROM seal WHERE {table}.id = seal.id AND {table}.sequence IS NULL",
                [value for row in chunk for value in row],
            )


def _seal_batch(*, limit: int, older_than) -> tuple[int, ChainHead | None] | None:
    with transaction.atomic():
        if not _chain_lock():
            return None
        head = audit_chain_head()
        sequence, previous = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
        fields = [name for name in CHAINED_FIELDS if name not in ("sequence", "previous_hash")]
        rows = AuditEvent.objects.filter(sequence__isnull=True).order_by("id").values(*fields)[:limit]
        seals = []
        for row in rows:
            # In id order, and never past a row that may still have an uncommitted neighbour
            # with a smaller id: the rest wait for the next run.
            if row["occurred_at"] >= older_than:
                break
            sequence += 1
            row.update(sequence=sequence, previous_hash=previous)
            previous = event_hash(row)
            seals.append((sequence, row["previous_hash"], previous, row["id"]))
        if seals:
            _seals_write(seals)
            head = ChainHead(sequence=sequence, hash=previous)
        return len(seals), head


def audit_seal(*, batch_size: int = 5000, margin_seconds: int | None = None, progress=None) -> SealRun:
    """Seal every audit event older than the margin into the hash chain, in id order.

    Each batch is one short transaction holding the chain's advisory lock, so several
    sealers may run at once and only one extends the chain at a time; ``audit_record``
    never waits for any of them. A row is sealed once: its seal is written only where
    none is yet. ``progress`` is told of each batch sealed.
    """
    margin = config_get(SEAL_MARGIN_SETTING) if margin_seconds is None else margin_seconds
    older_than = timezone.now() - timedelta(seconds=margin)
    total, head = 0, audit_chain_head()
    while True:
        batch = _seal_batch(limit=batch_size, older_than=older_than)
        if batch is None:
            return SealRun(sealed=total, head=head, busy=True)
        sealed, head = batch
        total += sealed
        if progress is not None:
            progress(sealed)
        if sealed < batch_size:
            return SealRun(sealed=total, head=head)


def audit_checkpoint_record(*, head: ChainHead, events_checked: int) -> AuditCheckpoint:
    """Keep that the chain verified intact through ``head`` (the back office's banner)."""
    return AuditCheckpoint.objects.create(
        sequence=head.sequence, hash=head.hash, events_checked=events_checked
    )
