"""Staff powers over users: superusers manage access, other staff deactivate customers."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from knox.models import AuthToken

from accounts.errors import EmailTaken
from accounts.locks import user_lock, user_lock_for_key_change
from accounts.models import User, normalize_email
from audit import actions
from audit.services import audit_record
from bankcore.errors import NotPermitted, ReasonRequired


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


USER_ACCESS_FIELDS = ("email", "full_name", "is_active", "is_staff", "is_superuser")


def require_superuser(actor: User) -> None:
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
    require_superuser(actor)
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
    require_superuser(actor)
    unknown = set(changes) - set(USER_ACCESS_FIELDS)
    if unknown:
        raise ValueError(f"not user access fields: {sorted(unknown)}")
    # A full FOR UPDATE: the email is a key (unique), and the update may change it.
    locked = user_lock_for_key_change(user_id=user.pk)
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


@transaction.atomic
def user_password_set(*, user: User, actor: User, password: str | None) -> User:
    """A superuser sets (or, with None, disables) a user's password: every session of the
    user ends, audited. ``password`` must already be validated."""
    require_superuser(actor)
    # FOR NO KEY UPDATE, as a wire and a deposit lock a user: a transfer holding one of the
    # tokens deleted below checks, at its commit, the foreign keys of its rows to this user
    # (a key-share lock on the row), which a full FOR UPDATE blocks, and the two deadlocked.
    locked = user_lock(user_id=user.pk)
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
    # FOR NO KEY UPDATE: is_active is no key, and a full lock would hold up the commit of every
    # transfer of the user's meanwhile (its foreign-key checks take a key-share lock on the row).
    locked = user_lock(user_id=user.pk)
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
