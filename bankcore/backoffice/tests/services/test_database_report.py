"""manage.py db_report: every section on PostgreSQL, with rows where the data exists; on
SQLite, each section says what it cannot report."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bankcore.backoffice.database_report import database_report

pytestmark = pytest.mark.django_db

SECTIONS = [
    "Database",
    "Table sizes",
    "Index sizes and use",
    "Unused indexes",
    "Sequential scans on large tables",
    "Cache hit ratio",
    "Statements taking the most time (pg_stat_statements)",
    "Slowest statements on average (pg_stat_statements)",
    "Dead rows and vacuum",
    "Connections and pool",
]


def pg_stat_statements_loaded() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('shared_preload_libraries')")
        return "pg_stat_statements" in cursor.fetchone()[0]


@pytest.mark.requires_postgres("reads PostgreSQL's statistics views")
def test_report_has_every_section_with_rows_where_data_exists(funded_account):
    funded_account(balance=10_00)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if pg_stat_statements_loaded():
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        # Read a large enough table whole, so the scan statistics have something to say.
        cursor.execute("CREATE TEMPORARY TABLE report_probe AS SELECT 1")
        cursor.execute("SELECT relname, indexrelname FROM pg_stat_user_indexes")
        every_index = set(cursor.fetchall())
    # A limit that leaves no index out, so the report must list every one of them.
    sections = {section.title: section for section in database_report(limit=len(every_index))}
    assert list(sections) == SECTIONS

    (overview,) = sections["Database"].rows
    assert overview[0] == connection.settings_dict["NAME"]
    tables = {row[0]: row for row in sections["Table sizes"].rows}
    assert "accounts_ledgerentry" in tables
    assert "audit_auditevent" in tables
    indexes = {(row[0], row[1]) for row in sections["Index sizes and use"].rows}
    assert ("accounts_ledgerentry", "entry_account_recent_idx") in indexes
    assert indexes == every_index
    for name in ("Unused indexes", "Dead rows and vacuum"):
        assert sections[name].rows, name
    ratios = {row[0]: row for row in sections["Cache hit ratio"].rows}
    assert set(ratios) == {"tables", "indexes", "whole database"}
    assert 0 < ratios["whole database"][3] <= 1
    connections = dict(sections["Connections and pool"].rows)
    assert int(connections["max_connections"]) > 0
    assert int(connections["this database: active"]) >= 1
    # Sequential scans count tables of 10,000 rows or more: the test database has none,
    # and the section says what it looks for instead.
    assert "missing-index candidates" in sections["Sequential scans on large tables"].note

    statements = sections["Statements taking the most time (pg_stat_statements)"]
    if pg_stat_statements_loaded():
        assert statements.rows, "pg_stat_statements is loaded: the report's own queries are in it"
        _text, calls, mean_ms, total_ms, _rows = statements.rows[0]
        assert calls >= 1
        assert total_ms >= mean_ms >= 0
        assert sections["Slowest statements on average (pg_stat_statements)"].rows
        assert all("$1" in row[0] or "%s" not in row[0] for row in statements.rows), "normalised"
    else:
        assert "shared_preload_libraries" in statements.note


@pytest.mark.requires_postgres("reads PostgreSQL's statistics views")
def test_a_database_without_pg_stat_statements_is_told_how_to_get_it():
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION IF EXISTS pg_stat_statements")
    sections = {section.title: section for section in database_report()}
    for title in SECTIONS[6:8]:
        assert sections[title].rows == []
        assert "CREATE EXTENSION pg_stat_statements" in sections[title].note
    assert sections["Table sizes"].rows, "the rest of the report still runs"


@pytest.mark.requires_postgres("reads PostgreSQL's statistics views")
def test_the_command_prints_every_section(capsys):
    call_command("db_report", "--limit", "3")
    out = capsys.readouterr().out
    for title in SECTIONS:
        assert f"== {title} ==" in out
    assert "accounts_" in out


def test_on_sqlite_each_section_says_what_it_cannot_report(capsys):
    if connection.vendor == "postgresql":
        pytest.skip("the embedded database's answer; run without DATABASE_URL to see it")
    sections = database_report()
    assert [section.title for section in sections] == SECTIONS
    assert all(section.note.startswith("Not available on sqlite: ") for section in sections)
    call_command("db_report")
    assert capsys.readouterr().out.count("Not available on sqlite") == len(SECTIONS)


def test_the_command_refuses_a_limit_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("db_report", "--limit", "0")
