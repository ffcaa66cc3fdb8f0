"""bankcore's hot paths against their ceilings, on the same machine in the same run (`make bench`).

    apt-get install -y wrk postgresql-client     # wrk drives HTTP; pgbench makes the TPC-B database
    make bench                                   # or: python loadtest/bench.py --rounds 5 --duration 5

Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432,
a role that may create databases; REDIS_URL, default redis://127.0.0.1:6379/0). It

1. drops and creates the database --database (default bankcore_bench), migrates it and seeds it
   with ``seed_load`` (100 customers, 2 accounts each, about 10,200 ledger entries: a minute or two);
   drops and creates --pgbench-database (default bankcore_bench_pgbench) with
   ``pgbench -i -s 10`` (1,000,000 pgbench accounts);
2. serves bankcore and the ceiling views (loadtest/bench_urls.py, settings
   loadtest.bench_settings) from one gunicorn (gunicorn.conf.py, --workers x --threads, default
   2 x 8, a pool of 8 connections per worker on each database) and drives each pair with wrk
   (16 connections, 2 threads) in alternating rounds, ceiling first:
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
5. prints per round req/s and latency, each round's ratio, the median ratio and its spread,
   then a markdown table to paste into docs/performance.md, and plots throughput per round
   (--plot, default docs/bench/bench-rounds.png).

Exits non-zero when an invariant breaks. The targets (docs/architecture.md, Budgets) are printed
beside the numbers, not enforced: a shared machine's noise is not a regression.
"""

import argparse
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.bench_cache import BENCH_ENV, spare_port  # noqa: E402

