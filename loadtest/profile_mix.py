"""Where the scenario's CPU goes: its requests, one at a time, through bankcore's WSGI
application in this process, with the CPU of each request and, optionally, a profile.

    make loadtest PROFILE=quick          # leaves bankcore_loadtest seeded, and its customers.json
    .venv/bin/python loadtest/profile_mix.py --customers var/loadtest/<run>/customers.json \\
        [--rounds 20] [--profile var/profile_mix.prof] [--top 40]

Production settings (DEBUG off, silk and Sentry off) against LOADTEST_DATABASE_URL and
LOADTEST_REDIS_URL (bankcore_loadtest and Redis database 9, as ``make loadtest``). Each
round sends every request of locustfile.py's mix once per its weight, for a few signed-in
customers; the first round warms the caches and is not counted. One request at a time, so
this process's CPU time across a request is that request's own: no lock waits, no GIL
contention, no other process. Prints CPU ms per request for each endpoint and for the mix
(weighted as the scenario weighs them), and with --profile writes a cProfile of the
counted rounds and prints its top functions by own and by inclusive time.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.scenario import wire_body  # noqa: E402


def configure() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bankcore.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "profile-mix-only-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=os.environ.get(
            "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bankcore_loadtest"
        ),
        REDIS_URL=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/9"),
        SILK_ENABLED="false",
        SENTRY_DSN="",
        LOG_LEVEL="WARNING",
        LOGIN_FAILURES_PER_ADDRESS="100000",
    )


class Driver:
    def __init__(self):
        from bankcore.wsgi import application

        self.application = application

    def call(
        self, method: str, path: str, *, token: str | None = None, body: dict | None = None, headers=None
    ):
        path, _, query = path.partition("?")
        payload = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_USER_AGENT": "profile-mix",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(payload),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        if payload:
            environ["CONTENT_TYPE"] = "application/json"
            environ["CONTENT_LENGTH"] = str(len(payload))
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        status = []
        chunks = self.application(environ, lambda s, h, exc_info=None: status.append(s))
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(status[0].split()[0]), content


def mix(driver: Driver, customer: dict, token: str, others: list[dict]):
    """(name, weight, callable) for the scenario's tasks, with the expected status."""
    accounts = customer["accounts"]

    def get(path):
        return lambda: driver.call("GET", path, token=token)

    def transfer(own: bool):
        def send():
            source = random.choice(accounts)
            if own and len(accounts) > 1:
                destination = next(a for a in accounts if a["id"] != source["id"])
            else:
                destination = random.choice([a for a in others if a["currency"] == source["currency"]])
            return driver.call(
                "POST",
                "/api/transfers",
                token=token,
                body={
                    "source_account": source["id"],
                    "destination_account_number": destination["account_number"],
                    "amount": f"0.{random.randint(1, 99):02d}",
                    "currency": source["currency"],
                    "description": "load test",
                },
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )

        return send

    def wire():
        account = random.choice(accounts)
        return driver.call(
            "POST",
            "/api/wire-transfers",
            token=token,
            body=wire_body(account, random.randint(10, 500)),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    account = accounts[0]
    return [
        ("GET /api/accounts/{id}/balance", 8, get(f"/api/accounts/{account['id']}/balance"), 200),
        ("GET /api/accounts", 4, get("/api/accounts"), 200),
        ("GET /api/accounts/{id}", 2, get(f"/api/accounts/{account['id']}"), 200),
        ("GET /api/transactions", 6, get("/api/transactions"), 200),
        ("GET /api/transactions?type={type}", 2, get("/api/transactions?type=deposit"), 200),
        ("GET /api/accounts/{id}/transactions", 1, get(f"/api/accounts/{account['id']}/transactions"), 200),
        ("POST /api/transfers", 3, transfer(own=True), 201),
        ("GET /api/kyc/status", 2, get("/api/kyc/status"), 200),
        ("GET /api/auth/me", 2, get("/api/auth/me"), 200),
        ("GET /health", 1, lambda: driver.call("GET", "/health"), 200),
        ("POST /api/wire-transfers", 1, wire, 201),
        ("GET /api/wire-transfers/stats", 1, get("/api/wire-transfers/stats"), 200),
        (
            "GET /api/wire-transfers/limits",
            1,
            get(f"/api/wire-transfers/limits?account={account['id']}"),
            200,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=Path, required=True)
    parser.add_argument("--signed-in", type=int, default=8, help="customers to sign in and cycle through")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--offset", type=int, default=500, help="the first customer to sign in (each sends 1 wire a round)"
    )
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--only", default="", help="comma-separated endpoint names to run alone")
    options = parser.parse_args()
    configure()
    import django

    django.setup()
    seeded = json.loads(options.customers.read_text())
    # Customers far into the file: the load test's own users sign in from its start. A
    # customer's wires count against a daily limit: use others for the next run.
    customers = seeded["customers"][options.offset : options.offset + options.signed_in]
    everyone = [a for c in seeded["customers"] for a in c["accounts"]]
    driver = Driver()
    sessions = []
    login_cpu = []
    for customer in customers:
        started = time.process_time()
        status, content = driver.call(
            "POST", "/api/auth/login", body={"email": customer["email"], "password": seeded["password"]}
        )
        login_cpu.append((time.process_time() - started) * 1000)
        if status != 200:
            raise SystemExit(f"login failed: {status} {content[:200]!r}")
        sessions.append((customer, json.loads(content)["token"]))
    samples: dict[str, list[float]] = {}
    weights: dict[str, int] = {"POST /api/auth/login": 0}
    only = {name.strip() for name in options.only.split(",") if name.strip()}
    # The profile counts CPU time, not wall time: a machine busy with other work slows the
    # clock, not this process's CPU.
    profiler = cProfile.Profile(time.process_time) if options.profile else None
    for round_number in range(options.rounds + 1):
        for customer, token in sessions:
            own = {a["id"] for a in customer["accounts"]}
            for name, weight, send, expected in mix(
                driver, customer, token, [a for a in everyone if a["id"] not in own][:50]
            ):
                if only and name not in only:
                    continue
                weights[name] = weight
                for _ in range(weight):
                    counted = round_number > 0
                    if counted and profiler:
                        profiler.enable()
                    started = time.process_time()
                    status, content = send()
                    spent = (time.process_time() - started) * 1000
                    if counted and profiler:
                        profiler.disable()
                    if status != expected:
                        raise SystemExit(f"{name}: {status} {content[:300]!r}")
                    if counted:
                        samples.setdefault(name, []).append(spent)
    print(f"login: {statistics.median(login_cpu):.1f} ms CPU (median of {len(login_cpu)})")
    print(f"{'endpoint':<40} {'weight':>6} {'n':>5} {'cpu p50':>8} {'cpu mean':>9}")
    total_weight = sum(weights[name] for name in samples)
    weighted = 0.0
    for name, values in samples.items():
        mean = statistics.fmean(values)
        weighted += mean * weights[name] / total_weight
        print(
            f"{name:<40} {weights[name]:>6} {len(values):>5} {statistics.median(values):>8.2f} {mean:>9.2f}"
        )
    print(f"{'the mix, weighted':<40} {total_weight:>6} {'':>5} {'':>8} {weighted:>9.2f}")
    if profiler:
        profiler.dump_stats(options.profile)
        for order in ("tottime", "cumulative"):
            print(f"\n--- top {options.top} by {order} ---")
            pstats.Stats(str(options.profile)).sort_stats(order).print_stats(options.top)


if __name__ == "__main__":
    main()
