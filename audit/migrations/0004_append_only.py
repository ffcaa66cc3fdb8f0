from django.db import migrations

from bankcore.append_only import append_only_install, append_only_remove

EVENTS = "audit_auditevent"
CHECKPOINTS = "audit_auditcheckpoint"

# An audit event changes once: when the sealer writes its sequence, previous hash and hash.
# Any other UPDATE (of a sealed row, or of any other column) is refused.
SEAL_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.sequence IS NULL AND NEW.sequence IS NOT NULL
       AND NEW.hash <> '' AND NEW.previous_hash <> ''
       AND (to_jsonb(NEW) - 'sequence' - 'previous_hash' - 'hash')
           = (to_jsonb(OLD) - 'sequence' - 'previous_hash' - 'hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'UPDATE on % is refused: an audit event changes only when it is sealed', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""


def install(apps, schema_editor):
    append_only_install(schema_editor, EVENTS, refuse_update=False)
    append_only_install(schema_editor, CHECKPOINTS)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEAL_ONLY_FUNCTION, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{EVENTS}_seal_only" BEFORE UPDATE ON "{EVENTS}" '
            "FOR EACH ROW EXECUTE FUNCTION audit_event_seal_only()"
        )


def remove(apps, schema_editor):
    append_only_remove(schema_editor, EVENTS)
    append_only_remove(schema_editor, CHECKPOINTS)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{EVENTS}_seal_only" ON "{EVENTS}"', params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain"),
    ]

    operations = [migrations.RunPython(install, remove)]
