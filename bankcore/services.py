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


def state_transition(
    row: models.Model, *, from_state: str, to_state: str, field: str = "status", **fields
) -> bool:
    """Move ``row`` along one edge of its state machine, from ``from_state`` to ``to_state``,
    writing ``fields`` beside it, by one conditional UPDATE (``... WHERE pk = %s AND status =
    from_state``): of two concurrent transitions from one state exactly one wins, at any
    isolation level, with no read before the write. Returns whether this one won; the
    winner's ``row`` is given the values written, the loser's is left as it was."""
    values = {field: to_state, **fields}
    if type(row)._default_manager.filter(pk=row.pk, **{field: from_state}).update(**values) != 1:
        return False
    for name, value in values.items():
        setattr(row, name, value)
    return True
