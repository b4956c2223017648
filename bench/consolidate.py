"""Benchmark: consolidation of N filled workbooks against the read-only floor and a naive baseline.

    python bench/consolidate.py --units 35 1000 5000

For each N it generates (once, cached under bench/.cache/) a scheme scaled to N units, the
templates, and every submission filled by the synthetic clerks; then it measures
  floor     reading every file with python-calamine (all sheets to Python values), nothing else,
            in one process; and the same read split over two processes (this machine's two
            cores; pool start-up included), a second, fairer floor for a two-process run;
  naive     reading every file with openpyxl (load_workbook, every cell's value) — the way a
            straightforward script would;
  kaohe     the whole consolidation: discover, inspect, read, validate, score, rank, write
            results.json and results.xlsx;
and prints the times, kaohe/floor and naive/kaohe, where kaohe's time goes (load, examine,
score, write_json, write_xlsx — the results workbook is written alongside the JSON, in a
second process), and the peak memory of the run, which runs in a fresh process: its peak
RSS plus its largest child's, and the peak of the sum of its processes' PSS (a forked
child's pages shared with its parent count once there).
Not a test: numbers depend on the machine (this project's is 2 cores).
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kaohe.pipeline.documents import (  # noqa: E402
    default_scheme_document,
    scheme_from_document,
)
from kaohe.pipeline.io import write_json  # noqa: E402
from kaohe.synth import scale_scheme, synthesize  # noqa: E402

CACHE = ROOT / "bench" / ".cache"


def prepare(n: int) -> tuple[Path, Path]:
    """The scheme file and the folder of filled workbooks for n units (cached).

    The `.complete` stamp names the template format the cache was built with; a cache of
    another format (or an older, empty stamp) is built again.
    """
    from workbook_templates.meta import FORMAT_VERSION

    folder = CACHE / f"units-{n}"
    done = folder / ".complete"
    stamp = f"template format {FORMAT_VERSION}\n"
    if not done.exists() or done.read_text(encoding="utf-8") != stamp:
        from workbook_templates import build_templates

        shutil.rmtree(folder, ignore_errors=True)
        doc = scale_scheme(default_scheme_document(), n)
        scheme = scheme_from_document(doc)
        write_json(folder / "scheme.json", doc)
        t = time.perf_counter()
        build_templates(scheme, folder / "templates")
        built = time.perf_counter() - t
        _fill(synthesize(scheme, seed=7), folder / "templates", folder / "submissions")
        print(f"  generated {n} units' workbooks in {time.perf_counter() - t:.1f} s "
              f"(templates {built:.1f} s)")
        done.write_text(stamp, encoding="utf-8")
    return folder / "scheme.json", folder / "submissions"


def _fill(generated: dict[str, Any], templates: Path, out: Path) -> None:
    """Every template filled with its synthetic document (fill_submissions, one process)."""
    from kaohe.pipeline.demo import fill_submissions

    fill_submissions(generated, templates, out)


def read_floor(files: list[Path]) -> float:
    """python-calamine: every sheet of every file to Python values."""
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - t


def _read_some(files: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    return len(files)


def read_floor_parallel(files: list[Path], workers: int = 2) -> float:
    """The floor split over `workers` processes: each reads every other file, sends back a count."""
    from concurrent.futures import ProcessPoolExecutor

    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        sum(pool.map(_read_some, [files[i::workers] for i in range(workers)]))
    return time.perf_counter() - t


def read_naive(files: list[Path]) -> float:
    """openpyxl: load each workbook and touch every cell's value."""
    import openpyxl

    t = time.perf_counter()
    for path in files:
        book = openpyxl.load_workbook(path)
        for ws in book.worksheets:
            for row in ws.iter_rows(values_only=True):
                for _ in row:
                    pass
        book.close()
    return time.perf_counter() - t