PARTS = ("transfers", "balance", "deposits", "history")
TRANSFERS_LUA = ROOT / "loadtest" / "wrk" / "transfers.lua"
DEFAULT_PLOT = ROOT / "docs" / "bench" / "bench-rounds.png"
HOT_CUSTOMERS = 4
HOT_ACCOUNTS_PER_CUSTOMER = 2
DEPOSIT_THREADS = 16
PASSWORD = "bench-Pass-2026-x"
TARGETS = {"transfers": 0.50, "balance": 0.70, "deposits": 4.0}


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
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per pair")
    parser.add_argument("--duration", type=int, default=5, help="seconds per side per round")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (and deposit threads)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--wrk-timeout", type=int, default=10, help="seconds wrk waits for a response (wrk's default is 2)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
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
    parser.add_argument("--plot", type=Path, default=DEFAULT_PLOT, help="PNG of throughput per round")
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
    from loadtest.bench_urls import PROBE_KEY

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
    caches["default"].set(PROBE_KEY, {"balance": "100.00"}, timeout=None)
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
    """gunicorn serving loadtest.bench_settings, the same flags for bankcore and its ceilings."""

    def __init__(self, options, env: dict):
        self.port = spare_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = [
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null", "--log-level", "warning",
            "bankcore.wsgi",
        ]  # fmt: skip
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "loadtest.bench_settings",
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
                urllib.request.urlopen(f"{self.base}/health", timeout=1)  # noqa: S310 - our own local server
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("gunicorn exited before answering /health") from None
                time.sleep(0.1)
        raise SystemExit("gunicorn did not answer /health within 30 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


@dataclass
class Pair:
    name: str
    ceiling_name: str
    app_name: str
    target: float
    ceiling: list = field(default_factory=list)
    app: list = field(default_factory=list)
    app_runs: list = field(default_factory=list)  # every wrk run against bankcore, warm-up included
    breach: str = ""

    @property
    def ratios(self) -> list[float]:
        return [app.rps / ceiling.rps for ceiling, app in zip(self.ceiling, self.app, strict=True)]


def rounds_run(pair: Pair, options, ceiling, app) -> None:
    """Alternate ceiling and app for --rounds rounds, after one short warm-up of each."""
    ceiling(2)
    app(2)
    for number in range(1, options.rounds + 1):
        pair.ceiling.append(ceiling(options.duration))
        pair.app.append(app(options.duration))
        c, a = pair.ceiling[-1], pair.app[-1]
        print(
            f"  round {number}: {pair.ceiling_name} {c.rps:7.1f} req/s p50 {c.p50_ms:6.1f} ms"
            f" p99 {c.p99_ms:7.1f} ms | {pair.app_name} {a.rps:7.1f} req/s p50 {a.p50_ms:6.1f} ms"
            f" p99 {a.p99_ms:7.1f} ms"
            f" non-2xx {a.non_2xx} | ratio {a.rps / c.rps:.2f}",
            flush=True,
        )


def transfers_pair(options, server: Server, fixtures: Fixtures, ids_dir: Path) -> Pair:
    pair = Pair("POST /api/transfers vs TPC-B", "TPC-B view", "transfers", TARGETS["transfers"])
    hot = [f"{account_id}:{token}:{number}" for account_id, token, number in fixtures.hot]
    counter = iter(range(1, 10_000))

    def ceiling(duration):
        return wrk(f"{server.base}", options, duration=duration, script_args=["/bench/tpcb", "-", *hot])

    def app(duration):
        prefix = ids_dir / f"run-{next(counter)}"
        result = wrk(
            f"{server.base}", options, duration=duration, script_args=["/api/transfers", str(prefix), *hot]
        )
        pair.app_runs.append(result)
        return result

    print(f"{pair.name}: 8 hot accounts of {HOT_CUSTOMERS} customers, 0.01 USD each", flush=True)
    rounds_run(pair, options, ceiling, app)
    return pair


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


def balance_pair(options, server: Server, fixtures: Fixtures) -> Pair:
    pair = Pair("GET balance (cached) vs Redis GET", "Redis GET view", "balance", TARGETS["balance"])
    account_id, token = fixtures.reader
    auth = [f"Authorization: Bearer {token}"]
    print(f"{pair.name}", flush=True)
    rounds_run(
        pair,
        options,
        lambda duration: wrk(f"{server.base}/bench/redis-get", options, duration=duration),
        lambda duration: wrk(
            f"{server.base}/api/accounts/{account_id}/balance", options, duration=duration, headers=auth
        ),
    )
    bad = sum(run.non_2xx + run.socket_errors for run in pair.app)
    if bad:
        pair.breach = f"{bad} balance reads were not 200"
    return pair


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


def minmax(values: list[float]) -> str:
    return f"{min(values):.0f}-{max(values):.0f}"


def markdown(pairs: list[Pair], deposits, history, options, commit: str) -> str:
    lines = [
        f"Measured on {commit}: {options.rounds} alternating rounds of {options.duration} s, "
        f"gunicorn {options.workers} workers x {options.threads} threads, pool {options.pool_size}, "
        f"wrk {options.wrk_threads} threads x {options.connections} connections.",
        "",
        "| pair | ceiling req/s (min-max) | bankcore req/s (min-max) | ratio per round "
        "| median ratio (min-max) | target |",
        "|---|---|---|---|---|---|",
    ]
    for pair in pairs:
        ceiling, app = [r.rps for r in pair.ceiling], [r.rps for r in pair.app]
        lines.append(
            f"| {pair.name} | {minmax(ceiling)} | {minmax(app)} | "
            f"{', '.join(f'{r:.2f}' for r in pair.ratios)} | **{statistics.median(pair.ratios):.2f}** "
            f"({spread_text(pair.ratios)}) | >= {pair.target:.2f} |"
        )
    if deposits:
        one, spread = deposits
        ratios = [s.rate / o.rate for o, s in zip(one, spread, strict=True)]
        lines.append(
            f"| deposits/s, 16 accounts vs one account | {minmax([o.rate for o in one])} (one account) "
            f"| {minmax([s.rate for s in spread])} (16 accounts) | {', '.join(f'{r:.2f}' for r in ratios)} "
            f"| **{statistics.median(ratios):.2f}** ({spread_text(ratios)}) | >= {TARGETS['deposits']:.0f} |"
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


def plot(pairs: list[Pair], deposits, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        (p.name, p.ceiling_name, [r.rps for r in p.ceiling], p.app_name, [r.rps for r in p.app])
        for p in pairs
    ]
    if deposits:
        one, spread = deposits
        panels.append(
            (
                "deposits (16 processes)",
                "one account",
                [o.rate for o in one],
                "16 accounts",
                [s.rate for s in spread],
            )
        )
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    for axis, (title, left_name, left, right_name, right) in zip(axes[0], panels, strict=True):
        rounds = range(1, len(left) + 1)
        axis.bar([r - 0.2 for r in rounds], left, width=0.4, label=left_name)
        axis.bar([r + 0.2 for r in rounds], right, width=0.4, label=right_name)
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("round")
        axis.set_ylabel("per second")
        axis.set_xticks(list(rounds))
        axis.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    print(f"plot: {path}")


def main(argv=None) -> int:
    options = parser_build().parse_args(argv)
    if {"transfers", "balance"} & set(options.parts) and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    if "transfers" in options.parts and not shutil.which("pgbench"):
        raise SystemExit("pgbench is not installed: apt-get install -y postgresql-client")
    database_url = f"{options.postgres}/{options.database}"
    workdir = Path(tempfile.mkdtemp(prefix="bankcore-bench-"))
    (workdir / "static").mkdir()
    env = {
        **os.environ,
        **BENCH_ENV,
        "DJANGO_SETTINGS_MODULE": "bankcore.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": options.redis_url,
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
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "loadtest.bench_settings"})
    os.environ["DB_POOL_MAX_SIZE"] = str(DEPOSIT_THREADS + 2)
    import django

    django.setup()
    from accounts.models import Posting
    from transfers.models import Transfer

    fixtures = fixtures_prepare()
    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += "+changes"  # measured on uncommitted code: say so beside the numbers
    print(
        f"bankcore {commit}; gunicorn {options.workers} workers x {options.threads} threads,"
        f" pool {options.pool_size} per worker and database;"
        f" wrk {options.wrk_threads} threads, {options.connections} connections;"
        f" {options.rounds} alternating rounds of {options.duration} s; {os.cpu_count()} CPUs",
        flush=True,
    )

    pairs: list[Pair] = []
    breaches: list[str] = []
    if {"transfers", "balance"} & set(options.parts):
        with Server(options, env) as server:
            if "transfers" in options.parts:
                before = {
                    "transfer": Transfer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
                    "posting": Posting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
                }
                ids_dir = workdir / "transfer-ids"
                ids_dir.mkdir()
                pair = transfers_pair(options, server, fixtures, ids_dir)
                pairs.append(pair)
                breaches += transfers_invariants(options, env, fixtures, before, ids_dir, pair.app_runs)
            if "balance" in options.parts:
                pair = balance_pair(options, server, fixtures)
                pairs.append(pair)
                if pair.breach:
                    breaches.append(pair.breach)
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
    for pair in pairs:
        print(
            f"{pair.name}: median ratio {statistics.median(pair.ratios):.2f},"
            f" spread {spread_text(pair.ratios)} (target >= {pair.target:.2f})"
        )
    print()
    print(markdown(pairs, deposits, history, options, commit))
    if pairs or deposits:
        plot(pairs, deposits, options.plot)
    if breaches:
        print("\nINVARIANTS BROKEN:\n" + "\n".join(f"- {breach}" for breach in breaches))
        return 1
    print("\ninvariants: all held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
