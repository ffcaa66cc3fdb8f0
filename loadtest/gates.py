"""The load test's pass/fail rules, read from locust's CSV files (no locust import).

Two sets of gates. ``make loadtest`` (every profile) holds the original report's targets:
p95 < 300 ms and p99 < 500 ms over all requests, under 0.1 % of requests failed, at least
150 requests a second with 300 users, and its per-endpoint p95 table. ``make capacity``
holds bankcore's own stricter budget (docs/performance.md): p95 < 50 ms and p99 < 150 ms
over all requests, no failed request, and bankcore's per-endpoint table; the highest step
of users that keeps it is the capacity.
"""

import csv
import dataclasses
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Request names are "<method> <path template>", as the locustfile names them.
REPORT_P95_MS: dict[str, float] = {
    # The original report's table.
    "GET /health": 50,
    "POST /api/auth/login": 200,
    "GET /api/accounts": 100,
    "GET /api/transactions": 150,
    "GET /api/kyc/status": 100,
    "POST /api/wire-transfers [released]": 300,
    "POST /api/wire-transfers [held for review]": 300,
    # The endpoints the report did not name take the target of the one they resemble: a
    # cached read like the account list, a history page like the first page, a transfer
    # like a wire.
    "GET /api/accounts/{id}": 100,
    "GET /api/accounts/{id}/balance": 100,
    "GET /api/auth/me": 100,
    "GET /api/wire-transfers/stats": 100,
    "GET /api/wire-transfers/limits": 100,
    "GET /api/accounts/{id}/transactions": 150,
    "GET /api/transactions?cursor={next}": 150,
    "GET /api/transactions?type={type}": 150,
    "POST /api/transfers": 300,
}
# bankcore's own budget, per endpoint, for make capacity: the report's targets where they
# are already tight, tighter for a cached read and a transfer.
BUDGET_P95_MS: dict[str, float] = {
    **REPORT_P95_MS,
    "GET /api/accounts/{id}/balance": 50,
    "POST /api/transfers": 200,
}


@dataclass(frozen=True)
class RunGates:
    users: int = 300
    # Failed requests, in percent of all requests; 0 means none may fail.
    failed_percent: float = 0.1
    # Errors raised inside the scenario's own code (locust_exceptions.csv): a task that
    # crashes sends requests nobody checks, so the run proves nothing about them.
    exceptions: int = 0
    p95_ms: float = 300
    p99_ms: float = 500
    min_rps: float = 150


REPORT = RunGates()
BUDGET = RunGates(failed_percent=0, p95_ms=50, p99_ms=150, min_rps=0)


def endpoint_gates(*, budget: bool = False) -> dict[str, float]:
    """Per-endpoint p95 gates: the report's (make loadtest), or bankcore's budget (make capacity)."""
    return dict(BUDGET_P95_MS if budget else REPORT_P95_MS)


@dataclass
class Check:
    name: str
    measured: float | None
    limit: float
    kind: str  # "max" (measured must stay below the limit) or "min" (at least the limit)
    requests: int = 0
    failures: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    note: str = ""
    passed: bool = field(init=False)

    def __post_init__(self):
        if self.measured is None:
            self.passed = False
        elif self.kind == "max":
            self.passed = self.measured < self.limit or (self.limit == 0 and self.measured == 0)
        else:
            self.passed = self.measured >= self.limit


def _number(value: str) -> float | None:
    if value in ("", "N/A"):
        return None
    return float(value)


def read_stats(path: Path) -> dict[str, dict]:
    """Rows of locust's ``<prefix>_stats.csv`` by "<method> <name>"; the total as "Aggregated"."""
    rows = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            key = "Aggregated" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
            rows[key] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "p99": _number(row["99%"]),
                "rps": _number(row["Requests/s"]),
            }
    return rows


def read_exceptions(path: Path) -> int:
    """How many errors the scenario's own code raised (locust's ``<prefix>_exceptions.csv``)."""
    if not path.exists():
        return 0
    with open(path, newline="") as handle:
        return sum(int(row["Count"]) for row in csv.DictReader(handle))


def read_history(path: Path) -> list[dict]:
    """The whole-run rows of ``<prefix>_stats_history.csv``, one a second, in time order."""
    rows = []
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] != "Aggregated":
                continue
            rows.append(
                {
                    "time": int(row["Timestamp"]),
                    "users": int(row["User Count"]),
                    "rps": _number(row["Requests/s"]) or 0.0,
                    "fails_per_s": _number(row["Failures/s"]) or 0.0,
                    "p50": _number(row["50%"]),
                    "p95": _number(row["95%"]),
                    "p99": _number(row["99%"]),
                    "requests": int(row["Total Request Count"]),
                    "failures": int(row["Total Failure Count"]),
                }
            )
    return rows


def peak_throughput(history: list[dict]) -> tuple[int, float | None]:
    """(the most users that ran, requests per second while that many ran).

    Counted from the total request count at the first and last second at the peak, so the
    ramps of earlier stages do not dilute it. None when the peak held under two seconds.
    """
    if not history:
        return 0, None
    peak = max(row["users"] for row in history)
    at_peak = [row for row in history if row["users"] == peak]
    first, last = at_peak[0], at_peak[-1]
    if last["time"] - first["time"] < 2:
        return peak, None
    return peak, (last["requests"] - first["requests"]) / (last["time"] - first["time"])


