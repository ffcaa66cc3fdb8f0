import secrets

from django.db import models, transaction

from bankcore.cache import database_identity_forget
from bankcore.models import DatabaseIdentity


def database_identity_ensure(*, identities: type[models.Model], using: str) -> bool:
    """Give the database a new random identity unless it has one; True when one was made.

    Not audited: it runs inside migrate and flush, before any actor exists (and a flush
    has just emptied the audit log too).
    """
    if identities.objects.using(using).exists():
        return False
    identities.objects.using(using).create(value=secrets.token_hex(8))
    return True


@transaction.atomic
def database_identity_renew(*, actor=None) -> DatabaseIdentity:
    """Give the database a new identity, audited; the newest one is the database's.

    For a database restored from its own backup: its old identity came back with it, while
    the cache may hold values written after that backup was taken.
    """
    from audit.services import audit_record  # the kernel's use of audit: operator actions are audited

    previous = DatabaseIdentity.objects.order_by("-pk").values_list("value", flat=True).first()
    identity = DatabaseIdentity.objects.create(value=secrets.token_hex(8))
    audit_record(
        action="database.identity_renewed",
        actor=actor,
        target=identity,
        before={"value": previous},
        after={"value": identity.value},
    )
    transaction.on_commit(database_identity_forget)
    return identity
