"""The matcher against the labelled set screening_eval.csv: recall and precision by form.

The list screened against is made of the set's listed entries, loaded by the real loader
(``sanctions_list_load``) into SanctionsEntry rows, and every query goes through
``screening_run`` as a wire or a KYC profile does. ``make screening-eval`` prints the table.
"""

import csv
from collections import Counter
from pathlib import Path

import pycountry
import pytest

from kyc.screening.matcher import screening_run
from kyc.services.screening import sanctions_list_load
from kyc.tests.data import screening_eval_build

EVAL_SET = Path(__file__).resolve().parents[1] / "data" / "screening_eval.csv"

pytestmark = pytest.mark.django_db


def _eval_rows() -> list[dict]:
    with EVAL_SET.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def _list_load(rows: list[dict], directory: Path) -> dict[str, int]:
    """Load the set's listed entries as an SDN file; the uid of each listed name."""
    uids: dict[str, int] = {}
    lines = []
    for row in rows:
        if row["listed_name"] in uids:
            continue
        uid = uids[row["listed_name"]] = 90_000 + len(uids)
        country = pycountry.countries.get(alpha_2=row["listed_country"]).name
        cells = [
            str(uid),
            row["listed_name"],
            row["listed_type"],
            "EVAL",
            *["-0- "] * 7,
            f"nationality {country}.",
        ]
        lines.append(cells)
    sdn = directory / "sdn.csv"
    with sdn.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(lines)
    sanctions_list_load(sdn_path=sdn)
    return uids


def _screened(rows: list[dict], uids: dict[str, int]) -> list[tuple[dict, bool]]:
    """Each row with whether it came out right: a true match names its entry among the hits,
    a near miss is no hit at all."""
    results = []
    for row in rows:
        hits = screening_run(name=row["query"], country=row["query_country"] or None)
        if row["expected"] == "hit":
            results.append((row, uids[row["listed_name"]] in {hit.uid for hit in hits}))
        else:
            results.append((row, not hits))
    return results


def _table(results: list[tuple[dict, bool]]) -> str:
    cases, hits = Counter(), Counter()
    for row, right in results:
        cases[row["form"]] += 1
        # A hit is a true match found, or a near miss wrongly held.
        hits[row["form"]] += right if row["expected"] == "hit" else not right
    expected = {row["form"]: row["expected"] for row, _ in results}
    lines = [f"{'form':<40}{'expects':>8}{'cases':>7}{'hits':>6}{'misses':>8}"]
    for form in sorted(cases, key=lambda f: (expected[f], f)):
        lines.append(
            f"{form:<40}{expected[form]:>8}{cases[form]:>7}{hits[form]:>6}{cases[form] - hits[form]:>8}"
        )
    true_matches = [right for row, right in results if row["expected"] == "hit"]
    near_misses = [right for row, right in results if row["expected"] == "miss"]
    found, wrongly_held = sum(true_matches), len(near_misses) - sum(near_misses)
    lines += [
        "",
        f"true matches: {len(true_matches)}, found {found}: recall {found / len(true_matches):.2f}",
        f"near misses: {len(near_misses)}, not held {sum(near_misses)}: "
        f"{sum(near_misses) / len(near_misses):.2f} correctly not hits",
        f"precision over all hits: {found / (found + wrongly_held):.3f} ({wrongly_held} near misses held)",
    ]
    return "\n".join(lines)


def test_every_true_match_is_a_hit_and_near_misses_are_not(tmp_path):
    rows = _eval_rows()
    assert len(rows) >= 300
    results = _screened(rows, _list_load(rows, tmp_path))
    print("\n" + _table(results))
    missed = [row["query"] for row, right in results if row["expected"] == "hit" and not right]
    assert missed == []
    near_misses = [right for row, right in results if row["expected"] == "miss"]
    assert sum(near_misses) / len(near_misses) >= 0.95


def test_the_set_is_what_its_build_script_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(screening_eval_build, "OUTPUT", tmp_path / "screening_eval.csv")
    screening_eval_build.main()
    assert (tmp_path / "screening_eval.csv").read_text(encoding="utf-8") == EVAL_SET.read_text(
        encoding="utf-8"
    )
