import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from knox.models import AuthToken

from accounts import cache as keys
from accounts.approvals import approval_request_create
from accounts.models import (
    Account,
    ApprovalRequest,
    FormSubmission,
    LedgerEntry,
    Posting,
    User,
    normalize_email,
)
from accounts.numbers import account_number_generate
from audit import actions
from audit.services import audit_record
from bankcore.config import config_get
from bankcore.errors import (
    AccountLimitReached,
    AccountNotActive,
    CurrencyMismatch,
    DepositLimitExceeded,
    DepositNotAllowed,
    EmailTaken,
    FormAlreadySubmitted,
    InsufficientFunds,
    InvalidCredentials,
    LoginThrottled,
    NotPermitted,
    PasswordChangeThrottled,
    PasswordIncorrect,
    ReasonRequired,
)
from bankcore.money import CURRENCIES, format_amount, parse_amount
from bankcore.throttling import FailureLimiter


def _login_limiters() -> tuple[FailureLimiter, FailureLimiter, FailureLimiter]:
    """Per address; per email from one address; per email from everywhere (see _login_check)."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return (
        FailureLimiter("login-address", settings.LOGIN_FAILURES_PER_ADDRESS, window),
        FailureLimiter("login-email-address", settings.LOGIN_FAILURES_PER_EMAIL, window),
        FailureLimiter("login-email", settings.LOGIN_FAILURES_PER_EMAIL, window),
    )


def _password_change_limiter() -> FailureLimiter:
    return FailureLimiter(
        "password-user", settings.LOGIN_FAILURES_PER_EMAIL, settings.LOGIN_FAILURE_WINDOW_SECONDS
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


def _login_check(
    *, email: str, password: str, client_address: str | None, via: dict, staff_only: bool
) -> User:
    """The user these credentials sign in, under the login limits; failures are audited.

    Every attempt is counted before its password is hashed, so parallel guesses cannot
    outrun the count. An attempt is refused when its address has failed too often, or
    its address has failed too often for this email, or this email has failed too often
    everywhere and its address is one of those that failed for it: a correct password
    from an address with no failures for the email is not locked out by guesses made
    elsewhere. An unknown email and a wrong password raise the same error. ``via`` marks
    the audit events of logins that are not the API's.
    """
    address_limiter, email_address_limiter, email_limiter = _login_limiters()
    address = client_address or "unknown"
    reservations = []

    def refuse(limiter: FailureLimiter, retry_after: int):
        for reservation in reservations:
            reservation.release()
        audit_record(
            action=actions.LOGIN_THROTTLED,
            object_type="accounts.user",
            after={"email": email, "scope": limiter.scope, **via},
        )
        raise LoginThrottled(retry_after)

    for limiter, identity in ((address_limiter, address), (email_address_limiter, f"{email}\n{address}")):
        reservation = limiter.reserve(identity)
        reservations.append(reservation)
        if not reservation.granted:
            refuse(limiter, reservation.retry_after)
    failed_here_before = reservations[-1].earlier > 0
    reservation = email_limiter.reserve(email)
    reservations.append(reservation)
    if not reservation.granted and failed_here_before:
        refuse(email_limiter, reservation.retry_after)

    user = authenticate(email=email, password=password)
    if user is None or (staff_only and not user.is_staff):
        audit_record(action=actions.LOGIN_FAILED, object_type="accounts.user", after={"email": email, **via})
        raise InvalidCredentials()
    for reservation in reservations:
        reservation.release()
    return user


def auth_login(*, email: str, password: str, client_address: str | None) -> tuple[User, str, datetime]:
    """Exchange email and password for a token, under the login limits (see _login_check)."""
    user = _login_check(
        email=normalize_email(email),
        password=password,
        client_address=client_address,
        via={},
        staff_only=False,
    )
    with transaction.atomic():
        token, expiry = auth_token_issue(user=user)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_record(action=actions.LOGIN_SUCCEEDED, actor=user, target=user)
    return user, token, expiry


def auth_admin_login(*, email: str, password: str, client_address: str | None) -> User:
    """The staff member these credentials sign in to the admin, under the API's login limits.

    A customer's correct password counts as a failure here. The admin's own login view
    starts the session (and sets last_login).
    """
    user = _login_check(
        email=normalize_email(email),
        password=password,
        client_address=client_address,
        via={"via": "admin"},
        staff_only=True,
    )
    audit_record(action=actions.LOGIN_SUCCEEDED, actor=user, target=user, after={"via": "admin"})
    return user


@transaction.atomic
def auth_logout(*, user: User, auth_token: AuthToken) -> None:
    """End one session: its token stops working at once."""
    auth_token.delete()
    audit_record(action=actions.LOGGED_OUT, actor=user, target=user)


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> tuple[str, datetime]:
    """Change the password, end every session of the user and open a new one.

    ``new_password`` must already be validated. Returns the new session's token. Wrong
    current passwords are limited per user like failed logins per email.
    """
    limiter = _password_change_limiter()
    reservation = limiter.reserve(str(user.pk))
    if not reservation.granted:
        reservation.release()
        raise PasswordChangeThrottled(reservation.retry_after)
    if not user.check_password(current_password):
        raise PasswordIncorrect()
    reservation.release()
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


# Staff powers over users: superusers manage access, other staff deactivate customers ----

# What a superuser edits on a user's change form, besides groups and permissions.
USER_ACCESS_FIELDS = ("email", "full_name", "is_active", "is_staff", "is_superuser")


def _require_superuser(actor: User) -> None:
    if not (actor.is_active and actor.is_superuser):
        raise NotPermitted("Only superusers manage users, their access and their passwords.")


def _user_access_state(user: User) -> dict:
    state = {field: getattr(user, field) for field in USER_ACCESS_FIELDS}
    state["groups"] = sorted(user.groups.values_list("name", flat=True))
    state["permissions"] = sorted(
        f"{app_label}.{codename}"
        for app_label, codename in user.user_permissions.values_list("content_type__app_label", "codename")
    )
    return state


@transaction.atomic
def user_create(*, actor: User, email: str, full_name: str, password: str | None) -> User:
    """A superuser creates a user (a customer, with no access): audited. ``password`` must
    already be validated; None leaves the user unable to log in with a password."""
    _require_superuser(actor)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, full_name=full_name.strip())
    except IntegrityError:
        raise EmailTaken() from None
    audit_record(
        action=actions.USER_CREATED,
        actor=actor,
        target=user,
        after={**_user_access_state(user), "usable_password": user.has_usable_password()},
    )
    return user


@transaction.atomic
def user_access_change(*, user: User, actor: User, changes: dict, groups=None, permissions=None) -> User:
    """A superuser changes a user's profile, flags, groups or permissions.

    The row is locked while it changes; one audit event records every field that changed,
    before and after. Saving the user retires their cached sessions (accounts.signals).
    """
    _require_superuser(actor)
    unknown = set(changes) - set(USER_ACCESS_FIELDS)
    if unknown:
        raise ValueError(f"not user access fields: {sorted(unknown)}")
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = _user_access_state(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.email = normalize_email(locked.email)
    try:
        with transaction.atomic():
            locked.save(update_fields=list(USER_ACCESS_FIELDS))
    except IntegrityError:
        raise EmailTaken() from None
    if groups is not None:
        locked.groups.set(groups)
    if permissions is not None:
        locked.user_permissions.set(permissions)
    after = _user_access_state(locked)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        audit_record(
            action=actions.USER_ACCESS_CHANGED,
            actor=actor,
            target=locked,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return locked


def _group_state(group: Group) -> dict:
    return {
        "name": group.name,
        "permissions": sorted(
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
        ),
    }


@transaction.atomic
def group_save(*, group: Group | None, actor: User, name: str, permissions) -> Group:
    """A superuser creates a group (``group`` None) or changes its name and permissions.

    A group's permissions are its members' permissions: each change is one audit event
    with what changed, before and after.
    """
    _require_superuser(actor)
    if group is None:
        group, before = Group.objects.create(name=name), {}
    else:
        group = Group.objects.select_for_update().get(pk=group.pk)
        before = _group_state(group)
        group.name = name
        group.save(update_fields=["name"])
    group.permissions.set(permissions)
    after = _group_state(group)
    changed = [field for field in after if after[field] != before.get(field)]
    if changed:
        audit_record(
            action=actions.GROUP_CHANGED if before else actions.GROUP_CREATED,
            actor=actor,
            target=group,
            before={field: before[field] for field in changed} if before else None,
            after={field: after[field] for field in changed},
        )
    return group


@transaction.atomic
def group_delete(*, group: Group, actor: User) -> None:
    """A superuser deletes a group, and with it its members' permissions from it, audited."""
    _require_superuser(actor)
    before = {**_group_state(group), "members": sorted(group.user_set.values_list("email", flat=True))}
    audit_record(action=actions.GROUP_DELETED, actor=actor, target=group, before=before)
    group.delete()


