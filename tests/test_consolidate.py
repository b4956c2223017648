"""Consolidation end to end, with planted problems: each is reported, everyone else is ranked."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from kaohe.pipeline.consolidate import consolidate_folder, run_consolidation
from kaohe.pipeline.documents import load_scheme
from kaohe.pipeline.io import OutputError

KAOHE = str(Path(sys.executable).with_name("kaohe"))


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "in"
    shutil.copytree(folder, target)
    return target


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_clean_folder_ranks_everyone(clean_folder: Path) -> None:
    run = consolidate_folder(clean_folder, load_scheme(), workers=1)
    assert run.exit_code == 0
    assert run.rejected == [] and run.missing == []
    assert len(run.results["units"]) == 34 and run.results["not_scored"] == []


def test_planted_problems_are_each_reported_and_everyone_else_is_ranked(
        clean_folder: Path, tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    # 1. a corrupt file: a unit report cut in half
    corrupt = folder / "单位自评表_布尔津县.xlsx"
    corrupt.write_bytes(corrupt.read_bytes()[:3000])
    # 2. a missing unit
    (folder / "单位自评表_福海县.xlsx").unlink()
    # 3. a duplicate submission, saved later
    dup = folder / "单位自评表_青河县（修改版）.xlsx"
    shutil.copy(folder / "单位自评表_青河县.xlsx", dup)
    later = time.time() + 60
    os.utime(dup, (later, later))
    # 4. a tampered target (a locked cell changed, as a clerk with a password cracker might)
    tampered = folder / "单位自评表_哈巴河县.xlsx"
    wb = openpyxl.load_workbook(tampered)
    ws = next(ws for ws in wb.worksheets if ws.sheet_state == "visible" and ws.max_row > 10
              and any(c.value == "C05" for c in ws["A"]))
    row = next(c.row for c in ws["A"] if c.value == "C05")
    target_col = next(c.column for c in ws[row] if isinstance(c.value, (int, float))
                      and c.value >= 1000)
    ws.cell(row=row, column=target_col).value = 1
    wb.save(tampered)
    # 5. a formula-injection remark in the adjustments register
    register = folder / "加扣分登记表.xlsx"
    wb = openpyxl.load_workbook(register)
    ws = wb["加扣分登记"]
    reason_col = next(c.column for c in ws[1] if c.value == "reason")
    unit_col = next(c.column for c in ws[1] if c.value == "unit")
    # the first event of a unit that is ranked (the units planted above are not)
    first = next(c.row for c in ws["A"] if str(c.value or "").startswith("event:")
                 and ws.cell(row=c.row, column=unit_col).value not in ("布尔津县", "福海县",
                                                                        "哈巴河县"))
    ws.cell(row=first, column=reason_col).value = '=HYPERLINK("http://evil.example","点我")'
    ws.cell(row=first, column=reason_col).data_type = "s"
    wb.save(register)
    before = _digest(folder)

    out = tmp_path / "out"
    code, results = run_consolidation(folder, out=out / "results.xlsx",
                                      json_out=out / "results.json", echo=lambda *a, **k: None)
    assert code == 1
    assert _digest(folder) == before, "inputs must never be modified"

    not_scored = {u["unit_id"]: u["reason"] for u in results["not_scored"]}
    assert set(not_scored) == {"burqin", "fuhai", "habahe"}
    assert not_scored["fuhai"] == "未收到可用的单位自评表"
    # burqin's file is too damaged to name its unit: its name does, so burqin is told
    assert not_scored["burqin"].startswith(
        "收到了 单位自评表_布尔津县.xlsx（疑似布尔津县的单位自评表），但无法读取：文件不完整")
    assert "C05" in not_scored["habahe"] or "目标" in not_scored["habahe"] \
        or "锁定" in not_scored["habahe"]
    ranked = {u["unit_id"] for u in results["units"]}
    assert len(ranked) == 31 and "qinggil" in ranked
    counties = sorted(u["rank"] for u in results["units"] if u["group"] == "county")
    assert counties == [1, 2, 3, 4]

    rows = {Path(r["file"]).name: r for r in results["inputs"]}
    assert rows["单位自评表_青河县（修改版）.xlsx"]["used"] is True
    assert rows["单位自评表_青河县.xlsx"]["used"] is False
    assert rows["单位自评表_布尔津县.xlsx"]["errors"] >= 1

    # the injected remark is kept as text in the results workbook, never a formula
    book = openpyxl.load_workbook(out / "results.xlsx")
    texts = [c for ws in book.worksheets for r in ws.iter_rows() for c in r
             if isinstance(c.value, str) and "evil.example" in c.value]
    assert texts and all(c.data_type == "s" for c in texts)
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["units"]


def test_a_file_whose_unit_is_unknown_is_matched_by_its_name_or_named_once(
        clean_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    data = (clean_folder / "单位自评表_哈巴河县.xlsx").read_bytes()
    (folder / "单位自评表_哈巴河县.xlsx").write_bytes(data[:len(data) // 2])
    (folder / "新建文件.xlsx").write_bytes(b"not a workbook")
    run = consolidate_folder(folder, load_scheme(), workers=1)
    reasons = {u["unit_id"]: u["reason"] for u in run.results["not_scored"]}
    assert len(reasons) == 34
    assert reasons.pop("habahe") == (
        "收到了 单位自评表_哈巴河县.xlsx（疑似哈巴河县的单位自评表），但无法读取：文件不完整"
        "（可能下载、复制或邮件传输中断） — 请按该文件的检查结果改正后重新提交")
    assert set(reasons.values()) == {"未收到可用的单位自评表"}  # not 33 times "另有 1 个…"
    english = {u["unit_id"]: u["reason_en"] for u in run.results["not_scored"]}
    assert english["habahe"].startswith("单位自评表_哈巴河县.xlsx arrived (apparently the unit "
                                        "report of Habahe County) but cannot be read")
    lines = [i for i in run.batch_issues if i.rule == "unidentified-file"]
    assert [i.message for i in lines] == ["1 个文件看不出是哪个单位所交：新建文件.xlsx"]


def test_the_command_reports_plainly(clean_folder: Path, tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    (folder / "单位自评表_吉木乃县.xlsx").unlink()
    (folder / "notes.txt").write_text("not a workbook", encoding="utf-8")
    proc = subprocess.run([KAOHE, "consolidate", str(folder), "--json",
                           str(tmp_path / "r.json")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "未能计分的单位" in proc.stdout and "吉木乃县" in proc.stdout
    assert "notes.txt" in proc.stdout


def test_nothing_usable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"not a zip at all")
    proc = subprocess.run([KAOHE, "consolidate", str(tmp_path), "--json",
                           str(tmp_path / "r.json")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_two_workers_give_the_same_results_as_one(clean_folder: Path) -> None:
    scheme = load_scheme()
    one = consolidate_folder(clean_folder, scheme, workers=1).results
    # force the process pool even for a small folder
    import kaohe.pipeline.consolidate as mod

    old = mod.PARALLEL_THRESHOLD
    mod.PARALLEL_THRESHOLD = 1
    try:
        two = consolidate_folder(clean_folder, scheme, workers=2).results
    finally:
        mod.PARALLEL_THRESHOLD = old
    assert one == two


def test_workers_started_by_spawn_give_the_same_results(clean_folder: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Where processes cannot fork (Windows, macOS), each worker builds the scheme itself."""
    import multiprocessing

    import kaohe.pipeline.consolidate as mod

    scheme = load_scheme()
    one = consolidate_folder(clean_folder, scheme, workers=1).results
    monkeypatch.setattr(mod, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(mod, "_mp_context", lambda: multiprocessing.get_context("spawn"))
    assert consolidate_folder(clean_folder, scheme, workers=2).results == one


def test_results_json_is_written_or_its_error_raised(clean_folder: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, results = run_consolidation(clean_folder, out=out / "results.xlsx",
                                      json_out=out / "results.json", echo=lambda *a, **k: None)
    assert code == 0
    assert json.loads((out / "results.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(results))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError):  # a plain message naming the output
        run_consolidation(clean_folder, out=out / "again.xlsx",
                          json_out=blocker / "results.json", echo=lambda *a, **k: None)


def test_a_results_workbook_that_cannot_be_written_is_an_error_before_anything_is_written(
        clean_folder: Path, tmp_path: Path) -> None:
    # Every output is checked before the run: the JSON is not replaced when the workbook
    # could not be written (the command prints a plain message naming the output).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError):
        run_consolidation(clean_folder, out=blocker / "results.xlsx",
                          json_out=tmp_path / "results.json", echo=lambda *a, **k: None)
    assert not (tmp_path / "results.json").exists()
    proc = subprocess.run([KAOHE, "consolidate", str(clean_folder), "--out",
                           str(blocker / "results.xlsx")], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "not-a-folder" in proc.stderr + proc.stdout
    assert "路径中有一部分是文件" in proc.stderr and ".tmp" not in proc.stderr


def test_the_results_workbook_of_a_consolidation_knows_the_scheme(clean_folder: Path,
                                                                   tmp_path: Path) -> None:
    # Written with the scheme: its name heads the sheets and the 测算 sheet breaks ties by
    # the scheme's tie-breakers (without it, tied units would share a rank there).
    scheme = load_scheme()
    run_consolidation(clean_folder, out=tmp_path / "results.xlsx", echo=lambda *a, **k: None)
    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    texts = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value}
    assert any(scheme.name.replace("方案", "结果") in t for t in texts)
    about = book.worksheets[0]
    named = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert named["考核方案"] == scheme.name  # the scheme itself, not the results' title
    assert any(t.startswith("同分比较") for t in texts)
    assert not any("未提供考核方案" in t for t in texts)


def test_releasing_the_documents_after_scoring_keeps_what_the_record_and_summary_say(
        clean_folder: Path, tmp_path: Path) -> None:
    """run_consolidation lets go of the documents once scored (memory at 5,000 units); what
    the history record and the printed summary read of the submissions must not change."""
    from kaohe.pipeline.consolidate import _input_row
    from kaohe.pipeline.summary import consolidation_summary

    folder = _copy(clean_folder, tmp_path)
    corrupt = folder / "单位自评表_布尔津县.xlsx"
    corrupt.write_bytes(corrupt.read_bytes()[:3000])
    dup = folder / "单位自评表_青河县（修改版）.xlsx"
    shutil.copy(folder / "单位自评表_青河县.xlsx", dup)
    later = time.time() + 60
    os.utime(dup, (later, later))
    run = consolidate_folder(folder, load_scheme(), workers=1)
    before = ([_input_row(s) for s in run.submissions], consolidation_summary(run),
              consolidation_summary(run, lang="en"))
    statuses = {row["status"] for row in before[0]}
    assert statuses == {"used", "superseded", "rejected"}
    run.release_documents()
    assert all(s.document in ({}, None) for s in run.submissions)
    assert ([_input_row(s) for s in run.submissions], consolidation_summary(run),
            consolidation_summary(run, lang="en")) == before
