"""Sanctions screening time on the shipped fixture and on a synthetic 10,000-entry list.

    DATABASE_URL=... SECRET_KEY=... python loadtest/bench_screening.py --screenings 500

Loads kyc/fixtures (sdn.csv + alt.csv) as the newest list version, times the first
screening (which reads the version's names into the process) and then warm screenings of
listed and unlisted names; then loads a generated list of 10,000 individuals with an alias
each and does the same. Prints the load time, the cold time, and the warm median and p95.
Each run adds list versions to the database it is given: point it at a scratch one.
Not a unit test: run it on a quiet machine and write the numbers to docs/performance.md.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankcore.settings")

import django  # noqa: E402

django.setup()

from kyc.screening.matcher import screening_run  # noqa: E402
from kyc.services.screening import sanctions_list_load  # noqa: E402

SYLLABLES = ["al", "ba", "ker", "mo", "ra", "vic", "sha", "din", "lo", "pe", "za", "nov", "ta", "ri", "hu"]
QUERIES = ["Nicolás Maduro Moros", "Joaquin Guzman", "Margaret Eleanor Whitfield", "Kim Jong Un", "Jane Doe"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def synthetic_list(directory: Path, entries: int) -> tuple[Path, Path]:
    rng = random.Random(10)
    sdn, alt = [], []
    for uid in range(1, entries + 1):
        surname, given = word(rng).upper(), f"{word(rng)} {word(rng)}"
        year = rng.randint(1940, 2000)
        sdn.append(
            f'{uid},"{surname}, {given}","individual","SDGT","-0- ","-0- ","-0- ","-0- ","-0- ",'
            f'"-0- ","-0- ","DOB {year}; nationality Iran."'
        )
        alt.append(f'{uid},{uid},"aka","{word(rng).upper()}, {given}","-0- "')
    (directory / "sdn.csv").write_text("\n".join(sdn) + "\n")
    (directory / "alt.csv").write_text("\n".join(alt) + "\n")
    return directory / "sdn.csv", directory / "alt.csv"


def measure(label: str, sdn: Path, alt: Path, screenings: int) -> None:
    start = time.perf_counter()
    sanctions_list, _ = sanctions_list_load(sdn_path=sdn, alt_path=alt)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    screening_run(name=QUERIES[0])
    cold = (time.perf_counter() - start) * 1000
    timings = []
    for number in range(screenings):
        start = time.perf_counter()
        screening_run(name=QUERIES[number % len(QUERIES)])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(
        f"{label}: {sanctions_list.entry_count} entries loaded in {loaded:.2f} s; "
        f"first screening {cold:.1f} ms; warm median {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)]:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--screenings", type=int, default=500)
    parser.add_argument("--entries", type=int, default=10_000)
    options = parser.parse_args()
    fixtures = ROOT / "kyc" / "fixtures"
    measure("fixture", fixtures / "sdn.csv", fixtures / "alt.csv", options.screenings)
    with tempfile.TemporaryDirectory() as directory:
        sdn, alt = synthetic_list(Path(directory), options.entries)
        measure("synthetic", sdn, alt, options.screenings)


if __name__ == "__main__":
    main()
