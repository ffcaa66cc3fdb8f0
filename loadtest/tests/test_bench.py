"""The benchmark harness (loadtest/bench.py), without timing anything: the ceilings stay out
of bankcore's URLs and run in a bare project of their own, the driver's options, wrk parsing
and verdict arithmetic hold, and the wrk script runs."""

import importlib
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import Resolver404, resolve

from loadtest import bench
from loadtest.bench_urls import RedisGetView, TpcbView
from loadtest.ceiling.views import PROBE_KEY

ROOT = Path(__file__).resolve().parents[2]

CEILINGS = {"/bench/redis-get": RedisGetView, "/bench/tpcb": TpcbView}


@pytest.mark.parametrize("path", sorted(CEILINGS))
def test_bankcore_urls_do_not_serve_the_ceiling_views(path):
    with pytest.raises(Resolver404):
        resolve(path, urlconf="bankcore.urls")


@pytest.mark.parametrize(("path", "view"), sorted(CEILINGS.items()))
def test_only_the_benchmark_urls_serve_the_ceiling_views(path, view):
    assert resolve(path, urlconf="loadtest.bench_urls").func.view_class is view
    # bankcore's own routes are still there, under the same paths.
    assert (
        resolve("/health", urlconf="loadtest.bench_urls").func
        == resolve("/health", urlconf="bankcore.urls").func
    )


@pytest.mark.django_db
def test_the_service_answers_404_on_the_ceiling_paths(client):
    assert client.get("/bench/redis-get").status_code == 404
    assert client.post("/bench/tpcb", {}, content_type="application/json").status_code == 404


def test_driver_defaults_finish_in_a_few_minutes_with_16_clients():
    options = bench.parser_build().parse_args([])
    assert options.parts == bench.PARTS
    assert (options.rounds, options.duration, options.connections) == (5, 5, 16)
    # The acceptance: the median of three runs' medians, gated unless told not to.
    assert (options.runs, options.no_gate, options.out) == (3, False, None)
    # Both servers as production runs gunicorn by default (gunicorn.conf.py, bankcore/env.py).
    assert (options.workers, options.threads, options.pool_size) == (8, 1, 8)
    assert options.database == "bankcore_bench"


def test_driver_runs_the_parts_it_is_given_and_refuses_unknown_ones(capsys):
    options = bench.parser_build().parse_args(["--parts", "balance, deposits", "--rounds", "3"])
    assert (options.parts, options.rounds) == (("balance", "deposits"), 3)
    with pytest.raises(SystemExit):
        bench.parser_build().parse_args(["--parts", "balance,speed"])
    assert "not speed" in capsys.readouterr().err


WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:40000
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms   12.02ms 180.31ms   80.00%
  Latency Distribution
     50%   39.87ms
     75%   45.10ms
     90%   55.00ms
     99%    1.20s
  1910 requests in 5.01s, 1.02MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    381.24
