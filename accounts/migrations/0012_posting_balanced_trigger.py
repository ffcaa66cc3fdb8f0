from django.db import migrations

# The database itself refuses a posting whose entries do not sum to zero in each currency,
# whatever client wrote them: a constraint trigger, deferred to the commit, when all of a
# posting's entries are in. Entries are insert-only (0007), so an INSERT is the only change
# to check; PostgreSQL alone (SQLite has no deferred triggers). The ledger writes a posting's
# system side in a statement after its customer side, so a transaction that sets constraints
# IMMEDIATE must leave this one DEFERRED (as the test suite's seeding does).
CHECK_FUNCTION = """
CREATE OR REPLACE FUNCTION bankcore_posting_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced RECORD;
BEGIN
    SELECT currency, SUM(amount) AS total INTO unbalanced
        FROM accounts_ledgerentry
        WHERE posting_id = NEW.posting_id
        GROUP BY currency
        HAVING SUM(amount) <> 0
        LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'posting % does not balance: its % entries sum to %',
            NEW.posting_id, unbalanced.currency, unbalanced.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
"""
CREATE_TRIGGER = """
CREATE CONSTRAINT TRIGGER accounts_ledgerentry_posting_balanced
    AFTER INSERT ON accounts_ledgerentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION bankcore_posting_balanced();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CHECK_FUNCTION, params=None)
    schema_editor.execute(CREATE_TRIGGER, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS accounts_ledgerentry_posting_balanced ON accounts_ledgerentry", params=None
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS bankcore_posting_balanced()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_second_factor_devices"),
    ]

    operations = [migrations.RunPython(install, remove)]
