"""Staff's second factor: an authenticator app (TOTP) confirmed on first sign-in, ten
recovery codes, and a superuser's reset. Signing in with them, under the login limits, is
accounts.services.signin's."""

import secrets

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.locks import second_factor_devices_lock, user_lock
from accounts.models import RecoveryCode, RecoveryCodeDevice, User, recovery_code_digest
from audit import actions
from audit.services import audit_record
from bankcore.errors import NotPermitted, ReasonRequired

RECOVERY_CODE_COUNT = 10
# Crockford's base32: no I, L, O or U to misread. 16 letters hold 80 random bits.
RECOVERY_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_CODE_LETTERS = 16
TOTP_DEVICE_NAME = "Authenticator app"


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def totp_device_ensure(*, user: User) -> TOTPDevice:
    """A confirmed authenticator for ``user``: the one they have, else a new one. For demo
    and load data, whose secrets are printed for the people and scripts that sign in."""
    user_lock(user_id=user.pk)
    device = totp_device_confirmed(user=user)
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device


@transaction.atomic
def totp_device_for_setup(*, user: User, device_id: int | None) -> TOTPDevice:
    """The unconfirmed authenticator whose secret the setup page shows one session: the one
    it was shown before (``device_id``, kept in that session, so a reload shows the same QR
    code), else a new one, replacing any other session's.

    A secret is never shown to two sessions: whoever else signs in with the member's
    password, and opens the page first, must not learn the secret the member confirms.
    """
    user_lock(user_id=user.pk)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False)
    device = pending.filter(pk=device_id).first() if device_id is not None else None
    if device is None:
        pending.delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _recovery_code() -> str:
    letters = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LETTERS))
    return "-".join(letters[start : start + 4] for start in range(0, RECOVERY_CODE_LETTERS, 4))


def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new recovery codes for ``user``, replacing any left: the codes themselves, to be
    shown once. Only their digests are stored. Runs inside the caller's transaction."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes
    )
    return codes


def second_factor_match(*, user: User, token: str) -> Device | None:
    """The confirmed device of ``user`` that accepts ``token``: the authenticator's current
    code (never one already used), else a recovery code, which is used up. Runs inside the
    caller's transaction, with the user's devices locked, so one code never signs in twice."""
    token = token.strip()
    authenticator, recovery = second_factor_devices_lock(user_id=user.pk)
    if authenticator is not None and authenticator.verify_token(token.replace(" ", "")):
        return authenticator
    if recovery is not None and recovery.verify_token(token):
        return recovery
    return None


def totp_device_confirm(
    *, user: User, device_id: int | None, token: str
) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the authenticator this session is setting up (``device_id``) with a code it
    shows: (the device, its new recovery codes), or None for a wrong code, for a device no
    longer pending, or once the member has a confirmed one (a setup page left open elsewhere
    never replaces it). Audited; runs inside the caller's transaction."""
    user_lock(user_id=user.pk)
    if totp_device_confirmed(user=user) is not None:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return None
    # One authenticator per member: any other pending setup goes.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user=user)
    audit_record(
        action=actions.SECOND_FACTOR_CONFIRMED,
        actor=user,
        target=user,
        after={"device": device.name, "recovery_codes": len(codes)},
    )
    return device, codes


@transaction.atomic
def second_factor_reset(*, member: User, actor: User, reason: str) -> None:
    """A superuser removes a member's authenticator and recovery codes, with a reason, audited.

    The member's sessions stop counting as verified at once (the device they name is gone),
    and their next sign-in leads to setup. Nobody resets their own: a superuser who lost
    theirs asks another.
    """
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    if not (actor.is_active and actor.is_superuser) or actor.pk == member.pk:
        raise NotPermitted("Only a superuser resets another member's second factor.")
    locked = user_lock(user_id=member.pk)
    before = {
        "authenticators": TOTPDevice.objects.filter(user=locked, confirmed=True).count(),
        "recovery_codes": RecoveryCode.objects.filter(device__user=locked).count(),
    }
    TOTPDevice.objects.filter(user=locked).delete()
    RecoveryCodeDevice.objects.filter(user=locked).delete()
    audit_record(
        action=actions.SECOND_FACTOR_RESET,
        actor=actor,
        target=locked,
        before=before,
        after={"authenticators": 0, "recovery_codes": 0, "reason": reason},
    )
