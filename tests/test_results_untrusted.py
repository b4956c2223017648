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
from outputs.feedback_folder import feedback_filename, feedback_path


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
    (tmp_path / "r.json").write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["feedback", str(tmp_path / "r.json"), "--out",
                                       str(tmp_path / "fb")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "fb").iterdir())
    assert len(names) == len(doc["units"]) and feedback_filename(unit_id) in names
    assert all(len(n.encode()) < 120 and "\n" not in n for n in names)


def test_a_results_document_missing_its_units_is_refused(results_doc: dict[str, Any],
                                                         tmp_path: Path) -> None:
    doc = {k: v for k, v in results_doc.items() if k != "units"}
    (tmp_path / "r.json").write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "feedback", str(tmp_path / "r.json"),
                                       "--out", str(tmp_path / "fb")])
    assert result.exit_code == 2 and "is not a valid results document" in result.output
    assert not (tmp_path / "fb").exists()


def test_feedback_names_are_safe_whatever_the_id(tmp_path: Path) -> None:
    # the writer's own guard, for documents that never passed the schema (the library API)
    for unit_id in ["../../../results", "/x", "a/x", "a\x00b", "..", "x" * 300, "a\\b", "c:d"]:
        path = feedback_path(tmp_path, unit_id)
        assert path.parent == tmp_path and len(path.name.encode()) < 120
        assert "/" not in path.name and "\x00" not in path.name and not path.name.startswith(".")
    assert feedback_filename("x" * 300) != feedback_filename("x" * 299)  # no two ids collide
    assert feedback_filename("fuyun", "en") == "feedback_fuyun.xlsx"


def test_two_units_that_would_share_a_feedback_file_are_refused(results_doc: dict[str, Any],
                                                                tmp_path: Path) -> None:
    from kaohe.errors import KaoheError
    from outputs.feedback_book import write_feedback_workbooks

    doc = json.loads(json.dumps(results_doc))
    doc["units"][1]["unit_id"] = doc["units"][0]["unit_id"]
    with pytest.raises(KaoheError, match="同名"):
        write_feedback_workbooks(doc, tmp_path / "fb")
    assert not (tmp_path / "fb").exists()
