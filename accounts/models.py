import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device

from bankcore.models import AppendOnlyModel
from bankcore.money import CURRENCY_CHOICES


def normalize_email(email: str) -> str:
    """Emails are one login whatever their case: stored and compared lower-cased."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        if not email:
            raise ValueError("A user needs an email")
        user = self.model(email=normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A customer or a member of staff; the email is the login."""

    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can log in to the back office.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Tokens issued before this moment are refused, however the password was changed
    # (API, admin, or manage.py changepassword).
    password_changed_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        permissions = [
            ("view_profiling", "Can read request and SQL profiles in silk"),
            ("purge_profiling", "Can delete recorded requests and their profiles from silk"),
            ("deactivate_customer", "Can deactivate a customer's login"),
            ("view_cache_stats", "Can read cache hit and miss counts per key family"),
            ("view_database_report", "Can read database reports (sizes, index use, slow statements)"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Account(models.Model):
    """A bank account. Customer accounts never go below zero; system accounts may.

    System accounts are the bank's own (cash, wire clearing, …): money from outside enters
    and leaves through them, so the ledger always sums to zero. ``balance`` is kept in step
    with the sum of the account's ledger entries by the posting service alone.
    """

    class Kind(models.TextChoices):
        CHECKING = "checking", "Checking"
        SAVINGS = "savings", "Savings"
        SYSTEM = "system", "System"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        FROZEN = "frozen", "Frozen"
        CLOSED = "closed", "Closed"

    number = models.CharField(max_length=12)
    customer = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_accounts", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    balance = models.BigIntegerField(default=0, help_text="Minor units of the currency.")
    # NULL, not "", for customer accounts: the partial unique constraint skips NULLs.
    system_code = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        permissions = [
            ("post_deposit", "Can post a cash deposit to a customer account"),
            ("approve_deposit", "Can approve or reject another staff member's large deposit"),
            ("freeze_account", "Can freeze and unfreeze accounts"),
        ]
        indexes = [
            models.Index(fields=["customer", "id"], name="account_customer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=True) | Q(balance__gte=0),
                name="account_customer_balance_non_negative",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="system", customer__isnull=True, system_code__isnull=False)
                    | (~Q(kind="system") & Q(customer__isnull=False, system_code__isnull=True))
                ),
                name="account_system_or_customer",
            ),
            models.UniqueConstraint(fields=["number"], name="account_number_uniq"),
            models.UniqueConstraint(
                fields=["system_code", "currency"],
                condition=Q(system_code__isnull=False),
                name="account_system_code_currency_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.currency})"

    @property
    def is_system(self) -> bool:
        return self.customer_id is None

    @property
    def available_balance(self) -> int:
        """What the customer can spend now. Wire holds move money to a clearing account by
        a posting, so nothing held is still in ``balance``: the two are the same."""
        return self.balance


class Posting(AppendOnlyModel):
    """One movement of money: a set of ledger entries that sums to zero."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        TRANSFER = "transfer", "Internal transfer"
        WIRE = "wire", "Wire"
        REVERSAL = "reversal", "Reversal"
        FEE = "fee", "Fee"
        ADJUSTMENT = "adjustment", "Adjustment"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.CharField(max_length=255, blank=True)
    initiated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # A member of staff's deposits today, summed under a lock before each new one.
            models.Index(
                fields=["initiated_by", "created_at"],
                condition=Q(kind="deposit"),
                name="posting_deposit_by_staff_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"posting {self.pk} ({self.kind})"


class LedgerEntry(AppendOnlyModel):
    """One leg of a posting on one account; the API calls it a transaction.

    The primary key is the ledger's order: unique and increasing, so history pages by it.
    ``customer`` and ``currency`` repeat the account's so that a customer's history and the
    per-currency sums read one index each.
    """

    class Type(models.TextChoices):
        DEPOSIT = "deposit", "Deposit"
        TRANSFER_IN = "transfer_in", "Transfer in"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        WIRE_OUT = "wire_out", "Wire out"
        WIRE_REVERSAL = "wire_reversal", "Wire reversal"
        FEE = "fee", "Fee"
        ADJUSTMENT = "adjustment", "Adjustment"

    # One state: entries are insert-only, posted when written (a hold is a posting too).
    # Kept because the API shows it and documents a history ``status`` filter on it;
    # dropping it would break clients for no gain.
    class Status(models.TextChoices):
        POSTED = "posted", "Posted"

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", db_index=False)
    customer = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    amount = models.BigIntegerField(help_text="Signed minor units: credit positive, debit negative.")
    balance_after = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    type = models.CharField(max_length=16, choices=Type.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.POSTED)
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["account", "-id"], name="entry_account_recent_idx"),
            models.Index(fields=["account", "type", "-id"], name="entry_account_type_recent_idx"),
            models.Index(fields=["account", "created_at"], name="entry_account_created_idx"),
            models.Index(fields=["customer", "-id"], name="entry_customer_recent_idx"),
            models.Index(fields=["customer", "type", "-id"], name="entry_customer_type_recent_idx"),
            models.Index(fields=["customer", "created_at"], name="entry_customer_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="entry_amount_non_zero"),
        ]

    def __str__(self) -> str:
        return f"entry {self.pk}: {self.amount} {self.currency} on account {self.account_id}"


class ApprovalRequest(models.Model):
    """A staff action that waits for a second, different member of staff (four eyes).

    ``action`` names what runs on approval (registered in accounts.services.approvals) and
    ``payload`` is its input. Decided once: pending -> approved | rejected, by a second
    member of staff; or withdrawn, by nobody's decision, when what it would act on is gone
    (a held wire rejected or cancelled), so it is never offered for a decision again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    action = models.CharField(max_length=64)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["action", "requested_at"],
                condition=Q(status="pending"),
                name="approval_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="approval_four_eyes",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                    | Q(status="withdrawn", decided_by__isnull=True, decided_at__isnull=False)
                    | (
                        Q(status__in=["approved", "rejected"])
                        & Q(decided_by__isnull=False, decided_at__isnull=False)
                    )
                ),
                name="approval_decided_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} request {self.pk} ({self.status})"


class FormSubmission(models.Model):
    """The one-time token of a back-office form, written in the same transaction as what the
    form did: a second submit of the same form (a double click, a reload) is refused."""

    token = models.UUIDField()
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", db_index=False)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token"], name="form_submission_token_uniq")]

    def __str__(self) -> str:
        return f"form {self.token}"


def recovery_code_digest(code: str) -> str:
    """The stored form of a recovery code: SHA-256 of its letters, without dashes or spaces,
    in capitals (so it may be typed as printed or not)."""
    letters = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(letters.encode()).hexdigest()


class RecoveryCodeDevice(Device):
    """A member of staff's recovery codes, as one django-otp device: each code passes the
    second factor once.

    django-otp's static device keeps its codes in clear; these keep SHA-256 digests only.
    A code holds 80 random bits, so no digest can be turned back into its code by guessing,
    and a slow hash would buy nothing.
    """

    def verify_token(self, token) -> bool:
        if not isinstance(token, str):
            return False
        # The delete decides: of two sign-ins with one code at the same moment, one wins.
        deleted, _ = self.codes.filter(digest=recovery_code_digest(token)).delete()
        return deleted > 0


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_device_digest_uniq"),
        ]

    def __str__(self) -> str:
        return f"recovery code of device {self.device_id}"
