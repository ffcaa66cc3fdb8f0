"""What PostgreSQL knows about bankcore's tables: sizes, index use, scans, cache, statements,
vacuum, connections. Read by ``manage.py db_report`` and the back office's report page.

Every section is a few rows from PostgreSQL's statistics views, which cost nothing to read
at any table size (sizes come from the catalog, never from counting rows). Counters in
those views (scans, cache hits, statements) run since PostgreSQL last reset them: the
report says when that was. On SQLite there are no such statistics, and each section says so.
"""

from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

from bankcore import metrics

LARGE_TABLE_ROWS = 10_000  # below this, a sequential scan is as good as an index
STATEMENT_TEXT_CHARS = 160


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    note: str = ""


# The steps of a report on PostgreSQL, each a step of its progress.
REPORT_STEPS = 9


def database_report(*, limit: int = 15, progress=None) -> list[Section]:
    """Each section of the report, in order; on SQLite, each says what it cannot report.
    ``progress`` is told of each of its REPORT_STEPS queries."""
    if connection.vendor != "postgresql":
        return [
            Section(title, [], note=f"Not available on {connection.vendor}: {why}")
            for title, why in _UNAVAILABLE_ELSEWHERE
        ]
    steps = [
        _overview,
        lambda: _table_sizes(limit),
        lambda: _index_usage(limit),
        lambda: _unused_indexes(limit),
        lambda: _sequential_scans(limit),
        _cache_hit_ratio,
        lambda: _statements(limit),
        lambda: _dead_tuples(limit),
        _connections,
    ]
    sections = []
    for step in steps:
        made = step()
        sections += made if isinstance(made, list) else [made]
        if progress is not None:
            progress(1)
    return sections


_UNAVAILABLE_ELSEWHERE = [
    ("Database", "the server's version and statistics reset time come from PostgreSQL."),
    ("Table sizes", "SQLite keeps no per-table sizes (dbstat is not compiled in by default)."),
    ("Index sizes and use", "SQLite counts no index scans."),
    ("Unused indexes", "SQLite counts no index scans."),
    ("Sequential scans on large tables", "SQLite counts no table scans; use EXPLAIN QUERY PLAN."),
    ("Cache hit ratio", "SQLite reports no buffer cache statistics."),
    ("Statements taking the most time (pg_stat_statements)", "pg_stat_statements is a PostgreSQL extension."),
    ("Slowest statements on average (pg_stat_statements)", "pg_stat_statements is a PostgreSQL extension."),
    ("Dead rows and vacuum", "SQLite has no MVCC dead rows or autovacuum statistics."),
    ("Connections and pool", "SQLite has no server connections and bankcore pools none for it."),
]


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _overview() -> Section:
    rows = _rows(
        """
        SELECT current_database(), split_part(version(), ' on ', 1),
               pg_size_pretty(pg_database_size(current_database())), stats_reset
        FROM pg_stat_database WHERE datname = current_database()
        """
    )
    return Section(
        "Database",
        ["database", "server", "size", "statistics counted since"],
        rows,
        note="Scan, cache and statement counters below run since the time on the right "
        "(empty: since the server started).",
    )


def _table_sizes(limit: int) -> Section:
    rows = _rows(
        """
        SELECT c.relname,
               CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE s.n_live_tup END,
               pg_size_pretty(pg_table_size(c.oid)), pg_size_pretty(pg_indexes_size(c.oid)),
               pg_size_pretty(pg_total_relation_size(c.oid))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
        ORDER BY pg_total_relation_size(c.oid) DESC, c.relname
        LIMIT %s
        """,
        [limit],
    )
    return Section(
        "Table sizes",
        ["table", "rows (estimate)", "table", "indexes", "total"],
        rows,
        note="Largest first. Row counts are the planner's estimate, refreshed by ANALYZE (or the "
        "live rows counted since, for a table never analysed).",
    )


def _index_usage(limit: int) -> Section:
    rows = _rows(
        """
        SELECT s.relname, s.indexrelname, pg_size_pretty(pg_relation_size(s.indexrelid)),
               s.idx_scan, s.idx_tup_read
        FROM pg_stat_user_indexes s
        ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname
        LIMIT %s
        """,
        [limit],
    )
    return Section("Index sizes and use", ["table", "index", "size", "scans", "entries read"], rows)


def _unused_indexes(limit: int) -> Section:
    rows = _rows(
        """
        SELECT s.relname, s.indexrelname, pg_size_pretty(pg_relation_size(s.indexrelid)), s.idx_scan
        FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
        WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid)
        ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname
        LIMIT %s
        """,
        [limit],
    )
    return Section(
        "Unused indexes",
        ["table", "index", "size", "scans"],
        rows,
        note="Never scanned since the statistics began, and enforcing no constraint: candidates to "
        "drop, once the counters have run through a full business cycle (month end included).",
    )


