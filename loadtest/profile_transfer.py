"""Where a transfer's time goes: one request at a time through the whole Django stack, in
this process, against the TPC-B ceiling view, with the CPU split by layer.

    make bench BENCH_ARGS="--parts transfers --rounds 1"     # makes and seeds the databases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankcore_bench \\
    BENCH_PGBENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankcore_bench_pgbench \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python loadtest/profile_transfer.py [--requests 400]

The benchmark's own databases and hot accounts (loadtest/bench.py ``fixtures_prepare``).
First both views are timed without a profiler (CPU of this process, and wall time, per
request; with pg_stat_statements loaded, the time PostgreSQL spent executing the statements,
commits excluded). Then the transfers run
under cProfile, and the time inside each layer (inclusive: a layer's callees count in it) is
printed per request, as a share of the whole. One request at a time, so no lock is ever
waited for: what is left is the work itself.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.bench_cache import BENCH_ENV  # noqa: E402

# (label, file path suffix, function name): inclusive time in each, per request. Nested
# labels are indented under the layer that calls them.
LAYERS = (
    ("the whole request (Django's handler)", "django/core/handlers/base.py", "_get_response"),
    ("  DRF: authentication (knox token, session check)", "rest_framework/request.py", "_authenticate"),
    ("  DRF: throttles and permissions", "rest_framework/views.py", "check_permissions"),
    ("  input serializer: is_valid", "rest_framework/serializers.py", "is_valid"),
    ("  request fingerprint", "transfers/idempotency.py", "request_fingerprint"),
    ("  Idempotency-Key claim (one INSERT, its own commit)", "transfers/idempotency.py", "idempotency_claim"),
    ("  transfer_create (the service)", "transfers/services/transfers.py", "transfer_create"),
    ("    refused-transfer limit: the count read on entry", "bankcore/throttling.py", "tally"),
    ("    the money transaction (_transfer_post)", "transfers/services/transfers.py", "_transfer_post"),
    (
        "      session re-check, claim hold, lock both accounts (one statement)",
        "accounts/locks.py",
        "transfer_accounts_lock",
    ),
    (
        "      posting (rules; one statement with the transfer, claim and audit event)",
        "accounts/services/ledger/postings.py",
        "posting_create",
    ),
    ("        audit event made", "audit/services.py", "audit_event_build"),
    ("      refused-transfer limit read again before the commit", "bankcore/throttling.py", "recount"),
    ("      commit, with the cache generation bumps", "django/db/transaction.py", "__exit__"),
    ("  output serializer: data", "rest_framework/serializers.py", "data"),
    ("  JSON rendering", "rest_framework/renderers.py", "render"),
    ("all SQL round trips (psycopg execute)", "psycopg/cursor.py", "execute"),
    ("all Redis round trips (redis-py execute_command)", "redis/client.py", "execute_command"),
)


def _inclusive(stats: pstats.Stats, suffix: str, name: str) -> float:
    """Seconds inside functions ``name`` defined in a file ending ``suffix`` (inclusive),
    counted once: a call from another function of that name and file (an override calling
    ``super()``, as DRF's ``Serializer.data`` does) is inside its caller's time already.
    (cProfile counts a function's own recursion once; functions of one name calling each
    other back and forth would be undercounted, and none of the layers does.)"""
    total = 0.0
    for key, (_, _, _, cumulative, callers) in stats.stats.items():
        filename, _, function = key
        if function != name or not filename.endswith(suffix):
            continue
        total += cumulative - sum(
            caller_stats[3]
            for caller, caller_stats in callers.items()
            if caller != key and caller[2] == name and caller[0].endswith(suffix)
        )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement")
    options = parser.parse_args()
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        raise SystemExit("set DATABASE_URL and REDIS_URL to the benchmark's (see the docstring)")
    if not os.environ.get("BENCH_PGBENCH_DATABASE_URL"):
        raise SystemExit("set BENCH_PGBENCH_DATABASE_URL to the benchmark's pgbench database")
    os.environ.update({**BENCH_ENV, "ALLOWED_HOSTS": "testserver"})
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("BENCH_PGBENCH_SCALE", "10")
    import django

    django.setup()
    from django.test import Client

    from loadtest.bench import fixtures_prepare, git

    fixtures = fixtures_prepare()
    client = Client()
    (source, token, _), (_, _, destination) = fixtures.hot[0], fixtures.hot[1]
    headers = {"Authorization": f"Bearer {token}"}

    def transfer():
        response = client.post(
            "/api/transfers",
            {"source_account": source, "destination_account_number": destination, "amount": "0.01",
             "currency": "USD", "description": "profile"},
            content_type="application/json",
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )  # fmt: skip
        assert response.status_code == 201, response.content
        return response

    def tpcb():
        response = client.post("/bench/tpcb", {}, content_type="application/json")
        assert response.status_code in (200, 201), response.content
        return response

    def database_ms(alias: str) -> float | None:
        """Statement execution time in the database of ``alias`` since the last call, in ms
        (pg_stat_statements; None when it is not loaded)."""
        from django.db import connections

        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements "
                    "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
                (total,) = cursor.fetchone()
                cursor.execute("SELECT pg_stat_statements_reset()")
            return total
        except Exception:
            return None

    def timed(call, alias: str) -> tuple[float, float, float | None, list[str]]:
        database_ms(alias)
        cpu, wall, timings = [], [], []
        for _ in range(options.requests):
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            response = call()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started_wall)
            timings.append(response.headers.get("Server-Timing", ""))
        in_database = database_ms(alias)
        in_database = None if in_database is None else in_database / options.requests
        return statistics.mean(cpu) * 1000, statistics.mean(wall) * 1000, in_database, timings

    for _ in range(50):  # warm connections, caches and the code paths
        transfer()
        tpcb()
    transfer_cpu, transfer_wall, transfer_db, timings = timed(transfer, "default")
    tpcb_cpu, tpcb_wall, tpcb_db, _ = timed(tpcb, "pgbench")
    commit = git("rev-parse", "--short", "HEAD")
    print(f"one request at a time, {options.requests} each, in this process (commit {commit}):")
    for name, cpu, wall, in_database in (
        ("POST /bench/tpcb (ceiling)", tpcb_cpu, tpcb_wall, tpcb_db),
        ("POST /api/transfers", transfer_cpu, transfer_wall, transfer_db),
    ):
        executing = "-" if in_database is None else f"{in_database:5.2f} ms"
        print(
            f"  {name:<27} CPU here {cpu:6.2f} ms, wall {wall:6.2f} ms, "
            f"statements executing in PostgreSQL {executing} per request"
        )
    print(f"  a typical Server-Timing: {timings[len(timings) // 2]}")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(options.requests):
        transfer()
    profiler.disable()
    stats = pstats.Stats(profiler)
    whole = _inclusive(stats, *LAYERS[0][1:])
    print("\nunder cProfile (inclusive time per transfer; cProfile adds its own overhead to every call):")
    print(f"{'layer':<58} {'ms':>7} {'share':>6}")
    for label, suffix, name in LAYERS:
        seconds = _inclusive(stats, suffix, name)
        print(f"{label:<58} {seconds / options.requests * 1000:7.2f} {seconds / whole:6.0%}")


if __name__ == "__main__":
    main()
