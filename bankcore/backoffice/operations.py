"""Audited operator actions on the kernel: run-time settings, the database's identity and
silk's recorded requests.

The kernel imports no app, audit included, so the audited changes to what it owns are
composed here, above every app.
"""

import secrets
from datetime import timedelta

from django.db import models, transaction

from accounts.models import User
from audit import actions
from audit.services import audit_record
from bankcore.backoffice.permissions import PURGE_PROFILING
from bankcore.cache import bump_on_commit, database_identity_forget
from bankcore.config import CONFIG, DEFAULTS, config_check
from bankcore.errors import NotPermitted
from bankcore.models import DatabaseIdentity, SystemSetting
from bankcore.observability import silk_profiles_purge


@transaction.atomic
def config_set(*, name: str, value, actor) -> SystemSetting:
    """Change a setting, audited; every process reads the new value from its next request on."""
    if name not in DEFAULTS:
        raise KeyError(f"{name} is not a bankcore setting")
    config_check(name=name, value=value)
    setting = SystemSetting.objects.filter(key=name).first()
    before = None if setting is None else setting.value
    setting, _ = SystemSetting.objects.update_or_create(
        key=name, defaults={"value": value, "description": DEFAULTS[name][1]}
    )
    bump_on_commit(CONFIG, name)
    audit_record(
        action=actions.CONFIG_CHANGED,
        actor=actor,
        target=setting,
        before={"value": before},
        after={"value": value},
    )
    return setting


# The fewest seconds between two runs of a task that a schedule may ask for: the sealer at
# most every 30 s, the rest (a full ledger scan, expiries, purges) at most hourly.
TASK_MINIMUM_SECONDS = {"audit.seal": 30, "webhooks.relay": 5}
# Tasks that are sent by other tasks, never on a schedule: each takes what it works on.
UNSCHEDULED = {"webhooks.deliver"}
DEFAULT_MINIMUM_SECONDS = 3600
_PERIOD_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "microseconds": 1e-6}


def _bankcore_tasks() -> set[str]:
    from bankcore.celery import app

    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")} - UNSCHEDULED


def _interval_refusal(task: str, interval) -> str | None:
    seconds = interval.every * _PERIOD_SECONDS.get(interval.period, 0)
    minimum = TASK_MINIMUM_SECONDS.get(task, DEFAULT_MINIMUM_SECONDS)
    if seconds < minimum:
        return f"{task} may run at most every {minimum} seconds."
    return None


def schedule_refusals(row: models.Model) -> list[str]:
    """Why ``row`` (a periodic task, or an interval tasks run on) may not be saved as it is:
    a scheduled task is one of bankcore's own, by name, sent as beat sends it by default (no
    arguments, headers, queue, exchange, routing key or priority: each would let a schedule
    run other work than its name says, or send messages anywhere on the broker), on an
    interval or a crontab, and no more often than its minimum."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    refusals = []
    if isinstance(row, PeriodicTask):
        if row.task not in _bankcore_tasks():
            refusals.append(f"{row.task!r} is not one of bankcore's tasks.")
        if (row.args or "[]").strip() != "[]" or (row.kwargs or "{}").strip() != "{}":
            refusals.append("bankcore's tasks take no arguments.")
        if (row.headers or "{}").strip() != "{}":
            refusals.append("A scheduled task carries no headers of its own.")
        if row.queue or row.exchange or row.routing_key or row.priority is not None:
            refusals.append(
                "A scheduled task goes to the default queue: no queue, exchange, routing key or priority."
            )
        if row.clocked_id or row.solar_id or row.one_off:
            refusals.append("A scheduled task runs on an interval or a crontab, again and again.")
        if row.interval_id:
            refusal = _interval_refusal(row.task, row.interval)
            if refusal:
                refusals.append(refusal)
    elif isinstance(row, IntervalSchedule) and row.pk is not None:
        for task in PeriodicTask.objects.filter(interval_id=row.pk).values_list("task", flat=True):
            refusal = _interval_refusal(task, row)
            if refusal:
                refusals.append(refusal)
    return refusals


def _schedule_snapshot(row: models.Model) -> dict:
    return {
        field.attname: str(getattr(row, field.attname))
        for field in row._meta.concrete_fields
        if field.attname not in {"id", "last_run_at", "total_run_count", "date_changed"}
    }


@transaction.atomic
def schedule_save(*, row: models.Model, actor) -> models.Model:
    """Save a schedule of the background work (a django-celery-beat periodic task, or one of
    the schedules they run on) as staff changed it in the back office, audited with before
    and after; beat reads the change within its sync interval."""
    refusals = schedule_refusals(row)
    if refusals:
        raise NotPermitted(" ".join(refusals))
    before = None
    if row.pk is not None:
        previous = type(row)._default_manager.filter(pk=row.pk).first()
        before = _schedule_snapshot(previous) if previous is not None else None
    row.save()
    audit_record(
        action=actions.SCHEDULE_CHANGED, actor=actor, target=row, before=before, after=_schedule_snapshot(row)
    )
    return row


@transaction.atomic
def schedule_delete(*, row: models.Model, actor) -> None:
    """Delete a schedule, audited with what it was."""
    before = _schedule_snapshot(row)
    audit_record(action=actions.SCHEDULE_DELETED, actor=actor, target=row, before=before)
    row.delete()


@transaction.atomic
def database_identity_renew(*, actor=None) -> DatabaseIdentity:
    """Give the database a new identity, audited; the newest one is the database's.

    For a database restored from its own backup: its old identity came back with it, while
    the cache may hold values written after that backup was taken.
    """
    previous = DatabaseIdentity.objects.order_by("-pk").values_list("value", flat=True).first()
    identity = DatabaseIdentity.objects.create(value=secrets.token_hex(8))
    audit_record(
        action=actions.DATABASE_IDENTITY_RENEWED,
        actor=actor,
        target=identity,
        before={"value": previous},
        after={"value": identity.value},
    )
    transaction.on_commit(database_identity_forget)
    return identity


@transaction.atomic
def profiles_purge(*, older_than: timedelta | None, actor: User, progress=None) -> int:
    """Delete silk's recorded requests started before ``older_than`` ago (all of them when
    None), as ``actor``, an active member of staff holding accounts.purge_profiling; one
    audit event names them, the cut-off and how many went, in the deletion's transaction."""
    if not (actor.is_active and actor.is_staff and actor.has_perm(PURGE_PROFILING)):
        raise NotPermitted(f"Deleting recorded requests needs the {PURGE_PROFILING} permission.")
    deleted = silk_profiles_purge(older_than=older_than, progress=progress)
    audit_record(
        action=actions.PROFILES_PURGED,
        actor=actor,
        object_type="silk.request",
        after={
            "older_than_hours": None if older_than is None else older_than // timedelta(hours=1),
            "deleted": deleted,
        },
    )
    return deleted
