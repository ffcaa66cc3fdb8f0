"""Deployment checks for KYC (``manage.py check --deploy``): the keys, the sanctions list."""

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register(Tags.security, deploy=True)
def kyc_keys_from_the_environment(app_configs, **kwargs):
    """Without keys from the environment each host makes its own under var/: a document
    encrypted on one host could not be read on another, and a lost disk loses the key."""
    missing = [
        name
        for name, value in [
            ("KYC_ENCRYPTION_KEY", settings.KYC_ENCRYPTION_KEYS),
            ("KYC_LOOKUP_KEY", settings.KYC_LOOKUP_KEY),
        ]
        if not value
    ]
    if not missing:
        return []
    return [
        Warning(
            f"{' and '.join(missing)} unset: this host makes and keeps its own key under var/.",
            hint="Set them from a secret store; every host of a deployment must share them.",
            id="kyc.W001",
        )
    ]


# Examples a key must never be: they are in public files.
_EXAMPLE_KEYS = {"change-me", "changeme", "secret", "dev", "..."}


@register(Tags.security, deploy=True)
def kyc_lookup_key_strong(app_configs, **kwargs):
    """The lookup key is the HMAC key of the national-id index: a short or published one lets
    whoever reads the table find a person by guessing their number."""
    key = settings.KYC_LOOKUP_KEY or ""
    if not key or (len(key) >= 32 and key.lower() not in _EXAMPLE_KEYS):
        return []
    return [
        Warning(
            "KYC_LOOKUP_KEY is short or an example value: national ids could be found by guessing.",
            hint="32 random bytes or more: head -c 32 /dev/urandom | base64.",
            id="kyc.W002",
        )
    ]


# Hand-loaded lists (no SANCTIONS_SDN_FILE) go stale; OFAC publishes changes every few days.
HAND_LOADED_DAYS = 30
# A file the daily refresh should have loaded: newer than the newest version by more than this.
REFRESH_GRACE = timedelta(hours=26)


def _file_checksum() -> str:
    """The configured files' checksum, as a load computes it (kyc.screening.lists)."""
    sdn = Path(settings.SANCTIONS_SDN_FILE).read_bytes()
    alt = Path(settings.SANCTIONS_ALT_FILE).read_bytes() if settings.SANCTIONS_ALT_FILE else b""
    return hashlib.sha256(sdn + b"\0" + alt).hexdigest()


def _sanctions_staleness() -> str | None:
    from kyc.models import SanctionsList

    newest = SanctionsList.objects.order_by("-pk").values_list("loaded_at", "checksum").first()
    if newest is None:
        return "No sanctions list is loaded: every screening passes."
    loaded_at, checksum = newest
    now = timezone.now()
    if settings.SANCTIONS_SDN_FILE:
        try:
            changed = datetime.fromtimestamp(Path(settings.SANCTIONS_SDN_FILE).stat().st_mtime, tz=UTC)
            current = _file_checksum() == checksum
        except OSError:
            return f"SANCTIONS_SDN_FILE ({settings.SANCTIONS_SDN_FILE}) cannot be read: no refresh loads it."
        # Rewritten with the same content (a daily fetch of an unchanged list) is current.
        if not current and now - changed > REFRESH_GRACE:
            return (
                f"SANCTIONS_SDN_FILE changed on {changed:%Y-%m-%d}, not loaded since: is the refresh running?"
            )
        return None
    if now - loaded_at > timedelta(days=HAND_LOADED_DAYS):
        return f"The sanctions list was loaded {(now - loaded_at).days} days ago, by hand, and not since."
    return None


@register(deploy=True)
def sanctions_list_current(app_configs, **kwargs):
    """Screening is as good as the list it reads (kyc.refresh_sanctions, docs/kyc.md)."""
    try:
        problem = _sanctions_staleness()
    except DatabaseError:  # the database does not answer here: nothing to say
        return []
    if problem is None:
        return []
    return [
        Warning(
            problem,
            hint="Put OFAC's sdn.csv and alt.csv where SANCTIONS_SDN_FILE and SANCTIONS_ALT_FILE say "
            "(the daily kyc.refresh_sanctions loads them), or load them: manage.py sanctions_load.",
            id="kyc.W003",
        )
    ]
