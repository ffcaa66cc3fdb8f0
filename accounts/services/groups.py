"""Groups and their permissions, managed by superusers alone."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.locks import group_lock
from accounts.models import User
from accounts.services.users import require_superuser
from audit import actions
from audit.services import audit_record


def _group_state(group: Group) -> dict:
    return {
        "name": group.name,
        "permissions": sorted(
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
        ),
    }


@transaction.atomic
def group_save(*, group: Group | None, actor: User, name: str, permissions) -> Group:
    """A superuser creates a group (``group`` None) or changes its name and permissions.

    A group's permissions are its members' permissions: each change is one audit event
    with what changed, before and after.
    """
    require_superuser(actor)
    if group is None:
        group, before = Group.objects.create(name=name), {}
    else:
        group = group_lock(group_id=group.pk)
        before = _group_state(group)
        group.name = name
        group.save(update_fields=["name"])
    group.permissions.set(permissions)
    after = _group_state(group)
    changed = [field for field in after if after[field] != before.get(field)]
    if changed:
        audit_record(
            action=actions.GROUP_CHANGED if before else actions.GROUP_CREATED,
            actor=actor,
            target=group,
            before={field: before[field] for field in changed} if before else None,
            after={field: after[field] for field in changed},
        )
    return group


@transaction.atomic
def group_delete(*, group: Group, actor: User) -> None:
    """A superuser deletes a group, and with it its members' permissions from it, audited."""
    require_superuser(actor)
    before = {**_group_state(group), "members": sorted(group.user_set.values_list("email", flat=True))}
    audit_record(action=actions.GROUP_DELETED, actor=actor, target=group, before=before)
    group.delete()
