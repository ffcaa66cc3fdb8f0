"""The audit chain's deployment check (``manage.py check --deploy``)."""

from datetime import timedelta

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone

# verify_audit weekly (docs/operations.md), and a day's grace.
CHECKPOINT_DAYS = 8


@register(deploy=True)
def audit_head_published(app_configs, **kwargs):
    """The chain shows tampering only against a head kept outside the database: verify_audit
    prints one, and records a checkpoint each time it ran."""
    from audit.selectors import audit_chain_head, audit_last_checkpoint

    try:
        head, checkpoint = audit_chain_head(), audit_last_checkpoint()
    except DatabaseError:  # the database does not answer here: nothing to say
        return []
    if head is None:
        return []
    if checkpoint is not None and timezone.now() - checkpoint.verified_at <= timedelta(days=CHECKPOINT_DAYS):
        return []
    since = "ever" if checkpoint is None else f"since {checkpoint.verified_at:%Y-%m-%d}"
    return [
        Warning(
            f"The audit chain has not been verified {since}: its head is not published outside the database.",
            hint="python manage.py verify_audit weekly; keep the head it prints where the database's "
            "administrators cannot change it (docs/audit.md).",
            id="audit.W001",
        )
    ]
