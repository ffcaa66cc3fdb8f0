"""CPU seconds of the processes a load test runs on, read from /proc (Linux).

The load test's question is what one request costs the machine: the CPU that gunicorn's
processes (master and workers, a worker that was recycled included), PostgreSQL's and
Redis's processes and the load generator spent over the run, divided by the requests
answered. Wall-clock latency on two shared cores moves with everything else the machine
does; CPU per request is the steady figure.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class ProcessTimes:
    own: float  # seconds of user + system time of the process itself
    children: float  # ... of its children that it has waited for (exited workers)


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:  # gone, or not Linux
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def process_times(pid: int) -> ProcessTimes | None:
    fields = _stat_fields(pid)
    if fields is None:
        return None
    # After the name: state is fields[0], so utime (field 14 of proc(5)) is fields[11].
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return ProcessTimes(own=(utime + stime) / TICKS, children=(cutime + cstime) / TICKS)


def children_of(pid: int) -> list[int]:
    """The live children of ``pid``."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def tree_seconds(pid: int) -> float:
    """CPU seconds spent so far by ``pid`` and its children, live or exited and waited for.

    gunicorn's master waits for every worker it recycles, so a worker that has exited is
    counted in the master's children's time; live workers are counted from their own.
    """
    root = process_times(pid)
    if root is None:
        return 0.0
    total = root.own + root.children
    for child in children_of(pid):
        times = process_times(child)
        if times is not None:
            total += times.own + times.children
    return total


# A PostgreSQL backend's title: "postgres: 15/main: <user> <database> 127.0.0.1(54321) idle".
_BACKEND = re.compile(r"^postgres: .*?: \S+ (\S+) (?:[\d.:a-f]+\(\d+\)|\[local\])")


def named_seconds(name: str, *, database: str | None = None) -> float:
    """CPU seconds of every live process whose command is ``name`` (postgres, redis-server).

    With ``database``, of PostgreSQL's processes only that database's backends count, with
    the server's own (checkpointer, WAL writer, ...): other databases' clients on the same
    server (a test suite) are not the load test's. A process that exits during the run
    takes its time with it: the app's pooled backends live as long as the server under
    test, so little is lost.
    """
    total = 0.0
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if comm != name:
            continue
        backend = _BACKEND.match(title)
        if database is not None and backend is not None and backend.group(1) != database:
            continue
        times = process_times(int(entry.name))
        if times is not None:
            total += times.own
    return total


@dataclass(frozen=True)
class Sample:
    app: float
    postgres: float
    redis: float


def sample(app_pid: int, database: str | None = None) -> Sample:
    return Sample(
        app=tree_seconds(app_pid),
        postgres=named_seconds("postgres", database=database),
        redis=named_seconds("redis-server"),
    )


def per_request(before: Sample, after: Sample, load_generator_seconds: float, requests: int) -> dict:
    """CPU milliseconds per answered request, by part of the machine, over one run."""
    spent = {
        "app": after.app - before.app,
        "postgres": after.postgres - before.postgres,
        "redis": after.redis - before.redis,
        "load_generator": load_generator_seconds,
    }
    return {
        "requests": requests,
        "cpu_seconds": {part: round(seconds, 2) for part, seconds in spent.items()},
        "cpu_ms_per_request": {
            part: round(seconds * 1000 / requests, 2) if requests else None for part, seconds in spent.items()
        },
    }


def table(result: dict) -> str:
    lines = [f"{'CPU per request, whole run':<46} {'seconds':>9} {'ms/request':>11}"]
    for part, seconds in result["cpu_seconds"].items():
        per = result["cpu_ms_per_request"][part]
        lines.append(f"{part:<46} {seconds:>9.2f} {per if per is not None else '-':>11}")
    lines.append(f"{'requests answered':<46} {result['requests']:>9,}")
    return "\n".join(lines)
