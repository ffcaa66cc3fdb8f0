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


def latency_over_time(history: list[dict], stages: list[Stage], path: Path) -> None:
    start = history[0]["time"]
    seconds = [row["time"] - start for row in history]
    figure, axes = plt.subplots(figsize=(9, 4))
    for key, colour in (("p50", "tab:green"), ("p95", "tab:orange"), ("p99", "tab:red")):
        axes.plot(seconds, [row[key] for row in history], label=key, color=colour, linewidth=1)
    axes.axhline(50, color="tab:orange", linestyle="--", linewidth=0.8, label="p95 gate 50 ms")
    axes.axhline(150, color="tab:red", linestyle="--", linewidth=0.8, label="p99 gate 150 ms")
    _stage_lines(axes, stages)
    axes.set(xlabel="seconds", ylabel="ms (last 10 s window)", title="Response time over the run")
    axes.set_yscale("log")
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def throughput_over_time(history: list[dict], stages: list[Stage], path: Path) -> None:
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
    axes.axhline(250, color="tab:blue", linestyle="--", linewidth=0.8, label="250 req/s gate")
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
