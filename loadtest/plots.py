"""PNG plots of one load run (matplotlib, no display needed)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from loadtest.gates import Check
from loadtest.profiles import Stage


def _stage_lines(axes, stages: list[Stage]) -> None:
    for stage in stages:
        axes.axvline(stage.start, color="grey", linestyle=":", linewidth=0.8)
        axes.text(
            stage.start + 1,
            1.0,
            f"{stage.users} users",
            transform=axes.get_xaxis_transform(),
            fontsize=7,
            color="grey",
            va="top",
        )


def latency_over_time(
    history: list[dict], stages: list[Stage], path: Path, *, p95_gate: float = 300, p99_gate: float = 500
) -> None:
    start = history[0]["time"]
    seconds = [row["time"] - start for row in history]
    figure, axes = plt.subplots(figsize=(9, 4))
    for key, colour in (("p50", "tab:green"), ("p95", "tab:orange"), ("p99", "tab:red")):
        axes.plot(seconds, [row[key] for row in history], label=key, color=colour, linewidth=1)
    axes.axhline(
        p95_gate, color="tab:orange", linestyle="--", linewidth=0.8, label=f"p95 gate {p95_gate:g} ms"
    )
    axes.axhline(p99_gate, color="tab:red", linestyle="--", linewidth=0.8, label=f"p99 gate {p99_gate:g} ms")
    _stage_lines(axes, stages)
    axes.set(xlabel="seconds", ylabel="ms (last 10 s window)", title="Response time over the run")
    axes.set_yscale("log")
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def throughput_over_time(
    history: list[dict], stages: list[Stage], path: Path, *, min_rps: float = 150
) -> None:
    start = history[0]["time"]
    seconds = [row["time"] - start for row in history]
    figure, axes = plt.subplots(figsize=(9, 4))
    axes.plot(seconds, [row["rps"] for row in history], label="requests/s", color="tab:blue", linewidth=1)
    axes.plot(
        seconds, [row["fails_per_s"] for row in history], label="failures/s", color="tab:red", linewidth=1
    )
    users = axes.twinx()
    users.plot(seconds, [row["users"] for row in history], label="users", color="grey", linewidth=0.8)
    users.set_ylabel("users")
    if min_rps:
        axes.axhline(
            min_rps, color="tab:blue", linestyle="--", linewidth=0.8, label=f"{min_rps:g} req/s gate"
        )
    _stage_lines(axes, stages)
    axes.set(xlabel="seconds", ylabel="per second", title="Throughput and errors over the run")
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def endpoint_p95(endpoints: list[Check], path: Path) -> None:
    measured = [check for check in endpoints if check.p95 is not None]
    figure, axes = plt.subplots(figsize=(9, 0.4 * len(measured) + 1.5))
    names = [check.name for check in measured]
    positions = range(len(measured))
    axes.barh(
        positions,
        [check.p95 for check in measured],
        color=["tab:green" if check.passed else "tab:red" for check in measured],
    )
    axes.scatter(
        [check.limit for check in measured],
        positions,
        marker="|",
        s=300,
        color="black",
        label="gate",
        zorder=3,
    )
    axes.set_yticks(list(positions), names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set(xlabel="p95 ms (log scale)", title="p95 per endpoint against its gate (green: held)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def cpu_per_endpoint(runs: dict[str, dict], path: Path) -> None:
    """Mean CPU ms per request of each endpoint (Server-Timing ``cpu``), one bar per run.

    ``runs`` maps a label ("before", "after") to a run's server_timing.json.
    """
    names = sorted({name for timings in runs.values() for name in timings})
    figure, axes = plt.subplots(figsize=(9, 0.32 * len(names) * len(runs) + 1.5))
    height = 0.8 / len(runs)
    for index, (label, timings) in enumerate(runs.items()):
        values = [timings.get(name, {}).get("cpu", {}).get("mean", 0) for name in names]
        positions = [row + index * height for row in range(len(names))]
        axes.barh(positions, values, height=height, label=label)
        for position, value in zip(positions, values, strict=True):
            axes.text(value, position, f" {value:.1f}", va="center", fontsize=7)
    axes.set_yticks([row + height * (len(runs) - 1) / 2 for row in range(len(names))], names, fontsize=8)
    axes.invert_yaxis()
    axes.set(xlabel="CPU ms per request, in Django (mean)", title="CPU per request, per endpoint")
    axes.set_xscale("log")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
