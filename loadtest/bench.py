"""bankcore's hot paths against their ceilings, on the same machine in the same run (`make bench`).

    apt-get install -y wrk postgresql-client     # wrk drives HTTP; pgbench makes the TPC-B database
    make bench                                   # or: python loadtest/bench.py --rounds 5 --duration 5

Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432,
a role that may create databases; REDIS_URL, default redis://127.0.0.1:6379/0). It

1. drops and creates the database --database (default bankcore_bench), migrates it and seeds it
   with ``seed_load`` (100 customers, 2 accounts each, about 10,200 ledger entries: a minute or two);
   drops and creates --pgbench-database (default bankcore_bench_pgbench) with
   ``pgbench -i -s 10`` (1,000,000 pgbench accounts);
2. serves bankcore (bankcore.settings, bankcore.wsgi) and, beside it, the ceilings: a bare
   Django project of their own (loadtest/ceiling/: no middleware, no authentication, the JSON
   renderer only, the same database options, pool and Redis client), each from its own
   gunicorn with the same flags (gunicorn.conf.py, gthread, --workers x --threads, default
   2 x 8, a pool of 8 connections per worker), and drives each pair with wrk (16 connections,
   2 threads) in alternating rounds, ceiling first, --runs times (default 3):
   - ``POST /api/transfers`` of 0.01 USD between 8 hot accounts of 4 customers, a fresh
     Idempotency-Key per request (loadtest/wrk/transfers.lua), against ``POST /bench/tpcb``,
     pgbench's TPC-B transaction in a bare DRF view; then checks the invariants: no 5xx,
     ``verify_ledger`` clean, every 201's transfer exists with exactly one posting and every
     new transfer posting belongs to one transfer;
   - warm ``GET /api/accounts/{id}/balance`` against ``GET /bench/redis-get``;
3. deposits: 16 processes, each with its own member of staff, post deposits through
   ``deposit_create`` all into one account, then into 16 different accounts, in alternating
   rounds (the deposit limits are raised for the run through ``config_set``), sampling every
   10 ms how many backends wait on a lock, and how many on a system account's row;
4. history: first page, next page and a type-filtered page of a customer's history and an
   account's first page, in-process (loadtest/bench_history.py), on the seeded database;
5. prints per round req/s and latency of both sides and the ratio bankcore / ceiling, each
   run's median ratio and its spread (min-max), then the verdict: per pair the median of the
   runs' medians beside each run's, against its target (transfers >= 0.50 of the TPC-B view,
   cached balance >= 0.80 of the Redis GET view); then a markdown table to paste into
   docs/performance.md. It writes summary.json and bench-rounds.png (throughput and ratio per
   round) under --out (default var/bench/<UTC time>/).

Exits 1 when an invariant breaks, 2 when a pair's median of run medians is below its target
(--no-gate prints the verdict and exits 0 on that count). The deposits' target is printed,
not enforced.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bankcore.env import VARIABLES  # noqa: E402
from loadtest.bench_cache import BENCH_ENV, spare_port  # noqa: E402

PARTS = ("transfers", "balance", "deposits", "history")
TRANSFERS_LUA = ROOT / "loadtest" / "wrk" / "transfers.lua"
OUT_ROOT = ROOT / "var" / "bench"
HOT_CUSTOMERS = 4
HOT_ACCOUNTS_PER_CUSTOMER = 2
DEPOSIT_THREADS = 16
PASSWORD = "bench-Pass-2026-x"
TARGETS = {"transfers": 0.50, "balance": 0.80, "deposits": 4.0}
# The pairs whose verdict decides the exit status; the deposits' target is only printed.
GATED = ("transfers", "balance")
# What the benchmark writes through bankcore's cache for the ceiling's Redis GET to read.
PROBE_VALUE = {"balance": "100.00"}


def parser_build() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loadtest/bench.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "bankcore_bench"))
    parser.add_argument(
        "--pgbench-database", default="bankcore_bench_pgbench", help="recreated with pgbench -i"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="server URL without a database name",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        type=parts_parse,
        help=f"comma-separated, from {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per pair and run")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs of --rounds rounds; the verdict is the median of the runs' median ratios",
    )
    parser.add_argument(
        "--no-gate", action="store_true", help="print the verdict, do not exit non-zero on a missed target"
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds per side per round")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (and deposit threads)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--wrk-timeout", type=int, default=10, help="seconds wrk waits for a response (wrk's default is 2)"
    )
    # Production's gunicorn defaults (bankcore/env.py), for both servers.
    parser.add_argument(
        "--workers", type=int, default=int(VARIABLES["GUNICORN_WORKERS"].default), help="gunicorn workers"
    )
    parser.add_argument(
        "--threads", type=int, default=int(VARIABLES["GUNICORN_THREADS"].default), help="threads per worker"
    )
    parser.add_argument("--pool-size", type=int, default=8, help="DB_POOL_MAX_SIZE of each worker")
    parser.add_argument("--pgbench-scale", type=int, default=10)
    parser.add_argument(
        "--seed-customers", type=int, default=100, help="seed_load customers (2 accounts each)"
    )
    parser.add_argument("--history-requests", type=int, default=200, help="requests per history shape")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the databases of an earlier run: no drop, migrate or seed"
    )
    parser.add_argument(
        "--customers-file",
        type=Path,
        help="where seed_load writes its customers (default: a temporary file); with --reuse, what it wrote",
    )
    parser.add_argument(
        "--out", type=Path, help="where summary.json and bench-rounds.png go (default: var/bench/<UTC time>)"
    )
    return parser


def parts_parse(text: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(set(parts) - set(PARTS))
    if unknown or not parts:
        raise argparse.ArgumentTypeError(
            f"parts are {', '.join(PARTS)}; not {', '.join(unknown) or repr(text)}"
        )
    return parts


# Setup -----------------------------------------------------------------------------------


def database_recreate(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def git(*arguments: str) -> str:
    completed = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
    return completed.stdout.strip()


def manage(*arguments: str, env: dict) -> str:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{completed.stdout}{completed.stderr}")
    return completed.stdout


def setup_databases(options, env: dict, customers_file: Path) -> None:
    print(f"creating {options.database}: migrate, seed_load --customers {options.seed_customers}", flush=True)
    started = time.perf_counter()
    database_recreate(options.postgres, options.database)
    manage("migrate", "--noinput", env=env)
    output = manage(
        "seed_load",
        f"--customers={options.seed_customers}",
        "--accounts-per-customer=2",
        "--transactions-per-account=50",
        f"--password={PASSWORD}",
        f"--output={customers_file}",
        env=env,
    )
    print(f"  {output.strip().splitlines()[-1]} ({time.perf_counter() - started:.0f} s)")
    if "transfers" in options.parts:
        print(f"creating {options.pgbench_database}: pgbench -i -s {options.pgbench_scale}", flush=True)
        started = time.perf_counter()
        database_recreate(options.postgres, options.pgbench_database)
        pgbench = ["pgbench", "-i", "-q", "-s", str(options.pgbench_scale)]
        subprocess.run(  # noqa: S603
            [*pgbench, f"{options.postgres}/{options.pgbench_database}"], check=True, capture_output=True
        )
        print(f"  done ({time.perf_counter() - started:.0f} s)")


@dataclass
class Fixtures:
    hot: list[tuple[int, str, str]] = field(default_factory=list)  # (account id, token, number)
    hot_customer_ids: list[int] = field(default_factory=list)
    reader: tuple[int, str] = (0, "")  # (account id, token) for the balance reads
    tellers: list = field(default_factory=list)
    deposit_accounts: list = field(default_factory=list)


def fixtures_prepare() -> Fixtures:
    """Customers, accounts, tokens and staff for the run, made through bankcore's services."""
    from django.contrib.auth.models import Permission
    from django.core.cache import caches

    from accounts.services.bank_accounts import account_open
    from accounts.services.deposits import deposit_create
    from accounts.services.signin import auth_token_issue
    from accounts.services.users import user_ensure
    from bankcore.backoffice.operations import config_set
    from loadtest.ceiling.views import PROBE_KEY

    operator, _ = user_ensure(
        email="bench-operator@bankcore.test", password=PASSWORD, full_name="Operator", is_staff=True
    )
    # High enough that no deposit of the run waits for a second person or hits the day's cap.
    config_set(name="deposits.approval_threshold", value={"USD": 10**9}, actor=operator)
    config_set(name="deposits.daily_limit_per_staff", value={"USD": 10**10}, actor=operator)
    post_deposit = Permission.objects.get(codename="post_deposit")
    fixtures = Fixtures()
    for number in range(DEPOSIT_THREADS):
        teller, _ = user_ensure(
            email=f"bench-teller-{number}@bankcore.test", password=PASSWORD, full_name="Teller", is_staff=True
        )
        teller.user_permissions.add(post_deposit)
        fixtures.tellers.append(teller)

    def customer_with_accounts(email: str, count: int):
        customer, _ = user_ensure(email=email, password=PASSWORD, full_name="Bench Customer")
        accounts = list(customer.bank_accounts.order_by("pk"))
        while len(accounts) < count:
            accounts.append(account_open(customer=customer, kind="checking", currency="USD"))
        return customer, accounts

    for number in range(HOT_CUSTOMERS):
        customer, accounts = customer_with_accounts(
            f"bench-hot-{number}@bankcore.test", HOT_ACCOUNTS_PER_CUSTOMER
        )
        token, _ = auth_token_issue(user=customer)
        fixtures.hot_customer_ids.append(customer.pk)
        for account in accounts:
            if account.balance == 0:
                deposit_create(
                    account=account, amount=1_000_000_00, reason="benchmark", actor=fixtures.tellers[0]
                )
            fixtures.hot.append((account.pk, token, account.number))
    reader, (account,) = customer_with_accounts("bench-reader@bankcore.test", 1)
    if account.balance == 0:
        deposit_create(account=account, amount=100_00, reason="benchmark", actor=fixtures.tellers[0])
    fixtures.reader = (account.pk, auth_token_issue(user=reader)[0])
    for number in range(DEPOSIT_THREADS):
        _, (account,) = customer_with_accounts(f"bench-depositor-{number}@bankcore.test", 1)
        fixtures.deposit_accounts.append(account)
    caches["default"].set(PROBE_KEY, PROBE_VALUE, timeout=None)
    return fixtures


