"""A results.json read back from disk is untrusted: `kaohe feedback` and `kaohe results-book`
check it against results.schema.json, and every file name stays inside its folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.pipeline.consolidate import run_consolidation
from outputs.feedback_folder import feedback_names, feedback_path


@pytest.fixture(scope="module")
def results_doc(clean_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("untrusted") / "results.json"
    run_consolidation(clean_folder, json_out=out, echo=lambda text: None)
    return dict(json.loads(out.read_text(encoding="utf-8")))


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("unit_id", ["../../../results", "/x", "a/x", "a\x00b", "..", ""])
def test_a_tampered_unit_id_writes_nothing_anywhere(results_doc: dict[str, Any], tmp_path: Path,
                                                   unit_id: str) -> None:
    # `kaohe feedback` wrote where units[0].unit_id said: ../../../results replaced
    # out/results.xlsx, "/x" and "a/x" made folders, a NUL crashed, a long id failed midway.
    doc = json.loads(json.dumps(results_doc))
    doc["units"][0]["unit_id"] = unit_id
    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    (work / "out" / "results.xlsx").write_bytes(b"the published workbook")
    (work / "r.json").write_text(json.dumps(doc), encoding="utf-8")
    before = _tree(work)
    result = CliRunner().invoke(main, ["feedback", str(work / "r.json"), "--out",
                                       str(work / "out" / "feedback")])
    assert result.exit_code == 2, result.output
    assert "不符合考核结果的格式" in result.output and "$.units[0].unit_id" in result.output
    assert "Traceback" not in result.output
    assert _tree(work) == before  # nothing written, nothing replaced
    book = CliRunner().invoke(main, ["results-book", str(work / "r.json"), "--out",
                                     str(work / "out" / "new.xlsx")])
    assert book.exit_code == 2 and "不符合考核结果的格式" in book.output
    assert _tree(work) == before


@pytest.mark.parametrize("unit_id", ["x" * 300, "fuyun\n"])
def test_an_id_the_schema_lets_through_is_written_under_a_safe_name(
        results_doc: dict[str, Any], tmp_path: Path, unit_id: str) -> None:
    # a 300-character id failed after 17 workbooks (the name too long for the disk)
    doc = json.loads(json.dumps(results_doc))
    doc["units"][0]["unit_id"] = unit_id
    doc["units"][0]["unit_name"] = ""  # (named by its id)
    (tmp_path / "r.json").write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["feedback", str(tmp_path / "r.json"), "--out",
                                       str(tmp_path / "fb")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "fb").iterdir())
    assert len(names) == len(doc["units"]) and feedback_names(doc)[unit_id] in names
    assert all(len(n.encode()) < 250 and "\n" not in n for n in names)


def test_a_results_document_missing_its_units_is_refused(results_doc: dict[str, Any],
                                                         tmp_path: Path) -> None:
    doc = {k: v for k, v in results_doc.items() if k != "units"}
    (tmp_path / "r.json").write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "feedback", str(tmp_path / "r.json"),
                                       "--out", str(tmp_path / "fb")])
    assert result.exit_code == 2 and "is not a valid results document" in result.output
    assert not (tmp_path / "fb").exists()


def test_feedback_names_are_safe_whatever_the_id_or_name(tmp_path: Path) -> None:
    # the writer's own guard, for documents that never passed the schema (the library API)
    bad = ["../../../results", "/x", "a/x", "a\x00b", "..", "x" * 300, "a\\b", "c:d", ""]
    for unit_id in bad:
        for name in ("", unit_id):
            doc = {"units": [{"unit_id": unit_id, "unit_name": name}]}
            path = feedback_path(tmp_path, feedback_names(doc)[unit_id])
            assert path.parent == tmp_path and len(path.name.encode()) < 250
            assert "/" not in path.name and "\x00" not in path.name
    long = {"units": [{"unit_id": "x" * 300, "unit_name": ""},
                      {"unit_id": "x" * 299, "unit_name": ""}]}
    assert len(set(feedback_names(long).values())) == 2  # no two ids collide
    with pytest.raises(Exception, match="不能用作反馈文件名"):
        feedback_path(tmp_path, "../结果反馈_x.xlsx")


def test_two_units_that_would_share_a_feedback_file_are_refused(results_doc: dict[str, Any],
                                                                tmp_path: Path) -> None:
    from kaohe.errors import KaoheError
    from outputs.feedback_book import write_feedback_workbooks

    doc = json.loads(json.dumps(results_doc))
    doc["units"][1]["unit_id"] = doc["units"][0]["unit_id"]
    with pytest.raises(KaoheError, match="单位编号重复"):
        write_feedback_workbooks(doc, tmp_path / "fb")
    doc = json.loads(json.dumps(results_doc))
    doc["units"][1]["unit_name"] = doc["units"][0]["unit_name"] + "x" * 90
    doc["units"][2]["unit_name"] = doc["units"][0]["unit_name"] + "x" * 91
    with pytest.raises(KaoheError, match="同名"):
        write_feedback_workbooks(doc, tmp_path / "fb")
    assert not (tmp_path / "fb").exists()