@transaction.atomic
def user_password_set(*, user: User, actor: User, password: str | None) -> User:
    """A superuser sets (or, with None, disables) a user's password: every session of the
    user ends, audited. ``password`` must already be validated."""
    _require_superuser(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = {
        "usable_password": locked.has_usable_password(),
        "password_changed_at": locked.password_changed_at,
    }
    if password is None:
        locked.set_unusable_password()
        locked.password_changed_at = timezone.now()
    else:
        locked.set_password(password)
    locked.save(update_fields=["password", "password_changed_at"])
    AuthToken.objects.filter(user=locked).delete()
    audit_record(
        action=actions.PASSWORD_SET_BY_STAFF,
        actor=actor,
        target=locked,
        before=before,
        after={
            "usable_password": locked.has_usable_password(),
            "password_changed_at": locked.password_changed_at,
        },
    )
    return locked


@transaction.atomic
def user_set_active(*, user: User, actor: User, is_active: bool, reason: str) -> User:
    """Deactivate (or reactivate) a user's login, with a reason, audited.

    Staff holding ``accounts.deactivate_customer`` may deactivate customers; only
    superusers may reactivate anyone or touch a member of staff. Saving the user retires
    their cached sessions at once (accounts.signals), and an inactive user's tokens are
    refused.
    """
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not actor.is_superuser and (
        is_active
        or locked.is_staff
        or locked.is_superuser
        or not (actor.is_active and actor.has_perm("accounts.deactivate_customer"))
    ):
        raise NotPermitted(
            "Only superusers reactivate users or change staff; others may deactivate customers."
        )
    before = locked.is_active
    locked.is_active = is_active
    locked.save(update_fields=["is_active"])
    audit_record(
        action=actions.USER_REACTIVATED if is_active else actions.USER_DEACTIVATED,
        actor=actor,
        target=locked,
        before={"is_active": before},
        after={"is_active": is_active, "reason": reason},
    )
    return locked


@transaction.atomic
def auth_token_revoke(*, auth_token: AuthToken, actor: User) -> None:
    """Staff end one session of a user: the token stops working at once, audited."""
    if not actor.has_perm("knox.delete_authtoken"):
        raise NotPermitted()
    before = {
        "token_key": auth_token.token_key,
        "created": auth_token.created,
        "expiry": auth_token.expiry,
    }
    user = auth_token.user
    auth_token.delete()
    audit_record(action=actions.SESSION_REVOKED, actor=actor, target=user, before=before)


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


DEPOSIT_APPROVAL = "accounts.deposit"


def form_submission_claim(*, token: uuid.UUID, actor: User) -> None:
    """Spend a back-office form's one-time token inside the caller's transaction.

    The token's unique row is kept only if the caller's transaction commits: a second
    submit of the same form is refused, and a refused first one can be sent again.
    """
    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, submitted_by=actor)
    except IntegrityError:
        raise FormAlreadySubmitted() from None


