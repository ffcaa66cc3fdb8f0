from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken

from accounts import cache as keys
from accounts.models import Account, LedgerEntry, Posting, User, normalize_email
from accounts.numbers import account_number_generate
from audit import actions
from audit.services import audit_record
from bankcore.config import config_get
from bankcore.errors import (
    AccountLimitReached,
    AccountNotActive,
    CurrencyMismatch,
    EmailTaken,
    InsufficientFunds,
    InvalidCredentials,
    LoginThrottled,
    PasswordIncorrect,
)
from bankcore.money import format_amount
from bankcore.throttling import FailureLimiter


def _login_limiters() -> tuple[FailureLimiter, FailureLimiter]:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return (
        FailureLimiter("login-email", settings.LOGIN_FAILURES_PER_EMAIL, window),
        FailureLimiter("login-address", settings.LOGIN_FAILURES_PER_ADDRESS, window),
    )


def auth_token_issue(*, user: User) -> tuple[str, datetime]:
    """A new session token for ``user``: (the token, its expiry). Only its hash is stored."""
    auth_token, token = AuthToken.objects.create(user=user)
    return token, auth_token.expiry


@transaction.atomic
def user_register(*, email: str, password: str, full_name: str = "") -> tuple[User, str, datetime]:
    """Create a customer and sign them in. The password must already be validated."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, full_name=full_name.strip())
    except IntegrityError:
        raise EmailTaken() from None
    token, expiry = auth_token_issue(user=user)
    audit_record(action=actions.USER_REGISTERED, actor=user, target=user, after={"email": user.email})
    return user, token, expiry


def auth_login(*, email: str, password: str, client_address: str | None) -> tuple[User, str, datetime]:
    """Exchange email and password for a token, throttling failures per email and address.

    An unknown email and a wrong password raise the same error. Once either limit is
    reached every attempt is refused, a correct one too, until the window moves on.
    """
    email = normalize_email(email)
    email_limiter, address_limiter = _login_limiters()
    identities = [(email_limiter, email), (address_limiter, client_address or "unknown")]

    for limiter, identity in identities:
        retry_after = limiter.retry_after(identity)
        if retry_after is not None:
            audit_record(
                action=actions.LOGIN_THROTTLED,
                object_type="accounts.user",
                after={"email": email, "scope": limiter.scope},
            )
            raise LoginThrottled(retry_after)

    user = authenticate(email=email, password=password)
    if user is None:
        for limiter, identity in identities:
            limiter.record_failure(identity)
        audit_record(action=actions.LOGIN_FAILED, object_type="accounts.user", after={"email": email})
        raise InvalidCredentials()

    with transaction.atomic():
        token, expiry = auth_token_issue(user=user)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_record(action=actions.LOGIN_SUCCEEDED, actor=user, target=user)
    return user, token, expiry


@transaction.atomic
def auth_logout(*, user: User, auth_token: AuthToken) -> None:
    """End one session: its token stops working at once."""
    auth_token.delete()
    audit_record(action=actions.LOGGED_OUT, actor=user, target=user)


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> tuple[str, datetime]:
    """Change the password, end every session of the user and open a new one.

    ``new_password`` must already be validated. Returns the new session's token.
    """
    if not user.check_password(current_password):
        raise PasswordIncorrect()
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at"])
    AuthToken.objects.filter(user=user).delete()
    token, expiry = auth_token_issue(user=user)
    audit_record(action=actions.PASSWORD_CHANGED, actor=user, target=user)
    return token, expiry


@transaction.atomic
def user_ensure(
    *, email: str, password: str, full_name: str, is_staff: bool = False, is_superuser: bool = False
) -> tuple[User, bool]:
    """Make sure a user exists with exactly this password and access: (user, created)."""
    user, created = User.objects.get_or_create(
        email=normalize_email(email),
        defaults={"full_name": full_name, "is_staff": is_staff, "is_superuser": is_superuser},
    )
    user.full_name, user.is_staff, user.is_superuser, user.is_active = full_name, is_staff, is_superuser, True
    user.set_password(password)
    user.save()
    if created:
        audit_record(action=actions.USER_REGISTERED, target=user, after={"email": user.email})
    return user, created


# Accounts --------------------------------------------------------------------------------


def _account_insert(**fields) -> Account:
    # Twelve-digit numbers are drawn at random; on the rare collision, draw again.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Account.objects.create(number=account_number_generate(), **fields)
        except IntegrityError:
            system_code = fields.get("system_code")
            if (
                system_code
                and Account.objects.filter(system_code=system_code, currency=fields["currency"]).exists()
            ):
                raise
    raise RuntimeError("could not draw a free account number")


@transaction.atomic
def account_open(*, customer: User, kind: str, currency: str) -> Account:
    """Open an empty account for ``customer``, up to the ``accounts.max_per_customer`` setting."""
    User.objects.select_for_update().filter(pk=customer.pk).get()  # serialises concurrent opens
    if Account.objects.filter(customer=customer).count() >= config_get("accounts.max_per_customer"):
        raise AccountLimitReached()
    account = _account_insert(customer=customer, kind=kind, currency=currency)
    keys.accounts_changed([account])
    audit_record(
        action=actions.ACCOUNT_OPENED,
        actor=customer,
        target=account,
        after={"number": account.number, "kind": kind, "currency": currency},
    )
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
    locked = Account.objects.select_for_update().get(pk=account.pk)
    before = locked.status
    locked.status = status
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    keys.accounts_changed([locked])
    audit_record(
        action=action,
        actor=actor,
        target=locked,
        before={"status": before},
        after={"status": status, "reason": reason},
    )
    return locked


@transaction.atomic
def account_freeze(*, account: Account, actor: User, reason: str) -> Account:
    """Stop all money movement on a customer account until it is unfrozen."""
    return _account_set_status(
        account=account,
        status=Account.Status.FROZEN,
        actor=actor,
        reason=reason,
        action=actions.ACCOUNT_FROZEN,
    )


@transaction.atomic
def account_unfreeze(*, account: Account, actor: User, reason: str) -> Account:
    return _account_set_status(
        account=account,
        status=Account.Status.ACTIVE,
        actor=actor,
        reason=reason,
        action=actions.ACCOUNT_UNFROZEN,
    )


# The ledger: the one place money moves --------------------------------------------------

SYSTEM_CASH = "cash"


@dataclass(frozen=True)
class Leg:
    account_id: int
    amount: int  # signed minor units
    type: str
    description: str = ""


def accounts_lock(account_ids) -> dict[int, Account]:
    """Lock accounts in primary-key order, so two postings can never wait on each other."""
    locked = Account.objects.filter(pk__in=set(account_ids)).order_by("pk").select_for_update()
    return {account.pk: account for account in locked}


def posting_create(
    *,
    kind: str,
    legs: Sequence[Leg],
    initiated_by: User | None = None,
    description: str = "",
    reverses: Posting | None = None,
) -> Posting:
    """Move money: write one posting whose entries sum to zero, and the new balances.

    The only code that changes a balance. It must run inside the caller's (durable)
    transaction, next to the caller's audit event. It locks every account involved in
    primary-key order and checks the rules after the lock (never a cached balance): all
    accounts in one currency, customer accounts active and never below zero. Refusals
    raise a DomainError and write nothing. Cached views of the accounts are retired when
    the transaction commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("posting_create must run inside a transaction")
    if len(legs) < 2 or any(leg.amount == 0 for leg in legs) or sum(leg.amount for leg in legs) != 0:
        raise ValueError("a posting needs two or more non-zero legs that sum to zero")

    accounts = accounts_lock(leg.account_id for leg in legs)
    if len(accounts) != len({leg.account_id for leg in legs}):
        raise Account.DoesNotExist("a leg names an account that does not exist")
    currencies = {account.currency for account in accounts.values()}
    if len(currencies) != 1:
        raise CurrencyMismatch()
    currency = currencies.pop()

    balances = {pk: account.balance for pk, account in accounts.items()}
    entries = []
    for leg in legs:
        account = accounts[leg.account_id]
        if not account.is_system and account.status != Account.Status.ACTIVE:
            raise AccountNotActive(f"Account {account.number} is {account.status}.", account_id=account.pk)
        balances[account.pk] += leg.amount
        if not account.is_system and balances[account.pk] < 0:
            raise InsufficientFunds(
                f"Account {account.number} has {format_amount(account.balance, currency)} {currency}."
            )
        entries.append(
            LedgerEntry(
                account=account,
                customer_id=account.customer_id,
                amount=leg.amount,
                balance_after=balances[account.pk],
                currency=currency,
                type=leg.type,
                description=leg.description or description,
            )
        )

    posting = Posting.objects.create(
        kind=kind, description=description, initiated_by=initiated_by, reverses=reverses
    )
    for entry in entries:
        entry.posting = posting
    LedgerEntry.objects.bulk_create(entries)
    now = timezone.now()
    for pk, account in accounts.items():
        account.balance, account.updated_at = balances[pk], now
    Account.objects.bulk_update(accounts.values(), ["balance", "updated_at"])
    keys.accounts_changed(accounts.values())
    return posting


@transaction.atomic(durable=True)
def deposit_create(*, account: Account, amount: int, reason: str, actor: User) -> Posting:
    """Cash in: credit a customer account from the bank's cash account, audited."""
    cash = system_account(code=SYSTEM_CASH, currency=account.currency)
    posting = posting_create(
        kind=Posting.Kind.DEPOSIT,
        legs=[
            Leg(cash.pk, -amount, LedgerEntry.Type.DEPOSIT),
            Leg(account.pk, amount, LedgerEntry.Type.DEPOSIT),
        ],
        initiated_by=actor,
        description=reason,
    )
    audit_record(
        action=actions.DEPOSIT_POSTED,
        actor=actor,
        target=account,
        after={"posting": posting.pk, "amount": amount, "currency": account.currency, "reason": reason},
    )
    return posting


def auth_tokens_purge_expired() -> int:
    """Delete session tokens past their expiry (they are already refused); returns how many."""
    deleted, _ = AuthToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted
