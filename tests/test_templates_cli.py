"""`kaohe templates` and `kaohe scheme export|import`, run as a clerk's office would."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kaohe.cli import main
from kaohe.pipeline.documents import default_scheme_document
from tests.templates_helpers import data_sheets


def test_templates_command_writes_the_whole_set(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["templates", "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "t").glob("*.xlsx"))
    assert len(names) == 46 and "单位自评表_阿勒泰市.xlsx" in names
    assert "46" in result.output


def test_scheme_export_and_import_round_trip(tmp_path: Path) -> None:
    runner = CliRunner()
    book = tmp_path / "考核方案.xlsx"
    assert runner.invoke(main, ["--lang", "en", "scheme", "export", "--out", str(book)]
                         ).exit_code == 0
    out = tmp_path / "scheme.json"
    result = runner.invoke(main, ["scheme", "import", str(book), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == default_scheme_document()
    again = runner.invoke(main, ["templates", "--scheme", str(out), "--out",
                                 str(tmp_path / "t")])
    assert again.exit_code == 0


def test_scheme_import_prints_located_errors_and_exits_1(tmp_path: Path) -> None:
    runner = CliRunner()
    book = tmp_path / "s.xlsx"
    runner.invoke(main, ["scheme", "export", "--out", str(book)])
    wb, sheets = data_sheets(book)
    sheets["indicators"]["G4"] = "很多"
    wb.save(book)
    out = tmp_path / "scheme.json"
    result = runner.invoke(main, ["scheme", "import", str(book), "--out", str(out)])
    assert result.exit_code == 1
    assert "考核指标" in result.output and "G4" in result.output and "很多" in result.output
    assert not out.exists()


def test_every_command_has_an_example() -> None:
    from kaohe.commands.templates import COMMANDS

    runner = CliRunner()
    for args in (["templates"], ["scheme"], ["scheme", "export"], ["scheme", "import"]):
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, args
    assert {c.name for c in COMMANDS} == {"templates", "scheme"}