Transfer/sec:    208.11KB
statuses created=1906 client_errors=3 server_errors=1 other=0
"""


def test_wrk_output_is_read_with_units_errors_and_statuses():
    result = bench.wrk_parse(WRK_OUTPUT)
    assert result.rps == 381.24
    assert (result.p50_ms, result.p99_ms) == (39.87, 1200.0)
    assert (result.non_2xx, result.socket_errors, result.timeouts) == (4, 3, 2)
    assert (result.created, result.client_errors, result.server_errors) == (1906, 3, 1)


class RecordingHandler(BaseHTTPRequestHandler):
    """Answers every POST with a 201 and a new id, and remembers what it was sent."""

    received: list = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.received.append((self.path, dict(self.headers), json.loads(body)))
            number = len(self.received)
        payload = json.dumps({"id": number}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk to run the script: apt-get install -y wrk")
def test_transfer_script_sends_fresh_keys_between_hot_accounts_and_records_201s(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hot = {
        "11": ("token-a", "100000000011"),
        "12": ("token-b", "100000000012"),
        "13": ("token-a", "100000000013"),
    }
    try:
        wrk = ["wrk", "-t1", "-c2", "-d1s", "--latency", "-s", str(bench.TRANSFERS_LUA)]
        completed = subprocess.run(
            [*wrk, f"http://127.0.0.1:{server.server_port}", "--", "/api/transfers", str(tmp_path / "ids")]
            + [f"{account}:{token}:{number}" for account, (token, number) in hot.items()],
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        server.shutdown()
    assert completed.returncode == 0, completed.stderr
    result = bench.wrk_parse(completed.stdout)
    received = RecordingHandler.received
    assert result.created > 0
    assert result.server_errors == 0
    keys = [headers["Idempotency-Key"] for _, headers, _ in received]
    assert len(set(keys)) == len(keys)
    numbers = {number: account for account, (_, number) in hot.items()}
    for path, headers, body in received:
        assert path == "/api/transfers"
        source = str(body["source_account"])
        assert headers["Authorization"] == f"Bearer {hot[source][0]}"
        assert numbers[body["destination_account_number"]] != source
        assert (body["amount"], body["currency"]) == ("0.01", "USD")
    recorded = [line for path in tmp_path.glob("ids-*") for line in path.read_text().split()]
    assert len(recorded) == result.created
    assert set(recorded) <= {str(n) for n in range(1, len(received) + 1)}


class _Layer:
    def work(self) -> int:
        return sum(range(50_000))


class _Override(_Layer):
    def work(self) -> int:
        return super().work() + sum(range(50_000))


def test_the_transfer_profile_counts_an_overridden_layer_once():
    """DRF's Serializer.data calls BaseSerializer.data: one layer, not two."""
    import cProfile
    import pstats

    from loadtest import profile_transfer

    profiler = cProfile.Profile()
    profiler.enable()
    _Override().work()
    profiler.disable()
    stats = pstats.Stats(profiler)
    outer = max(value[3] for (_, _, name), value in stats.stats.items() if name == "work")
    inclusive = profile_transfer._inclusive(stats, "loadtest/tests/test_bench.py", "work")
    assert inclusive == pytest.approx(outer, rel=1e-6)
    assert profile_transfer._inclusive(stats, "loadtest/tests/test_bench.py", "absent") == 0


# The bare ceiling project -------------------------------------------------------------------

CEILING_ENV = {
    "BENCH_PGBENCH_DATABASE_URL": "postgres://bench@db.invalid:5432/bankcore_bench_pgbench",
    "BENCH_PGBENCH_SCALE": "3",
    "REDIS_URL": "redis://cache.invalid:6379/4",
}


@pytest.fixture
def ceiling_settings(monkeypatch):
    """loadtest.ceiling.settings as a gunicorn worker would import it, from an environment
    the benchmark would set (nothing connects while settings are read)."""
    for name, value in CEILING_ENV.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("loadtest.ceiling.settings", None)
    module = importlib.import_module("loadtest.ceiling.settings")
    yield module
    sys.modules.pop("loadtest.ceiling.settings", None)


def test_the_ceiling_project_is_bare(ceiling_settings):
    assert ceiling_settings.MIDDLEWARE == []
    assert ceiling_settings.INSTALLED_APPS == ["rest_framework"]
    drf = ceiling_settings.REST_FRAMEWORK
    assert drf["DEFAULT_RENDERER_CLASSES"] == ["rest_framework.renderers.JSONRenderer"]
    assert drf["DEFAULT_AUTHENTICATION_CLASSES"] == []
    assert drf["DEFAULT_PERMISSION_CLASSES"] == []
    assert drf["DEFAULT_THROTTLE_CLASSES"] == []
    assert ceiling_settings.ROOT_URLCONF == "loadtest.ceiling.urls"
    # Its one database is pgbench's, of the scale the benchmark made.
    assert ceiling_settings.DATABASES["default"]["NAME"] == "bankcore_bench_pgbench"
    assert (ceiling_settings.CEILING_DATABASE, ceiling_settings.PGBENCH_SCALE) == ("default", 3)
    for view in (RedisGetView, TpcbView):
        assert (view.authentication_classes, view.permission_classes) == ([], [])


