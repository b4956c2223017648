"""Benchmark: building the template set, and reading filled workbooks back with read_workbook.

    python bench/templates_build_read.py [--repeat 300]

Builds every template of the embedded scheme (timed), fills each with the synthetic
documents, then times per file: the floor (python-calamine opening the file and reading
the same sheets read_workbook needs: `_meta` and the data sheets, all to Python values),
read_workbook without and with the JSON Schema check. Prints milliseconds per file (median).
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from python_calamine import CalamineWorkbook  # noqa: E402

from kaohe.pipeline.documents import load_scheme  # noqa: E402
from kaohe.synth import synthesize  # noqa: E402
from tests.templates_helpers import documents_by_file  # noqa: E402
from workbook_templates import build_templates, fill_workbook, read_workbook  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
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
        for name in ("单位自评表_altay_city.xlsx", "单位自评表_d_jyj.xlsx",
                     "牵头部门评分表_zzb.xlsx", "民主测评及满意度统计表.xlsx"):
            path = fill_workbook(out / "templates" / name, docs[name], out / "filled" / name)
            floor = _median_ms(lambda p=path: _floor(p), args.repeat)
            fast = _median_ms(lambda p=path: read_workbook(p, check_schema=False), args.repeat)
            full = _median_ms(lambda p=path: read_workbook(p), args.repeat)
            print(f"{name}: calamine floor {floor:.2f} ms, read_workbook {fast:.2f} ms "
                  f"(no schema), {full:.2f} ms (with schema) — {fast / floor:.2f}× the floor")


if __name__ == "__main__":
    main()
