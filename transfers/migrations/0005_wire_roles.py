"""Wires join the staff roles (accounts/0008_roles): compliance reviews and decides wires and
keeps the limit overrides and the business calendar; support sees wires, never decides them."""

from django.db import migrations

from accounts.roles import roles_grant

COMPLIANCE = [
    "transfers.view_wiretransfer",
    "transfers.review_wire",
    "transfers.view_wirelimitoverride",
    "transfers.add_wirelimitoverride",
    "transfers.change_wirelimitoverride",
    "transfers.view_businessholiday",
    "transfers.add_businessholiday",
    "transfers.delete_businessholiday",
]
SUPPORT = [
    "transfers.view_wiretransfer",
]
ROLES = {"compliance": COMPLIANCE, "support": SUPPORT}


def add_wire_permissions(apps, schema_editor):
    roles_grant(apps, schema_editor, ROLES, app_labels=["transfers"])


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0004_wires"),
        ("accounts", "0008_roles"),
    ]

    operations = [migrations.RunPython(add_wire_permissions, migrations.RunPython.noop)]
