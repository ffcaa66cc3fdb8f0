from importlib import import_module

from django.db import migrations

_schedules = import_module("bankcore.migrations.0004_schedules")

SCHEDULES = [
    ("Relay events to webhooks", "webhooks.relay", 5, "Send newly committed events to the webhook endpoints."),
]


def schedules_add(apps, schema_editor):
    _schedules.schedules_add(apps, schema_editor, SCHEDULES)


def schedules_remove(apps, schema_editor):
    _schedules.schedules_remove(apps, schema_editor, SCHEDULES)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0005_webhooks")]

    operations = [migrations.RunPython(schedules_add, schedules_remove)]