# HTTP ------------------------------------------------------------------------------------


@dataclass
class Round:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    timeouts: int = 0  # requests wrk gave up waiting for (counted in socket_errors too)
    created: int = 0
    client_errors: int = 0
    server_errors: int = 0


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk_parse(output: str) -> Round:
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result = Round(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        p99_ms=milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        timeouts=int(socket_errors.group(4)) if socket_errors else 0,
    )
    statuses = re.search(r"statuses created=(\d+) client_errors=(\d+) server_errors=(\d+)", output)
    if statuses:
        result.created, result.client_errors, result.server_errors = (int(n) for n in statuses.groups())
    return result


def wrk(url: str, options, *, duration: int, headers=(), script_args=()) -> Round:
    command = [
        "wrk", f"-t{options.wrk_threads}", f"-c{options.connections}", f"-d{duration}s",
        f"--timeout={options.wrk_timeout}s", "--latency",
    ]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    if script_args:
        command += ["-s", str(TRANSFERS_LUA), url, "--", *script_args]
    else:
        command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if completed.returncode != 0 or "Requests/sec" not in completed.stdout:
        raise SystemExit(f"wrk failed: {completed.stdout}{completed.stderr}")
    # wrk stops with requests in flight: let the server finish them before the next side starts.
    time.sleep(1)
    return wrk_parse(completed.stdout)


