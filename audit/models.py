from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from bankcore.models import AppendOnlyModel


class AuditEvent(AppendOnlyModel):
    """One state change or staff action: who, what, to which object, from where, when.

    Rows are insert-only. ``actor_label`` keeps the actor's email as it was at the time,
    so the log reads the same after a user's details change.
    """

    occurred_at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # audit_actor_recent_idx leads with the actor: a second index on it alone would be
        # one more entry to write for every event and every seal.
        db_index=False,
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The caller's own X-Request-ID, for matching with their logs; chosen by them, so never
    # trusted to identify the request (request_id does).
    client_request_id = models.CharField(max_length=64, blank=True)
    # The hash chain, written once by the sealer (audit.sealing) after the row has committed:
    # the event's place in the chain, the hash of the event before it and its own hash.
    sequence = models.BigIntegerField(null=True, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_recent_idx"),
            models.Index(fields=["object_type", "object_id", "-occurred_at"], name="audit_object_recent_idx"),
            models.Index(fields=["action", "-occurred_at"], name="audit_action_recent_idx"),
            models.Index(fields=["request_id"], name="audit_request_idx"),
            models.Index(fields=["object_id"], name="audit_object_id_idx"),
            # The sealer's work list: only the few rows not sealed yet.
            models.Index(fields=["id"], condition=models.Q(sequence__isnull=True), name="audit_unsealed_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sequence"], name="audit_sequence_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(AppendOnlyModel):
    """A point up to which ``verify_audit`` found the chain intact: sequence, hash, when.

    The back office shows the newest; ``verify_audit --from-last-checkpoint`` starts there.
    A checkpoint lives in the database it vouches for, so the full check (from the first
    event, or from a head published outside the database) remains the authority.
    """

    sequence = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    verified_at = models.DateTimeField(default=timezone.now)
    events_checked = models.BigIntegerField()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"verified through {self.sequence} at {self.verified_at:%Y-%m-%d %H:%M:%S}"
