"""Bank accounts: opening, the bank's own system accounts, freezing."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import cache, events
from accounts.errors import AccountLimitReached
from accounts.locks import account_lock, user_lock
from accounts.models import Account, User
from accounts.numbers import account_number_generate
from audit import actions
from audit.services import audit_record
from bankcore.config import config_get
from bankcore.errors import ReasonRequired
from bankcore.events import event_publish

# The bank's till: money from outside enters and leaves through it.
SYSTEM_CASH = "cash"


def _account_insert(**fields) -> Account:
    # Twelve-digit numbers are drawn at random; on the rare collision with a number in use
    # (account_number_uniq), draw again. Any other refusal, such as an invalid kind or a
    # system account opened a moment ago, is the caller's at once.
    for _attempt in range(5):
        number = account_number_generate()
        try:
            with transaction.atomic():
                return Account.objects.create(number=number, **fields)
        except IntegrityError:
            if not Account.objects.filter(number=number).exists():
                raise
    raise RuntimeError("could not draw a free account number")


@transaction.atomic
def account_open(*, customer: User, kind: str, currency: str) -> Account:
    """Open an empty account for ``customer``, up to the ``accounts.max_per_customer`` setting."""
    user_lock(user_id=customer.pk)  # serialises concurrent opens
    if Account.objects.filter(customer=customer).count() >= config_get("accounts.max_per_customer"):
        raise AccountLimitReached()
    account = _account_insert(customer=customer, kind=kind, currency=currency)
    cache.accounts_changed([account])
    audit_record(
        action=actions.ACCOUNT_OPENED,
        actor=customer,
        target=account,
        after={"number": account.number, "kind": kind, "currency": currency},
    )
    event_publish(type=events.ACCOUNT_OPENED, customer_id=customer.pk, object_id=account.pk)
    return account


def system_account(*, code: str, currency: str) -> Account:
    """The bank's own account ``code`` in ``currency``, opened on first use."""
    account = Account.objects.filter(system_code=code, currency=currency).first()
    if account is not None:
        return account
    try:
        return _account_insert(kind=Account.Kind.SYSTEM, currency=currency, system_code=code)
    except IntegrityError:  # opened by a concurrent request a moment ago
        return Account.objects.get(system_code=code, currency=currency)


def _account_set_status(*, account: Account, status: str, actor: User, reason: str, action: str) -> Account:
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    locked = account_lock(account_id=account.pk)
    before = locked.status
    locked.status = status
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    cache.accounts_changed([locked])
    audit_record(
        action=action,
        actor=actor,
        target=locked,
        before={"status": before},
        after={"status": status, "reason": reason},
    )
    # The bank's own accounts have nobody to tell; an account already so has nothing to tell.
    if locked.customer_id is not None and before != status:
        frozen = status == Account.Status.FROZEN
        event_publish(
            type=events.ACCOUNT_FROZEN if frozen else events.ACCOUNT_UNFROZEN,
            customer_id=locked.customer_id,
            object_id=locked.pk,
        )
    return locked


@transaction.atomic
def account_freeze(*, account: Account, actor: User, reason: str) -> Account:
    """Stop all money movement on a customer account until it is unfrozen; ``reason`` is
    required and audited."""
    return _account_set_status(
        account=account,
        status=Account.Status.FROZEN,
        actor=actor,
        reason=reason,
        action=actions.ACCOUNT_FROZEN,
    )


@transaction.atomic
def account_unfreeze(*, account: Account, actor: User, reason: str) -> Account:
    """Let money move on a frozen account again."""
    return _account_set_status(
        account=account,
        status=Account.Status.ACTIVE,
        actor=actor,
        reason=reason,
        action=actions.ACCOUNT_UNFROZEN,
    )
