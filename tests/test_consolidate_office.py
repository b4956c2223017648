"""What the office sees when inputs are missing, rejected or sent twice: provisional results,
the 未计分 sheet (also rebuilt from results.json alone), duplicates, English output, and
feedback workbooks left over from an earlier run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.pipeline.consolidate import run_consolidation
from kaohe.pipeline.documents import load_scheme


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "in"
    shutil.copytree(folder, target)
    return target


def _run(folder: Path, out: Path, lang: str = "zh", feedback: bool = False
         ) -> tuple[int, dict[str, Any], str]:
    said: list[str] = []
    code, results = run_consolidation(folder, out=out / "results.xlsx",
                                      json_out=out / "results.json",
                                      feedback=out / "fb" if feedback else None, lang=lang,
                                      echo=said.append)
    return code, results, "\n".join(said)


def _cells(path: Path, sheet: str) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _texts(path: Path, sheet: str) -> str:
    return "\n".join(str(v) for row in _cells(path, sheet) for v in row if v is not None)


def _change_actual(path: Path, target: Path, value: float) -> None:
    """A second version of a unit's report with one reported value changed (cell I11)."""
    wb = openpyxl.load_workbook(path)
    wb["单位自评表"]["I11"].value = value
    wb.save(target)


def _tamper_target(path: Path) -> None:
    """A locked target changed: the report is rejected and still names its unit."""
    wb = openpyxl.load_workbook(path)
    ws = wb["单位自评表"]
    ws["G11"].value = float(ws["G11"].value) - 2.5
    wb.save(path)


# -- 1. a missing register or lead department sheet makes the results provisional ---------------

def test_a_complete_run_is_not_provisional(clean_folder: Path, tmp_path: Path) -> None:
    code, results, said = _run(clean_folder, tmp_path)
    assert code == 0 and results["provisional"] == []
    assert "暂定" not in said
    assert "暂定" not in _texts(tmp_path / "results.xlsx", "说明")


def test_a_missing_register_makes_everything_provisional(clean_folder: Path,
                                                         tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    (folder / "平时考核汇总表.xlsx").unlink()
    code, results, said = _run(folder, tmp_path / "out", feedback=True)
    assert code == 1
    assert [p["reason"] for p in results["provisional"]] == [
        "未收到平时考核汇总表，各单位的平时考核得分按 0 分计"]
    assert "routine assessment summary" in results["provisional"][0]["reason_en"]
    assert said.startswith(
        "结果不完整（暂定）：未收到平时考核汇总表，各单位的平时考核得分按 0 分计")
    assert json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))[
        "provisional"] == results["provisional"]
    book = openpyxl.load_workbook(tmp_path / "out" / "results.xlsx")
    assert "结果不完整（暂定）" in _texts(tmp_path / "out" / "results.xlsx", "说明")
    for group in ("县市", "党群部门", "政府部门", "政法部门", "经济部门"):
        assert "（暂定）" in book[group]["A1"].value
        assert "未收到平时考核汇总表" in book[group]["A4"].value
    feedback = openpyxl.load_workbook(tmp_path / "out" / "fb" / "结果反馈_福海县.xlsx")
    sheet = feedback["结果反馈"]
    assert "（暂定）" in sheet["A1"].value
    assert "未收到平时考核汇总表" in "".join(str(sheet[f"A{r}"].value) for r in range(2, 6))


