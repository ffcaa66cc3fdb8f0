"""Cached balance reads against the ceiling: a bare DRF view doing one Redis GET.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankcore REDIS_URL=redis://127.0.0.1:6379/0 \\
        python loadtest/bench_cache.py --duration 20

Starts gunicorn (gunicorn.conf.py, settings loadtest.bench_settings) on a spare port, makes
a customer with a funded account and a token, warms both endpoints, then drives each with
wrk (apt-get install wrk) in alternating rounds (ceiling, balance, ceiling, balance, ...)
and prints each round's requests per second and latency, each round's ratio
balance / ceiling, and the median ratio. Alternating short rounds keep a shared machine's
drift out of the comparison. The target is >= 0.70. Not a unit test: run it on a quiet
machine and record the numbers in docs/performance.md.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "loadtest.bench_settings",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SILK_ENABLED": "false",
    "SENTRY_DSN": "",
    "LOG_LEVEL": "WARNING",
    "SLOW_QUERY_MS": "100000",
}


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare() -> tuple[str, int]:
    """A benchmark customer with a funded account; returns (token, account id)."""
    import django

    django.setup()
    from django.contrib.auth.models import Permission
    from django.core.cache import caches

    from accounts.services.bank_accounts import account_open
    from accounts.services.deposits import deposit_create
    from accounts.services.signin import auth_token_issue
    from accounts.services.users import user_ensure
    from loadtest.bench_urls import PROBE_KEY

    customer, _ = user_ensure(email="bench@bankcore.test", password="bench-Pass-2026-x", full_name="Bench")
    teller, _ = user_ensure(
        email="bench-teller@bankcore.test", password="bench-Pass-2026-y", full_name="Teller", is_staff=True
    )
    teller.user_permissions.add(Permission.objects.get(codename="post_deposit"))
    account = customer.bank_accounts.first() or account_open(
        customer=customer, kind="checking", currency="USD"
    )
    if account.balance == 0:
        deposit_create(account=account, amount=100_00, reason="benchmark", actor=teller)
    caches["default"].set(PROBE_KEY, {"balance": "100.00"}, timeout=None)
    token, _ = auth_token_issue(user=customer)
    return token, account.pk


def wrk(url: str, *, duration: int, connections: int, threads: int, token: str | None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def in_process(token: str, account_id: int, rounds: int, requests: int) -> None:
    """The same comparison without HTTP or a load generator: Django's test client in this
    process, one request at a time, rounds alternating. Steadier on a noisy machine."""
    from django.test import Client

    client = Client()
    endpoints = {
        "ceiling: bare DRF view, one Redis GET": ("/bench/redis-get", {}),
        "GET /api/accounts/{id}/balance (cached)": (
            f"/api/accounts/{account_id}/balance",
            {"Authorization": f"Bearer {token}"},
        ),
    }
    for url, headers in endpoints.values():
        for _ in range(50):
            assert client.get(url, headers=headers).status_code == 200
    per_request = {name: [] for name in endpoints}
    for _ in range(rounds):
        for name, (url, headers) in endpoints.items():
            started = time.perf_counter()
            for _ in range(requests):
                client.get(url, headers=headers)
            per_request[name].append((time.perf_counter() - started) / requests * 1000)
    print(f"in-process, one request at a time: {rounds} alternating rounds of {requests} requests")
    for name, times in per_request.items():
        print(f"{name:<42} median {statistics.median(times):.3f} ms per request")
    ceiling, balance = (statistics.median(times) for times in per_request.values())
    print(f"median ratio (throughput balance / ceiling): {ceiling / balance:.2f} (target >= 0.70)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per endpoint per round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--in-process", action="store_true", help="time Django's test client in this process instead of HTTP"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--threads", default="4")
    options = parser.parse_args()
    if not options.in_process and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        raise SystemExit("set DATABASE_URL and REDIS_URL: the benchmark measures PostgreSQL and Redis")

    os.environ.update(BENCH_ENV)
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    if options.in_process:
        os.environ["ALLOWED_HOSTS"] = "testserver"
    token, account_id = prepare()
    if options.in_process:
        in_process(token, account_id, options.rounds, requests=300)
        return

    port = spare_port()
    server_env = {**os.environ, "GUNICORN_WORKERS": options.workers, "GUNICORN_THREADS": options.threads}
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "bankcore.wsgi",
        ],
        cwd=ROOT,
        env=server_env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1)  # noqa: S310 - our own local server
                break
            except OSError:
                time.sleep(0.1)
        endpoints = {
            "ceiling: bare DRF view, one Redis GET": (f"{base}/bench/redis-get", None),
            "GET /api/accounts/{id}/balance (cached)": (f"{base}/api/accounts/{account_id}/balance", token),
        }
        for url, bearer in endpoints.values():  # warm caches and connections
            wrk(url, duration=2, connections=options.connections, threads=options.wrk_threads, token=bearer)
        results = {name: [] for name in endpoints}
        for _ in range(options.rounds):
            for name, (url, bearer) in endpoints.items():
                results[name].append(
                    wrk(
                        url,
                        duration=options.duration,
                        connections=options.connections,
                        threads=options.wrk_threads,
                        token=bearer,
                    )
                )
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"gunicorn {options.workers} workers x {options.threads} threads; wrk {options.wrk_threads} threads, "
        f"{options.connections} connections; {options.rounds} alternating rounds of {options.duration} s each"
    )
    for name, runs in results.items():
        errors = sum(run["errors"] for run in runs)
        print(f"{name}   non-2xx: {errors}")
        rates = ", ".join(f"{run['rps']:.0f}" for run in runs)
        print(f"  req/s per round: {rates}")
        print(f"  p50 per round:   {', '.join(run['p50'] for run in runs)}")
        print(f"  p99 per round:   {', '.join(run['p99'] for run in runs)}")
    ceiling_runs, balance_runs = results.values()
    ratios = [b["rps"] / c["rps"] for c, b in zip(ceiling_runs, balance_runs, strict=True)]
    print(f"ratio balance / ceiling per round: {', '.join(f'{r:.2f}' for r in ratios)}")
    print(f"median ratio: {statistics.median(ratios):.2f} (target >= 0.70)")


if __name__ == "__main__":
    main()