def test_the_ceiling_project_refuses_to_start_without_its_database(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("REDIS_URL", CEILING_ENV["REDIS_URL"])
    monkeypatch.delenv("BENCH_PGBENCH_DATABASE_URL", raising=False)
    sys.modules.pop("loadtest.ceiling.settings", None)
    try:
        with pytest.raises(ImproperlyConfigured, match="BENCH_PGBENCH_DATABASE_URL"):
            importlib.import_module("loadtest.ceiling.settings")
    finally:
        sys.modules.pop("loadtest.ceiling.settings", None)


def _settings_of_both(extra_env: dict) -> dict:
    """bankcore's settings and the ceiling's, read in a fresh interpreter from one environment."""
    code = (
        "import json, bankcore.settings as b, loadtest.ceiling.settings as c\n"
        "pick = lambda d: {k: d[k] for k in ('ENGINE', 'OPTIONS', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}\n"
        "print(json.dumps({'bankcore': {'db': pick(b.DATABASES['default']), 'cache': b.CACHES['default']},"
        " 'ceiling': {'db': pick(c.DATABASES['default']), 'cache': c.CACHES['default']}}))\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DB_", "REDIS_", "DATABASE_", "DJANGO_", "BENCH_"))
    }
    env.update({**CEILING_ENV, "SECRET_KEY": "x" * 50, "SENTRY_DSN": "", **extra_env})
    env["DATABASE_URL"] = "postgres://bench@db.invalid:5432/bankcore_bench"
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_the_ceiling_connects_as_bankcore_does():
    """Same database options and pool, same Redis client and key prefix, from the same
    variables: a pool size given to both is taken by both."""
    both = _settings_of_both({"DB_POOL_MAX_SIZE": "5", "DB_LOCK_TIMEOUT": "3"})
    bankcore, ceiling = both["bankcore"], both["ceiling"]
    assert ceiling["db"] == bankcore["db"]
    assert ceiling["db"]["OPTIONS"]["pool"]["max_size"] == 5
    assert "lock_timeout=3000" in ceiling["db"]["OPTIONS"]["options"]
    for key in ("LOCATION", "KEY_PREFIX", "OPTIONS"):
        assert ceiling["cache"][key] == bankcore["cache"][key], key
    # django-redis itself, without bankcore's timing and failure handling around it.
    assert ceiling["cache"]["BACKEND"] == "django_redis.cache.RedisCache"
    from django.utils.module_loading import import_string
    from django_redis.cache import RedisCache

    assert issubclass(import_string(bankcore["cache"]["BACKEND"]), RedisCache)


@pytest.fixture
def ceiling_urls(ceiling_settings):
    """The ceiling's URLs, DRF settings and empty middleware, on this test's database and cache."""
    with override_settings(
        ROOT_URLCONF="loadtest.ceiling.urls",
        MIDDLEWARE=[],
        REST_FRAMEWORK=ceiling_settings.REST_FRAMEWORK,
        CEILING_DATABASE="default",
        PGBENCH_SCALE=1,
    ):
        yield


def test_the_redis_get_view_answers_the_probe_value_and_a_miss(ceiling_urls, client):
    response = client.get("/bench/redis-get")
    assert (response.status_code, response.json()) == (200, {"value": None})
    caches["default"].set(PROBE_KEY, bench.PROBE_VALUE, timeout=60)
    response = client.get("/bench/redis-get")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"value": bench.PROBE_VALUE}