def _deposit_limit(setting: str, currency: str) -> int:
    """A deposit limit in minor units of ``currency``; 0 when the setting does not name it."""
    whole_units = config_get(setting)
    whole_units = whole_units.get(currency) if isinstance(whole_units, dict) else None
    if isinstance(whole_units, bool) or not isinstance(whole_units, int) or whole_units < 0:
        return 0
    return whole_units * 10 ** CURRENCIES[currency].exponent


def _deposited_today(*, staff: User, currency: str) -> int:
    start_of_day = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    total = LedgerEntry.objects.filter(
        posting__kind=Posting.Kind.DEPOSIT,
        posting__initiated_by=staff,
        posting__created_at__gte=start_of_day,
        customer__isnull=False,
        currency=currency,
    ).aggregate(total=Sum("amount"))["total"]
    return total or 0


def _deposit_check(*, account: Account, amount: int, depositor: User) -> None:
    """The rules of a staff deposit, checked under a lock on the depositor and the owner.

    The depositor's row serialises their deposits, so two at once cannot both fit under
    the daily limit; the owner's row keeps them from turning staff meanwhile.
    """
    if account.customer_id is None:
        raise DepositNotAllowed("Deposits go to customer accounts only.")
    users = User.objects.filter(pk__in={depositor.pk, account.customer_id}).order_by("pk").select_for_update()
    users = {user.pk: user for user in users}
    depositor, owner = users[depositor.pk], users[account.customer_id]
    if not (depositor.is_active and depositor.is_staff and depositor.has_perm("accounts.post_deposit")):
        raise NotPermitted("Posting deposits needs the accounts.post_deposit permission.")
    if owner.pk == depositor.pk:
        raise DepositNotAllowed("Nobody may deposit into their own account.")
    if owner.is_staff or owner.is_superuser:
        raise DepositNotAllowed("Deposits never go to an account of a member of staff.")
    currency = account.currency
    limit = _deposit_limit("deposits.daily_limit_per_staff", currency)
    remaining = max(limit - _deposited_today(staff=depositor, currency=currency), 0)
    if amount > remaining:
        left = format_amount(remaining, currency)
        raise DepositLimitExceeded(
            f"{depositor.email} may deposit {left} {currency} more today.", extra={"remaining": left}
        )


