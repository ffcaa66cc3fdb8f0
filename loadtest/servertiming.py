"""Where the server says a request's time went: its Server-Timing header, summed per endpoint.

bankcore answers every request with ``Server-Timing: db;dur=..., cache;dur=..., total;dur=...``.
Set beside locust's client-side times, it tells queueing (client time the server never saw)
from work in the app, and database from cache from Python.
"""

import math
import re
from collections import defaultdict

_METRIC = re.compile(r"(\w+);dur=([\d.]+)")


def parse(header: str | None) -> dict[str, float]:
    """{"db": ms, "cache": ms, "total": ms} from one header; {} when it is missing."""
    return {name: float(value) for name, value in _METRIC.findall(header or "")}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, math.ceil(fraction * len(ordered)) - 1)  # nearest rank
    return ordered[index]


class ServerTimings:
    """Server-side durations per request name, kept whole (a run is at most ~10^6 requests)."""

    def __init__(self):
        self._samples: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    def add(self, name: str, header: str | None) -> None:
        for metric, value in parse(header).items():
            self._samples[name][metric].append(value)

    def summary(self) -> dict[str, dict[str, dict[str, float]]]:
        """{name: {metric: {"p50", "p95", "mean"}}}, ms."""
        return {
            name: {
                metric: {
                    "p50": round(_percentile(values, 0.50), 1),
                    "p95": round(_percentile(values, 0.95), 1),
                    "mean": round(sum(values) / len(values), 2),
                }
                for metric, values in metrics.items()
            }
            for name, metrics in sorted(self._samples.items())
        }