PGBENCH_TABLES = """
CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int NOT NULL, filler char(88));
CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int NOT NULL, filler char(84));
CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int NOT NULL, filler char(84));
CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
INSERT INTO pgbench_branches (bid, bbalance) VALUES (1, 0);
INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT t, 1, 0 FROM generate_series(1, 10) t;
INSERT INTO pgbench_accounts (aid, bid, abalance) SELECT a, 1, 0 FROM generate_series(1, 100000) a;
"""


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="pgbench's tables are PostgreSQL's; run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/bankcore"
    " make test, as CI does",
)
@pytest.mark.django_db
def test_the_tpcb_view_runs_pgbench_transaction(ceiling_urls, client):
    """pgbench -s 1's tables (made in this test's transaction): every request moves one delta
    through an account, a teller and the branch and appends it to the history."""
    with connection.cursor() as cursor:
        cursor.execute(PGBENCH_TABLES)
    answers = [client.post("/bench/tpcb", {}, content_type="application/json") for _ in range(20)]
    assert {response.status_code for response in answers} == {201}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(sum(delta), 0) FROM pgbench_history")
        history_rows, delta_sum = cursor.fetchone()
        cursor.execute(
            "SELECT (SELECT sum(abalance) FROM pgbench_accounts),"
            " (SELECT sum(tbalance) FROM pgbench_tellers), (SELECT bbalance FROM pgbench_branches)"
        )
        balances = cursor.fetchone()
        last = answers[-1].json()
        cursor.execute("SELECT abalance FROM pgbench_accounts WHERE aid = %s", [last["aid"]])
        (last_balance,) = cursor.fetchone()
    assert history_rows == 20
    assert balances == (delta_sum, delta_sum, delta_sum)
    assert last["abalance"] == last_balance


