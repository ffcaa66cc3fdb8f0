from importlib import import_module

from django.db import migrations

_schedules = import_module("bankcore.migrations.0004_schedules")

SCHEDULES = [
    (
        "Refresh the sanctions list",
        "kyc.refresh_sanctions",
        "04:00",
        "Load SANCTIONS_SDN_FILE (and SANCTIONS_ALT_FILE) when they changed.",
    ),
]


def schedules_add(apps, schema_editor):
    _schedules.schedules_add(apps, schema_editor, SCHEDULES)


def schedules_remove(apps, schema_editor):
    _schedules.schedules_remove(apps, schema_editor, SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0006_webhook_schedule")]

    operations = [migrations.RunPython(schedules_add, schedules_remove)]
