import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account, Posting
from bankcore.money import CURRENCY_CHOICES, format_amount


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


class WireTransfer(models.Model):
    """An outgoing wire (ISO 20022 pacs.008 fields), and where its compliance review stands.

    The amount and fee are held at creation by ``hold_posting`` (customer -> wire clearing);
    ``release_posting`` sends them on (clearing -> settlement), ``reversal_posting`` gives
    them back (a new posting that reverses the hold). ``status`` changes only through the
    transition services in ``transfers.services.wires.review``, each a conditional update from the
    state it leaves, so two decisions can never both win.
    """

    class Status(models.TextChoices):
        PENDING_REVIEW = "pending_review", "Pending review"
        APPROVED = "approved", "Approved"
        SENT = "sent", "Sent"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    class ChargeBearer(models.TextChoices):
        DEBT = "DEBT", "Debtor pays all charges"
        CRED = "CRED", "Creditor pays all charges"
        SHAR = "SHAR", "Charges shared"

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    amount = models.BigIntegerField(help_text="Minor units of the currency.")
    fee = models.BigIntegerField(default=0, help_text="Minor units, held and charged with the amount.")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    beneficiary_name = models.CharField(max_length=140)
    beneficiary_account = models.CharField(max_length=34, help_text="IBAN, or a US account number.")
    beneficiary_bic = models.CharField(max_length=11, blank=True)
    beneficiary_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    beneficiary_address = models.CharField(max_length=140, blank=True)
    beneficiary_routing_number = models.CharField(max_length=9, blank=True, help_text="US ABA number")
    reference = models.CharField(max_length=140, blank=True, help_text="RmtInf/Ustrd")
    charge_bearer = models.CharField(max_length=4, choices=ChargeBearer.choices, default=ChargeBearer.SHAR)
    uetr = models.UUIDField(default=uuid.uuid4, editable=False)
    value_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices)
    review_reason = models.JSONField(null=True, blank=True, help_text="Why the wire waits for review.")
    screening_hits = models.JSONField(default=list, blank=True, help_text="Sanctions entries it matched.")
    hold_posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="+")
    release_posting = models.OneToOneField(
        Posting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversal_posting = models.OneToOneField(
        Posting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval = models.ForeignKey(
        "accounts.ApprovalRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The four-eyes request of the first approver, while a second is awaited.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("review_wire", "Can approve or reject wires held for compliance review"),
        ]
        indexes = [
            # The customer's list (newest first, keyset on id) and its date filters and stats;
            # limits: the customer's wires of the day and the month, summed under their lock.
            models.Index(fields=["customer", "-id"], name="wire_customer_recent_idx"),
            models.Index(fields=["customer", "created_at"], name="wire_customer_created_idx"),
            # One account's wires by date (the list's account filter).
            models.Index(fields=["source", "created_at"], name="wire_source_created_idx"),
            models.Index(fields=["status", "created_at"], name="wire_status_created_idx"),
            # The compliance queue: pending wires, oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status="pending_review"),
                name="wire_pending_review_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="wire_amount_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="wire_fee_non_negative"),
            models.UniqueConstraint(fields=["uetr"], name="wire_uetr_uniq"),
            models.CheckConstraint(
                condition=Q(status="sent", release_posting__isnull=False)
                | Q(status__in=["rejected", "cancelled"], reversal_posting__isnull=False)
                | Q(status__in=["pending_review", "approved"]),
                name="wire_final_state_has_posting",
            ),
        ]

    def __str__(self) -> str:
        # The back office titles a wire's page with this: an amount in minor units would read
        # a hundred times too large.
        amount = format_amount(self.amount, self.currency)
        return f"wire {self.pk}: {amount} {self.currency} ({self.get_status_display()})"


class WireReviewQueue(WireTransfer):
    """The wires waiting for a compliance decision, oldest first (the back office's queue)."""

    class Meta:
        proxy = True
        verbose_name = "wire review queue entry"
        verbose_name_plural = "wire review queue"


class WireLimitOverride(models.Model):
    """One account's own wire limits, set by staff; a blank limit keeps the system default.

    Amounts are minor units of the account's currency. KYC level still raises them.
    """

    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="+")
    per_wire = models.BigIntegerField(null=True, blank=True)
    daily = models.BigIntegerField(null=True, blank=True)
    monthly = models.BigIntegerField(null=True, blank=True)
    daily_count = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(per_wire__isnull=True) | Q(per_wire__gte=0))
                & (Q(daily__isnull=True) | Q(daily__gte=0))
                & (Q(monthly__isnull=True) | Q(monthly__gte=0)),
                name="wire_limit_override_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"wire limits of account {self.account_id}"


class BusinessHoliday(models.Model):
    """A day wires do not settle on, besides weekends (the wire time zone's calendar)."""

    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date"], name="business_holiday_date_uniq")]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"