def _deposit_post(*, account: Account, amount: int, reason: str, actor: User, approval=None) -> Posting:
    _deposit_check(account=account, amount=amount, depositor=actor)
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
    after = {"posting": posting.pk, "amount": amount, "currency": account.currency, "reason": reason}
    if approval is not None:
        after["approval"] = approval.pk
    audit_record(action=actions.DEPOSIT_POSTED, actor=actor, target=account, after=after)
    return posting


@transaction.atomic(durable=True)
def deposit_create(
    *, account: Account, amount: int, reason: str, actor: User, form_token: uuid.UUID | None = None
) -> Posting | ApprovalRequest:
    """Cash in: credit a customer account from the bank's cash account, audited.

    Never into a system account, the actor's own or any staff member's account; at most
    the ``deposits.daily_limit_per_staff`` of the currency per member of staff and day,
    checked under a lock. Above ``deposits.approval_threshold`` nothing is posted: an
    approval request, returned instead of the posting, waits for a second member of staff.
    ``form_token``, a form's one-time token, is spent in the same transaction, so the same
    form never posts twice.
    """
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("Give the reason for the deposit.")
    if form_token is not None:
        form_submission_claim(token=form_token, actor=actor)
    if amount <= _deposit_limit("deposits.approval_threshold", account.currency):
        return _deposit_post(account=account, amount=amount, reason=reason, actor=actor)
    # Refuse now what could never be approved; the approval checks again when it posts.
    _deposit_check(account=account, amount=amount, depositor=actor)
    return approval_request_create(
        action=DEPOSIT_APPROVAL,
        payload={
            "account": account.pk,
            "account_number": account.number,
            "amount": format_amount(amount, account.currency),
            "currency": account.currency,
            "reason": reason,
        },
        requester=actor,
    )


def deposit_approved(approval: ApprovalRequest) -> dict:
    """Post an approved large deposit, as its requester, inside the approval's transaction."""
    payload = approval.payload
    account = Account.objects.get(pk=payload["account"])
    posting = _deposit_post(
        account=account,
        amount=parse_amount(payload["amount"], account.currency),
        reason=payload["reason"],
        actor=approval.requested_by,
        approval=approval,
    )
    return {"posting": posting.pk}


def auth_tokens_purge_expired() -> int:
    """Delete session tokens past their expiry (they are already refused); returns how many."""
    deleted, _ = AuthToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted
