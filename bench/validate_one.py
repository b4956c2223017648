"""Benchmark: validating one filled unit report (the whole validate_workbook path).

    python bench/validate_one.py [--repeat 200] [--unit altay_city]

Builds the unit's template with our builder, fills it with synthetic data (fill_workbook),
then times validate_workbook on it — inspect_file, _meta and identity, read_workbook,
fingerprint, formulas, schema and value checks — and, for comparison, the steps alone.
Prints milliseconds per file (median and mean). Not a test: numbers depend on the machine.
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

from kaohe.engine import Scheme  # noqa: E402
from kaohe.pipeline.documents import default_scheme_document  # noqa: E402
from kaohe.synth import synthesize  # noqa: E402


def timed(label: str, func: Callable[[], object], repeat: int) -> float:
    func()  # warm: imports, caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    print(f"{label:<38} median {median:7.2f} ms   mean {statistics.fmean(times):7.2f} ms   "
          f"max {max(times):7.2f} ms")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--unit", default="altay_city")
    args = parser.parse_args()

    from validators.container.files import inspect_file
    from validators.workbook import validate_workbook
    from workbook_templates import fill_workbook, read_workbook
    from workbook_templates.unit_report import build_unit_report

    scheme = Scheme.from_document(default_scheme_document())
    document = synthesize(scheme)["unit_reports"][args.unit]
    with tempfile.TemporaryDirectory(prefix="kaohe-bench-") as folder:
        template = build_unit_report(scheme, args.unit, Path(folder) / "template.xlsx")
        path = fill_workbook(template, document, Path(folder) / "filled.xlsx")
        report = validate_workbook(path, scheme)
        print(f"{path.stat().st_size} bytes, {len(document['items'])} items, "
              f"{len(report.issues)} findings; {args.repeat} repetitions")
        timed("inspect_file", lambda: inspect_file(path), args.repeat)
        timed("read_workbook", lambda: read_workbook(path, check_schema=False), args.repeat)
        whole = timed("validate_workbook (everything)", lambda: validate_workbook(path, scheme),
                      args.repeat)
    print(f"=> {whole:.1f} ms per filled unit report")


if __name__ == "__main__":
    main()
