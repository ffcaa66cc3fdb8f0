"""The default schedules of bankcore's background work (bankcore.celery), as django-celery-beat
periodic tasks: staff see and change them in the back office. A schedule staff have changed or
removed is left alone if this runs again."""

from django.db import migrations

# name, task, schedule (seconds between runs, or a daily time as "HH:MM" UTC), description
SCHEDULES = [
    ("Seal the audit chain", "audit.seal", 60, "Seal committed audit events into the hash chain."),
    (
        "Expire KYC documents",
        "kyc.expire_documents",
        "01:00",
        "Expire photo IDs past their date; ask their profiles for new ones.",
    ),
    (
        "Purge Idempotency-Keys",
        "transfers.purge_idempotency_keys",
        "02:00",
        "Forget Idempotency-Keys past their retention.",
    ),
    ("Verify the ledger", "accounts.verify_ledger", "03:00", "verify_ledger's checks, recorded for /metrics."),
]


def schedules_add(apps, schema_editor, schedules=SCHEDULES):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    db = schema_editor.connection.alias
    for name, task, when, description in schedules:
        if PeriodicTask.objects.using(db).filter(task=task).exists():
            continue
        if isinstance(when, int):
            interval, _ = IntervalSchedule.objects.using(db).get_or_create(every=when, period="seconds")
            schedule = {"interval": interval}
        else:
            hour, minute = when.split(":")
            crontab, _ = CrontabSchedule.objects.using(db).get_or_create(
                minute=str(int(minute)),
                hour=str(int(hour)),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="UTC",
            )
            schedule = {"crontab": crontab}
        # A run not started by its next one's time is dropped, not queued up behind a worker
        # outage: each run does all that is due.
        expires = when if isinstance(when, int) else 3600
        PeriodicTask.objects.using(db).create(
            name=name, task=task, description=description, expire_seconds=expires, **schedule
        )


def schedules_remove(apps, schema_editor, schedules=SCHEDULES):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(
        task__in=[task for _, task, _, _ in schedules]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bankcore", "0003_event"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedules_add, schedules_remove)]
