"""`kaohe validate`: exit codes, the readable table, --json, --annotate (the original untouched),
English with --lang en, a broken scheme, and one real subprocess."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize

DATA = Path(__file__).resolve().parent / "data"
U = "单位自评表"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A clean unit report and one with an error (evidence missing) and a warning."""
    from workbook_templates import fill_workbook
    from workbook_templates.unit_report import build_unit_report

    scheme = Scheme.from_document(default_scheme_document())
    folder = tmp_path_factory.mktemp("cli")
    template = build_unit_report(scheme, "altay_city", folder / "template.xlsx")
    doc = synthesize(scheme)["unit_reports"]["altay_city"]
    clean = fill_workbook(template, doc, folder / "clean.xlsx")
    bad = copy.deepcopy(doc)
    item = next(i for i in bad["items"] if i["indicator_id"] == "C04")
    item.update(actual=8, evidence="")
    bad["contact"] = ""
    broken = fill_workbook(template, bad, folder / "阿勒泰市.xlsx")
    return {"clean": clean, "bad": broken}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_clean_file_exits_0(books: dict[str, Path]) -> None:
    code, out = run("validate", str(books["clean"]))
    assert code == 0
    assert "未发现问题" in out and "共 1 个文件，0 个有错误" in out


def test_errors_exit_1_with_the_cell_and_the_message(books: dict[str, Path]) -> None:
    code, out = run("validate", str(books["bad"]))
    assert code == 1
    assert "1 个错误，1 个警告" in out
    line = next(line for line in out.splitlines() if "evidence-required" in line)
    assert "单位自评表" in line and "J11" in line and "错误" in line
    assert "完成率 127.0% 超过 120%，必须填写佐证材料" in line
    assert "blank-contact" in out and "警告" in out


def test_nothing_usable_exits_2() -> None:
    code, out = run("validate", str(DATA / "bad" / "encrypted.xlsx"))
    assert code == 2
    assert "文件设置了打开密码" in out


def test_english(books: dict[str, Path]) -> None:
    code, out = run("--lang", "en", "validate", str(books["bad"]))
    assert code == 1
    assert "a completion rate of 127.0% is above 120%: evidence is required" in out
    assert "1 error(s), 1 warning(s)" in out


