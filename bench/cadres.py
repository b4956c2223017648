"""Benchmark: the people's assessment of a province-sized year against the unit-only work.

    python bench/cadres.py [--units 300] [--cadres 2000] [--raters 8] [--repeat 3]

Generates (in memory, seeded) a scheme scaled to N units with M rater groups for the cadre
ballots, every unit's results, rosters holding `--cadres` people in all (5–9 a unit) and their
ballot tallies; then measures, best of `--repeat`:
  units   the unit-only consolidation of the same units from their documents: score, rank,
          grade, write results.json and results.xlsx;
  cadres  the same with the people: score, rank and grade the units, then assess every team
          and cadre (ballots by rater group, scores, quotas, caps, alerts, bonus, merits) and
          write results.json and results.xlsx with the people's sheets;
and prints both, the people's own share (cadres − units; the target is under 3 s for 2,000
cadres in 300 units with 8 rater groups) and the ratio cadres / units.
Not a test: numbers depend on the machine (this project's is 2 cores, shared).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaohe.engine import score  # noqa: E402
from kaohe.engine.cadres import CadreRules, assess_cadres  # noqa: E402
from kaohe.pipeline.demo import flatten  # noqa: E402
from kaohe.pipeline.documents import (  # noqa: E402
    default_scheme_document,
    documents_from,
    scheme_from_document,
)
from kaohe.pipeline.io import write_json  # noqa: E402
from kaohe.synth import scale_scheme, synthesize  # noqa: E402
from kaohe.synth_cadres import synthesize_cadres  # noqa: E402


def inputs(units: int, cadres: int, raters: int) -> tuple[Any, Any, dict[str, Any]]:
    """(scheme, unit documents, people documents trimmed to `cadres` people in all)."""
    doc = scale_scheme(default_scheme_document(), units)
    doc["cadres"]["rater_groups"] = [
        {"id": f"r{i}", "name": f"测评主体{i}", "weight": 1.0 / raters} for i in range(raters)]
    scheme = scheme_from_document(doc)
    people = synthesize_cadres(scheme)
    total = sum(len(r["people"]) for r in people["rosters"].values())
    for unit_id in reversed(list(people["rosters"])):  # trim (or not) to `cadres` in all
        roster = people["rosters"][unit_id]
        while total > cadres and len(roster["people"]) > 5:
            gone = roster["people"].pop()["person_id"]
            tally = people["cadre_ballots"][unit_id]
            tally["entries"] = [e for e in tally["entries"] if e["subject"] != gone]
            total -= 1
    return scheme, documents_from(flatten(synthesize(scheme))), people


def run(scheme: Any, docs: Any, people: dict[str, Any] | None, out: Path) -> float:
    """One consolidation from documents, written; returns seconds."""
    from outputs.results_book import write_results_workbook

    start = time.perf_counter()
    results = score(scheme, docs)
    if people is not None:
        rules = CadreRules.from_document(scheme.document)
        assert rules is not None
        section = assess_cadres(rules, results["units"], people["rosters"],
                                people["cadre_ballots"], [people["sanctions"]], scheme.year,
                                list(results["grades"]))
        section.update(year=scheme.year, grades=list(rules.grades),
                       team_grades=list(rules.team_grades))
        results["cadres"] = section
    write_json(out / "results.json", results)
    write_results_workbook(results, out / "results.xlsx", scheme=dict(scheme.document))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--cadres", type=int, default=2000)
    parser.add_argument("--raters", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scheme, docs, people = inputs(args.units, args.cadres, args.raters)
    n = sum(len(r["people"]) for r in people["rosters"].values())
    tallies = sum(len(t["entries"]) for t in people["cadre_ballots"].values())
    print(f"{len(scheme.units)} units, {n} cadres, {args.raters} rater groups, "
          f"{tallies} tally rows")
    with tempfile.TemporaryDirectory() as tmp:
        units = min(run(scheme, docs, None, Path(tmp)) for _ in range(args.repeat))
        both = min(run(scheme, docs, people, Path(tmp)) for _ in range(args.repeat))
    print(f"units only (score, rank, grade, write json + xlsx): {units:.2f} s")
    print(f"with teams and cadres:                             {both:.2f} s")
    print(f"the people's own share: {both - units:.2f} s (target < 3 s); "
          f"ratio with/without: {both / units:.2f}×")


if __name__ == "__main__":
    main()
