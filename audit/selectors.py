"""Reads of the audit log: the chain's head, what waits to be sealed, the chain's check, and
the events the other apps show or count. No app but audit imports audit.models: they read
through here (the import contract in pyproject.toml keeps it so)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.chain import CHAINED_FIELDS, GENESIS_HASH, event_hash
from audit.config import SEAL_MARGIN_SETTING
from audit.models import AuditCheckpoint, AuditEvent
from bankcore.config import config_get
from bankcore.digits import ascii_whole_number


@dataclass(frozen=True)
class ChainHead:
    sequence: int
    hash: str

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "ChainHead":
        """``SEQUENCE:HASH``, as ``verify_audit`` prints a head; ValueError otherwise."""
        sequence, _, digest = text.partition(":")
        digest = digest.strip().lower()
        number = ascii_whole_number(sequence.strip())
        if number is None or len(digest) != 64 or set(digest) - set("0123456789abcdef"):
            raise ValueError("a checkpoint is SEQUENCE:HASH, the hash 64 hex digits")
        return cls(sequence=number, hash=digest)


@dataclass
class ChainBreak:
    sequence: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "no event"
        return f"sequence {self.sequence} ({where}): {self.reason}"


@dataclass
class ChainReport:
    checked: int = 0
    start: int = 1
    head: ChainHead | None = None
    first_break: ChainBreak | None = None
    unsealed_overdue: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_break is None


def audit_chain_head() -> ChainHead | None:
    """The newest sealed event's place and hash, or None before the first seal."""
    row = (
        AuditEvent.objects.filter(sequence__isnull=False)
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    return ChainHead(*row) if row else None


def audit_unsealed_overdue(*, margin_seconds: int | None = None) -> int:
    """How many events older than the seal margin are still unsealed (the sealer is not running)."""
    margin = config_get(SEAL_MARGIN_SETTING) if margin_seconds is None else margin_seconds
    older_than = timezone.now() - timedelta(seconds=margin)
    return AuditEvent.objects.filter(sequence__isnull=True, occurred_at__lt=older_than).count()


def audit_last_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-id").first()


def audit_verify(*, checkpoint: ChainHead | None = None, chunk: int = 5000, progress=None) -> ChainReport:
    """Recompute the chain from its first event, or from ``checkpoint``, and find the first
    broken link: a missing sequence number, a previous hash that is not its predecessor's,
    or an event whose contents no longer give its hash. ``progress`` is told of each chunk
    of events read."""
    report = ChainReport()
    expected, previous = 1, GENESIS_HASH
    if checkpoint is not None:
        stored = AuditEvent.objects.filter(sequence=checkpoint.sequence).values_list("id", "hash").first()
        if stored is None or stored[1] != checkpoint.hash:
            report.first_break = ChainBreak(
                checkpoint.sequence,
                stored[0] if stored else None,
                "its hash is not the checkpoint's" if stored else "the checkpoint's event is missing",
            )
            report.start = checkpoint.sequence
            return report
        expected, previous = checkpoint.sequence + 1, checkpoint.hash
        report.head = checkpoint
    report.start = expected
    sealed = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    while True:
        rows = list(sealed.filter(sequence__gte=expected).values(*CHAINED_FIELDS, "hash")[:chunk])
        if progress is not None:
            progress(len(rows))
        for row in rows:
            if row["sequence"] != expected:
                report.first_break = ChainBreak(
                    expected, None, f"missing: the chain goes from {expected - 1} to {row['sequence']}"
                )
                return report
            if row["previous_hash"] != previous:
                report.first_break = ChainBreak(
                    expected, row["id"], f"its previous hash is not the hash of sequence {expected - 1}"
                )
                return report
            if event_hash(row) != row["hash"]:
                report.first_break = ChainBreak(
                    expected, row["id"], "its contents do not give its hash: changed after sealing"
                )
                return report
            previous = row["hash"]
            report.head = ChainHead(sequence=expected, hash=previous)
            report.checked += 1
            expected += 1
        if len(rows) < chunk:
            break
    report.unsealed_overdue = audit_unsealed_overdue()
    return report


# ---- Events as the other apps read them ----------------------------------------------------


def audit_event_list_concerning(
    *, actor, objects: Iterable[tuple[str, Iterable]], limit: int
) -> QuerySet[AuditEvent]:
    """The newest ``limit`` events made by ``actor`` or about one of ``objects`` (pairs of an
    object type, such as "accounts.account", and the primary keys of its objects), newest first."""
    match = Q(actor=actor)
    for object_type, ids in objects:
        ids = [str(pk) for pk in ids]
        if ids:
            match |= Q(object_type=object_type, object_id__in=ids)
    return AuditEvent.objects.filter(match).order_by("-id")[:limit]


def audit_event_list_for_object(*, object_type: str, object_id) -> QuerySet[AuditEvent]:
    """Every event about one object, oldest first: its history."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by(
        "occurred_at", "id"
    )


def audit_event_newest(*, action: str) -> dict | None:
    """The time (``occurred_at``) and ``after`` of the newest event of ``action``, or None."""
    return (
        AuditEvent.objects.filter(action=action)
        .order_by("-occurred_at")
        .values("occurred_at", "after")
        .first()
    )


def audit_object_ids(*, action: str, object_type: str, since) -> set[str]:
    """The ids of the objects of ``object_type`` with an event of ``action`` since ``since``."""
    return set(
        AuditEvent.objects.filter(action=action, object_type=object_type, occurred_at__gte=since).values_list(
            "object_id", flat=True
        )
    )


def audit_sealed_from(sequence: int) -> int:
    """How many sealed events a check from ``sequence`` on reads (its progress's total)."""
    return AuditEvent.objects.filter(sequence__gte=sequence).count()
