"""Customers and sign-in: registration, login under the failure limits, sessions, passwords."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp.models import Device
from knox.models import AuthToken

from accounts import metrics
from accounts.errors import (
    EmailTaken,
    InvalidCredentials,
    LoginThrottled,
    PasswordChangeThrottled,
    PasswordIncorrect,
    SecondFactorIncorrect,
)
from accounts.models import RecoveryCodeDevice, User, normalize_email
from accounts.services.devices import second_factor_match, totp_device_confirm
from audit import actions
from audit.services import audit_record
from bankcore.database.rows import rows_delete_in_batches
from bankcore.errors import NotPermitted
from bankcore.observability import client_network
from bankcore.throttling import FailureLimiter, Reservation


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


def _second_factor_limiter() -> FailureLimiter:
    return FailureLimiter(
        "second-factor-user", settings.LOGIN_FAILURES_PER_EMAIL, settings.LOGIN_FAILURE_WINDOW_SECONDS
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


def _login_reserve(*, email: str, client_address: str | None, via: dict) -> list[Reservation]:
    """Count one sign-in attempt for ``email`` from ``client_address`` before it is checked;
    the reservations to release if it succeeds. Raises LoginThrottled when it is refused.

    An attempt is refused when its address has failed too often, or its address has failed
    too often for this email, or this email has failed too often everywhere and its address
    is one of those that failed for it: a correct password from an address with no failures
    for the email is not locked out by guesses made elsewhere.
    """
    address_limiter, email_address_limiter, email_limiter = _login_limiters()
    address = client_network(client_address)
    reservations = []

    def refuse(limiter: FailureLimiter, refused: Reservation):
        for reservation in reservations:
            reservation.release()
        # One event per limit and window: a flood of refused attempts, which nobody needs to
        # be signed in to send, must not become a flood of audit rows.
        if limiter.count_refusal(refused) == 1:
            audit_record(
                action=actions.LOGIN_THROTTLED,
                object_type="accounts.user",
                after={"email": email, "scope": limiter.scope, **via},
            )
        metrics.login_counted("throttled")
        raise LoginThrottled(refused.retry_after)

    for limiter, identity in ((address_limiter, address), (email_address_limiter, f"{email}\n{address}")):
        reservation = limiter.reserve(identity)
        reservations.append(reservation)
        if not reservation.granted:
            refuse(limiter, reservation)
    failed_here_before = reservations[-1].earlier > 0
    reservation = email_limiter.reserve(email)
    reservations.append(reservation)
    if not reservation.granted and failed_here_before:
        refuse(email_limiter, reservation)
    return reservations


def _login_check(
    *, email: str, password: str, client_address: str | None, via: dict, staff_only: bool
) -> User:
    """The user these credentials sign in, under the login limits; failures are audited.

    Every attempt is counted before its password is hashed (``_login_reserve``), so parallel
    guesses cannot outrun the count. An unknown email and a wrong password raise the same
    error. ``via`` marks the audit events of logins that are not the API's.
    """
    reservations = _login_reserve(email=email, client_address=client_address, via=via)
    user = authenticate(email=email, password=password)
    if user is None or (staff_only and not user.is_staff):
        audit_record(action=actions.LOGIN_FAILED, object_type="accounts.user", after={"email": email, **via})
        metrics.login_counted("failed")
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
    metrics.login_counted("succeeded")
    return user, token, expiry


def auth_admin_login(*, email: str, password: str, client_address: str | None) -> User:
    """The staff member these credentials sign in to the admin, under the API's login limits.

    A customer's correct password counts as a failure here. The admin's own login view
    starts the session (and sets last_login); the session opens nothing until it passes
    the second factor (``auth_admin_second_factor``), where the sign-in is audited as a
    success.
    """
    return _login_check(
        email=normalize_email(email),
        password=password,
        client_address=client_address,
        via={"via": "admin"},
        staff_only=True,
    )


def _second_factor_reserve(*, user: User, via: dict) -> Reservation:
    """Count one code of ``user`` against the member's own limit, from every address at
    once. The login limits forgive an address that never failed for an email, so a right
    password is not locked out by guesses made elsewhere; a code is sent by someone who
    already holds the password, and who could sign in afresh from address after address
    for more guesses. Raises LoginThrottled when it is refused."""
    limiter = _second_factor_limiter()
    reservation = limiter.reserve(str(user.pk))
    if reservation.granted:
        return reservation
    reservation.release()
    if limiter.count_refusal(reservation) == 1:
        audit_record(
            action=actions.LOGIN_THROTTLED,
            actor=user,
            target=user,
            after={"email": user.email, "scope": limiter.scope, **via},
        )
    metrics.login_counted("throttled")
    raise LoginThrottled(reservation.retry_after)


def _second_factor_check(*, user: User, client_address: str | None, step: str, check):
    """Run ``check`` (the code's verification: a device, or None) as one sign-in attempt of
    ``user``: counted by the same limits as a password, per account and per address, so a
    guessed code costs what a guessed password does, and by the member's own limit, which
    no new address escapes (``_second_factor_reserve``). A wrong code is audited as a failed
    login, a right one as the login's success, naming the kind of device that took it."""
    via = {"via": "admin", "step": step}
    member_reservation = _second_factor_reserve(user=user, via=via)
    try:
        reservations = _login_reserve(email=user.email, client_address=client_address, via=via)
    except LoginThrottled:
        member_reservation.release()
        raise
    reservations.append(member_reservation)
    with transaction.atomic():
        device = check()
        if device is None:
            audit_record(
                action=actions.LOGIN_FAILED, actor=user, target=user, after={"email": user.email, **via}
            )
        else:
            factor = "recovery_code" if isinstance(device, RecoveryCodeDevice) else "authenticator"
            audit_record(
                action=actions.LOGIN_SUCCEEDED, actor=user, target=user, after={**via, "factor": factor}
            )
    if device is None:
        metrics.login_counted("failed")
        raise SecondFactorIncorrect()
    for reservation in reservations:
        reservation.release()
    metrics.login_counted("succeeded")
    return device


def auth_admin_second_factor(*, user: User, token: str, client_address: str | None) -> Device:
    """The device of ``user`` (signed in with their password) that accepts ``token``: the
    authenticator's code or a recovery code (used up). Under the login limits; audited."""
    return _second_factor_check(
        user=user,
        client_address=client_address,
        step="code",
        check=lambda: second_factor_match(user=user, token=token),
    )


def auth_admin_second_factor_setup(
    *, user: User, device_id: int | None, token: str, client_address: str | None
) -> tuple[Device, list[str]]:
    """Confirm the authenticator ``user`` is setting up in this session (``device_id``) with
    a code it shows: (the device, ten recovery codes to show once). Under the login limits;
    audited."""
    recovery_codes = []

    def confirm():
        confirmed = totp_device_confirm(user=user, device_id=device_id, token=token)
        if confirmed is None:
            return None
        device, codes = confirmed
        recovery_codes.extend(codes)
        return device

    device = _second_factor_check(user=user, client_address=client_address, step="setup", check=confirm)
    return device, recovery_codes


@transaction.atomic
def auth_logout(*, user: User, auth_token: AuthToken) -> None:
    """End one session: its token stops working at once."""
    auth_token.delete()
    audit_record(action=actions.LOGGED_OUT, actor=user, target=user)


def _password_change(*, user: User, current_password: str, new_password: str, via: dict) -> None:
    """Change the password under the per-user limit and end every session token, audited.

    Runs inside the caller's transaction.
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
    audit_record(action=actions.PASSWORD_CHANGED, actor=user, target=user, after=via or None)


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> tuple[str, datetime]:
    """Change the password, end every session of the user and open a new one.

    ``new_password`` must already be validated. Returns the new session's token. Wrong
    current passwords are limited per user like failed logins per email.
    """
    _password_change(user=user, current_password=current_password, new_password=new_password, via={})
    return auth_token_issue(user=user)


@transaction.atomic
def auth_admin_password_change(*, user: User, current_password: str, new_password: str) -> None:
    """The admin's own password change: the API's rules, limit and audit event.

    ``new_password`` must already be validated. Every API token of the user ends; the
    admin's other sessions end with the password hash they were signed with.
    """
    _password_change(
        user=user, current_password=current_password, new_password=new_password, via={"via": "admin"}
    )


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


def auth_tokens_purge_expired(*, progress=None) -> int:
    """Delete session tokens past their expiry (they are already refused), a batch at a
    time; returns how many."""
    return rows_delete_in_batches(AuthToken.objects.filter(expiry__lte=timezone.now()), progress=progress)
