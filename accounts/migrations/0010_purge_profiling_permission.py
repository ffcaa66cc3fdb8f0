"""Deleting silk's recorded requests is a permission of its own, held by the engineering
role (accounts/0008_roles): reading profiles does not grant it."""

from django.db import migrations

from accounts.roles import roles_grant


def grant_to_engineering(apps, schema_editor):
    roles_grant(apps, schema_editor, {"engineering": ["accounts.purge_profiling"]}, app_labels=["accounts"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_approval_withdrawn'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='user',
            options={'permissions': [('view_profiling', 'Can read request and SQL profiles in silk'), ('purge_profiling', 'Can delete recorded requests and their profiles from silk'), ('deactivate_customer', "Can deactivate a customer's login"), ('view_cache_stats', 'Can read cache hit and miss counts per key family'), ('view_database_report', 'Can read database reports (sizes, index use, slow statements)')]},
        ),
        migrations.RunPython(grant_to_engineering, migrations.RunPython.noop),
    ]
