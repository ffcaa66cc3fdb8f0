"""The gates read from locust's CSV files: what passes, what fails, and why."""

import csv

import pytest

from loadtest import gates

PERCENTILES = ["50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"]
STATS_COLUMNS = [
    "Type", "Name", "Request Count", "Failure Count", "Median Response Time", "Average Response Time",
    "Min Response Time", "Max Response Time", "Average Content Size", "Requests/s", "Failures/s",
    *PERCENTILES,
]  # fmt: skip
HISTORY_COLUMNS = [
    "Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s", *PERCENTILES,
    "Total Request Count", "Total Failure Count", "Total Median Response Time", "Total Average Response Time",
    "Total Min Response Time", "Total Max Response Time", "Total Average Content Size",
]  # fmt: skip
GATES = {"GET /health": 50, "GET /api/accounts": 100}


def stats_row(method, name, requests, failures, p50, p95, p99):
    values = {"Type": method, "Name": name, "Request Count": requests, "Failure Count": failures}
    values.update({"50%": p50, "95%": p95, "99%": p99, "Requests/s": 10})
    return [values.get(column, 0) for column in STATS_COLUMNS]


def write_stats(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(STATS_COLUMNS)
        writer.writerows(rows)
    return path


def write_history(path, seconds):
    """One Aggregated row a second: (users, total requests) per second."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HISTORY_COLUMNS)
        for second, (users, total) in enumerate(seconds):
            row = {"Timestamp": 1_700_000_000 + second, "User Count": users, "Type": "", "Name": "Aggregated"}
            row.update({"Requests/s": 1, "Failures/s": 0, "50%": 5, "95%": 20, "99%": 40})
            row.update({"Total Request Count": total, "Total Failure Count": 0})
            # A per-endpoint row (--csv-full-history) the whole-run reading must skip.
            writer.writerow([{**row, "Type": "GET", "Name": "/health"}.get(c, 0) for c in HISTORY_COLUMNS])
            writer.writerow([row.get(column, 0) for column in HISTORY_COLUMNS])
    return path


@pytest.fixture
def history(tmp_path):
    # 20 users for 3 s, then 300 users for 11 s at 260 requests a second.
    seconds = [(20, 10 * n) for n in range(3)] + [(300, 30 + 260 * n) for n in range(11)]
    return gates.read_history(write_history(tmp_path / "history.csv", seconds))


def run(tmp_path, rows, history, **run_gates):
    stats = gates.read_stats(write_stats(tmp_path / "stats.csv", rows))
    return gates.evaluate(stats, history, gates=GATES, run=gates.RunGates(**run_gates))


def passing_rows():
    return [
        stats_row("GET", "/health", 500, 0, 3, 12, 30),
        stats_row("GET", "/api/accounts", 800, 0, 8, 40, 90),
        stats_row("", "Aggregated", 1300, 0, 6, 30, 80),
    ]


def test_a_run_within_every_gate_passes(tmp_path, history):
    endpoints, whole = run(tmp_path, passing_rows(), history)
    assert all(check.passed for check in endpoints + whole)
    assert gates.as_json(endpoints, whole)["passed"] is True


def test_throughput_is_measured_while_the_peak_users_ran(history):
    assert gates.peak_throughput(history) == (300, 260.0)


def test_an_endpoint_over_its_p95_gate_fails_the_run(tmp_path, history):
    rows = passing_rows()
    rows[0] = stats_row("GET", "/health", 500, 0, 3, 51, 60)
    endpoints, whole = run(tmp_path, rows, history)
    failed = [check.name for check in endpoints + whole if not check.passed]
    assert failed == ["GET /health"]
    assert gates.as_json(endpoints, whole)["passed"] is False


def test_a_tightened_gate_fails_a_run_that_otherwise_passes(tmp_path, history):
    stats = gates.read_stats(write_stats(tmp_path / "stats.csv", passing_rows()))
    tightened = {**GATES, **gates.parse_overrides("GET /health=5")}
    endpoints, _ = gates.evaluate(stats, history, gates=tightened, run=gates.RunGates())
    assert {check.name: check.passed for check in endpoints} == {
        "GET /health": False,
        "GET /api/accounts": True,
    }


def test_one_failed_request_fails_its_endpoint_and_the_run_under_the_budget(tmp_path, history):
    rows = passing_rows()
    rows[1] = stats_row("GET", "/api/accounts", 800, 1, 8, 40, 90)
    rows[2] = stats_row("", "Aggregated", 1300, 1, 6, 30, 80)
    endpoints, whole = run(tmp_path, rows, history, failed_percent=0)
    failed = [check.name for check in endpoints + whole if not check.passed]
    assert failed == ["GET /api/accounts", "failed requests (%)"]
    assert endpoints[0].note == "1 failed"


def test_the_report_allows_failures_under_a_tenth_of_a_percent(tmp_path, history):
    rows = passing_rows()
    # 1 of 1,300 requests (0.077 %): within the report's 0.1 %, and 1 of /health's 500
    # (0.2 %) fails that endpoint alone.
    rows[2] = stats_row("", "Aggregated", 1300, 1, 6, 30, 80)
    endpoints, whole = run(tmp_path, rows, history)
    assert all(check.passed for check in endpoints + whole)
    rows[0] = stats_row("GET", "/health", 500, 1, 3, 12, 30)
    endpoints, whole = run(tmp_path, rows, history)
    assert [check.name for check in endpoints + whole if not check.passed] == ["GET /health"]
    rows[2] = stats_row("", "Aggregated", 1300, 2, 6, 30, 80)
    _, whole = run(tmp_path, rows, history)
    assert [check.name for check in whole if not check.passed] == ["failed requests (%)"]


@pytest.mark.parametrize(
    ("run_gates", "failing"),
    [
        ({"p95_ms": 30}, "p95 over all requests (ms)"),
        ({"p99_ms": 80}, "p99 over all requests (ms)"),
        ({"min_rps": 261}, "requests/s at the peak"),
        ({"users": 301}, "users at the peak"),
    ],
)
def test_each_whole_run_gate_fails_on_its_own(tmp_path, history, run_gates, failing):
    _, whole = run(tmp_path, passing_rows(), history, **run_gates)
    assert [check.name for check in whole if not check.passed] == [failing]


def test_an_endpoint_without_a_gate_fails_rather_than_escaping(tmp_path, history):
    rows = [*passing_rows(), stats_row("GET", "/api/new-thing", 10, 0, 1, 2, 3)]
    endpoints, _ = run(tmp_path, rows, history)
    ungated = next(check for check in endpoints if check.name == "GET /api/new-thing")
    assert not ungated.passed
    assert ungated.note == "requested but has no gate"


def test_a_gated_endpoint_the_scenario_never_requested_fails(tmp_path, history):
    rows = [row for row in passing_rows() if row[1] != "/health"]
    endpoints, _ = run(tmp_path, rows, history)
    missing = next(check for check in endpoints if check.name == "GET /health")
    assert (missing.passed, missing.note) == (False, "never requested")


def test_a_peak_shorter_than_two_seconds_has_no_throughput(tmp_path):
    history = gates.read_history(write_history(tmp_path / "h.csv", [(20, 0), (300, 10)]))
    assert gates.peak_throughput(history) == (300, None)


def test_the_summary_table_says_pass_and_fail(tmp_path, history):
    rows = passing_rows()
    rows[0] = stats_row("GET", "/health", 500, 0, 3, 51, 60)
    table = gates.summary_table(*run(tmp_path, rows, history))
    health = next(line for line in table.splitlines() if line.startswith("GET /health"))
    assert health.split()[-1] == "FAIL"
    assert "< 50" in health


@pytest.mark.parametrize("text", ["GET /health", "=5", "GET /health=fast"])
def test_a_malformed_gate_override_is_refused(text):
    with pytest.raises(ValueError):  # noqa: PT011 - float() and ours both say ValueError
        gates.parse_overrides(text)


def test_the_report_and_the_budget_are_the_two_sets_of_whole_run_gates():
    assert (gates.REPORT.p95_ms, gates.REPORT.p99_ms, gates.REPORT.failed_percent) == (300, 500, 0.1)
    assert (gates.REPORT.min_rps, gates.REPORT.users) == (150, 300)
    assert (gates.BUDGET.p95_ms, gates.BUDGET.p99_ms, gates.BUDGET.failed_percent) == (50, 150, 0)
    budget = gates.endpoint_gates(budget=True)
    assert all(budget[name] <= limit for name, limit in gates.endpoint_gates().items())
    assert budget.keys() == gates.endpoint_gates().keys()


def test_every_endpoint_of_the_report_has_its_gate():
    table = gates.endpoint_gates()
    assert table["GET /health"] == 50
    assert table["POST /api/auth/login"] == 200
    assert table["GET /api/accounts"] == 100
    assert table["GET /api/transactions"] == 150
    assert table["GET /api/kyc/status"] == 100
    assert table["POST /api/wire-transfers [released]"] == 300
    assert table["POST /api/wire-transfers [held for review]"] == 300


def test_whole_run_gates_can_be_given_over_the_design_ones():
    assert gates.run_gates_from("") == gates.RunGates() == gates.REPORT
    assert gates.run_gates_from("p95_ms=80;users=100") == gates.RunGates(users=100, p95_ms=80)
    assert gates.run_gates_from("p95_ms=80", gates.BUDGET) == gates.RunGates(
        p95_ms=80, p99_ms=150, failed_percent=0, min_rps=0
    )
    assert type(gates.run_gates_from("users=20").users) is int  # counts stay whole numbers
    with pytest.raises(ValueError, match="unknown whole-run gate p95"):
        gates.run_gates_from("p95=80")


def test_an_error_in_the_scenarios_code_fails_a_run_whose_requests_all_passed(tmp_path, history):
    exceptions = tmp_path / "exceptions.csv"
    exceptions.write_text(
        'Count,Message,Traceback,Nodes\n127,"_expect() got an unexpected keyword","  File ...",local\n'
    )
    stats = gates.read_stats(write_stats(tmp_path / "stats.csv", passing_rows()))
    endpoints, whole = gates.evaluate(
        stats, history, gates=GATES, run=gates.RunGates(), exceptions=gates.read_exceptions(exceptions)
    )
    assert all(check.passed for check in endpoints)
    assert [check.name for check in whole if not check.passed] == ["errors in the scenario's code"]
    assert gates.read_exceptions(tmp_path / "absent.csv") == 0
