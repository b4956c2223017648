"""What a file can do to a consolidation: be rewritten while it is read, carry a name that is
not UTF-8, loop back on itself, vanish mid-run. None of it crashes or misattributes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.pipeline import consolidate as consolidate_module
from kaohe.pipeline.consolidate import consolidate_folder, examine, run_consolidation


def _report_of(folder: Path) -> Path:
    return next(p for p in sorted(folder.glob("*.xlsx")) if "单位自评表" in p.name)


def test_the_hash_recorded_is_the_hash_of_the_bytes_scored(clean_folder: Path, tmp_path: Path,
                                                           default_scheme: Scheme) -> None:
    # A submission rewritten while the folder was read was scored from one version and
    # recorded with the other's sha256 (45–93 of 200 direct calls).
    first = tmp_path / "a.xlsx"
    shutil.copy(_report_of(clean_folder), first)
    wb = openpyxl.load_workbook(first)
    wb["单位自评表"]["I11"].value = (wb["单位自评表"]["I11"].value or 0) + 5
    second = tmp_path / "b.xlsx"
    wb.save(second)
    versions = {}
    for version in (first, second):
        sub = examine(version, default_scheme)
        versions[hashlib.sha256(version.read_bytes()).hexdigest()] = sub.document
    assert len(versions) == 2 and None not in versions.values()
    target = tmp_path / "sub" / "单位自评表.xlsx"
    target.parent.mkdir()
    shutil.copy(first, target)
    stop = threading.Event()

    def rewrite() -> None:
        n = 0
        while not stop.is_set():
            shutil.copy((first, second)[n % 2], target.with_suffix(".tmp"))
            os.replace(target.with_suffix(".tmp"), target)
            n += 1

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        subs = [examine(target, default_scheme) for _ in range(40)]
    finally:
        stop.set()
        writer.join()
    scored = [s for s in subs if s.document is not None]
    assert len(scored) >= 20
    for sub in scored:
        assert versions[sub.sha256] == sub.document  # the recorded hash is the scored bytes'


def _gbk_folder(clean_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "sub"
    shutil.copytree(clean_folder, folder)
    report = _report_of(folder)
    os.rename(report, os.path.join(os.fsencode(folder), "县市填报.xlsx".encode("gbk")))
    os.rename(folder / "加扣分登记表.xlsx",
              os.path.join(os.fsencode(folder), "加扣分登记表.xlsx".encode("gbk")))
    return folder


def test_gbk_file_names_are_consolidated_shown_with_replacement_characters(
        clean_folder: Path, tmp_path: Path) -> None:
    # A GBK name (what unzip leaves of a Windows zip) crashed consolidation with a
    # UnicodeEncodeError (in _sha256 with --db; without, after the workbooks, before the JSON).
    folder = _gbk_folder(clean_folder, tmp_path)
    out = tmp_path / "out"
    said: list[str] = []
    code, results = run_consolidation(folder, json_out=out / "results.json",
                                      out=out / "results.xlsx", feedback=out / "fb",
                                      db=str(out / "history.sqlite"), echo=said.append)
    assert code == 0, "\n".join(said)
    written = json.loads((out / "results.json").read_text(encoding="utf-8"))
    names = [i["file"] for i in written["inputs"]]
    assert sum("\ufffd" in n for n in names) == 2 and all(i["used"] for i in written["inputs"])
    with sqlite3.connect(out / "history.sqlite") as db:
        stored = [row[0] for row in db.execute("SELECT path FROM run_inputs")]
    assert sum("\ufffd" in p for p in stored) == 2
    assert len(list((out / "fb").iterdir())) == len(results["units"])
    # the files themselves keep their bytes
    assert os.fsencode("县市填报.xlsx".encode("gbk")) in os.listdir(os.fsencode(folder))
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 0 and "Traceback" not in result.output


def test_symlink_loops_are_findings_not_tracebacks(clean_folder: Path, tmp_path: Path) -> None:
    # A symlink loop given to `kaohe validate` ended in a RuntimeError from path.resolve().
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(clean_folder / "加扣分登记表.xlsx", folder)
    (folder / "loop.xlsx").symlink_to(folder / "loop.xlsx")
    (folder / "self").symlink_to(folder)
    for given in ([str(folder / "loop.xlsx")], [str(folder)], [str(folder / "self")]):
        result = CliRunner().invoke(main, ["validate", *given])
        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output and "RuntimeError" not in result.output
    result = CliRunner().invoke(main, ["validate", str(folder / "loop.xlsx")])
    assert "符号链接" in result.output and result.exit_code == 2  # nothing usable
    done = CliRunner().invoke(main, ["consolidate", str(folder), "--json",
                                     str(tmp_path / "r.json")])
    assert done.exit_code in (1, 2) and "Traceback" not in done.output


def test_a_file_deleted_mid_run_is_reported_without_paths_or_system_english(
        clean_folder: Path, tmp_path: Path, default_scheme: Scheme, monkeypatch: object) -> None:
    # The unit was told "[Errno 2] No such file or directory: '/office/full/path'".
    folder = tmp_path / "sub"
    shutil.copytree(clean_folder, folder)
    gone = _report_of(folder)
    found = consolidate_module.discover(folder)
    gone.unlink()
    monkeypatch.setattr(consolidate_module, "discover", lambda f: found)  # type: ignore[attr-defined]
    run = consolidate_folder(folder, default_scheme, workers=1)
    text = json.dumps(run.results, ensure_ascii=False)
    assert str(tmp_path) not in text and "Errno" not in text
    assert "No such file" not in text
    rejected = run.results["submissions"]["rejected"]
    assert [r["file"] for r in rejected] == [gone.name]
    assert "找不到文件" in rejected[0]["reason"]
