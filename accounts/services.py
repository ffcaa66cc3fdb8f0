from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User, normalize_email
from audit import actions
from audit.services import audit_record
from bankcore.errors import EmailTaken, InvalidCredentials, LoginThrottled, PasswordIncorrect
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