def _sequential_scans(limit: int) -> Section:
    rows = _rows(
        """
        SELECT relname, n_live_tup, seq_scan, seq_tup_read, coalesce(idx_scan, 0),
               seq_tup_read / greatest(seq_scan, 1)
        FROM pg_stat_user_tables
        WHERE n_live_tup >= %s AND seq_scan > 0
        ORDER BY seq_tup_read DESC, relname
        LIMIT %s
        """,
        [LARGE_TABLE_ROWS, limit],
    )
    return Section(
        "Sequential scans on large tables",
        ["table", "live rows", "sequential scans", "rows read by them", "index scans", "rows per scan"],
        rows,
        note=f"Tables of {LARGE_TABLE_ROWS:,} rows or more read whole: missing-index candidates. Find the "
        "statement in pg_stat_statements below and EXPLAIN it.",
    )


def _cache_hit_ratio() -> Section:
    rows = _rows(
        """
        SELECT 'tables', sum(heap_blks_hit)::bigint, sum(heap_blks_read)::bigint,
               round(sum(heap_blks_hit)::numeric / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0), 4)
        FROM pg_statio_user_tables
        UNION ALL
        SELECT 'indexes', sum(idx_blks_hit)::bigint, sum(idx_blks_read)::bigint,
               round(sum(idx_blks_hit)::numeric / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0), 4)
        FROM pg_statio_user_indexes
        UNION ALL
        SELECT 'whole database', blks_hit, blks_read,
               round(blks_hit::numeric / nullif(blks_hit + blks_read, 0), 4)
        FROM pg_stat_database WHERE datname = current_database()
        """
    )
    return Section(
        "Cache hit ratio",
        ["what", "blocks from shared buffers", "blocks from disk or OS cache", "hit ratio"],
        rows,
        note="Below 0.99 on tables or indexes in steady traffic: the hot rows no longer fit in "
        "shared_buffers (or the counters started cold).",
    )


def _statements(limit: int) -> list[Section]:
    columns = ["statement (normalised)", "calls", "mean ms", "total ms", "rows"]
    titles = (
        ("Statements taking the most time (pg_stat_statements)", "total_exec_time"),
        ("Slowest statements on average (pg_stat_statements)", "mean_exec_time"),
    )
    installed = _rows("SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements'")
    if not installed:
        note = (
            "pg_stat_statements is not installed in this database: add it to shared_preload_libraries, "
            "restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements "
            "(see docs/observability.md, pg_stat_statements)."
        )
        return [Section(title, columns, note=note) for title, _ in titles]
    sections = []
    for title, order in titles:
        try:
            with transaction.atomic():  # an error here must not break the caller's transaction
                rows = _rows(
                    f"""
                    SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), %s), calls,
                           round(mean_exec_time::numeric, 2), round(total_exec_time::numeric, 2), rows
                    FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    ORDER BY {order} DESC
                    LIMIT %s
                    """,  # noqa: S608 - the ORDER BY column is one of two constants above
                    [STATEMENT_TEXT_CHARS, limit],
                )
        except DatabaseError as exc:
            # Installed but not loaded: "must be loaded via shared_preload_libraries".
            sections.append(Section(title, columns, note=f"pg_stat_statements cannot be read: {exc}".strip()))
        else:
            sections.append(
                Section(
                    title,
                    columns,
                    rows,
                    note="Parameters are replaced by $1, $2, …: one line per statement shape.",
                )
            )
    return sections


def _dead_tuples(limit: int) -> Section:
    rows = _rows(
        """
        SELECT relname, n_live_tup, n_dead_tup,
               round(n_dead_tup::numeric / nullif(n_live_tup + n_dead_tup, 0), 3),
               last_autovacuum, last_autoanalyze
        FROM pg_stat_user_tables
        ORDER BY n_dead_tup DESC, relname
        LIMIT %s
        """,
        [limit],
    )
    return Section(
        "Dead rows and vacuum",
        ["table", "live rows", "dead rows", "dead share", "last autovacuum", "last autoanalyze"],
        rows,
        note="Ledger, posting and audit rows are insert-only and should show almost no dead rows; "
        "a growing share elsewhere with an old autovacuum means autovacuum is falling behind.",
    )


def _connections() -> Section:
    rows = _rows(
        """
        SELECT 'this database: ' || coalesce(state, 'no state'), count(*)::text
        FROM pg_stat_activity WHERE datname = current_database()
        GROUP BY state
        UNION ALL
        SELECT 'whole server', count(*)::text FROM pg_stat_activity WHERE backend_type = 'client backend'
        UNION ALL
        SELECT 'max_connections', setting FROM pg_settings WHERE name = 'max_connections'
        """
    )
    pool = metrics.pool_stats()
    if pool is not None:
        rows += [
            ("this process's pool: size", str(pool.get("pool_size", 0))),
            ("this process's pool: idle", str(pool.get("pool_available", 0))),
            ("this process's pool: most", str(pool.get("pool_max", 0))),
            ("this process's pool: requests waiting", str(pool.get("requests_waiting", 0))),
        ]
    return Section(
        "Connections and pool",
        ["what", "connections"],
        rows,
        note="Each gunicorn worker keeps its own pool (DB_POOL_MAX_SIZE); their use, waits and timeouts "
        "are in /metrics (bankcore_db_pool_*). Workers x DB_POOL_MAX_SIZE must stay under max_connections.",
    )
