"""History pages cost the same at any ledger size: time them in-process.

    DATABASE_URL=... REDIS_URL=... SECRET_KEY=... ALLOWED_HOSTS=testserver \\
        python loadtest/bench_history.py --customers-file /tmp/load.json --requests 300 [--explain]

Times GET /api/transactions (its first page, the page after it through the response's
``next`` link, and a type-filtered page) and GET /api/accounts/{id}/transactions through
Django's full stack (middleware, auth, DRF, serializer) for customers from a seed_load file;
prints the ledger size and each shape's median and p95. With --explain it also prints the
PostgreSQL plan (EXPLAIN ANALYZE) of each shape's ledger query, captured from a real request.
loadtest/bench.py runs it on its own database; run it alone on a large one (seed_load).
Not a unit test: run it on a quiet machine and write the numbers to docs/performance.md.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHAPES = {
    "customer history, first page": lambda account, next_page: "/api/transactions",
    "customer history, next page": lambda account, next_page: next_page,
    "customer history, filtered by type": lambda account, next_page: "/api/transactions?type=transfer_in",
    "account history, first page": lambda account, next_page: f"/api/accounts/{account}/transactions",
}


def timed(client, url, headers) -> float:
    start = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    return elapsed


def seeded_customers(customers_file: Path | None, count: int) -> list[tuple[str, int]]:
    """(email, first account id) of ``count`` customers from a seed_load file or, without one
    (a seeding still under way has not written it), the first ``seed_load`` customers in the
    database."""
    from accounts.models import Account

    if customers_file:
        seeded = json.loads(Path(customers_file).read_text())["customers"][:count]
        return [(customer["email"], customer["accounts"][0]["id"]) for customer in seeded]
    accounts = (
        Account.objects.filter(customer__email__startswith="load-", kind=Account.Kind.CHECKING)
        .order_by("pk")
        .values_list("customer__email", "pk")[:count]
    )
    return list(accounts)


def history_sessions(customers_file: Path | None, client, count: int = 20) -> list[tuple[dict, int, str]]:
    """(headers, first account id, the second page's URL) for ``count`` seeded customers."""
    from accounts.models import User
    from accounts.services.signin import auth_token_issue

    sessions = []
    for email, account_id in seeded_customers(customers_file, count):
        token, _ = auth_token_issue(user=User.objects.get(email=email))
        headers = {"Authorization": f"Bearer {token}"}
        next_page = client.get("/api/transactions", headers=headers).json()["next"]
        if not next_page:
            raise SystemExit(f"{email} has a single page of history: seed more transactions")
        sessions.append((headers, account_id, next_page.removeprefix("http://testserver")))
    if not sessions:
        raise SystemExit("no seed_load customers in this database")
    return sessions


def history_measure(
    *, customers_file: Path | None, requests: int
) -> tuple[int, dict[str, tuple[float, float]]]:
    """Time each shape ``requests`` times; returns (ledger entries, {shape: (median, p95) in ms})."""
    from django.test import Client

    from accounts.models import LedgerEntry

    client = Client()
    sessions = history_sessions(customers_file, client)
    for headers, account, next_page in sessions[:3]:  # warm connections and caches
        for shape in SHAPES.values():
            timed(client, shape(account, next_page), headers)
    entries = LedgerEntry.objects.count()
    print(f"history, in-process: {entries:,} ledger entries, {requests} requests per shape", flush=True)
    results = {}
    for name, shape in SHAPES.items():
        samples = []
        for n in range(requests):
            headers, account, next_page = sessions[n % len(sessions)]
            samples.append(timed(client, shape(account, next_page), headers))
        samples.sort()
        results[name] = (statistics.median(samples), samples[int(len(samples) * 0.95) - 1])
        print(f"  {name:<40} median {results[name][0]:6.2f} ms   p95 {results[name][1]:6.2f} ms", flush=True)
    return entries, results


def history_explain(*, customers_file: Path | None) -> None:
    """Print the plan of each shape's ledger query, captured from a real request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import LedgerEntry

    client = Client()
    headers, account, next_page = history_sessions(customers_file, client, count=1)[0]
    table = LedgerEntry._meta.db_table
    for name, shape in SHAPES.items():
        with CaptureQueriesContext(connection) as queries:
            timed(client, shape(account, next_page), headers)
        ledger_queries = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
        if not ledger_queries:
            print(f"{name}: no ledger query, the page came from the cache\n", flush=True)
        for sql in ledger_queries:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
                plan = "\n    ".join(row[0] for row in cursor.fetchall())
            print(f"{name}:\n    {plan}\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--customers-file",
        type=Path,
        help="JSON written by seed_load (default: its first customers in the database)",
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--explain", action="store_true", help="also print each shape's query plan")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankcore.settings")
    import django

    django.setup()
    history_measure(customers_file=options.customers_file, requests=options.requests)
    if options.explain:
        history_explain(customers_file=options.customers_file)


if __name__ == "__main__":
    main()
