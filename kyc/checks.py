"""Deployment checks for KYC (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
