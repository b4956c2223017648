"""Publish, then read: every output of the year says 已发布 and the revision, or the command
names the ones it could not update (and exits 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from docx import Document

from kaohe.cli import main
from kaohe.store import open_store

PUBLISHED = "已发布"


def _consolidate(folder: Path, out: Path, db: str) -> str:
    proc = CliRunner().invoke(main, [
        "consolidate", str(folder), "--db", db, "--out", str(out / "results.xlsx"),
        "--json", str(out / "results.json"), "--feedback", str(out / "fb"),
        "--summary", str(out / "汇总.docx"), "--notice", str(out / "通报.docx")])
    assert proc.exit_code == 0, proc.output
    return proc.output


def _statuses(out: Path) -> dict[str, Any]:
    """What each output says of its run."""
    found: dict[str, Any] = {"json": json.loads((out / "results.json").read_text("utf-8"))["run"]}
    wb = openpyxl.load_workbook(out / "results.xlsx")
    found["about"] = next(r[1].value for r in wb["说明"].iter_rows() if r[0].value == "运行/修订")
    found["summary_sheet"] = wb["结果汇总"]["A2"].value
    for path in sorted((out / "fb").glob("*.xlsx")):
        found[path.name] = openpyxl.load_workbook(path).worksheets[0]["A3"].value
    summary = Document(str(out / "汇总.docx"))
    found["summary_doc"] = summary.paragraphs[1].text
    found["summary_props"] = summary.core_properties.subject
    notice = Document(str(out / "通报.docx"))
    found["notice_props"] = notice.core_properties.subject
    found["notice_warning"] = any("尚未发布" in p.text for p in notice.paragraphs)
    return found


def test_publish_rewrites_every_output_of_the_year(clean_folder: Path, tmp_path: Path) -> None:
    db, out = str(tmp_path / "h.sqlite"), tmp_path / "out"
    _consolidate(clean_folder, out, db)
    before = _statuses(out)
    assert before["json"]["published"] is False and before["notice_warning"]
    texts = [v for k, v in before.items() if isinstance(v, str)]
    assert len(texts) >= 34 + 5 and not any(PUBLISHED in t for t in texts)
    with open_store(db) as store:
        kinds = sorted(o.kind for o in store.outputs(2016))
    assert kinds == ["feedback", "notice", "results_book", "results_json", "summary"]

    proc = CliRunner().invoke(main, ["publish", "--db", db, "--year", "2016"])
    assert proc.exit_code == 0, proc.output
    after = _statuses(out)
    run = after.pop("json")
    assert run["published"] is True and run["published_revision"] == "2016-r1"
    assert run["revision"] == 1 and run["published_at"] and run["outputs_updated"] is True
    assert after.pop("notice_warning") is False
    for where, text in after.items():
        assert PUBLISHED in text and ("2016-r1" in text), (where, text)
        assert "第 1 版" in text, (where, text)
    assert "北京时间" in after["about"] and "北京时间" in after["summary_doc"]


def test_publish_names_the_outputs_it_could_not_update(clean_folder: Path,
                                                       tmp_path: Path) -> None:
    db, out = str(tmp_path / "h.sqlite"), tmp_path / "out"
    _consolidate(clean_folder, out, db)
    (out / "通报.docx").unlink()               # moved away by the office
    shutil.rmtree(out / "fb")
    (out / "fb").write_text("not a folder")    # a file where the folder was
    proc = CliRunner().invoke(main, ["publish", "--db", db, "--year", "2016"])
    assert proc.exit_code == 1
    assert "以下文件未能更新（仍为原来的发布情况）" in proc.output
    assert f"✗ {(out / '通报.docx').resolve()}：文件不存在" in proc.output
    assert f"✗ {(out / 'fb').resolve()}：" in proc.output
    assert not (out / "通报.docx").exists()   # not written again where it was moved from
    assert f"→ {(out / 'results.xlsx').resolve()}" in proc.output
    assert "Traceback" not in proc.output
    # publishing again (nothing new to record) still retries the rewrite, in English too
    proc = CliRunner().invoke(main, ["--lang", "en", "publish", "--db", db, "--year", "2016"])
    assert proc.exit_code == 1 and "NOT updated" in proc.output


def test_outputs_written_over_for_another_year_are_left_alone(clean_folder: Path,
                                                              tmp_path: Path) -> None:
    """A path recorded for 2016 and later written for another year belongs to that year."""
    db, out = str(tmp_path / "h.sqlite"), tmp_path / "out"
    _consolidate(clean_folder, out, db)
    with open_store(db) as store:
        scheme, results = store.scheme("2016-r1"), store.results("2016-r1")
        scheme["year"] = results["year"] = 2017
        record = store.record_run(scheme, results)
        store.record_outputs(record.run_id, [("results_json", str((out / "results.json")
                                                                   .resolve()))])
        assert "results_json" not in {o.kind for o in store.outputs(2016)}
        assert [o.kind for o in store.outputs(2017)] == ["results_json"]
