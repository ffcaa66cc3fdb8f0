"""What the audit's test modules share."""

from datetime import timedelta

from django.utils import timezone

from audit.models import AuditEvent


def _old_event(action="auth.login_failed", minutes=10, **fields) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action, occurred_at=timezone.now() - timedelta(minutes=minutes), **fields
    )
