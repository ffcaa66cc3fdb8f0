from django.db import migrations

from bankcore.append_only import append_only_install, append_only_remove

# Money rows are insert-only: a correction is a reversing posting.
TABLES = ["accounts_posting", "accounts_ledgerentry"]


def install(apps, schema_editor):
    for table in TABLES:
        append_only_install(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        append_only_remove(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_engineering_permissions"),
    ]

    operations = [migrations.RunPython(install, remove)]
