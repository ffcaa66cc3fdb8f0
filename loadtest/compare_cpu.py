"""CPU per request of two or more finished load runs, side by side: the run's whole figure
by part of the machine (cpu.json) and each endpoint's (server_timing.json), as a Markdown
table and a PNG.

    .venv-load/bin/python loadtest/compare_cpu.py before=var/loadtest/full-A after=var/loadtest/full-B \\
        [--plot docs/loadtest/cpu-per-endpoint.png]
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load(directory: Path) -> tuple[dict, dict]:
    cpu = json.loads((directory / "cpu.json").read_text())
    timings = json.loads((directory / "server_timing.json").read_text())
    return cpu, timings


def table(runs: dict[str, tuple[dict, dict]]) -> str:
    labels = list(runs)
    lines = [
        "| CPU ms per request | " + " | ".join(labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    parts = list(next(iter(runs.values()))[0]["cpu_ms_per_request"])
    for part in parts:
        cells = [f"{runs[label][0]['cpu_ms_per_request'][part]:.2f}" for label in labels]
        lines.append(f"| whole run: {part.replace('_', ' ')} | " + " | ".join(cells) + " |")
    lines.append(
        "| requests answered | " + " | ".join(f"{runs[label][0]['requests']:,}" for label in labels) + " |"
    )
    names = sorted({name for _, timings in runs.values() for name in timings})
    for name in names:
        cells = []
        for label in labels:
            cpu = runs[label][1].get(name, {}).get("cpu")
            cells.append(f"{cpu['mean']:.2f} (p95 {cpu['p95']:.1f})" if cpu else "-")
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("runs", nargs="+", help="LABEL=DIRECTORY of a finished make loadtest run")
    parser.add_argument("--plot", type=Path)
    options = parser.parse_args()
    runs = {}
    for item in options.runs:
        label, _, directory = item.partition("=")
        runs[label] = load(Path(directory))
    print(table(runs))
    if options.plot:
        from loadtest import plots

        plots.cpu_per_endpoint({label: timings for label, (_, timings) in runs.items()}, options.plot)
        print(f"\nplot: {options.plot}")


if __name__ == "__main__":
    main()
