"""Benchmark: building the template set, and reading filled workbooks back with read_workbook.

    python bench/templates_build_read.py [--repeat 300] [--units 1000 2000 4000]

Builds every template of the embedded scheme (timed), fills each with the synthetic
documents, then times per file: the floor (python-calamine opening the file and reading
the same sheets read_workbook needs: `_meta` and the data sheets, all to Python values),
read_workbook without and with the JSON Schema check. Prints milliseconds per file (median).
With --units, it then times building the templates that grow with the number of units
(ballots, adjustments, routine, the largest scoring sheet) for schemes scaled to each N:
the time per unit should stay flat, building is linear.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from python_calamine import CalamineWorkbook  # noqa: E402

from kaohe.pipeline.documents import (  # noqa: E402
    default_scheme_document,
    load_scheme,
    scheme_from_document,
)
from kaohe.synth import scale_scheme, synthesize  # noqa: E402
from tests.templates_helpers import documents_by_file  # noqa: E402
from workbook_templates import (  # noqa: E402
    build_adjustments,
    build_ballots,
    build_lead_scores,
    build_routine,
    build_templates,
    fill_workbook,
    read_workbook,
)
from workbook_templates.meta import parse_meta  # noqa: E402


def _median_ms(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _floor(path: Path) -> None:
    book = CalamineWorkbook.from_path(str(path))
    meta = parse_meta(book.get_sheet_by_name("_meta").to_python(skip_empty_area=False))
    for spec in meta["layout"]["sheets"].values():
        book.get_sheet_by_name(spec["name"]).to_python(skip_empty_area=False)


def build_at_scale(units: list[int], out: Path) -> None:
    """Seconds to build each template that grows with the units, per N, and per 1,000 units."""
    for n in units:
        scheme = scheme_from_document(scale_scheme(default_scheme_document(), n))
        builders: dict[str, Callable[[Path], Path]] = {
            "ballots": partial(build_ballots, scheme),
            "adjustments": partial(build_adjustments, scheme),
            "routine": partial(build_routine, scheme),
            "lead_scores_zzb": partial(build_lead_scores, scheme, "zzb"),
        }
        for name, build in builders.items():
            start = time.perf_counter()
            path = build(out / f"{name}-{n}.xlsx")
            took = time.perf_counter() - start
            print(f"N = {n}: {name} built in {took:.2f} s ({took / n * 1000:.2f} s per 1,000 "
                  f"units, {path.stat().st_size / 1e6:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--units", type=int, nargs="*", default=[],
                        help="also time building the large templates for these numbers of units")
    args = parser.parse_args()
    scheme = load_scheme()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        start = time.perf_counter()
        paths = build_templates(scheme, out / "templates")
        built = time.perf_counter() - start
        print(f"build_templates: {len(paths)} files in {built:.2f} s "
              f"({built / len(paths) * 1000:.0f} ms/file)")
        docs = documents_by_file(scheme, synthesize(scheme))
        for name in ("单位自评表_阿勒泰市.xlsx", "单位自评表_地区教育局.xlsx",
                     "牵头部门评分表_地委组织部.xlsx", "民主测评及满意度统计表.xlsx"):
            path = fill_workbook(out / "templates" / name, docs[name], out / "filled" / name)
            floor = _median_ms(lambda p=path: _floor(p), args.repeat)
            fast = _median_ms(lambda p=path: read_workbook(p, check_schema=False), args.repeat)
            full = _median_ms(lambda p=path: read_workbook(p), args.repeat)
            print(f"{name}: calamine floor {floor:.2f} ms, read_workbook {fast:.2f} ms "
                  f"(no schema), {full:.2f} ms (with schema) — {fast / floor:.2f}× the floor")
        build_at_scale(args.units, out)


if __name__ == "__main__":
    main()
