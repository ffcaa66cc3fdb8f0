"""``make loadtest`` and ``make capacity``: the whole load test, from an empty database to a verdict.

    .venv-load/bin/python loadtest/run.py --profile quick|full|extended [--gate "GET /health=5"]
    .venv-load/bin/python loadtest/run.py --capacity [--start 100 --step 50 --max 1000]

1. drops and recreates LOADTEST_DATABASE_URL and flushes LOADTEST_REDIS_URL (the defaults
   are bankcore_loadtest and Redis database 9: never a database anyone keeps data in);
2. migrates, loads the sanctions list (kyc/fixtures, as ``make run`` does), runs
   ``seed_load`` (--customers, 2 accounts each, 20 history entries per
   account, KYC approved; and wire history) and
   collectstatic;
3. starts gunicorn (gunicorn.conf.py) with production settings: DEBUG off, silk off, Sentry
   off, the access log off;
4. runs locust headless with loadtest/locustfile.py (the profile's stages, or one steady
   step per capacity step);
5. prints the gates (loadtest/gates.py) and writes everything under var/loadtest/<UTC time>/:
   locust's CSV and HTML, summary.json, PNG plots, the server's own timings per endpoint
   (Server-Timing), the slowest statements (pg_stat_statements), ``manage.py db_report``
   (tables, indexes, cache hit ratio) and the server's log;
6. runs verify_ledger, verify_audit and
   loadtest/audit_coverage.py.

Beside gunicorn run a Celery worker and beat on RabbitMQ (LOADTEST_BROKER_URL, default the
local guest/guest broker; empty: none), as in production: beat sends the scheduled work (the
audit sealer every minute, the webhook relay every 5 s) during the run, and after it the
sealer is given no margin and the run waits for beat's next seal, so that verify_audit finds
the chain sealed by beat, not by a seal of its own. Without a broker the run seals it itself.

Exits 0 only when every gate and every check holds.

One setting differs from production, and only for the server under test: every simulated
customer connects from 127.0.0.1, and login attempts in flight are counted per client
address, so LOGIN_FAILURES_PER_ADDRESS is raised (LOADTEST_LOGIN_FAILURES_PER_ADDRESS) for
the address that stands for hundreds of customers' own. The per-email limits are untouched.
"""

import argparse
import dataclasses
import datetime
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest import cpu, gates, profiles  # noqa: E402

APP_PYTHON = ROOT / ".venv" / "bin" / "python"
LOCUST = Path(sys.executable).parent / "locust"
PASSWORD = "load-Pass-2026-customers"


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings against the load-test database (see the module docstring)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LOADTEST_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, as behind a TLS-terminating proxy
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SILK_ENABLED="false",
        SENTRY_DSN="",
        LOG_LEVEL="WARNING",
        LOGIN_FAILURES_PER_ADDRESS=os.environ.get("LOADTEST_LOGIN_FAILURES_PER_ADDRESS", "100000"),
        CELERY_BROKER_URL=broker_url(),
        CELERY_QUEUE="bankcore-loadtest",
    )
    return env


def broker_url() -> str:
    return os.environ.get("LOADTEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


class Background:
    """A Celery worker (which drops what an earlier run left in the queue) and beat."""

    def __init__(self, env: dict, out: Path):
        celery = [str(APP_PYTHON), "-m", "celery", "-A", "bankcore"]
        self.logs = [open(out / "worker.log", "w"), open(out / "beat.log", "w")]  # noqa: SIM115
        commands = [
            [*celery, "worker", "--pool", "threads", "--concurrency", "2", "--purge"],
            [*celery, "beat", "--loglevel", "INFO"],
        ]
        self.processes = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            for command, log in zip(commands, self.logs, strict=True)
        ]

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process, log in zip(self.processes, self.logs, strict=True):
            process.wait(timeout=60)
            log.close()


UNSEALED = (
    "from audit.selectors import audit_unsealed_overdue; print(audit_unsealed_overdue(margin_seconds=0))"
)
MARGIN = (
    "from bankcore.backoffice.operations import config_set; from bankcore.config import DEFAULTS; "
    "config_set(name='audit.seal_margin_seconds', value={value}, actor=None)"
)


