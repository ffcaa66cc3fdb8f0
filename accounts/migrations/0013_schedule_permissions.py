"""The engineering role (accounts/0008_roles) reads the background work's schedules and changes
them: a periodic task enabled, disabled or moved to another of the schedules there are (within
each task's minimum interval: bankcore.backoffice.operations.schedule_refusals). Schedules are
made, changed and deleted by superusers; every change is audited
(bankcore/backoffice/admin/schedules.py)."""

from django.db import migrations

from accounts.roles import roles_grant

ROLES = {
    "engineering": [
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_intervalschedule",
        "django_celery_beat.view_crontabschedule",
    ]
}


def grant_to_engineering(apps, schema_editor):
    roles_grant(apps, schema_editor, ROLES, app_labels=["django_celery_beat"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_posting_balanced_trigger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(grant_to_engineering, migrations.RunPython.noop)]