def evaluate(
    stats: dict[str, dict],
    history: list[dict],
    *,
    gates: dict[str, float],
    run: RunGates,
    exceptions: int = 0,
) -> tuple[list[Check], list[Check]]:
    """(per-endpoint checks, whole-run checks). An endpoint the scenario requested without
    a gate fails, and so does a gated endpoint that was never requested."""
    endpoints = []
    for name in sorted(set(gates) | (set(stats) - {"Aggregated"})):
        row = stats.get(name)
        if row is None or row["requests"] == 0:
            endpoints.append(Check(name, None, gates.get(name, math.nan), "max", note="never requested"))
            continue
        if name not in gates:
            endpoints.append(
                Check(name, None, math.nan, "max", **_latencies(row), note="requested but has no gate")
            )
            continue
        check = Check(name, row["p95"], gates[name], "max", **_latencies(row))
        if row["failures"] and 100 * row["failures"] / row["requests"] >= run.failed_percent:
            check.passed = False
            check.note = f"{row['failures']} failed"
        endpoints.append(check)

    total = stats.get("Aggregated", {"requests": 0, "failures": 0, "p50": None, "p95": None, "p99": None})
    peak_users, rps = peak_throughput(history)
    failed_percent = 100 * total["failures"] / total["requests"] if total["requests"] else None
    whole = [
        Check("users at the peak", peak_users, run.users, "min"),
        Check("failed requests (%)", failed_percent, run.failed_percent, "max"),
        Check("errors in the scenario's code", exceptions, run.exceptions, "max"),
        Check("p95 over all requests (ms)", total["p95"], run.p95_ms, "max"),
        Check("p99 over all requests (ms)", total["p99"], run.p99_ms, "max"),
        Check("requests/s at the peak", rps, run.min_rps, "min"),
    ]
    return endpoints, whole


def _latencies(row: dict) -> dict:
    return {key: row[key] for key in ("requests", "failures", "p50", "p95", "p99")}


def parse_overrides(text: str) -> dict[str, float]:
    """Gates given on the command line: "GET /health=5;GET /api/accounts=20" (milliseconds)."""
    overrides = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        name, separator, value = item.rpartition("=")
        if not separator or not name.strip():
            raise ValueError(f"a gate is NAME=MILLISECONDS, not {item!r}")
        overrides[name.strip()] = float(value)
    return overrides


def run_gates_from(text: str, base: RunGates = REPORT) -> RunGates:
    """Whole-run gates given on the command line over ``base`` (the report's, or bankcore's
    budget): "p95_ms=80;min_rps=100"."""
    names = {gate.name: gate.type for gate in dataclasses.fields(RunGates)}
    values = parse_overrides(text)
    unknown = set(values) - set(names)
    if unknown:
        raise ValueError(f"unknown whole-run gate {', '.join(sorted(unknown))}: one of {', '.join(names)}")
    return dataclasses.replace(
        base, **{name: int(value) if names[name] in (int, "int") else value for name, value in values.items()}
    )


def _cell(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and math.isnan(value):
        return "none"
    return f"{value:,.{digits}f}"


def summary_table(endpoints: list[Check], whole: list[Check]) -> str:
    lines = [
        f"{'endpoint':<46} {'requests':>9} {'fails':>6} {'p50':>6} {'p95':>6} {'p99':>6} "
        f"{'gate p95':>9}  result",
    ]
    for check in endpoints:
        lines.append(
            f"{check.name:<46} {check.requests:>9,} {check.failures:>6,} {_cell(check.p50):>6} "
            f"{_cell(check.p95):>6} {_cell(check.p99):>6} {'< ' + _cell(check.limit):>9}  "
            f"{'pass' if check.passed else 'FAIL'}{'  (' + check.note + ')' if check.note else ''}"
        )
    lines.append("")
    lines.append(f"{'whole run':<46} {'measured':>12} {'gate':>12}  result")
    for check in whole:
        sign = "<" if check.kind == "max" else ">="
        if check.kind == "max" and check.limit == 0:
            sign = "="
        limit = _cell(check.limit, 0 if float(check.limit).is_integer() else 1)
        lines.append(
            f"{check.name:<46} {_cell(check.measured, 2):>12} {sign + ' ' + limit:>12}  "
            f"{'pass' if check.passed else 'FAIL'}"
        )
    return "\n".join(lines)


def as_json(endpoints: list[Check], whole: list[Check]) -> dict:
    def clean(check: Check) -> dict:
        data = asdict(check)
        data["passed"] = check.passed
        return {key: (None if isinstance(v, float) and math.isnan(v) else v) for key, v in data.items()}

    return {
        "passed": all(check.passed for check in endpoints + whole),
        "endpoints": [clean(check) for check in endpoints],
        "run": [clean(check) for check in whole],
    }
