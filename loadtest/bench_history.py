"""History pages cost the same at any ledger size: time them in-process.

    DATABASE_URL=... REDIS_URL=... SECRET_KEY=... ALLOWED_HOSTS=testserver \\
        python loadtest/bench_history.py --customers-file /tmp/load.json --requests 300

Times GET /api/transactions, a type-filtered page and GET /api/accounts/{id}/transactions
through Django's full stack (middleware, auth, DRF, serializer) for customers from a
seed_load file; prints the ledger size and each shape's median and p95.
Not a unit test: run it on a quiet machine and write the numbers to docs/PERFORMANCE.md.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankcore.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

from accounts.models import LedgerEntry, User  # noqa: E402
from accounts.services.signin import auth_token_issue  # noqa: E402


def timed(client, url, headers) -> float:
    start = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers-file", required=True, help="JSON written by manage.py seed_load")
    parser.add_argument("--requests", type=int, default=300)
    options = parser.parse_args()

    seeded = json.loads(Path(options.customers_file).read_text())["customers"][:20]
    client = Client()
    sessions = []
    for customer in seeded:
        user = User.objects.get(email=customer["email"])
        token, _ = auth_token_issue(user=user)
        sessions.append(({"Authorization": f"Bearer {token}"}, customer["accounts"][0]["id"]))

    shapes = {
        "customer history, first page": lambda account: "/api/transactions",
        "customer history, filtered by type": lambda account: "/api/transactions?type=transfer_in",
        "account history, first page": lambda account: f"/api/accounts/{account}/transactions",
    }
    for headers, account in sessions[:3]:  # warm connections and caches
        for shape in shapes.values():
            timed(client, shape(account), headers)

    print(f"ledger entries: {LedgerEntry.objects.count():,}")
    for name, shape in shapes.items():
        samples = []
        for n in range(options.requests):
            headers, account = sessions[n % len(sessions)]
            samples.append(timed(client, shape(account), headers))
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(
            f"{name:<40} median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms   n={len(samples)}"
        )


if __name__ == "__main__":
    main()
