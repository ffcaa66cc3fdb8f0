"""CPU seconds read from /proc: a process tree's, exited children included, and per request."""

import os
import subprocess
import sys
import time

import pytest

from loadtest import cpu

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads Linux's /proc")

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_a_tree_counts_its_live_and_its_exited_children():
    # A parent that burns 0.3 s, starts a child that burns 0.3 s and exits (waited for,
    # like a recycled gunicorn worker), and a second child that burns 0.3 s and stays.
    script = (
        "import subprocess, sys, time\n"
        + BURN.format(seconds=0.3)
        + f"subprocess.run([sys.executable, '-c', {BURN.format(seconds=0.3)!r}])\n"
        + f"burn = {BURN.format(seconds=0.3) + 'time.sleep(30)'!r}\n"
        + "live = subprocess.Popen([sys.executable, '-c', burn])\n"
        + "print('ready', flush=True)\n"
        + "time.sleep(30)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "ready"
        time.sleep(0.6)  # the live child's burn
        spent = cpu.tree_seconds(parent.pid)
        assert 0.85 <= spent < 3.0, spent
        assert len(cpu.children_of(parent.pid)) == 1
    finally:
        for child in cpu.children_of(parent.pid):
            os.kill(child, 9)
        parent.kill()
        parent.wait()


def test_a_process_that_is_gone_counts_nothing():
    gone = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert gone.returncode == 0
    assert cpu.process_times(2**22 + 12345) is None
    assert cpu.tree_seconds(2**22 + 12345) == 0.0


def test_cpu_per_request_by_part_of_the_machine():
    before = cpu.Sample(app=10.0, postgres=5.0, redis=1.0)
    after = cpu.Sample(app=40.0, postgres=8.0, redis=1.5)
    result = cpu.per_request(before, after, load_generator_seconds=6.0, requests=10_000)
    assert result["cpu_ms_per_request"] == {"app": 3.0, "postgres": 0.3, "redis": 0.05, "load_generator": 0.6}
    assert result["cpu_seconds"]["app"] == 30.0
    table = cpu.table(result)
    app_line = next(line for line in table.splitlines() if line.startswith("app"))
    assert app_line.split() == ["app", "30.00", "3.0"]
    assert "10,000" in table
    assert cpu.per_request(before, after, 0.0, 0)["cpu_ms_per_request"]["app"] is None


def test_a_postgres_backend_is_told_by_its_database():
    titles = {
        "postgres: 15/main: postgres bankcore_lt 127.0.0.1(57848) idle": "bankcore_lt",
        "postgres: 15/main: app test_bankcore_reads [local] idle in transaction": "test_bankcore_reads",
        "postgres: 15/main: postgres bankcore_lt ::1(4242) SELECT": "bankcore_lt",
    }
    for title, database in titles.items():
        assert cpu._BACKEND.match(title).group(1) == database
    for server_process in (
        "postgres: 15/main: checkpointer",
        "postgres: 15/main: logical replication launcher",
    ):
        assert cpu._BACKEND.match(server_process) is None


def test_runs_compared_side_by_side(tmp_path):
    import json

    from loadtest import compare_cpu

    for label, app, balance in (("before", 7.74, 1.94), ("after", 3.1, 0.9)):
        run = tmp_path / label
        run.mkdir()
        before = cpu.Sample(app=0.0, postgres=0.0, redis=0.0)
        after = cpu.Sample(app=app * 10, postgres=10.0, redis=1.0)
        (run / "cpu.json").write_text(json.dumps(cpu.per_request(before, after, 5.0, 10_000)))
        cpu_ms = {"p50": balance, "p95": balance * 2, "mean": balance}
        timing = {"GET /api/accounts/{id}/balance": {"cpu": cpu_ms}}
        (run / "server_timing.json").write_text(json.dumps(timing))
    runs = {label: compare_cpu.load(tmp_path / label) for label in ("before", "after")}
    lines = compare_cpu.table(runs).splitlines()
    assert lines[0] == "| CPU ms per request | before | after |"
    assert "| whole run: app | 7.74 | 3.10 |" in lines
    assert "| `GET /api/accounts/{id}/balance` | 1.94 (p95 3.9) | 0.90 (p95 1.8) |" in lines