def run_kaohe(scheme_path: Path, folder: Path, out: Path) -> dict[str, Any]:
    """The whole consolidation as `kaohe consolidate --json --out` runs it, in a fresh process
    (so nothing the floor or the baseline read is in its memory), and what it took.

    Returns total (s), phases (s), rss (peak RSS of the run's process plus its largest
    child, MB: the measure of the issue; it counts twice the pages a forked child shares
    with its parent) and pss (the largest sum of the proportional set sizes of the run's
    processes sampled every 20 ms, MB: the memory the run really held).
    """
    import json
    import subprocess

    command = [sys.executable, __file__, "--run-one", str(scheme_path), str(folder), str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    pss = 0.0
    while proc.poll() is None:
        pss = max(pss, _tree_pss(proc.pid))
        time.sleep(0.02)
    report: dict[str, Any] = json.loads(proc.stdout.read() if proc.stdout else "{}")
    if proc.returncode:
        raise SystemExit(f"the consolidation failed with exit code {proc.returncode}")
    report["pss"] = pss
    return report


def _run_one(scheme_path: Path, folder: Path, out: Path) -> None:
    """(In the fresh process) run the consolidation and print its times and peak RSS."""
    import json

    from kaohe.pipeline.consolidate import run_consolidation

    phases: dict[str, float] = {}
    t = time.perf_counter()
    run_consolidation(folder, scheme_path=scheme_path, out=out / "results.xlsx",
                      json_out=out / "results.json", echo=lambda *a, **k: None,
                      timings=phases)
    total = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"total": total, "phases": phases, "rss": (own + kids) / 1024}))


def _tree_pss(pid: int) -> float:
    """Sum of Pss over a process and its descendants, MB (0 for what has already ended)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[35, 1000])
    parser.add_argument("--skip-naive", action="store_true", help="skip the openpyxl baseline")
    parser.add_argument("--run-one", nargs=3, metavar=("SCHEME", "FOLDER", "OUT"),
                        help=argparse.SUPPRESS)  # the fresh process of run_kaohe
    args = parser.parse_args()
    if args.run_one:
        _run_one(*(Path(a) for a in args.run_one))
        return
    for n in args.units:
        print(f"N = {n}")
        scheme_path, folder = prepare(n)
        files = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")
        floor = min(read_floor(files) for _ in range(2))
        floor2 = min(read_floor_parallel(files) for _ in range(2))
        naive = float("nan") if args.skip_naive else read_naive(files)
        gc.collect()
        run = run_kaohe(scheme_path, folder, CACHE / f"out-{n}")
        total, phases = run["total"], run["phases"]
        print(f"  files                 {len(files)}")
        print(f"  calamine read floor   {floor:8.2f} s  ({floor / len(files) * 1000:.2f} ms/file)")
        print(f"  calamine, 2 processes {floor2:8.2f} s")
        print(f"  openpyxl naive read   {naive:8.2f} s  ({naive / len(files) * 1000:.2f} ms/file)")
        print(f"  kaohe consolidation   {total:8.2f} s  ({total / len(files) * 1000:.2f} ms/file)")
        print(f"  kaohe / floor         {total / floor:8.2f} ×   (target ≤ 2)")
        print(f"  kaohe / 2-process floor {total / floor2:6.2f} ×")
        print(f"  naive / kaohe         {naive / total:8.2f} ×   (target ≥ 5)")
        for phase, seconds in phases.items():
            alongside = "  (alongside write_json)" if phase == "write_xlsx" else ""
            print(f"    {phase:<19} {seconds:8.2f} s{alongside}")
        serial = sum(v for k, v in phases.items() if k not in ("write_json", "write_xlsx"))
        serial += max(phases.get("write_json", 0.0), phases.get("write_xlsx", 0.0))
        print(f"    (imports, other)    {total - serial:8.2f} s")
        print(f"  peak RSS, run + largest child {run['rss']:5.0f} MB"
              "  (a forked child's shared pages counted twice)")
        print(f"  peak PSS, all its processes   {run['pss']:5.0f} MB")


if __name__ == "__main__":
    main()
