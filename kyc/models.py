from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class KycStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    NEEDS_MORE_INFO = "needs_more_info", "Needs more information"


class KycLevel(models.TextChoices):
    BASIC = "basic", "Basic (photo ID and selfie)"
    FULL = "full", "Full (also a recent proof of address)"


class DocumentType(models.TextChoices):
    PASSPORT = "passport", "Passport"
    NATIONAL_ID = "national_id", "National ID card"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    RESIDENCE_PERMIT = "residence_permit", "Residence permit"
    PROOF_OF_ADDRESS = "proof_of_address", "Proof of address"
    SELFIE = "selfie", "Selfie"


# Documents that prove who the customer is; each carries an expiry date.
PHOTO_ID_TYPES = frozenset(
    {
        DocumentType.PASSPORT,
        DocumentType.NATIONAL_ID,
        DocumentType.DRIVING_LICENCE,
        DocumentType.RESIDENCE_PERMIT,
    }
)


class KycProfile(models.Model):
    """One customer's identity and where its review stands.

    ``status`` changes only through ``kyc.services.transitions``, each move a conditional
    update from the one state it leaves, so two decisions can never both win.
    The national ID number is kept only encrypted, beside a keyed hash that lets staff find
    it by exact match without decrypting every row.
    """

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kyc_profile"
    )
    status = models.CharField(max_length=20, choices=KycStatus.choices, default=KycStatus.NOT_STARTED)
    level = models.CharField(max_length=10, choices=KycLevel.choices, default=KycLevel.BASIC)
    legal_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    residence_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    address = models.TextField(blank=True)
    national_id_encrypted = models.TextField(blank=True)
    national_id_hash = models.CharField(max_length=64, blank=True)
    national_id_last4 = models.CharField(max_length=4, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    jurisdiction_hits = models.JSONField(
        default=list,
        blank=True,
        help_text="Sanctioned jurisdictions the residence, nationality or address matched on the last "
        "submission: [{jurisdiction, name, field}].",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "KYC profile"
        verbose_name_plural = "KYC profiles"
        permissions = [
            ("review_kyc", "Can review KYC profiles: open their documents, approve, reject, ask for more"),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="kyc_profile_status_sub_idx"),
            # The review queue: pending profiles, oldest submission first.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status="pending_review"),
                name="kyc_profile_pending_idx",
            ),
            models.Index(fields=["national_id_hash"], name="kyc_profile_id_hash_idx"),
            models.Index(fields=["residence_country", "status"], name="kyc_profile_country_idx"),
        ]

    def __str__(self) -> str:
        return f"KYC of {self.customer_id} ({self.status})"


class KycReviewQueue(KycProfile):
    """The profiles waiting for a decision, oldest submission first (the back office's queue)."""

    class Meta:
        proxy = True
        verbose_name = "KYC review queue entry"
        verbose_name_plural = "KYC review queue"


class DocumentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"


class KycDocument(models.Model):
    """An uploaded identity document: its bytes live encrypted in the ``kyc`` storage under
    ``storage_name``, a name bankcore made; the row keeps what was learned from the bytes."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kyc_documents"
    )
    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.ACTIVE)
    content_type = models.CharField(max_length=40, help_text="Detected from the bytes")
    size = models.PositiveIntegerField(help_text="Bytes stored, after metadata was stripped")
    sha256 = models.CharField(
        max_length=64, help_text="Of the bytes stored (rewritten: a duplicate is judged by what is kept)"
    )
    storage_name = models.CharField(max_length=255, unique=True)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an approval covered it; unset for a document no reviewer has approved the "
        "profile with (one uploaded after the decision counts for nothing until the next).",
    )

    class Meta:
        verbose_name = "KYC document"
        verbose_name_plural = "KYC documents"
        indexes = [
            models.Index(fields=["customer", "status", "document_type"], name="kyc_doc_customer_status_idx"),
            models.Index(fields=["customer", "-id"], name="kyc_doc_customer_recent_idx"),
            # kyc_expire: photo IDs past their date.
            models.Index(
                fields=["expires_on"], condition=Q(status="active"), name="kyc_doc_active_expiry_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["customer", "sha256"], name="kyc_doc_customer_sha256_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} #{self.pk}"


# Screening


class SanctionsList(models.Model):
    """One loaded version of a sanctions list; the newest (highest pk) is screened against."""

    source = models.CharField(max_length=255, help_text="The file (or files) the version was read from.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 over the files' bytes.")
    entry_count = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"sanctions list v{self.pk} ({self.entry_count} entries)"


class SanctionsEntry(models.Model):
    """One listed party of a list version, as the OFAC SDN format gives it."""

    class EntryType(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        ENTITY = "entity", "Entity"
        VESSEL = "vessel", "Vessel"
        AIRCRAFT = "aircraft", "Aircraft"

    sanctions_list = models.ForeignKey(SanctionsList, on_delete=models.PROTECT, related_name="entries")
    uid = models.PositiveIntegerField(help_text="The list's own entry number (SDN ent_num).")
    name = models.CharField(max_length=350)
    aliases = models.JSONField(default=list, blank=True)
    normalized_names = models.JSONField(
        default=list, help_text="The name, then each alias, as the matcher compares them."
    )
    entry_type = models.CharField(max_length=16, choices=EntryType.choices)
    programs = models.JSONField(default=list, blank=True)
    dates_of_birth = models.JSONField(
        default=list, blank=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY, as precise as the list is."
    )
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO 3166 alpha-2 codes of nationality, citizenship, birth."
    )
    remarks = models.TextField(blank=True)

    class Meta:
        ordering = ["sanctions_list", "uid"]
        constraints = [
            models.UniqueConstraint(fields=["sanctions_list", "uid"], name="sanctions_entry_uid_per_list"),
        ]
        indexes = [
            models.Index(fields=["sanctions_list", "entry_type"], name="sanctions_entry_type_idx"),
        ]
        verbose_name_plural = "sanctions entries"

    def __str__(self):
        return f"{self.name} (#{self.uid})"


class ScreeningMatch(models.Model):
    """A sanctions entry a customer's profile matched on submit, and what staff decided of it.

    A pending or confirmed match keeps the profile from being approved. Staff decide each
    match once (a conditional update from pending). A decision is about the entry and the
    details screened (``screened_digest``): a resubmission with the same details does not ask
    again about a cleared match, one with changed details matching the entry asks anew.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        CLEARED = "cleared", "Cleared (not the listed party)"
        CONFIRMED = "confirmed", "Confirmed (the listed party)"

    profile = models.ForeignKey(KycProfile, on_delete=models.PROTECT, related_name="screening_matches")
    entry = models.ForeignKey(SanctionsEntry, on_delete=models.PROTECT, related_name="+")
    sanctions_list = models.ForeignKey(SanctionsList, on_delete=models.PROTECT, related_name="+")
    listed_name = models.CharField(max_length=350, help_text="The listed name or alias that matched.")
    score = models.PositiveSmallIntegerField()
    screened_digest = models.CharField(
        max_length=64,
        default="",
        help_text="SHA-256 of the legal name, date of birth and nationality that were screened.",
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "screening matches"
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "entry", "screened_digest"], name="screening_match_entry_per_screening"
            ),
        ]
        indexes = [
            # The approval check and the review queue: the profile's undecided matches.
            models.Index(
                fields=["profile"], condition=Q(decision="pending"), name="screening_match_pending_idx"
            ),
        ]

    def __str__(self):
        return f"{self.listed_name} ({self.score}) for profile {self.profile_id}: {self.decision}"
