import secrets

from django.db import models


def database_identity_ensure(*, identities: type[models.Model], using: str) -> bool:
    """Give the database a new random identity unless it has one; True when one was made.

    Not audited: it runs inside migrate and flush, before any actor exists (and a flush
    has just emptied the audit log too).
    """
    if identities.objects.using(using).exists():
        return False
    identities.objects.using(using).create(value=secrets.token_hex(8))
    return True