def test_a_missing_lead_department_sheet_names_the_department_and_indicators(
        clean_folder: Path, tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    (folder / "牵头部门评分表_地委政法委.xlsx").unlink()
    code, results, said = _run(folder, tmp_path / "out", lang="en")
    assert code == 1
    (entry,) = results["provisional"]
    assert entry["reason"].startswith("未收到“地委政法委”的牵头部门评分表，其评分的指标（C01")
    assert "lead department sheet" in entry["reason_en"] and "C01" in entry["reason_en"]
    assert said.startswith("RESULTS INCOMPLETE (PROVISIONAL)")
    assert "lead_scores" not in said


def test_a_rejected_register_is_said_to_be_rejected(clean_folder: Path, tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    register = folder / "民主测评及满意度统计表.xlsx"
    register.write_bytes(register.read_bytes()[:2000])
    code, results, said = _run(folder, tmp_path / "out")
    assert code == 1
    (entry,) = results["provisional"]
    assert entry["reason"] == ("民主测评及满意度统计表未通过校验，各单位的群众满意度、德和作风测评"
                               "得分按 0 分计")
    assert "已报送但未通过校验" in said and "未报送" not in said.replace("已报送", "")


def _blank_row(register: Path, sheet: str, key: str, letters: str) -> None:
    """Clear the cells `letters` of the register's rows keyed `key` (or `key|<channel>`, a
    unit's row per survey channel): a clerk left them blank."""
    wb = openpyxl.load_workbook(register)
    ws = wb[sheet]
    rows = [c.row for c in ws["A"] if c.value == key or str(c.value).startswith(f"{key}|")]
    for row in rows:
        for letter in letters:
            ws[f"{letter}{row}"].value = None
    wb.save(register)


def test_a_unit_left_blank_in_the_ballots_makes_the_results_provisional(
        clean_folder: Path, tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    _blank_row(folder / "民主测评及满意度统计表.xlsx", "群众满意度", "burqin", "EFGHK")
    code, results, said = _run(folder, tmp_path / "out")
    assert code == 1
    assert [p["reason"] for p in results["provisional"]] == [
        "民主测评及满意度统计表中 1 个单位的群众满意度票数均未填写（布尔津县），"
        "其群众满意度按 0 分计"]
    burqin = next(u for u in results["units"] if u["unit_id"] == "burqin")
    assert burqin["components"]["satisfaction"] == 0


def test_a_unit_left_blank_in_the_routine_summary_makes_the_results_provisional(
        clean_folder: Path, tmp_path: Path) -> None:
    # Its 平时考核 (30 % of the total) counted 0 and the unit was ranked last, with only a
    # note in its explanation: the office would have published it.
    folder = _copy(clean_folder, tmp_path)
    _blank_row(folder / "平时考核汇总表.xlsx", "平时考核", "fuyun", "EFGHIJKLMNOP")
    code, results, said = _run(folder, tmp_path / "out")
    assert code == 1
    assert [p["reason"] for p in results["provisional"]] == [
        "平时考核汇总表中 1 个单位的各期成绩均未填写（富蕴县），其平时考核按 0 分计"]
    assert "结果不完整（暂定）" in said and "这些文件照常计分" in said
    fuyun = next(u for u in results["units"] if u["unit_id"] == "fuyun")
    assert fuyun["components"]["routine"] == 0
    assert "暂定" in _texts(tmp_path / "out" / "results.xlsx", "说明")
    code, results, said = _run(folder, tmp_path / "en", lang="en")
    assert results["provisional"][0]["reason_en"] == (
        "the routine assessment summary gives nothing for the Routine assessment of 1 unit "
        "(Fuyun County): it counts 0 for it")


# -- 2, 3. the 未计分 sheet, from the run and from results.json alone -------------------------

@pytest.fixture(scope="module")
def planted(clean_folder: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Path, int, dict[str, Any], str]:
    """fuyun rejected (target changed), habahe cut short (unidentifiable), qinggil absent,
    fuhai sent twice with the same date and one value changed."""
    root = tmp_path_factory.mktemp("planted")
    folder = _copy(clean_folder, root)
    _tamper_target(folder / "单位自评表_富蕴县.xlsx")
    cut = folder / "单位自评表_哈巴河县.xlsx"
    cut.write_bytes(cut.read_bytes()[:3000])
    (folder / "单位自评表_青河县.xlsx").unlink()
    _change_actual(folder / "单位自评表_福海县.xlsx", folder / "单位自评表_福海县（修改）.xlsx",
                   7.0)
    code, results, said = _run(folder, root / "out")
    return root / "out", code, results, said


def test_the_not_scored_sheet_says_who_sent_what(planted: tuple[Path, int, dict, str]) -> None:
    out, code, results, _ = planted
    assert code == 1
    rows = _cells(out / "results.xlsx", "未计分")
    flat = [[v for v in row if v is not None] for row in rows]
    sections = [r[0] for r in flat if r and isinstance(r[0], str) and r[0].endswith("）")]
    assert sections == ["未通过校验的文件（2）", "重复报送，未采用（1）", "未收到可用的材料（3）",
                        "未能计分的单位（3）"]
    status = {r[1]: r[2] for r in flat if len(r) == 3 and r[0] == "单位自评表"}
    assert status["富蕴县"] == "已报送但未通过校验（见上）"
    assert status["哈巴河县"].startswith("可能已报送但未通过校验：文件 单位自评表_哈巴河县.xlsx")
    assert status["青河县"] == "未报送"
    (dup,) = [r for r in flat if r and r[0] == "单位自评表_福海县.xlsx"]
    assert dup[1] == "福海县" and "采用了 单位自评表_福海县（修改）.xlsx" in dup[2]
    assert "内容不同" in dup[2]
    # no empty bordered columns: every row of a 3-column section stops at column C
    ws = openpyxl.load_workbook(out / "results.xlsx")["未计分"]
    assert ws.column_dimensions["C"].width >= 60
    unscored_header = next(i for i, r in enumerate(rows, 1)
                           if r[0] == "单位" and r[1] == "考核组别")
    assert ws.cell(unscored_header, 4).border.left.style is None


def test_results_book_rebuilds_the_workbook_from_the_json_alone(
        planted: tuple[Path, int, dict, str], tmp_path: Path) -> None:
    out, _, results, _ = planted
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [r["file"] for r in data["submissions"]["rejected"]] == [
        "单位自评表_哈巴河县.xlsx", "单位自评表_富蕴县.xlsx"]  # (in the order of file names)
    assert data["scheme_name"] == load_scheme().document["name"]
    proc = CliRunner().invoke(main, ["results-book", str(out / "results.json"), "--out",
                                     str(tmp_path / "x.xlsx")])
    assert proc.exit_code == 0, proc.output
    assert _cells(tmp_path / "x.xlsx", "未计分") == _cells(out / "results.xlsx", "未计分")
    assert _cells(tmp_path / "x.xlsx", "县市")[0] == _cells(out / "results.xlsx", "县市")[0]
    assert "2016年度综合考核" != _cells(tmp_path / "x.xlsx", "县市")[0][0]


def test_a_rerun_gives_byte_identical_json(planted: tuple[Path, int, dict, str],
                                           tmp_path: Path) -> None:
    out, _, _, _ = planted
    folder = out.parent / "in"
    _run(folder, tmp_path)
    assert (tmp_path / "results.json").read_bytes() == (out / "results.json").read_bytes()


# -- 4. duplicates say what really decided, and differing versions are an error -------------------

def test_differing_duplicates_with_the_same_date_are_an_error_that_says_why(
        planted: tuple[Path, int, dict, str]) -> None:
    _, code, results, said = planted
    assert code == 1
    note = next(line for line in said.splitlines() if "份单位自评表" in line)
    assert note.startswith("错误: ") and "福海县有 2 份单位自评表" in note
    assert "“fuhai”" not in note and "采用较新的 " not in note
    assert "填报日期相同" in note and "内容不同（C04）" in note
    assert "请确认哪一份正确" in note
    used = {r["file"]: r["used"] for r in results["inputs"]}
    assert used["单位自评表_福海县（修改）.xlsx"] is True
    assert used["单位自评表_福海县.xlsx"] is False
    assert "重复未采用 1 个" in said


def test_identical_duplicates_are_a_warning_in_plain_english(clean_folder: Path,
                                                             tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    shutil.copy2(folder / "单位自评表_福海县.xlsx", folder / "单位自评表_福海县 - 副本.xlsx")
    code, results, said = _run(folder, tmp_path / "out", lang="en")
    assert code == 0
    note = next(line for line in said.splitlines() if line.startswith("note:"))
    assert "Fuhai County has 2 unit report files" in note
    assert "the same contents" in note and "unit_report" not in note
    assert "1 duplicate(s) not used" in said


def test_two_differing_registers_of_one_kind_are_an_error_naming_both(clean_folder: Path,
                                                                      tmp_path: Path) -> None:
    # A register has no owner, yet two of a kind are duplicates: before, both were used and
    # one silently overrode the other.
    folder = _copy(clean_folder, tmp_path)
    wb = openpyxl.load_workbook(folder / "平时考核汇总表.xlsx")
    wb["平时考核"]["E6"].value = 60.0
    wb.save(folder / "平时考核汇总表（修改）.xlsx")
    code, results, said = _run(folder, tmp_path / "out")
    assert code == 1
    note = next(line for line in said.splitlines() if "份平时考核汇总表" in line)
    assert "收到 2 份平时考核汇总表：" in note and "内容不同" in note
    used = {r["file"]: r["used"] for r in results["inputs"]}
    assert sum(used[name] for name in ("平时考核汇总表.xlsx", "平时考核汇总表（修改）.xlsx")) == 1
    assert "重复未采用 1 个" in said
    code, _, said = _run(folder, tmp_path / "en", lang="en")
    assert "2 routine assessment summary files arrived: " in said


# -- 5. English all through ----------------------------------------------------------------------

def test_english_summary_and_workbook_have_no_chinese_labels(
        planted: tuple[Path, int, dict, str], tmp_path: Path) -> None:
    folder = planted[0].parent / "in"
    (folder / "加扣分登记表.xlsx").rename(tmp_path / "aside.xlsx")
    try:
        code, results, said = _run(folder, tmp_path, lang="en")
    finally:
        (tmp_path / "aside.xlsx").rename(folder / "加扣分登记表.xlsx")
    assert " 较好 " not in said and "Fairly good" in said
    assert "Fuyun County" in said and "adjustments register" in said
    assert "\nadjustments register  —     not submitted" in said  # not the raw "adjustments"
    book = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert all(len(n) < 31 for n in book.sheetnames) and "Points party" in book.sheetnames
    header = next([c.value for c in row if c.value] for row in book["Points county"].iter_rows()
                  if row[0].value == "Rank")
    assert all(h.isascii() for h in header[2:4])   # English names, no ids
    ids = {i["indicator_id"] for i in results["units"][0]["indicators"]}
    assert not ids & {w for h in header for w in str(h).split()}
    texts = _texts(tmp_path / "results.xlsx", "Not scored")
    # (only the file names, as the offices named them, are Chinese)
    plain = texts.replace("单位自评表_富蕴县.xlsx", "").replace("单位自评表_哈巴河县.xlsx", "")
    assert "Fuyun County" in texts and "富蕴县" not in plain and "（" not in texts.split("\n")[3]
    assert results["units"][0]["indicators"][0]["name_en"]


def test_english_workbooks_name_categories_in_english(clean_folder: Path,
                                                     tmp_path: Path) -> None:
    # The scheme names categories in Chinese only (经济发展, 荣誉表彰 …): English feedback and
    # the English adjustments sheet showed them so.
    code, results, _ = _run(clean_folder, tmp_path, lang="en", feedback=True)
    assert code == 0
    feedback = "\n".join(_texts(path, openpyxl.load_workbook(path).sheetnames[0])
                         for path in sorted((tmp_path / "fb").glob("*.xlsx"))[:5])
    assert "Economic development" in feedback and "经济发展" not in feedback
    cells = {v for row in _cells(tmp_path / "results.xlsx", "Adjustments") for v in row}
    assert "Honours" in cells and "荣誉表彰" not in cells  # (the clerks' evidence stays theirs)


def test_zh_summary_names_the_missing_register_in_words(clean_folder: Path,
                                                        tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    (folder / "加扣分登记表.xlsx").unlink()
    _, _, said = _run(folder, tmp_path / "out")
    assert "adjustments" not in said
    assert "加扣分登记表" in said and "未报送" in said


# -- 6. feedback workbooks of an earlier run ----------------------------------------------------

def test_feedback_of_units_not_in_this_run_is_removed_and_named(
        clean_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(clean_folder, out, feedback=True)
    assert len(list((out / "fb").glob("*.xlsx"))) == 34
    keep = out / "fb" / "结果反馈_someone.xlsx"  # not written by kaohe: left alone
    wb = openpyxl.Workbook()
    wb.save(keep)
    folder = _copy(clean_folder, tmp_path)
    for unit in ("富蕴县", "哈巴河县", "青河县"):
        (folder / f"单位自评表_{unit}.xlsx").unlink()
    _, results, said = _run(folder, out, feedback=True)
    names = sorted(p.name for p in (out / "fb").glob("*.xlsx"))
    assert len(names) == 32 and "结果反馈_someone.xlsx" in names
    assert not any(u in n for n in names for u in ("fuyun", "habahe", "qinggil"))
    assert "已删除上次生成的 3 个反馈工作簿" in said and "结果反馈_富蕴县.xlsx" in said
    # `kaohe feedback` does the same
    (out / "results.json").write_text(json.dumps(dict(results, units=results["units"][1:]),
                                                 ensure_ascii=False), encoding="utf-8")
    gone = f"结果反馈_{results['units'][0]['unit_name']}.xlsx"
    proc = CliRunner().invoke(main, ["feedback", str(out / "results.json"), "--out",
                                     str(out / "fb")])
    assert proc.exit_code == 0, proc.output
    assert gone in proc.output and not (out / "fb" / gone).exists()
    assert keep.exists()


# -- 7. smaller things --------------------------------------------------------------------------

def test_ranking_subtitle_counts_the_units_not_scored_and_full_scores_are_marked(
        planted: tuple[Path, int, dict, str]) -> None:
    out = planted[0]
    book = openpyxl.load_workbook(out / "results.xlsx")
    assert book["县市"]["A2"].value == "综合排名（4 个单位；另有 3 个单位未能计分，见“未计分”表）"
    assert book["党群部门"]["A2"].value == "综合排名（7 个单位）"
    ws = book["县市指标得分"]
    fills = {ws.cell(r, c).fill.fgColor.rgb for r in range(6, 10) for c in range(3, 12)}
    assert "FFE2EFDA" in fills  # full score: light green
    # the legend spans the first printed page's indicators (the sheet is cut by category)
    assert any("浅绿色：满分" in str(c.value or "") for c in ws[2])


def test_a_run_records_what_is_new_and_says_which_revision_it_became(
        clean_folder: Path, tmp_path: Path) -> None:
    # The reason of every run made without --reason was the register's decisions, whatever
    # changed (here: nothing but the routine assessment summary arriving).
    db = str(tmp_path / "history.sqlite")
    folder = _copy(clean_folder, tmp_path)
    summary = folder / "平时考核汇总表.xlsx"
    kept = summary.read_bytes()
    summary.unlink()
    runs = []
    for _ in range(2):
        out = tmp_path / f"out{len(runs)}.json"
        proc = CliRunner().invoke(main, ["consolidate", str(folder), "--db", db, "--json",
                                         str(out)])
        assert proc.exit_code in (0, 1), proc.output
        runs.append(json.loads(out.read_text(encoding="utf-8"))["run"])
        summary.write_bytes(kept)
    assert runs == [
        {"run_id": "2016-r1", "revision": 1, "published": False, "published_revision": None,
         "provisional": True},
        {"run_id": "2016-r2", "revision": 2, "published": False, "published_revision": None,
         "provisional": False}]
    listed = CliRunner().invoke(main, ["revisions", "--db", db, "--year", "2016"]).output
    assert "首次汇总" in listed and "输入变化：新增 平时考核汇总表.xlsx" in listed
    assert "已登记的决定" not in listed and "未发布（暂定）" in listed


def test_an_output_that_cannot_be_written_stops_the_run_before_anything_is_replaced(
        clean_folder: Path, tmp_path: Path) -> None:
    # A folder where one feedback workbook goes (or, on Windows, a workbook open in Excel):
    # results.json and results.xlsx had already been replaced when the feedback failed.
    out = tmp_path / "out"
    (out / "fb" / "结果反馈_福海县.xlsx").mkdir(parents=True)
    (out / "results.json").write_text("earlier", encoding="utf-8")
    result = CliRunner().invoke(main, ["consolidate", str(clean_folder), "--json",
                                       str(out / "results.json"), "--out",
                                       str(out / "results.xlsx"), "--feedback", str(out / "fb")])
    assert result.exit_code == 2, result.output
    assert "结果反馈_福海县.xlsx" in result.output and "同名的文件夹已存在" in result.output
    assert "Traceback" not in result.output
    assert (out / "results.json").read_text(encoding="utf-8") == "earlier"
    assert not (out / "results.xlsx").exists()
    assert [p.name for p in (out / "fb").iterdir()] == ["结果反馈_福海县.xlsx"]
    done = CliRunner().invoke(main, ["consolidate", str(clean_folder), "--json",
                                     str(tmp_path / "results.json")])
    assert done.exit_code == 0, done.output
    (out / "fb" / "feedback_Fuhai County.xlsx").mkdir()  # where the English workbook goes
    result = CliRunner().invoke(main, ["--lang", "en", "feedback", str(tmp_path / "results.json"),
                                       "--out", str(out / "fb")])
    assert result.exit_code == 2 and "a folder of that name is in the way" in result.output
    assert "feedback_Fuhai County.xlsx" in result.output


def test_english_feedback_is_named_in_english_and_replaces_the_chinese(
        clean_folder: Path, tmp_path: Path) -> None:
    # An English run wrote 结果反馈_<unit>.xlsx; switching language left the old ones beside.
    out = tmp_path / "out"
    _run(clean_folder, out, feedback=True)
    assert len(list((out / "fb").glob("结果反馈_*.xlsx"))) == 34
    _, _, said = _run(clean_folder, out, lang="en", feedback=True)
    names = sorted(p.name for p in (out / "fb").iterdir())
    assert len(names) == 34 and all(n.startswith("feedback_") for n in names), names
    assert "结果反馈_富蕴县.xlsx" in said  # the removed ones are named
    _run(clean_folder, out, feedback=True)  # and back: one per unit, by its Chinese name
    back = sorted(p.name for p in (out / "fb").iterdir())
    assert len(back) == 34 and all(n.startswith("结果反馈_") and n.isascii() is False
                                   for n in back), back


# -- 8. second office audit ------------------------------------------------------------------------

def test_units_not_scored_and_differing_duplicates_make_the_results_provisional(
        planted: tuple[Path, int, dict, str], tmp_path: Path) -> None:
    # Units not scored move the others' group-relative points; an unresolved differing
    # duplicate may change a unit's score: neither may be published as final unnoticed.
    out, code, results, said = planted
    assert [p["reason"] for p in results["provisional"]] == [
        "3 个单位未能计分（富蕴县、哈巴河县、青河县）：组内相对计分的指标和名次会随之变化",
        "福海县有两份内容不同的单位自评表，尚未确认采用哪一份"]
    assert results["provisional"][0]["reason_en"].startswith(
        "3 units could not be scored (Fuyun County, Habahe County, Qinggil County)")
    assert said.startswith("结果不完整（暂定）：3 个单位未能计分") and "以上问题解决后" in said
    book = openpyxl.load_workbook(out / "results.xlsx")
    assert "（暂定）" in book["县市"]["A1"].value
    assert "福海县有两份内容不同的单位自评表" in _texts(out / "results.xlsx", "说明")
    db = tmp_path / "h.sqlite"
    folder = out.parent / "in"
    run = CliRunner().invoke(main, ["consolidate", str(folder), "--json",
                                    str(tmp_path / "r.json"), "--db", str(db)])
    assert run.exit_code == 1, run.output
    refused = CliRunner().invoke(main, ["publish", "--db", str(db), "--year", "2016"])
    assert refused.exit_code != 0 and "3 个单位未能计分" in refused.output
    done = CliRunner().invoke(main, ["publish", "--db", str(db), "--year", "2016",
                                     "--allow-provisional"])
    assert done.exit_code == 0, done.output


def test_an_identical_copy_does_not_make_the_results_provisional(clean_folder: Path,
                                                                 tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    shutil.copy2(folder / "单位自评表_福海县.xlsx", folder / "单位自评表_福海县 - 副本.xlsx")
    code, results, said = _run(folder, tmp_path / "out")
    assert code == 0 and results["provisional"] == []
    assert next(line for line in said.splitlines() if "份单位自评表" in line).startswith("注意: ")


def test_a_differing_duplicate_is_labelled_an_error(planted: tuple[Path, int, dict, str],
                                                    tmp_path: Path) -> None:
    note = next(line for line in planted[3].splitlines() if "份单位自评表" in line)
    assert note.startswith("错误: ")
    _, _, said = _run(planted[0].parent / "in", tmp_path, lang="en")
    note = next(line for line in said.splitlines() if "2 unit report files:" in line)
    assert note.startswith("error: ")


def test_reasons_name_the_file_not_the_collection_folder(
        planted: tuple[Path, int, dict, str]) -> None:
    out, _, results, said = planted
    folder = str(out.parent / "in")
    rejected = results["submissions"]["rejected"]
    assert [r["reason"].split(",")[0] for r in rejected][1] == "单位自评表_富蕴县.xlsx"
    texts = [r["reason"] for r in rejected] + [r["reason_en"] for r in rejected] + [
        u["reason"] for u in results["not_scored"]]
    assert not any(folder in t or "/" in t.split(":")[0] for t in texts), texts
    assert folder not in _texts(out / "results.xlsx", "未计分")
    assert folder not in (out / "results.json").read_text(encoding="utf-8")


def test_a_file_named_for_a_unit_is_said_to_be_probably_that_units_everywhere(
        planted: tuple[Path, int, dict, str], tmp_path: Path) -> None:
    # habahe's report is cut short: its name, not its content, says whose it is
    out, _, results, said = planted
    (row,) = [r for r in results["submissions"]["rejected"] if r["file"] ==
              "单位自评表_哈巴河县.xlsx"]
    assert row["unit_id"] == "" and row["probable_unit_id"] == "habahe"
    flat = [[v for v in r if v is not None] for r in _cells(out / "results.xlsx", "未计分")]
    (listed,) = [r for r in flat if r and r[0] == "单位自评表_哈巴河县.xlsx"]
    assert listed[1] == "疑似哈巴河县"
    status = {r[1]: r[2] for r in flat if len(r) == 3 and r[0] == "单位自评表"}
    assert "疑似本单位" in status["哈巴河县"] and "无法识别" not in status["哈巴河县"]
    assert "疑似哈巴河县" in said
    proc = CliRunner().invoke(main, ["--lang", "en", "results-book",
                                     str(out / "results.json"), "--out", str(tmp_path / "e.xlsx")])
    assert proc.exit_code == 0, proc.output
    # as the console says it: "(apparently the unit report of Habahe County)"
    assert "apparently Habahe County" in _texts(tmp_path / "e.xlsx", "Not scored")


def test_the_summary_counts_the_warnings_of_the_files_used(clean_folder: Path,
                                                           tmp_path: Path) -> None:
    folder = _copy(clean_folder, tmp_path)
    for unit, cells in (("富蕴县", ("K11", "J12")), ("福海县", ("K11",))):
        wb = openpyxl.load_workbook(folder / f"单位自评表_{unit}.xlsx")
        for cell in cells:
            wb["单位自评表"][cell].value = "=见附件"
            wb["单位自评表"][cell].data_type = "s"
        wb.save(folder / f"单位自评表_{unit}.xlsx")
    code, results, said = _run(folder, tmp_path / "out")
    assert code == 0
    # (the synthetic ballots leave one rater group's row blank: a warning of their own)
    assert (f"另有 4 个警告（3 个文件）：这些文件照常计分，各警告写明了计分时如何处理；"
            f"用 kaohe validate {folder} 查看") in said
    warned = {r["file"]: r["warnings"] for r in results["inputs"] if r["warnings"]}
    assert warned == {"单位自评表_富蕴县.xlsx": 2, "单位自评表_福海县.xlsx": 1,
                      "民主测评及满意度统计表.xlsx": 1}
    _, _, said = _run(folder, tmp_path / "en", lang="en")
    assert ("4 more warnings (3 files): the files are scored as they are, each warning says "
            "how; see them with kaohe ") in said
    _, _, said = _run(clean_folder, tmp_path / "clean")
    assert "另有 1 个警告（1 个文件）" in said


def test_the_workbooks_say_which_run_they_show_and_whether_it_is_published(
        clean_folder: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite")

    def consolidate(folder: Path, out: Path, *lang: str) -> str:
        proc = CliRunner().invoke(main, [*lang, "consolidate", str(folder), "--db", db, "--out",
                                         str(out / "r.xlsx"), "--json", str(out / "r.json"),
                                         "--feedback", str(out / "fb")])
        assert proc.exit_code == 0, proc.output
        return proc.output

    def about(out: Path, key: str = "运行/修订") -> Any:
        return next(r[1] for r in _cells(out / "r.xlsx", "说明" if key == "运行/修订" else "About")
                    if r[0] == key)

    said = consolidate(clean_folder, tmp_path / "a")
    assert "记为 2016-r1（未发布）" in said
    assert about(tmp_path / "a") == "2016-r1，未发布"
    assert json.loads((tmp_path / "a" / "r.json").read_text(encoding="utf-8"))["run"] == {
        "run_id": "2016-r1", "revision": 1, "published": False, "published_revision": None,
        "provisional": False}
    published = CliRunner().invoke(main, ["publish", "--db", db, "--year", "2016"])
    assert published.exit_code == 0, published.output
    # publishing rewrote what the consolidation wrote: it says so now, with when
    assert f"→ {(tmp_path / 'a' / 'r.xlsx').resolve()}" in published.output
    assert about(tmp_path / "a").startswith("2016-r1，已发布（第 1 版），发布时间 ")
    assert about(tmp_path / "a").endswith("（北京时间）")
    consolidate(clean_folder, tmp_path / "b")  # the same: no new revision, status written
    assert about(tmp_path / "b").startswith("2016-r1，已发布（第 1 版）")
    folder = _copy(clean_folder, tmp_path)
    _change_actual(folder / "单位自评表_福海县.xlsx", folder / "单位自评表_福海县.xlsx", 7.0)
    said = consolidate(folder, tmp_path / "c")
    assert "记为 2016-r2（未发布；正式结果为 2016-r1）" in said
    # a new revision of a published year says what it moves against the official result
    assert "第 2 版（2016-r2）相对正式结果 2016-r1 的变化：" in said
    assert "福海县" in said.split("相对正式结果")[1].split("\n\n")[0]
    assert about(tmp_path / "c") == "2016-r2，未发布；正式结果为 2016-r1"
    sheet = openpyxl.load_workbook(tmp_path / "c" / "fb" / "结果反馈_富蕴县.xlsx")["结果反馈"]
    assert sheet["A3"].value == "运行/修订：2016-r2，未发布；正式结果为 2016-r1"
    said = consolidate(folder, tmp_path / "e", "--lang", "en")
    assert about(tmp_path / "e", "Run / revision") == (
        "2016-r2, not published; the official results are 2016-r1")
    sheet = openpyxl.load_workbook(tmp_path / "e" / "fb" / "feedback_Fuyun County.xlsx")["Feedback"]
    assert sheet["A3"].value == "Run / revision: 2016-r2, not published; the official results " \
        "are 2016-r1"
    # without --db nothing is said about runs
    code, results, said = _run(clean_folder, tmp_path / "n", feedback=True)
    assert "run" not in results and "记为" not in said
    assert "运行/修订" not in _texts(tmp_path / "n" / "results.xlsx", "说明")
    assert "运行/修订" not in _texts(tmp_path / "n" / "fb" / "结果反馈_富蕴县.xlsx", "结果反馈")


def test_incomplete_groups_say_how_many_of_their_units_were_scored(
        planted: tuple[Path, int, dict, str], tmp_path: Path) -> None:
    out = planted[0]
    about = {r[0]: r[1] for r in _cells(out / "results.xlsx", "说明") if r[0]}
    assert about["考核组别（单位数）"].startswith("县市（计分 4 / 7）、党群部门（7）")
    assert about["被考核单位数"] == "计分 31 / 34（3 个单位未能计分，见“未计分”表）"
    for lang, folder in (("zh", "fz"), ("en", "fe")):
        proc = CliRunner().invoke(main, ["--lang", lang, "feedback", str(out / "results.json"),
                                         "--out", str(tmp_path / folder)])
        assert proc.exit_code == 0, proc.output
    zh = _cells(tmp_path / "fz" / "结果反馈_阿勒泰市.xlsx", "结果反馈")
    assert next(r[5] for r in zh if r[3] == "组内名次").endswith(" / 4（另有 3 个单位未能计分）")
    assert next(r[5] for r in _cells(tmp_path / "fz" / "结果反馈_地委组织部.xlsx", "结果反馈")
                if r[3] == "组内名次").endswith(" / 7")
    en = _cells(tmp_path / "fe" / "feedback_Altay City.xlsx", "Feedback")
    assert next(r[5] for r in en if r[3] == "Rank in group").endswith(
        " of 4 (3 more could not be scored)")


def test_the_english_about_sheet_is_english_and_fits(clean_folder: Path, planted: tuple,
                                                     tmp_path: Path) -> None:
    db = str(tmp_path / "h.sqlite")
    proc = CliRunner().invoke(main, ["consolidate", str(clean_folder), "--db", db, "--json",
                                     str(tmp_path / "r.json")])
    assert proc.exit_code == 0, proc.output
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    for source, name in ((tmp_path / "r.json", "a.xlsx"), (planted[0] / "results.json", "b.xlsx")):
        proc = CliRunner().invoke(main, ["--lang", "en", "results-book", str(source), "--out",
                                         str(tmp_path / name)])
        assert proc.exit_code == 0, proc.output
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["About"]
    about = {r[0]: (r[1], i) for i, r in enumerate(ws.iter_rows(values_only=True), 1) if r[0]}
    assert about["History"][0] == results["history_note_en"]
    groups, row = about["Groups (units)"]
    assert "（" not in groups and "、" not in groups and "Party" in groups
    assert ws.row_dimensions[row].height and ws.row_dimensions[row].height > 20  # two lines
    assert ws.column_dimensions["A"].width >= len("Party and mass organisations")
    b = {r[0]: r[1] for r in _cells(tmp_path / "b.xlsx", "About") if r[0]}
    assert b["Groups (units)"].startswith("Counties and city (4 of 7 scored), ")
    assert b["Units"] == "31 of 34 scored (3 could not be scored, see Not scored)"


def test_results_book_from_the_json_alone_breaks_ties_as_the_scheme_does(
        planted: tuple[Path, int, dict, str], tmp_path: Path) -> None:
    out = planted[0]
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    scheme = load_scheme()
    assert data["tie_breakers"] == list(scheme.document["tie_breakers"])
    assert data["rounding"] == {"digits": 2, "mode": "half_up"}
    proc = CliRunner().invoke(main, ["results-book", str(out / "results.json"), "--out",
                                     str(tmp_path / "x.xlsx")])
    assert proc.exit_code == 0, proc.output
    alone, given = _cells(tmp_path / "x.xlsx", "测算"), _cells(out / "results.xlsx", "测算")
    assert alone == given
    assert max(len([v for v in r if v is not None]) for r in alone) >= 17
    assert "未提供考核方案" not in _texts(tmp_path / "x.xlsx", "测算")