def sealed_by_beat(env: dict, out: Path, timeout: float = 150) -> bool:
    """Give the sealer no margin (the run wrote its last event), wait for beat's next seal to
    leave nothing unsealed, then give it its margin back (the checks after write events too)."""
    manage(env, "shell", "-v", "0", "-c", MARGIN.format(value=0), log=out / "verify.log")
    deadline = time.monotonic() + timeout
    sealed = False
    while not sealed and time.monotonic() < deadline:
        time.sleep(5)
        result = manage(env, "shell", "-v", "0", "-c", UNSEALED)
        sealed = result.returncode == 0 and result.stdout.strip() == "0"
    default = "DEFAULTS['audit.seal_margin_seconds'][0]"
    manage(env, "shell", "-v", "0", "-c", MARGIN.format(value=default), log=out / "verify.log")
    return sealed


def manage(env: dict, *args: str, log: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(APP_PYTHON), "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    if log:
        with open(log, "a") as handle:
            handle.write(f"$ manage.py {' '.join(args)}\n{output}\n")
    return result


def fresh_database(database_url: str, redis_url: str) -> None:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.startswith("bankcore_") or name == "bankcore":
        raise SystemExit(f"refusing to drop {name!r}: the load-test database's name starts with bankcore_")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", maintenance, "-qc", sql], check=True)
    subprocess.run(
        ["psql", database_url, "-qc", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"],
        check=False,
        capture_output=True,
    )
    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, capture_output=True)


def seed(env: dict, out: Path, customers: int) -> None:
    arguments = [
        "seed_load",
        f"--customers={customers}",
        "--accounts-per-customer=2",
        "--transactions-per-account=40",
        # The seeded history leaves every account at least half of this, so each can send
        # its share of the scenario's wires (two held above 10,000, six of up to 500) as
        # more requests are served: at 50,000 a few accounts ran dry in a 300-user run.
        "--opening-balance=100000.00",
        "--kyc=approved",
        f"--password={PASSWORD}",
        f"--output={out / 'customers.json'}",
        "--wires-per-account=2",
    ]
    # The sanctions list make run loads: every wire is screened against it, as in production.
    sanctions = ["sanctions_load", "kyc/fixtures/sdn.csv", "--alt", "kyc/fixtures/alt.csv"]
    for args in (["migrate", "--noinput"], sanctions, arguments, ["collectstatic", "--noinput"]):
        started = time.perf_counter()
        result = manage(env, *args, log=out / "prepare.log")
        if result.returncode:
            raise SystemExit(f"manage.py {args[0]} failed; see {out / 'prepare.log'}")
        print(f"manage.py {args[0]}: {time.perf_counter() - started:.1f} s")


class Server:
    """gunicorn with gunicorn.conf.py on a spare loopback port."""

    def __init__(self, env: dict, log: Path):
        self.env = env
        self.port = spare_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        command = [
            str(APP_PYTHON),
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--access-logfile",
            "/dev/null",
            "bankcore.wsgi",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:  # noqa: S310 - our own
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /health; see {log}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def locust(server: Server, out: Path, customers_file: Path, extra_env: dict) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOADTEST_CUSTOMERS_FILE": str(customers_file),
        "LOADTEST_OUTPUT_DIR": str(out),
        **extra_env,
    }
    command = [
        str(LOCUST),
        "-f",
        "loadtest/locustfile.py",
        "--headless",
        "--host",
        server.url,
        "--csv",
        str(out / "locust"),
        "--csv-full-history",
        "--html",
        str(out / "report.html"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    database = urlsplit(server.env["DATABASE_URL"]).path.lstrip("/")
    before = cpu.sample(server.process.pid, database)
    generator_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out / "locust.log", "w") as log:
        # locust exits 1 when any request failed; the gates below say so with the reason.
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    generator_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = cpu.sample(server.process.pid, database)
    if not (out / "locust_stats.csv").exists():
        raise SystemExit(f"locust wrote no statistics; see {out / 'locust.log'}")
    generator_seconds = sum(
        getattr(generator_after, name) - getattr(generator_before, name) for name in ("ru_utime", "ru_stime")
    )
    requests = gates.read_stats(out / "locust_stats.csv").get("Aggregated", {}).get("requests", 0)
    result = cpu.per_request(before, after, generator_seconds, requests)
    (out / "cpu.json").write_text(json.dumps(result, indent=1))


def slowest_statements(database_url: str, path: Path) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    sql = (
        "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, "
        "round(mean_exec_time::numeric, 3) AS mean_ms, "
        "left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements "
        "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = :'name') "
        "ORDER BY total_exec_time DESC LIMIT 20"
    )
    result = subprocess.run(
        ["psql", database_url, "-v", f"name={name}"], input=sql, capture_output=True, text=True
    )
    text = result.stdout or result.stderr
    if "shared_preload_libraries" in text:
        text += (
            "\nTo record the run's statements, load pg_stat_statements once (restarts PostgreSQL):\n"
            '  psql -h 127.0.0.1 -U postgres -c "ALTER SYSTEM SET shared_preload_libraries = '
            "'pg_stat_statements'\"\n"
            "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart\n"
        )
        print(f"pg_stat_statements is not loaded: {path.name} says how to load it")
    path.write_text(text)


def reset_statements(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    sql = "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = :'name'), 0)"
    subprocess.run(
        ["psql", database_url, "-qAt", "-v", f"name={name}"], input=sql, capture_output=True, text=True
    )


def evaluate(
    out: Path, plan: list[profiles.Stage], run_gates: gates.RunGates, overrides: dict, *, budget: bool = False
) -> dict:
    stats = gates.read_stats(out / "locust_stats.csv")
    history = gates.read_history(out / "locust_stats_history.csv")
    endpoint_gates = {**gates.endpoint_gates(budget=budget), **overrides}
    endpoints, whole = gates.evaluate(
        stats,
        history,
        gates=endpoint_gates,
        run=run_gates,
        exceptions=gates.read_exceptions(out / "locust_exceptions.csv"),
    )
    print(gates.summary_table(endpoints, whole))
    summary = gates.as_json(endpoints, whole)
    cpu_file = out / "cpu.json"
    if cpu_file.exists():
        summary["cpu"] = json.loads(cpu_file.read_text())
        print("\n" + cpu.table(summary["cpu"]))
    timing_file = out / "server_timing.json"
    if timing_file.exists():
        server = json.loads(timing_file.read_text())
        summary["server_timing"] = server
        print("\n" + server_timing_table(server))
    summary["peak_rps"] = gates.peak_throughput(history)[1]
    if history:
        from loadtest import plots

        plots.latency_over_time(
            history, plan, out / "latency.png", p95_gate=run_gates.p95_ms, p99_gate=run_gates.p99_ms
        )
        plots.throughput_over_time(history, plan, out / "throughput.png", min_rps=run_gates.min_rps)
        plots.endpoint_p95(endpoints, out / "endpoint_p95.png")
    return summary


def server_timing_table(server: dict) -> str:
    """Per endpoint, from each answer's Server-Timing: latency inside Django, database and
    cache time, and the serving thread's CPU time (mean: what the endpoint costs)."""
    lines = [
        f"{'server-side, from Server-Timing (ms)':<46} {'total p50':>9} {'total p95':>9} "
        f"{'db p95':>7} {'cache p95':>9} {'cpu mean':>8} {'cpu p95':>8}"
    ]
    for name, metrics in server.items():
        total, db, cache, cpu_time = (metrics.get(key, {}) for key in ("total", "db", "cache", "cpu"))
        lines.append(
            f"{name:<46} {total.get('p50', '-'):>9} {total.get('p95', '-'):>9} {db.get('p95', '-'):>7} "
            f"{cache.get('p95', '-'):>9} {cpu_time.get('mean', '-'):>8} {cpu_time.get('p95', '-'):>8}"
        )
    return "\n".join(lines)


def verify(env: dict, out: Path, since: str, background: "Background | None") -> bool:
    # Everything the run wrote sealed (the sealer's margin would leave the last five minutes
    # out), so verify_audit checks the run's own events, not an empty chain: by beat's sealer
    # where the background tier runs, else by a seal of the run's own.
    commands = [["verify_ledger"], ["verify_audit"]]
    ok = True
    if background is None:
        commands.insert(0, ["audit_seal", "--margin-seconds", "0"])
    else:
        sealed = sealed_by_beat(env, out)
        print(f"beat's sealer: {'every audit event sealed' if sealed else 'events left unsealed (BREACH)'}")
        ok &= sealed
    for args in commands:
        result = manage(env, *args, log=out / "verify.log")
        print(f"manage.py {' '.join(args)}: {'clean' if result.returncode == 0 else 'BREACH'}")
        print("   " + (result.stdout + result.stderr).strip().replace("\n", "\n   "))
        ok &= result.returncode == 0
    result = subprocess.run(
        [str(APP_PYTHON), "loadtest/audit_coverage.py", "--since", since],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"loadtest/audit_coverage.py: {'clean' if result.returncode == 0 else 'BREACH'}")
    print("   " + (result.stdout + result.stderr).strip().replace("\n", "\n   "))
    with open(out / "verify.log", "a") as handle:
        handle.write(result.stdout + result.stderr)
    return ok and result.returncode == 0


def machine() -> dict:
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(value, 2) for value in load],
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profile", choices=sorted(profiles.PROFILES), default="quick")
    parser.add_argument("--gate", default="", help='tighter or looser p95 gates, "NAME=MS;NAME=MS"')
    parser.add_argument(
        "--run-gate",
        default="",
        help="whole-run gates over the report's (a profile) or bankcore's budget (--capacity): "
        '"p95_ms=80;min_rps=100"',
    )
    parser.add_argument(
        "--evaluate", type=Path, help="judge a finished run's directory again (with --gate, --run-gate)"
    )
    parser.add_argument(
        "--customers", type=int, default=1000, help="seeded customers (one per simulated user)"
    )
    parser.add_argument("--capacity", action="store_true", help="step the users up until a gate fails")
    parser.add_argument("--start", type=int, default=100)
    parser.add_argument("--step", type=int, default=50)
    parser.add_argument("--max", type=int, default=1000)
    parser.add_argument("--step-seconds", type=float, default=60)
    options = parser.parse_args()
    overrides = gates.parse_overrides(options.gate)
    # The report's targets for a profile run, bankcore's stricter budget for capacity.
    budget = options.capacity or bool(options.evaluate and is_capacity_step(options.evaluate))
    run_gates = gates.run_gates_from(options.run_gate, gates.BUDGET if budget else gates.REPORT)
    if options.evaluate:
        reevaluate(options.evaluate, overrides, run_gates, budget=budget)
        return

    database_url = os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bankcore_loadtest"
    )
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = (
        ROOT
        / "var"
        / "loadtest"
        / (f"capacity-{stamp}" if options.capacity else f"{options.profile}-{stamp}")
    )
    out.mkdir(parents=True)
    env = app_environment(database_url, redis_url)
    info = {"machine": machine(), "customers": options.customers}

    step(f"fresh database {urlsplit(database_url).path.lstrip('/')}, Redis {redis_url}")
    fresh_database(database_url, redis_url)
    step(f"seed_load: {options.customers} customers x 2 accounts x 40 entries, KYC approved")
    seed(env, out, options.customers)
    background = None
    if env["CELERY_BROKER_URL"]:
        step(f"a Celery worker and beat on {urlsplit(env['CELERY_BROKER_URL']).hostname}")
        background = Background(env, out)
    else:
        env.pop("CELERY_BROKER_URL")
    step("gunicorn (gunicorn.conf.py) with production settings, silk and Sentry off")
    server = Server(env, out / "gunicorn.log")
    since = datetime.datetime.now(datetime.UTC).isoformat()
    try:
        if options.capacity:
            passed = capacity(server, out, options, overrides, run_gates, database_url, info)
        else:
            passed = profile_run(server, out, options, overrides, run_gates, database_url, info)
    finally:
        server.stop()
    step("verify: the ledger, the audit chain, and an audit event for every money row")
    try:
        verified = verify(env, out, since, background)
    finally:
        if background is not None:
            background.stop()
    print(f"\nreports: {out.relative_to(ROOT)}/")
    if not (passed and verified):
        print("RESULT: FAIL" + ("" if passed else " (a gate)") + ("" if verified else " (a verify check)"))
        raise SystemExit(1)
    print("RESULT: PASS")


def is_capacity_step(out: Path) -> bool:
    """A capacity step's directory (step-<users>, under capacity-<time>)."""
    return out.resolve().name.startswith("step-")


def reevaluate(out: Path, overrides: dict, run_gates: gates.RunGates, *, budget: bool) -> None:
    """The verdict on a finished run under other gates; its files stay as they are."""
    summary_file = out / "summary.json"
    # A capacity step's summary names no profile.
    profile = json.loads(summary_file.read_text()).get("profile", "-") if summary_file.exists() else "-"
    step(f"gates for {out} (profile {profile}), whole run {run_gates}, endpoint overrides {overrides}")
    stats = gates.read_stats(out / "locust_stats.csv")
    history = gates.read_history(out / "locust_stats_history.csv")
    endpoints, whole = gates.evaluate(
        stats,
        history,
        gates={**gates.endpoint_gates(budget=budget), **overrides},
        run=run_gates,
        exceptions=gates.read_exceptions(out / "locust_exceptions.csv"),
    )
    print(gates.summary_table(endpoints, whole))
    if not all(check.passed for check in endpoints + whole):
        print("RESULT: FAIL (a gate)")
        raise SystemExit(1)
    print("RESULT: PASS")


def profile_run(server, out, options, overrides, run_gates, database_url, info) -> bool:
    plan = profiles.profile_stages(options.profile)
    step(
        f"locust, profile {options.profile}: "
        + " -> ".join(f"{s.users} users at {s.start:.0f} s" for s in plan)
        + f", end at {plan[-1].end:.0f} s"
    )
    reset_statements(database_url)
    locust(server, out, out / "customers.json", {"LOADTEST_PROFILE": options.profile})
    slowest_statements(database_url, out / "pg_stat_statements.txt")
    manage(server.env, "db_report", log=out / "db_report.txt")
    step("gates")
    summary = evaluate(out, plan, run_gates, overrides)
    summary.update(
        info, profile=options.profile, gate_overrides=overrides, stages=[stage.__dict__ for stage in plan]
    )
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary["passed"]


def capacity_steps(start: int, step: int, most: int, customers: int) -> list[tuple[int, int]]:
    """The steps' users, each with the customers the steps before it signed in (where its
    own start in the customer list): only the steps that need no customer an earlier step
    used. A customer of an earlier step would send wires again and reach the bank's daily
    count, and the step would fail on the scenario's 422s, not the server's."""
    planned, signed_in = [], 0
    for users in range(start, most + 1, step):
        if signed_in + users > customers:
            break
        planned.append((users, signed_in))
        signed_in += users
    return planned


def capacity(server, out, options, overrides, run_gates, database_url, info) -> bool:
    """Steady steps of more and more users; the answer is the highest step whose gates held
    (throughput is measured, not gated: it follows from the users and the think time)."""
    steps, held = [], None
    plan_users = capacity_steps(options.start, options.step, options.max, options.customers)
    for users, signed_in in plan_users:
        step_dir = out / f"step-{users}"
        step_dir.mkdir()
        plan = profiles.steady_stages(users, options.step_seconds)
        step(f"capacity step: {users} users for {options.step_seconds:.0f} s")
        reset_statements(database_url)
        locust(
            server,
            step_dir,
            out / "customers.json",
            {
                "LOADTEST_USERS": str(users),
                "LOADTEST_STEP_SECONDS": str(options.step_seconds),
                # Customers the earlier steps did not sign in: their wires this day start at none.
                "LOADTEST_CUSTOMER_OFFSET": str(signed_in),
            },
        )
        slowest_statements(database_url, step_dir / "pg_stat_statements.txt")
        summary = evaluate(
            step_dir, plan, dataclasses.replace(run_gates, users=users, min_rps=0), overrides, budget=True
        )
        (step_dir / "summary.json").write_text(json.dumps(summary, indent=1))
        steps.append({"users": users, "passed": summary["passed"], "rps": summary["peak_rps"]})
        if not summary["passed"]:
            break
        held = steps[-1]
    else:
        untried = [users for users in range(options.start, options.max + 1, options.step)][len(plan_users) :]
        if untried:
            step(
                f"stopped before {untried[0]} users: it would sign in customers an earlier step "
                f"used ({options.customers} seeded; --customers to seed more)"
            )
    result = {**info, "steps": steps, "capacity": held, "step_seconds": options.step_seconds}
    (out / "capacity.json").write_text(json.dumps(result, indent=1))
    step("capacity")
    for row in steps:
        print(
            f"{row['users']:>5} users  {row['rps'] or 0:>7.1f} req/s  {'held' if row['passed'] else 'FAILED'}"
        )
    if held:
        print(
            f"capacity: {held['users']} users, {held['rps'] or 0:.1f} req/s "
            "(the highest step whose gates held)"
        )
    else:
        print(f"capacity: below {options.start} users (the first step failed a gate)")
    return held is not None


if __name__ == "__main__":
    main()
