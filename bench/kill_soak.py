"""Kill -9 soak: consolidations with --feedback and --db killed at random moments; after each
kill a rerun must succeed and the outputs and the database must agree.

Agreement: results.json, results.xlsx and every feedback workbook are of one run (the run id
written in results.json is the one the workbooks' 说明 and feedback say … checked through
their sha256 recorded beside, see `check_agree`), that run is in the database with the
results results.json holds, and no staging folder or temporary is left.

Two alternating submission folders (one unit's report changed) make every run a new revision.

    python bench/kill_soak.py --kills 20 --work /tmp/soak      # the issue's soak
    python bench/kill_soak.py --kills 3                        # what the test suite runs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def prepare(work: Path) -> tuple[Path, Path]:
    """Two submission folders that differ in one unit's reported value."""
    import openpyxl

    from kaohe.pipeline.demo import fill_submissions
    from kaohe.pipeline.documents import load_scheme
    from kaohe.synth import synthesize
    from workbook_templates import build_templates

    scheme = load_scheme()
    build_templates(scheme, work / "templates")
    first = work / "sub-a"
    fill_submissions(synthesize(scheme, seed=5), work / "templates", first)
    second = work / "sub-b"
    shutil.copytree(first, second)
    report = next(p for p in sorted(second.rglob("*.xlsx")) if "单位自评表" in p.name)
    wb = openpyxl.load_workbook(report)
    cell = wb["单位自评表"]["I11"]
    cell.value = (cell.value or 0) + 3
    wb.save(report)
    return first, second


def command(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kaohe", "consolidate", str(folder), "--json",
            str(out / "results.json"), "--out", str(out / "results.xlsx"), "--feedback",
            str(out / "fb"), "--db", str(out / "history.sqlite")]


def check_agree(out: Path) -> str:
    """'' when the folder and the database agree, else what is wrong."""
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    run = results.get("run") or {}
    with sqlite3.connect(out / "history.sqlite") as db:
        row = db.execute("SELECT content FROM results_docs WHERE run_id = ?",
                         (run.get("run_id"),)).fetchone()
        latest = db.execute("SELECT run_id FROM runs ORDER BY year DESC, revision DESC"
                            " LIMIT 1").fetchone()
    if row is None:
        return f"results.json names {run.get('run_id')}, which the database does not hold"
    from kaohe.store.texts import unpack_results

    stored = json.loads(unpack_results(row[0]))  # as the store keeps it (deflated)
    if [u["total"] for u in stored["units"]] != [u["total"] for u in results["units"]]:
        return f"results.json differs from the database's {run.get('run_id')}"
    if latest is None or latest[0] != run.get("run_id"):
        return f"results.json names {run.get('run_id')}, the database's latest is {latest}"
    from outputs.feedback_folder import feedback_names

    expected = set(feedback_names(results).values())
    books = sorted((out / "fb").glob("结果反馈_*.xlsx"))
    if {b.name for b in books} != expected:
        return f"{len(books)} feedback workbooks, not those of the {len(expected)} units"
    for book in books:
        if not _names_run(book, run.get("run_id")):
            return f"{book.name} is not of {run.get('run_id')}"
    if not _names_run(out / "results.xlsx", run.get("run_id")):
        return f"results.xlsx is not of {run.get('run_id')}"
    left = [p.name for p in out.iterdir() if p.name.startswith(".kaohe-staging-")
            or p.name.endswith(".tmp")]
    left += [p.name for p in (out / "fb").iterdir() if p.name.endswith(".tmp")]
    return f"left behind: {left}" if left else ""


def _group_gone(group: int, wait: float) -> bool:
    """Whether every process of the killed run's session (its workers) has ended."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _names_run(book: Path, run_id: Any) -> bool:
    with zipfile.ZipFile(book) as archive:
        text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                       if n.startswith("xl/"))
    return re.search(re.escape(str(run_id)) + r"(?!\d)", text) is not None


def soak(kills: int, work: Path, seed: int = 1, span: float | None = None) -> list[str]:
    """Run `kills` killed consolidations (each followed by a rerun); returns the problems."""
    rng = random.Random(seed)
    folders = prepare(work)
    out = work / "out"
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    started = time.perf_counter()
    subprocess.run(command(folders[0], out), env=env, capture_output=True, check=False)
    span = span or (time.perf_counter() - started)
    problems = []
    for n in range(kills):
        folder = folders[(n + 1) % 2]
        proc = subprocess.Popen(command(folder, out), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.1, 1.0) * span)
        os.kill(proc.pid, signal.SIGKILL)  # the main process only: workers must notice
        proc.wait()
        if not _group_gone(proc.pid, 10.0):
            problems.append(f"kill {n + 1}: processes of the killed run still alive after 10 s")
            os.killpg(proc.pid, signal.SIGKILL)
        rerun = subprocess.run(command(folder, out), env=env, capture_output=True,
                               text=True, check=False, timeout=300)
        if rerun.returncode not in (0, 1):
            problems.append(f"kill {n + 1}: rerun exited {rerun.returncode}: "
                            f"{rerun.stdout[-300:]}{rerun.stderr[-300:]}")
            continue
        if wrong := check_agree(out):
            problems.append(f"kill {n + 1}: {wrong}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kaohe-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    problems = soak(args.kills, work, args.seed)
    print(f"{args.kills} kills in {time.perf_counter() - started:.0f} s: "
          f"{len(problems)} problems")
    for line in problems:
        print("  " + line)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()


__all__: list[Any] = []
