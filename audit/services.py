from django.db import models

from audit.models import AuditEvent
from bankcore.observability import RequestContext, current_request_context, phase


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    context: RequestContext | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the transaction of the change it records.

    ``target`` names the object by its model label and primary key; ``object_type`` and
    ``object_id`` name one that has no row (a login attempt for an unknown email).
    The request's address, user agent, server's id and caller's id are taken from the
    current request.
    """
    if target is not None:
        object_type = target._meta.label_lower
        object_id = str(target.pk)
    context = context or current_request_context()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with phase("audit", op="db.audit", description="write audit event"):
        return AuditEvent.objects.create(
            actor=actor if authenticated else None,
            actor_label=actor.get_username() if authenticated else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            ip_address=context.ip if context else None,
            user_agent=context.user_agent if context else "",
            request_id=context.request_id if context else "",
            client_request_id=context.client_request_id if context else "",
        )
