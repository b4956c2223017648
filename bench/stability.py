"""Benchmark: rank stability (10,000 weight draws) against one plain scoring of the same units.

    python bench/stability.py --units 34 1000 [--draws 10000]

For each N it scales the embedded scheme to N units, synthesises their documents, scores them
once (the engine's score(): every indicator, component, gate, rounding, rank and grade — the
consolidation without reading workbooks) and then computes the rank stability section
(re-weight, re-total, re-rank and re-grade per draw, numpy's import included on the first
run), and prints both times and their ratio. Targets (issue 18): 34 units < 1 s,
1,000 units < 10 s. Not a test: numbers depend on the machine (this project's is 2 cores,
shared).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaohe.engine import Documents, score  # noqa: E402
from kaohe.pipeline.documents import default_scheme_document, scheme_from_document  # noqa: E402
from kaohe.synth import scale_scheme, synthesize  # noqa: E402


def run(n: int, draws: int) -> tuple[float, float]:
    """(seconds to score n units once, seconds for their stability with `draws` draws)."""
    from kaohe.analysis.stability import rank_stability, stability_settings

    scheme = scheme_from_document(scale_scheme(default_scheme_document(), n))
    g = synthesize(scheme)
    docs = Documents(unit_reports=g["unit_reports"], lead_scores=g["lead_scores"],
                     adjustments=g["adjustments"], routine=g["routine"], ballots=g["ballots"])
    start = time.perf_counter()
    results = score(scheme, docs)
    plain = time.perf_counter() - start
    settings = stability_settings(scheme.document, scheme.year) | {"draws": draws}
    start = time.perf_counter()
    rank_stability(scheme, results, settings)
    return plain, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[34, 1000])
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()
    print(f"{'units':>6} {'draws':>7} {'score once':>11} {'stability':>10} {'ratio':>7}")
    for n in args.units:
        plain, stable = run(n, args.draws)
        print(f"{n:>6} {args.draws:>7} {plain:>10.3f}s {stable:>9.3f}s {stable / plain:>6.1f}×")


if __name__ == "__main__":
    main()
