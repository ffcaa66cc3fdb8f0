"""Wires join the staff roles (accounts/0008_roles): compliance reviews and decides wires and
keeps the limit overrides and the business calendar; support sees wires, never decides them."""

from django.db import migrations

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
    from django.contrib.auth.management import create_permissions

    using = schema_editor.connection.alias
    app_config = apps.get_app_config("transfers")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group = group_model.objects.using(using).get(name=name)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                permission_model.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0004_wires"),
        ("accounts", "0008_roles"),
    ]

    operations = [migrations.RunPython(add_wire_permissions, migrations.RunPython.noop)]