class Server:
    """One gunicorn with the flags every side of the benchmark gets (gunicorn.conf.py, gthread,
    --workers x --threads, no recycling, no access log): bankcore's project, or the ceiling's.
    Each keeps its metrics files apart: gunicorn.conf.py empties the directory at start."""

    def __init__(
        self, options, env: dict, *, settings: str, wsgi: str, probe: str, metrics_dir: Path, port: int
    ):
        self.port = port
        self.base = f"http://127.0.0.1:{self.port}"
        self.probe = probe
        self.command = [
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null", "--log-level", "warning",
            wsgi,
        ]  # fmt: skip
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": settings,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "GUNICORN_WORKERS": str(options.workers),
            "GUNICORN_THREADS": str(options.threads),
            # No recycling inside a run: a restarting worker is not what is measured.
            "GUNICORN_MAX_REQUESTS": "0",
            "DB_POOL_MIN_SIZE": str(min(2, options.pool_size)),
            "DB_POOL_MAX_SIZE": str(options.pool_size),
        }

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)  # noqa: S603
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.base}{self.probe}", timeout=1)  # noqa: S310 - our own local server
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(
                        f"gunicorn ({self.command[-1]}) exited before answering {self.probe}"
                    ) from None
                time.sleep(0.1)
        self.__exit__()
        raise SystemExit(f"gunicorn ({self.command[-1]}) did not answer {self.probe} within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def servers(options, env: dict, workdir: Path) -> tuple[Server, Server]:
    """bankcore as deployed (bankcore.settings) and the bare ceiling project, same flags."""
    ports = {spare_port()}
    while len(ports) < 2:  # asked for one after the other, the two could be the same
        ports.add(spare_port())
    app_port, ceiling_port = sorted(ports)
    app = Server(
        options, env, settings="bankcore.settings", wsgi="bankcore.wsgi", probe="/health",
        metrics_dir=workdir / "metrics-bankcore", port=app_port,
    )  # fmt: skip
    ceiling = Server(
        options, env, settings="loadtest.ceiling.settings", wsgi="loadtest.ceiling.wsgi",
        probe="/bench/redis-get", metrics_dir=workdir / "metrics-ceiling", port=ceiling_port,
    )  # fmt: skip
    return app, ceiling


def ceiling_check(ceiling: Server) -> None:
    """The Redis GET view must read the value bankcore's cache wrote: a miss, or an error
    answered fast, would make a ceiling the app cannot be compared with."""
    with urllib.request.urlopen(f"{ceiling.base}/bench/redis-get", timeout=5) as response:  # noqa: S310
        body = json.loads(response.read())
    if body != {"value": PROBE_VALUE}:
        raise SystemExit(f"the ceiling's Redis GET view read {body!r}, not the probe value {PROBE_VALUE!r}")


# Arithmetic of the verdict ---------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float

    def text(self) -> str:
        return f"{self.median:.2f} ({self.low:.2f}-{self.high:.2f})"


def ratios_of(ceiling_rps: list[float], app_rps: list[float]) -> list[float]:
    """Each round's bankcore req/s over the ceiling's req/s of the same round."""
    return [app / ceiling for ceiling, app in zip(ceiling_rps, app_rps, strict=True)]


def spread_of(values: list[float]) -> Spread:
    return Spread(statistics.median(values), min(values), max(values))


@dataclass(frozen=True)
class Verdict:
    part: str
    target: float
    run_medians: list[float]
    median: float  # the median of the runs' medians

    @property
    def passed(self) -> bool:
        return self.median >= self.target


def verdict_of(part: str, run_ratios: list[list[float]], target: float) -> Verdict:
    """The median of each run's round ratios, and the median of those medians against the target."""
    medians = [statistics.median(ratios) for ratios in run_ratios]
    return Verdict(part, target, medians, statistics.median(medians))


def exit_status(verdicts: list[Verdict], breaches: list[str], *, gate: bool) -> int:
    """1 when an invariant broke; else 2 when a gated pair missed its target and the gate is on."""
    if breaches:
        return 1
    missed = [v for v in verdicts if v.part in GATED and not v.passed]
    return 2 if missed and gate else 0


# Pairs -----------------------------------------------------------------------------------


@dataclass
class PairRun:
    ceiling: list = field(default_factory=list)
    app: list = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return ratios_of([r.rps for r in self.ceiling], [r.rps for r in self.app])


@dataclass
class Pair:
    name: str
    ceiling_name: str
    app_name: str
    part: str
    target: float
    runs: list[PairRun] = field(default_factory=list)
    app_runs: list = field(default_factory=list)  # every wrk run against bankcore, warm-up included
    ceiling_runs: list = field(default_factory=list)  # every wrk run against the ceiling
    breach: str = ""

    @property
    def ratios(self) -> list[float]:
        """Every round's ratio, run after run."""
        return [ratio for run in self.runs for ratio in run.ratios]

    @property
    def verdict(self) -> Verdict:
        return verdict_of(self.part, [run.ratios for run in self.runs], self.target)


def run_rounds(pair: Pair, options, ceiling, app, *, number: int) -> None:
    """One run: --rounds alternating rounds, ceiling first; the first run after one short
    warm-up of each side."""
    if number == 1:
        ceiling(2)
        app(2)
    run = PairRun()
    print(f"{pair.name}, run {number} of {options.runs}", flush=True)
    for round_number in range(1, options.rounds + 1):
        run.ceiling.append(ceiling(options.duration))
        run.app.append(app(options.duration))
        c, a = run.ceiling[-1], run.app[-1]
        print(
            f"  round {round_number}: {pair.ceiling_name} {c.rps:7.1f} req/s p50 {c.p50_ms:6.1f} ms"
            f" p99 {c.p99_ms:7.1f} ms | {pair.app_name} {a.rps:7.1f} req/s p50 {a.p50_ms:6.1f} ms"
            f" p99 {a.p99_ms:7.1f} ms"
            f" non-2xx {a.non_2xx} | ratio {a.rps / c.rps:.2f}",
            flush=True,
        )
    pair.runs.append(run)
    print(f"  run {number}: median ratio {spread_of(run.ratios).text()}", flush=True)


def transfers_sides(options, app_server: Server, ceiling_server: Server, fixtures: Fixtures, ids_dir: Path):
    """The transfers pair and its two sides, each a function of a duration returning a Round."""
    pair = Pair("POST /api/transfers vs TPC-B", "TPC-B view", "transfers", "transfers", TARGETS["transfers"])
    hot = [f"{account_id}:{token}:{number}" for account_id, token, number in fixtures.hot]
    counter = iter(range(1, 100_000))

    def ceiling(duration):
        result = wrk(ceiling_server.base, options, duration=duration, script_args=["/bench/tpcb", "-", *hot])
        pair.ceiling_runs.append(result)
        return result

    def app(duration):
        prefix = ids_dir / f"run-{next(counter)}"
        result = wrk(
            app_server.base, options, duration=duration, script_args=["/api/transfers", str(prefix), *hot]
        )
        pair.app_runs.append(result)
        return result

    print(f"{pair.name}: 8 hot accounts of {HOT_CUSTOMERS} customers, 0.01 USD each", flush=True)
    return pair, ceiling, app


def transfers_invariants(
    options, env: dict, fixtures: Fixtures, before: dict, ids_dir: Path, runs
) -> list[str]:
    """What must hold after the transfer rounds; returns the breaches (empty when all hold)."""
    from accounts.models import Posting
    from transfers.models import Transfer

    breaches = []
    server_errors = sum(run.server_errors for run in runs)
    client_errors = sum(run.client_errors for run in runs)
    created = sum(run.created for run in runs)
    if server_errors:
        breaches.append(f"{server_errors} responses were 5xx")
    completed = subprocess.run(
        [sys.executable, "manage.py", "verify_ledger"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    print(f"  verify_ledger: {completed.stdout.strip().splitlines()[0] if completed.stdout else ''}")
    if completed.returncode != 0:
        breaches.append(f"verify_ledger found a breach:\n{completed.stdout}{completed.stderr}")
    new_transfers = Transfer.objects.filter(
        pk__gt=before["transfer"], customer_id__in=fixtures.hot_customer_ids
    )
    new_ids = set(new_transfers.values_list("pk", flat=True))
    postings = Posting.objects.filter(pk__gt=before["posting"], kind=Posting.Kind.TRANSFER).count()
    postings_of_new = new_transfers.values("posting_id").distinct().count()
    client_ids = [line for path in sorted(ids_dir.glob("run-*")) for line in path.read_text().split()]
    if len(client_ids) != created:
        breaches.append(f"wrk counted {created} 201s but recorded {len(client_ids)} transfer ids")
    if len(set(client_ids)) != len(client_ids):
        breaches.append("two 201s answered with the same transfer")
    unknown = {int(i) for i in client_ids if i.isdigit()} - new_ids
    if unknown or not all(i.isdigit() for i in client_ids):
        breaches.append(f"{len(unknown)} 201s name a transfer the database does not hold")
    if postings != len(new_ids) or postings_of_new != len(new_ids):
        breaches.append(f"{len(new_ids)} new transfers but {postings} new transfer postings")
    # A transfer whose answer wrk never read: in flight when a run stopped, or timed out.
    cut_off = len(new_ids) - len(set(client_ids))
    timeouts = sum(run.timeouts for run in runs)
    if not 0 <= cut_off <= options.connections * len(runs) + timeouts:
        breaches.append(f"{cut_off} transfers more than 201s: more than wrk left unread")
    print(
        f"  invariants: {created} 201s, {client_errors} 4xx, {server_errors} 5xx;"
        f" {len(new_ids)} new transfers,"
        f" {postings} new transfer postings; {cut_off} completed unread by wrk ({timeouts} timed out,"
        f" the rest in flight when a run stopped, at most {options.connections} per run)"
    )
    return breaches


def balance_sides(options, app_server: Server, ceiling_server: Server, fixtures: Fixtures):
    """The cached-balance pair and its two sides, each a function of a duration returning a Round."""
    pair = Pair(
        "GET balance (cached) vs Redis GET", "Redis GET view", "balance", "balance", TARGETS["balance"]
    )
    account_id, token = fixtures.reader
    auth = [f"Authorization: Bearer {token}"]

    def ceiling(duration):
        result = wrk(f"{ceiling_server.base}/bench/redis-get", options, duration=duration)
        pair.ceiling_runs.append(result)
        return result

    def app(duration):
        result = wrk(
            f"{app_server.base}/api/accounts/{account_id}/balance", options, duration=duration, headers=auth
        )
        pair.app_runs.append(result)
        return result

    return pair, ceiling, app


def pair_breaches(pair: Pair) -> list[str]:
    """Answers that were not what each side must answer. A ceiling failing fast would look
    faster than it is, so its non-2xx count against the run as bankcore's do."""
    breaches = []
    ceiling_bad = sum(run.non_2xx for run in pair.ceiling_runs)
    if ceiling_bad:
        breaches.append(f"{pair.ceiling_name}: {ceiling_bad} responses were not 2xx")
    if pair.part == "balance":
        bad = sum(run.non_2xx + run.socket_errors for run in pair.app_runs)
        if bad:
            breaches.append(f"{bad} balance reads were not 200")
    return breaches


# Deposits --------------------------------------------------------------------------------


@dataclass
class DepositRound:
    deposits: int
    seconds: float
    errors: list
    # Sampled every 10 ms while the round ran: backends of the benchmark database waiting for
    # a lock (pg_stat_activity), and how many of those waits were for a system account's row.
    lock_waiting: float = 0.0
    system_waiting: float = 0.0

    @property
    def rate(self) -> float:
        return self.deposits / self.seconds


def _deposit_worker_setup() -> None:
    import django

    django.setup()


def _deposit_worker(job: tuple[int, int, float, float]) -> tuple[int, list]:
    """One depositor process: ``deposit_create`` of 1.00 USD again and again from ``begin``
    until ``deadline`` (wall-clock times), as the member of staff ``teller_id``."""
    from django.db import connection

    from accounts.models import Account, User
    from accounts.services.deposits import deposit_create

    account_id, teller_id, begin, deadline = job
    account, teller = Account.objects.get(pk=account_id), User.objects.get(pk=teller_id)
    done, errors = 0, []
    time.sleep(max(0.0, begin - time.time()))
    try:
        while time.time() < deadline:
            deposit_create(account=account, amount=1_00, reason="benchmark", actor=teller)
            done += 1
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
    return done, errors


def _lock_waits_sample(stop: threading.Event, samples: list) -> None:
    """Every 10 ms: (backends waiting on a lock, of which in a statement that moves a system
    account's balance). A statement's text carries its values (psycopg binds them on the
    client), and a balance move lists each account as ``(<id>::bigint, <delta>::bigint)``."""
    from django.db import connection

    from accounts.models import Account

    system_ids = "|".join(
        str(pk) for pk in Account.objects.filter(customer__isnull=True).values_list("pk", flat=True)
    )
    query = (
        "SELECT count(*), count(*) FILTER (WHERE query ~ %s) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    pattern = rf"UPDATE .*\((?:{system_ids})::bigint,\s+-?[0-9]+::bigint\)"
    try:
        with connection.cursor() as cursor:
            while not stop.is_set():
                cursor.execute(query, [pattern])
                samples.append(cursor.fetchone())
                stop.wait(0.01)
    finally:
        connection.close()


def deposits_round(pool, fixtures: Fixtures, *, spread: bool, duration: float) -> DepositRound:
    """16 processes of ``pool`` (no interpreter lock shared between depositors), each with
    its own member of staff, depositing 1.00 USD again and again for ``duration`` seconds:
    each into its own account, or all into the same one. Lock waits are sampled meanwhile."""
    begin = time.time() + 0.5  # every process has its job and waits for the start
    jobs = [
        (
            fixtures.deposit_accounts[number if spread else 0].pk,
            fixtures.tellers[number].pk,
            begin,
            begin + duration,
        )
        for number in range(DEPOSIT_THREADS)
    ]
    samples: list = []
    stop = threading.Event()
    waiting = pool.map_async(_deposit_worker, jobs, chunksize=1)
    time.sleep(max(0.0, begin - time.time()))
    sampler = threading.Thread(target=_lock_waits_sample, args=(stop, samples))
    sampler.start()
    results = waiting.get()
    stop.set()
    sampler.join()
    samples = samples or [(0, 0)]
    return DepositRound(
        deposits=sum(done for done, _ in results),
        seconds=duration,
        errors=[error for _, errors in results for error in errors],
        lock_waiting=statistics.mean(waits for waits, _ in samples),
        system_waiting=statistics.mean(system for _, system in samples),
    )


def _deposits_text(round_: DepositRound) -> str:
    return (
        f"{round_.rate:6.1f}/s (backends waiting on a lock: {round_.lock_waiting:4.1f}, "
        f"on a system account: {round_.system_waiting:4.1f})"
    )


def deposits_pair(options, fixtures: Fixtures) -> tuple[list, list]:
    import multiprocessing

    print(f"deposits: {DEPOSIT_THREADS} processes, one account vs {DEPOSIT_THREADS} accounts", flush=True)
    one, spread = [], []
    # Started fresh (spawn): a forked child would inherit this process's connection pool.
    context = multiprocessing.get_context("spawn")
    with context.Pool(DEPOSIT_THREADS, initializer=_deposit_worker_setup) as pool:
        deposits_round(pool, fixtures, spread=True, duration=1)
        deposits_round(pool, fixtures, spread=False, duration=1)
        for number in range(1, options.rounds + 1):
            one.append(deposits_round(pool, fixtures, spread=False, duration=options.duration))
            spread.append(deposits_round(pool, fixtures, spread=True, duration=options.duration))
            print(
                f"  round {number}: one account {_deposits_text(one[-1])} | {DEPOSIT_THREADS} accounts "
                f"{_deposits_text(spread[-1])} | ratio {spread[-1].rate / one[-1].rate:.2f}",
                flush=True,
            )
    return one, spread


# Report ----------------------------------------------------------------------------------


def spread_text(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def runs_text(count: int) -> str:
    return "1 run" if count == 1 else f"{count} runs"


def minmax(values: list[float]) -> str:
    return f"{min(values):.0f}-{max(values):.0f}"


def verdict_lines(pairs: list[Pair], *, gate: bool) -> list[str]:
    """Per pair: the median of the runs' medians, each run's median and spread, the target."""
    lines = []
    for pair in pairs:
        verdict = pair.verdict
        what = f"median of {len(pair.runs)} runs' medians" if len(pair.runs) > 1 else "median of the one run"
        runs = ", ".join(
            f"run {number} {spread_of(run.ratios).text()}" for number, run in enumerate(pair.runs, start=1)
        )
        if pair.part not in GATED:
            outcome = "printed only"
        elif verdict.passed:
            outcome = "MET"
        else:
            outcome = "BELOW TARGET" if gate else "below target (--no-gate)"
        lines.append(
            f"{pair.name}: {what} {verdict.median:.3f}"
            f" (target >= {pair.target:.2f}: {outcome}); {runs}; all rounds {spread_text(pair.ratios)}"
        )
    return lines


def markdown(pairs: list[Pair], deposits, history, options, commit: str) -> str:
    lines = [
        f"Measured on {commit}: {runs_text(options.runs)} of {options.rounds} alternating rounds of"
        f" {options.duration} s, gunicorn {options.workers} workers x {options.threads} threads"
        f" for bankcore and for the bare ceiling project, pool {options.pool_size},"
        f" wrk {options.wrk_threads} threads x {options.connections} connections.",
        "",
        "| pair | ceiling req/s (min-max) | bankcore req/s (min-max) | median ratio of each run (min-max) "
        "| median of run medians | target |",
        "|---|---|---|---|---|---|",
    ]
    for pair in pairs:
        ceiling = [r.rps for run in pair.runs for r in run.ceiling]
        app = [r.rps for run in pair.runs for r in run.app]
        runs = "; ".join(spread_of(run.ratios).text() for run in pair.runs)
        lines.append(
            f"| {pair.name} | {minmax(ceiling)} | {minmax(app)} | {runs} "
            f"| **{pair.verdict.median:.2f}** | >= {pair.target:.2f} |"
        )
    if deposits:
        one, spread = deposits
        ratios = [s.rate / o.rate for o, s in zip(one, spread, strict=True)]
        lines.append(
            f"| deposits/s, 16 accounts vs one account | {minmax([o.rate for o in one])} (one account) "
            f"| {minmax([s.rate for s in spread])} (16 accounts) | {spread_of(ratios).text()} "
            f"| **{statistics.median(ratios):.2f}** | >= {TARGETS['deposits']:.0f} |"
        )
    if history:
        entries, shapes = history
        lines += [
            "",
            f"History, in-process, {entries:,} ledger entries:",
            "",
            "| shape | median | p95 |",
            "|---|---|---|",
        ]
        lines += [f"| {name} | {median:.1f} ms | {p95:.1f} ms |" for name, (median, p95) in shapes.items()]
    return "\n".join(lines)


def summary(pairs: list[Pair], deposits, history, options, *, commit: str, breaches: list[str]) -> dict:
    """Everything the run printed, as data: each round of each run, the medians and the verdict."""
    verdicts = [pair.verdict for pair in pairs]
    status = exit_status(verdicts, breaches, gate=not options.no_gate)
    return {
        "commit": commit,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "options": {
            name: getattr(options, name)
            for name in (
                "runs",
                "rounds",
                "duration",
                "workers",
                "threads",
                "pool_size",
                "connections",
                "wrk_threads",
                "parts",
            )
        },
        "pairs": {
            pair.part: {
                "name": pair.name,
                "ceiling": pair.ceiling_name,
                "target": pair.target,
                "gated": pair.part in GATED,
                "runs": [
                    {
                        "rounds": [
                            {"ceiling": asdict(c), "app": asdict(a), "ratio": ratio}
                            for c, a, ratio in zip(run.ceiling, run.app, run.ratios, strict=True)
                        ],
                        **asdict(spread_of(run.ratios)),
                    }
                    for run in pair.runs
                ],
                "median_of_run_medians": pair.verdict.median,
                "met": pair.verdict.passed,
            }
            for pair in pairs
        },
        "deposits": (
            [
                {"one_account": one.rate, "sixteen_accounts": spread.rate}
                for one, spread in zip(*deposits, strict=True)
            ]
            if deposits
            else None
        ),
        "history": (
            {
                "entries": history[0],
                "shapes": {name: {"median_ms": m, "p95_ms": p} for name, (m, p) in history[1].items()},
            }
            if history
            else None
        ),
        "breaches": breaches,
        "gate": not options.no_gate,
        "exit_status": status,
    }


def plot(pairs: list[Pair], deposits, path: Path) -> None:
    """Per pair: both sides' req/s per round, run after run, and the ratio per round against
    the target; and the deposits' two sides per round."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = len(pairs) + (1 if deposits else 0)
    figure, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.5), squeeze=False)
    for axis, pair in zip(axes[0], pairs, strict=False):
        labels = [
            f"{run}.{rnd}" for run, r in enumerate(pair.runs, 1) for rnd in range(1, len(r.ceiling) + 1)
        ]
        positions = range(len(labels))
        ceiling = [r.rps for run in pair.runs for r in run.ceiling]
        app = [r.rps for run in pair.runs for r in run.app]
        axis.bar(
            [p - 0.2 for p in positions], ceiling, width=0.4, label=f"{pair.ceiling_name} (bare project)"
        )
        axis.bar([p + 0.2 for p in positions], app, width=0.4, label=f"bankcore {pair.app_name}")
        axis.set_xticks(list(positions), labels, fontsize=7)
        axis.set(xlabel="run.round", ylabel="req/s", title=pair.name)
        ratio_axis = axis.twinx()
        ratio_axis.plot(list(positions), pair.ratios, "ko-", markersize=3, linewidth=0.8, label="ratio")
        ratio_axis.axhline(pair.target, color="tab:red", linestyle="--", linewidth=0.8, label="target")
        ratio_axis.set_ylabel("bankcore / ceiling")
        ratio_axis.set_ylim(0, max([*pair.ratios, pair.target]) * 1.3)
        handles = axis.get_legend_handles_labels()
        extra = ratio_axis.get_legend_handles_labels()
        axis.legend(handles[0] + extra[0], handles[1] + extra[1], fontsize=7, loc="upper left")
    if deposits:
        axis = axes[0][-1]
        one, spread = deposits
        rounds = range(1, len(one) + 1)
        axis.bar([r - 0.2 for r in rounds], [o.rate for o in one], width=0.4, label="one account")
        axis.bar([r + 0.2 for r in rounds], [s.rate for s in spread], width=0.4, label="16 accounts")
        axis.set(xlabel="round", ylabel="deposits/s", title="deposits (16 processes)")
        axis.set_xticks(list(rounds))
        axis.legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def comparisons_run(options, env: dict, workdir: Path, fixtures: Fixtures) -> tuple[list[Pair], list[str]]:
    """The transfers and balance pairs: both servers up, --runs runs of alternating rounds,
    the parts interleaved run by run; then the invariants. Returns the pairs and the breaches."""
    from accounts.models import Posting
    from transfers.models import Transfer

    app_server, ceiling_server = servers(options, env, workdir)
    sides, breaches, before, ids_dir = [], [], {}, workdir / "transfer-ids"
    with app_server, ceiling_server:
        ceiling_check(ceiling_server)
        if "transfers" in options.parts:
            before = {
                "transfer": Transfer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
                "posting": Posting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            }
            ids_dir.mkdir()
            sides.append(transfers_sides(options, app_server, ceiling_server, fixtures, ids_dir))
        if "balance" in options.parts:
            sides.append(balance_sides(options, app_server, ceiling_server, fixtures))
        for number in range(1, options.runs + 1):
            for pair, ceiling, app in sides:
                run_rounds(pair, options, ceiling, app, number=number)
    pairs = [pair for pair, _, _ in sides]
    for pair in pairs:
        if pair.part == "transfers":
            breaches += transfers_invariants(options, env, fixtures, before, ids_dir, pair.app_runs)
        breaches += pair_breaches(pair)
    return pairs, breaches


def main(argv=None) -> int:
    options = parser_build().parse_args(argv)
    if options.runs < 1 or options.rounds < 1:
        raise SystemExit("--runs and --rounds must be at least 1")
    if {"transfers", "balance"} & set(options.parts) and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    if "transfers" in options.parts and not shutil.which("pgbench"):
        raise SystemExit("pgbench is not installed: apt-get install -y postgresql-client")
    out = options.out or OUT_ROOT / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    database_url = f"{options.postgres}/{options.database}"
    workdir = Path(tempfile.mkdtemp(prefix="bankcore-bench-"))
    (workdir / "static").mkdir()
    env = {
        **os.environ,
        **BENCH_ENV,
        "DJANGO_SETTINGS_MODULE": "bankcore.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": options.redis_url,
        # The ceiling project's database: pgbench's tables.
        "BENCH_PGBENCH_DATABASE_URL": f"{options.postgres}/{options.pgbench_database}",
        "BENCH_PGBENCH_SCALE": str(options.pgbench_scale),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        # An empty directory: whitenoise warns about a missing one on every start.
        "STATIC_ROOT": str(workdir / "static"),
        "SECRET_KEY": os.environ.get(
            "SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
        ),
    }
    customers_file = options.customers_file or workdir / "customers.json"
    if not options.reuse:
        setup_databases(options, env, customers_file)
    elif "history" in options.parts and not options.customers_file:
        raise SystemExit("--reuse with history needs --customers-file, the seed_load output of that database")

    # The depositor processes (spawned) inherit these settings; each holds one connection.
    os.environ.update(env)
    os.environ["DB_POOL_MAX_SIZE"] = str(DEPOSIT_THREADS + 2)
    import django

    django.setup()

    fixtures = fixtures_prepare()
    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += "+changes"  # measured on uncommitted code: say so beside the numbers
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"bankcore {commit}; gunicorn {options.workers} workers x {options.threads} threads"
        f" for bankcore and for the bare ceiling project, pool {options.pool_size} per worker;"
        f" wrk {options.wrk_threads} threads, {options.connections} connections;"
        f" {runs_text(options.runs)} of {options.rounds} alternating rounds of {options.duration} s;"
        f" {os.cpu_count()} CPUs, load average {load}",
        flush=True,
    )

    pairs: list[Pair] = []
    breaches: list[str] = []
    if {"transfers", "balance"} & set(options.parts):
        pairs, breaches = comparisons_run(options, env, workdir, fixtures)
    deposits = None
    if "deposits" in options.parts:
        deposits = deposits_pair(options, fixtures)
        errors = [error for round_ in deposits[0] + deposits[1] for error in round_.errors]
        if errors:
            breaches.append(f"{len(errors)} depositor processes failed, first: {errors[0]}")
    history = None
    if "history" in options.parts:
        from loadtest.bench_history import history_measure

        history = history_measure(customers_file=customers_file, requests=options.history_requests)

    print()
    print(markdown(pairs, deposits, history, options, commit))
    out.mkdir(parents=True, exist_ok=True)
    result = summary(pairs, deposits, history, options, commit=commit, breaches=breaches)
    (out / "summary.json").write_text(json.dumps(result, indent=2) + "\n")
    if pairs or deposits:
        plot(pairs, deposits, out / "bench-rounds.png")
    print(
        f"\nsummary: {out / 'summary.json'}"
        + (f"; plot: {out / 'bench-rounds.png'}" if pairs or deposits else "")
    )
    if breaches:
        print("\nINVARIANTS BROKEN:\n" + "\n".join(f"- {breach}" for breach in breaches))
    else:
        print("\ninvariants: all held")
    if pairs:
        print("\nVERDICT (bankcore / bare ceiling, median of alternating rounds per run):")
        print("\n".join(f"- {line}" for line in verdict_lines(pairs, gate=not options.no_gate)))
    return result["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
