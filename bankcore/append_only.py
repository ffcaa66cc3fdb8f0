"""Insert-only tables, enforced by PostgreSQL itself: UPDATE, DELETE and TRUNCATE refused by
triggers, whatever client or role sends them (the ORM refuses them earlier, in AppendOnlyModel).

TRUNCATE has one exception, for the test suite, which empties tables between transactional
tests: it is allowed only on a database whose name starts with ``test_`` (the names Django
gives test databases) in a session that set ``bankcore.test_flush`` to ``on`` (the test
settings do, at connect). Any role may set that variable, but a production database is never
named ``test_…`` and renaming one takes its owner and every connection closed; disabling a
trigger takes the table's owner too. What an owner can still do, the audit hash chain and
its head published outside the database reveal.
"""

REFUSE_CHANGE_FUNCTION = """
CREATE OR REPLACE FUNCTION bankcore_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is refused: its rows are insert-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

REFUSE_TRUNCATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION bankcore_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_database() LIKE 'test\_%' AND current_setting('bankcore.test_flush', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'TRUNCATE on % is refused: its rows are insert-only', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;
"""


def append_only_install(schema_editor, table: str, *, refuse_update: bool = True) -> None:
    """Refuse DELETE and TRUNCATE on ``table`` (and UPDATE unless the caller guards it itself).

    Does nothing on databases other than PostgreSQL.
    """
    if schema_editor.connection.vendor != "postgresql":
        return
    operations = "UPDATE OR DELETE" if refuse_update else "DELETE"
    schema_editor.execute(REFUSE_CHANGE_FUNCTION, params=None)
    schema_editor.execute(REFUSE_TRUNCATE_FUNCTION, params=None)
    schema_editor.execute(
        f'CREATE TRIGGER "{table}_append_only" BEFORE {operations} ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION bankcore_refuse_change()"
    )
    schema_editor.execute(
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION bankcore_refuse_truncate()"
    )


def append_only_remove(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"', params=None)
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"', params=None)