def test_json(books: dict[str, Path]) -> None:
    code, out = run("validate", "--json", str(books["bad"]), str(books["clean"]))
    assert code == 1
    data = json.loads(out)
    # Two reports of one unit: the batch warns about the duplicate.
    assert data["summary"] == {"files": 2, "errors": 1, "warnings": 2, "exit_code": 1}
    assert [i["rule"] for i in data["batch_issues"]] == ["duplicate-submission"]
    first = data["files"][0]
    assert first["kind"] == "unit_report" and first["owner"] == "altay_city"
    issue = next(i for i in first["issues"] if i["rule"] == "evidence-required")
    assert (issue["sheet"], issue["cell"], issue["indicator_id"]) == (U, "J11", "C04")
    assert issue["message_en"] and issue["hint"] and issue["label"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annotate_writes_a_marked_copy_and_leaves_the_original(books: dict[str, Path],
                                                               tmp_path: Path) -> None:
    before = _digest(books["bad"]), os.stat(books["bad"]).st_mtime_ns
    code, out = run("validate", str(books["bad"]), "--annotate", str(tmp_path / "批注"))
    assert code == 1
    assert (_digest(books["bad"]), os.stat(books["bad"]).st_mtime_ns) == before
    copy_path = tmp_path / "批注" / "阿勒泰市.xlsx"
    assert f"→ {copy_path}" in out
    wb = openpyxl.load_workbook(copy_path)
    assert wb.sheetnames[0] == "校验结果"
    listing = wb["校验结果"]
    rows = list(listing.iter_rows(min_row=2, values_only=True))
    assert [r[7] for r in rows] == ["blank-contact", "evidence-required"]
    link = next(c for c in listing["D"] if c.value == "J11")
    assert link.hyperlink.location == f"'{U}'!J11"
    cell = wb[U]["J11"]
    assert cell.fill.fgColor.rgb == "FFFF9999"
    assert "必须填写佐证材料" in cell.comment.text
    assert "_meta" in wb.sheetnames  # everything else is kept


def test_annotate_skips_files_that_must_not_be_opened(tmp_path: Path) -> None:
    code, _ = run("validate", str(DATA / "bad" / "xxe.xlsx"), "--annotate", str(tmp_path))
    assert code == 2
    assert list(tmp_path.iterdir()) == []


def test_a_broken_scheme_is_reported_not_raised(books: dict[str, Path], tmp_path: Path) -> None:
    doc = default_scheme_document()
    doc["component_weights"]["county"]["year_end"] = 0.5
    scheme_path = tmp_path / "scheme.json"
    scheme_path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out = run("validate", "--scheme", str(scheme_path), str(books["clean"]))
    assert code == 2
    assert "weights-sum" in out and "构成权重合计为 1.05" in out


def test_help_has_an_example() -> None:
    code, out = run("validate", "--help")
    assert code == 0 and "Example: kaohe validate" in out


def test_a_real_process(books: dict[str, Path], tmp_path: Path) -> None:
    kaohe = Path(sys.executable).with_name("kaohe")
    command = [str(kaohe)] if kaohe.exists() else [sys.executable, "-m", "kaohe"]
    done = subprocess.run([*command, "validate", str(books["bad"]), str(tmp_path / "nope.xlsx")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "J11" in done.stdout and "找不到文件" in done.stdout
    assert "Traceback" not in done.stderr


def test_python_dash_m_kaohe_runs_the_command(books: dict[str, Path]) -> None:
    # Where the console script is not on PATH (Windows without the venv's Scripts), clerks
    # and the office run `python -m kaohe`.
    done = subprocess.run([sys.executable, "-m", "kaohe", "--lang", "en", "validate",
                           str(books["bad"])], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "J11" in done.stdout and "Traceback" not in done.stderr


def test_a_clerks_folder_with_their_own_file_is_clean(books: dict[str, Path],
                                                      tmp_path: Path) -> None:
    import shutil

    own = tmp_path / "我的文件夹"
    own.mkdir()
    shutil.copy(books["clean"], own / "单位自评表_阿勒泰市.xlsx")
    code, out = run("validate", str(own))
    assert code == 0
    assert "（单位自评表 · 阿勒泰市）：未发现问题" in out  # the unit's name, not its id
    assert "missing-submission" not in out
    assert ("文件夹里只有阿勒泰市的文件，未按名单核对其他单位是否交齐 — 如要核对，请加 --roster"
            in out)
    code, out = run("--lang", "en", "validate", str(own))
    assert code == 0 and "(unit report · Altay City): no problems found" in out
    assert "files of Altay City only" in out and "add --roster" in out
    code, out = run("validate", "--roster", str(own))
    assert code == 1 and "未收到“布尔津县”的单位自评表" in out and "未按名单" not in out
    code, out = run("validate", "--json", str(own))
    assert code == 0 and json.loads(out)["roster_skipped"]["rule"] == "roster-skipped"


def test_a_collection_is_checked_against_the_roster_unless_told_not_to(
        books: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    inbox = tmp_path / "收集"
    inbox.mkdir()
    shutil.copy(books["clean"], inbox / "单位自评表_阿勒泰市.xlsx")
    shutil.copy(DATA / "bad" / "truncated.xlsx", inbox / "单位自评表_布尔津县.xlsx")
    code, out = run("validate", str(inbox))
    assert code == 1
    assert "收到了 单位自评表_布尔津县.xlsx（疑似布尔津县的单位自评表），但无法读取" in out
    assert "未收到“富蕴县”的单位自评表" in out
    code, out = run("validate", "--no-roster", str(inbox))
    assert code == 1 and "missing-submission" not in out and "未按名单" not in out
