"""The actor's own index goes: audit_actor_recent_idx leads with the actor and serves its
lookups, and every event and every seal wrote one more index entry for it.

Django's AlterField would drop and re-add the foreign key around the index, re-checking
every row under a lock that stops every audit_record meanwhile; the index alone is dropped
here, concurrently on PostgreSQL (the migration is not atomic for that), and the field
changes in Django's state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "audit_auditevent_actor_id_270bb4b7"


def drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{INDEX}"', params=None)


def create(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f'CREATE INDEX {concurrently}IF NOT EXISTS "{INDEX}" ON "audit_auditevent" ("actor_id")', params=None
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0004_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                )
            ],
            database_operations=[migrations.RunPython(drop, create)],
        )
    ]
