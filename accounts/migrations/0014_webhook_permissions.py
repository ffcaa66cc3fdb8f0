"""The engineering role (accounts/0008_roles) holds the integrations: it registers webhook
endpoints, changes them (disables them, gives them new secrets), reads every delivery with
its attempts and sends one again. Every such change is audited
(bankcore/backoffice/webhooks.py)."""

from django.db import migrations

from accounts.roles import roles_grant

ROLES = {
    "engineering": [
        "bankcore.view_webhookendpoint",
        "bankcore.add_webhookendpoint",
        "bankcore.change_webhookendpoint",
        "bankcore.view_webhookdelivery",
        "bankcore.redeliver_webhookdelivery",
    ]
}


def grant_to_engineering(apps, schema_editor):
    roles_grant(apps, schema_editor, ROLES, app_labels=["bankcore"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_schedule_permissions"),
        ("bankcore", "0005_webhooks"),
    ]

    operations = [migrations.RunPython(grant_to_engineering, migrations.RunPython.noop)]