@pytest.mark.skipif(
    not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"),
    reason="the ceiling project reads Redis; run with REDIS_URL=redis://127.0.0.1:6379/0 make test,"
    " as CI does",
)
def test_the_ceiling_project_boots_bare_and_reads_what_bankcore_cached():
    """In a fresh interpreter under loadtest.ceiling.settings: rest_framework is the only app
    (no auth, no contenttypes), and its Redis GET view reads the value bankcore's cache
    backend wrote under bankcore's key prefix."""
    from bankcore.cache_backends import ResilientRedisCache

    redis_url = settings.CACHES["default"]["LOCATION"]
    written = ResilientRedisCache(redis_url, {"KEY_PREFIX": "bankcore", "OPTIONS": {}})
    code = (
        "import django, json\n"
        "django.setup()\n"
        "from django.apps import apps\n"
        "from django.test import Client\n"
        "response = Client().get('/bench/redis-get')\n"
        "print(json.dumps({'apps': [a.name for a in apps.get_app_configs()],"
        " 'status': response.status_code, 'body': response.json()}))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BENCH_"))}
    env.update(
        {
            **CEILING_ENV,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "loadtest.ceiling.settings",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    written.set(PROBE_KEY, bench.PROBE_VALUE, timeout=60)
    try:
        completed = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        written.delete(PROBE_KEY)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result == {"apps": ["rest_framework"], "status": 200, "body": {"value": bench.PROBE_VALUE}}


# The verdict's arithmetic ---------------------------------------------------------------------


def _pair(part: str, runs: list[list[tuple[float, float]]]) -> bench.Pair:
    """A pair whose runs' rounds had these (ceiling, bankcore) req/s."""
    pair = bench.Pair(part, "ceiling", "app", part, bench.TARGETS[part])
    for rounds in runs:
        pair.runs.append(
            bench.PairRun(
                ceiling=[
                    bench.Round(rps=c, p50_ms=1.0, p99_ms=2.0, non_2xx=0, socket_errors=0) for c, _ in rounds
                ],
                app=[
                    bench.Round(rps=a, p50_ms=1.0, p99_ms=2.0, non_2xx=0, socket_errors=0) for _, a in rounds
                ],
            )
        )
    return pair


def test_a_round_ratio_is_bankcore_over_the_ceiling_of_the_same_round():
    assert bench.ratios_of([400.0, 500.0], [200.0, 100.0]) == [0.5, 0.2]
    with pytest.raises(ValueError, match="longer"):
        bench.ratios_of([400.0], [200.0, 100.0])


def test_the_spread_is_the_median_and_its_extremes():
    spread = bench.spread_of([0.3, 0.9, 0.5, 0.4])
    assert (spread.median, spread.low, spread.high) == (0.45, 0.3, 0.9)
    assert spread.text() == "0.45 (0.30-0.90)"


def test_the_verdict_is_the_median_of_each_runs_median():
    # Run medians 0.6, 0.4 and 0.55: a wild round in one run moves its own median only.
    verdict = bench.verdict_of("transfers", [[0.6, 0.7, 0.5], [0.4, 0.1, 0.9], [0.55, 0.5, 3.0, 0.6]], 0.5)
    assert verdict.run_medians == pytest.approx([0.6, 0.4, 0.575])
    assert verdict.median == pytest.approx(0.575)
    assert verdict.passed
    assert not bench.verdict_of("balance", [[0.79], [0.81], [0.7]], 0.8).passed
    assert bench.verdict_of("balance", [[0.8]], 0.8).passed  # the target itself is met


def test_a_pair_reads_its_ratios_from_its_runs():
    pair = _pair("balance", [[(1000, 900), (1000, 700)], [(800, 800), (1000, 500)], [(500, 450)]])
    assert pair.ratios == pytest.approx([0.9, 0.7, 1.0, 0.5, 0.9])
    assert pair.verdict.run_medians == pytest.approx([0.8, 0.75, 0.9])
    assert pair.verdict.median == pytest.approx(0.8)
    assert pair.verdict.passed


def test_the_exit_status_puts_broken_invariants_before_missed_targets():
    met = bench.verdict_of("transfers", [[0.6]], 0.5)
    missed = bench.verdict_of("balance", [[0.6]], 0.8)
    deposits = bench.Verdict("deposits", 4.0, [1.3], 1.3)  # printed, never gated
    assert bench.exit_status([met, deposits], [], gate=True) == 0
    assert bench.exit_status([met, missed], [], gate=True) == 2
    assert bench.exit_status([met, missed], [], gate=False) == 0
    assert bench.exit_status([met], ["3 responses were 5xx"], gate=True) == 1
    assert bench.exit_status([missed], ["3 responses were 5xx"], gate=False) == 1


def test_the_verdict_lines_show_every_run_and_the_outcome():
    pairs = [
        _pair("transfers", [[(400, 240)], [(400, 180)], [(400, 220)]]),
        _pair("balance", [[(1000, 850)], [(1000, 900)], [(1000, 700)]]),
    ]
    transfers, balance = bench.verdict_lines(pairs, gate=True)
    assert "median of 3 runs' medians 0.550" in transfers
    assert "run 1 0.60 (0.60-0.60), run 2 0.45 (0.45-0.45), run 3 0.55 (0.55-0.55)" in transfers
    assert "target >= 0.50: MET" in transfers
    assert "median of 3 runs' medians 0.850" in balance
    assert "target >= 0.80: MET" in balance
    pairs[1] = _pair("balance", [[(1000, 750)]])
    assert "median of the one run 0.750" in bench.verdict_lines(pairs, gate=True)[1]
    assert "BELOW TARGET" in bench.verdict_lines(pairs, gate=True)[1]
    assert "below target (--no-gate)" in bench.verdict_lines(pairs, gate=False)[1]


def test_the_summary_holds_every_round_and_the_verdict(tmp_path):
    options = bench.parser_build().parse_args(
        ["--runs", "2", "--rounds", "2", "--parts", "transfers,balance"]
    )
    pairs = [
        _pair("transfers", [[(400, 200), (400, 160)], [(500, 300), (400, 240)]]),
        _pair("balance", [[(1000, 700), (1000, 900)], [(1000, 600), (1000, 700)]]),
    ]
    result = json.loads(json.dumps(bench.summary(pairs, None, None, options, commit="abc1234", breaches=[])))
    transfers, balance = result["pairs"]["transfers"], result["pairs"]["balance"]
    assert [r["ratio"] for r in transfers["runs"][0]["rounds"]] == [0.5, 0.4]
    assert transfers["runs"][1]["median"] == pytest.approx(0.6)
    assert transfers["median_of_run_medians"] == pytest.approx(0.525)
    assert (transfers["met"], balance["met"]) == (True, False)
    assert (balance["runs"][1]["low"], balance["runs"][1]["high"]) == (0.6, 0.7)
    assert balance["runs"][1]["median"] == pytest.approx(0.65)
    assert (result["exit_status"], result["options"]["runs"]) == (2, 2)
    pytest.importorskip("matplotlib", reason="plots need matplotlib: make bench installs it")
    bench.plot(pairs, None, tmp_path / "bench-rounds.png")
    assert (tmp_path / "bench-rounds.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
