"""Benchmark: consolidation of N filled workbooks against the read-only floor and a naive baseline.

    python bench/consolidate.py --units 1000 5000 --rounds 3 --templates

For each N it generates (once, cached under bench/.cache/) a scheme scaled to N units, the
templates (built in two processes), and every submission filled by the synthetic clerks;
then, in rounds, one after another (so a drift of the shared machine's speed touches all
of them alike), it measures
  floor     reading every file with python-calamine (all sheets to Python values), nothing else,
            in one process; and the same read split over two processes (pool start-up
            included), a second, fairer floor for a two-process run;
  first     the whole consolidation (`kaohe consolidate --json --out`, in a fresh process)
            with no examination cache: discover, inspect, read, validate, score, rank,
            write results.json and results.xlsx;
  re-run    the same after one unit report changed, the cache of the run before it in place:
            one file examined, the others' examinations reused;
  naive     reading every file with openpyxl (load_workbook, every cell's value) — the way a
            straightforward script would (skipped with --skip-naive);
and the first run and the re-run again with a history database (--db: a new database for
the first run; the re-run records a revision and diffs it). It prints each round, then the
medians and the ratios to the round's floor, where the time of each run goes, and the peak
memory of the first run: its peak RSS plus its largest child's, and the peak of the sum of
its processes' PSS. With --templates it times building the N units' templates (two
processes) into a temporary folder. Not a test: numbers depend on the machine (this
project's is 2 cores, shared); the load average is printed with them.
"""

from __future__ import annotations

import argparse
import gc
import os
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
        build_templates(scheme, folder / "templates", workers=2)
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


def run_kaohe(scheme_path: Path, folder: Path, out: Path, db: Path | None = None,
              sample: bool = True) -> dict[str, Any]:
    """The whole consolidation as `kaohe consolidate --json --out` runs it, in a fresh process
    (so nothing the floor or the baseline read is in its memory), and what it took.

    Returns total (s), phases (s) and, with `sample`, three peaks of memory (MB), the run's
    processes sampled every 20 ms: rss_sum (the largest sum of the resident set sizes of the
    processes alive at once: the measure of the issue; it counts twice the pages a forked
    child shares with its parent), rss (the peak RSS of the run's process plus that of its
    largest child, each at its own moment: more than any moment held) and pss (the largest
    sum of the proportional set sizes: the memory the run really held). Sampling slows the
    run it measures (reading a process's smaps_rollup walks its page tables under its memory
    lock: about 0.08 s of a re-run at 1,000 units), so the re-runs are timed without it.
    """
    import json
    import subprocess

    command = [sys.executable, __file__, "--run-one", str(scheme_path), str(folder), str(out),
               str(db or "")]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    pss = rss_sum = 0.0
    while sample and proc.poll() is None:
        rss_now, pss_now = _tree_memory(proc.pid)
        pss, rss_sum = max(pss, pss_now), max(rss_sum, rss_now)
        time.sleep(0.02)
    proc.wait()
    report: dict[str, Any] = json.loads(proc.stdout.read() if proc.stdout else "{}")
    if proc.returncode:
        raise SystemExit(f"the consolidation failed with exit code {proc.returncode}")
    report["pss"], report["rss_sum"] = pss, rss_sum
    return report


def _run_one(scheme_path: Path, folder: Path, out: Path, db: str) -> None:
    """(In the fresh process) run the consolidation and print its times and peak RSS."""
    import json

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the kaohe command sets it

    from kaohe.pipeline.consolidate import run_consolidation

    phases: dict[str, float] = {}
    t = time.perf_counter()
    run_consolidation(folder, scheme_path=scheme_path, out=out / "results.xlsx",
                      json_out=out / "results.json", echo=lambda *a, **k: None,
                      timings=phases, db=db or None)
    total = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"total": total, "phases": phases, "rss": (own + kids) / 1024}))


def _tree_memory(pid: int) -> tuple[float, float]:
    """Sums of Rss and of Pss over a process and its descendants, MB (0 for what has ended)."""
    rss = pss = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return rss, pss


