import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account, Posting
from bankcore.money import CURRENCY_CHOICES


class Transfer(models.Model):
    """A customer's move of money from their account to another customer account.

    Internal transfers settle at once, in the posting they point to, and never change.
    """

    # One state: an internal transfer completes in the request that makes it. Kept because
    # the API shows it; dropping it would break clients for no gain.
    class Status(models.TextChoices):
        COMPLETED = "completed", "Completed"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    destination = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    amount = models.BigIntegerField(help_text="Minor units of the currency.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    description = models.CharField(max_length=140, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.COMPLETED)
    posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="transfer")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["customer", "-id"], name="transfer_customer_recent_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(source=F("destination")), name="transfer_distinct_accounts"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk}: {self.amount} {self.currency}"


class IdempotencyKey(models.Model):
    """A customer's Idempotency-Key, claimed before a money-moving request runs.

    The unique constraint is what makes a key single-use under concurrency. Each claim of
    the row gets a new ``claim_token``; the money transaction locks the row and goes on only
    while the token is still its own, and completes it in that same transaction, so a
    completed key always points at its result and a stale in-progress key moved nothing.
    The result is named by model and id, so any money-moving endpoint (a transfer, a wire)
    can replay its own.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    claim_token = models.UUIDField(default=uuid.uuid4)
    result_type = models.CharField(
        max_length=100, blank=True, help_text="Model label of what the first request created."
    )
    result_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "key"], name="idempotency_customer_key_uniq"),
            models.CheckConstraint(
                condition=Q(status="in_progress", result_type="", result_id__isnull=True)
                | (Q(status="completed", result_id__isnull=False) & ~Q(result_type="")),
                name="idempotency_completed_has_result",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
