"""The benchmark harness (loadtest/bench.py), without timing anything: the ceilings stay out
of bankcore's URLs, the driver's options and wrk parsing hold, and the wrk script runs."""

import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import Resolver404, resolve

from loadtest import bench
from loadtest.bench_urls import RedisGetView, TpcbView

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
    assert (options.workers, options.threads, options.pool_size) == (2, 8, 8)
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