def working_copy(folder: Path, work: Path) -> Path:
    """The submissions as hard links in `work` (one of them is changed between runs)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for path in folder.iterdir():
        if path.suffix == ".xlsx":
            os.link(path, work / path.name)
    return work


class OneChange:
    """Swaps one unit report of the working copy between two fillings (its actual values
    differ, and so its score), so that each re-run finds exactly one file changed since the
    run before, and its group's rank-stability draws are made again."""

    def __init__(self, scheme_path: Path, folder: Path, work: Path) -> None:
        import json

        from kaohe.pipeline.documents import scheme_from_document
        from workbook_templates import fill_workbook, template_name
        from workbook_templates.build import template_names

        scheme = scheme_from_document(json.loads(scheme_path.read_text(encoding="utf-8")))
        unit = scheme.units[len(scheme.units) // 2].id
        name = template_names(scheme)[("unit_report", unit)]  # by the unit's name
        if not (folder / name).exists():  # inputs generated before the readable names
            name = template_name("unit_report", "zh", unit)
        self.target = work / name
        document = synthesize(scheme, seed=7)["unit_reports"][unit]
        for item in document.get("items") or []:  # another filling of the same report:
            if isinstance(item.get("actual"), int | float):  # the unit's figures revised
                item["actual"] = round(item["actual"] * 0.9, 2)  # down, so its score, rank
                # and its group's stability draws change (the re-run's real work)
        self.versions = [folder / name, fill_workbook(folder.parent / "templates" / name,
                                                      document, work.parent / f"alt-{name}")]
        self.turn = 0

    def next(self) -> None:
        """Put the other version in place (a new file: the links stay untouched)."""
        self.turn = 1 - self.turn
        tmp = self.target.with_suffix(".tmp")
        shutil.copyfile(self.versions[self.turn], tmp)
        os.replace(tmp, self.target)


def _clear_cache(out: Path, db: Path | None) -> None:
    from kaohe.pipeline.exam_cache import CACHE_NAME

    (out / CACHE_NAME).unlink(missing_ok=True)
    if db is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def _coverage(results: Path, files: int, units: int) -> str:
    """How many files the run used and units it scored: none left out, or which."""
    import json

    doc = json.loads(results.read_text(encoding="utf-8"))
    used = sum(1 for item in doc["inputs"] if item["used"])
    left = [item["file"] for item in doc["inputs"] if not item["used"]][:3]
    return (f"used {used} of {files} files, scored {len(doc['units'])} of {units} units"
            + (f"; not used: {', '.join(left)}" if left else " (none left out)"))


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _median(values: list[float]) -> float:
    import statistics

    return statistics.median(values) if values else float("nan")


def bench(n: int, rounds: int, naive_rounds: int) -> None:
    """The rounds at n units, then their medians and ratios."""
    print(f"N = {n}   ({_load()})")
    scheme_path, folder = prepare(n)
    files = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")
    work = working_copy(folder, CACHE / f"work-{n}")
    change = OneChange(scheme_path, folder, work)
    out, db = CACHE / f"out-{n}", CACHE / f"out-{n}" / "history.sqlite"
    seen: dict[str, list[float]] = {}
    phases: dict[str, dict[str, float]] = {}
    peaks: dict[str, list[tuple[float, float, float]]] = {"": [], " --db": []}

    def note(name: str, seconds: float) -> None:
        seen.setdefault(name, []).append(seconds)

    for round_ in range(1, rounds + 1):
        floor = read_floor(files)
        note("floor", floor)
        note("floor, 2 processes", read_floor_parallel(files))
        for label, base in (("", None), (" --db", db)):
            _clear_cache(out, base)
            if label:
                out.mkdir(parents=True, exist_ok=True)
            first = run_kaohe(scheme_path, work, out, base)
            note("first" + label, first["total"])
            change.next()
            again = run_kaohe(scheme_path, work, out, base, sample=False)
            note("re-run" + label, again["total"])
            phases["first" + label], phases["re-run" + label] = first["phases"], again["phases"]
            peaks[label].append((first["rss_sum"], first["rss"], first["pss"]))
            if not label and round_ == 1:
                print("  " + _coverage(out / "results.json", len(files), n))
        if round_ <= naive_rounds:
            note("openpyxl naive", read_naive(files))
        print(f"  round {round_}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in seen.items()
                                                if len(v) == round_ or k == "openpyxl naive")
              + f"   ({_load()})")
    floor = _median(seen["floor"])
    print(f"  files {len(files)}; medians of {rounds} rounds (ratios: to the median floor)")
    for name, values in seen.items():
        median = _median(values)
        ratio = f"{median / floor:6.2f} × floor" if name != "floor" else ""
        print(f"    {name:<22} {median:7.2f} s  (min {min(values):.2f}, max {max(values):.2f})"
              f"  {ratio}")
    if "openpyxl naive" in seen:
        naive = _median(seen["openpyxl naive"]) / _median(seen["first"])
        print(f"    naive / first          {naive:7.2f} ×")
    for name, spent in phases.items():
        print(f"    where {name} went (last round): " + ", ".join(
            f"{k} {v:.2f}" for k, v in spent.items()) + "  (write_xlsx alongside write_json)")
    for label, seen_peaks in peaks.items():
        rss_sum, rss, pss = (max(p[i] for p in seen_peaks) for i in range(3))
        print(f"  peak of the first run{label}: RSS of the processes at once {rss_sum:.0f} MB "
              f"(run and largest child, each at its peak, {rss:.0f} MB), PSS {pss:.0f} MB")


def time_templates(n: int) -> None:
    """Build the n units' templates in two processes into a temporary folder."""
    import tempfile

    from kaohe.pipeline.documents import scheme_from_document
    from workbook_templates import build_templates

    scheme = scheme_from_document(scale_scheme(default_scheme_document(), n))
    def cpu() -> float:
        own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        started, used = time.perf_counter(), cpu()
        paths = build_templates(scheme, Path(tmp), workers=2)
        print(f"  templates: {len(paths)} for {n} units in {time.perf_counter() - started:.1f} s"
              f" wall, {cpu() - used:.1f} s CPU in all (2 processes; {_load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[35, 1000])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of measurements")
    parser.add_argument("--naive-rounds", type=int, default=1,
                        help="rounds that also read with openpyxl (0: none)")
    parser.add_argument("--skip-naive", action="store_true", help="same as --naive-rounds 0")
    parser.add_argument("--templates", action="store_true",
                        help="also time building the templates")
    parser.add_argument("--run-one", nargs=4, metavar=("SCHEME", "FOLDER", "OUT", "DB"),
                        help=argparse.SUPPRESS)  # the fresh process of run_kaohe
    args = parser.parse_args()
    if args.run_one:
        scheme_path, folder, out, db = args.run_one
        _run_one(Path(scheme_path), Path(folder), Path(out), db)
        return
    for n in args.units:
        gc.collect()
        bench(n, args.rounds, 0 if args.skip_naive else args.naive_rounds)
        if args.templates:
            time_templates(n)


if __name__ == "__main__":
    main()
