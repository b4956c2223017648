"""The published results workbook: sheets, content, highlights, safety, determinism, what-if."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.pipeline.demo import run_demo
from workbook_templates import recalc
from workbook_templates.results_book import write_results_workbook
from workbook_templates.whatif_sheet import exact_components, whatif_total
from workbook_templates.xlsx_style import STYLES

MALICIOUS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3"]
REJECTED = [{"file": "填报/富蕴县.xlsx", "unit_id": "fuyun", "unit_name": "富蕴县",
             "reason": "工作表“单位填报”E7：'12,3' 不是数字", "findings": 3}]
MISSING = [{"unit_id": "fuhai", "unit_name": "福海县", "kind": "unit_report"},
           {"unit_id": "", "unit_name": "平时考核成绩", "kind": "routine"}]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    out = tmp_path_factory.mktemp("demo")
    results = run_demo(out, echo=lambda *_: None)
    from kaohe.pipeline.io import read_json

    return results, read_json(out / "scheme.json")


@pytest.fixture(scope="module")
def book(demo: tuple[dict, dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    results, scheme = demo
    path = tmp_path_factory.mktemp("book") / "结果.xlsx"
    return write_results_workbook(results, path, scheme=scheme, rejected=REJECTED,
                                  missing=MISSING)


def rows_of(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def header_row(ws: Any, first: str) -> int:
    """1-based row whose column A is `first` (the table header)."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header {first!r} on {ws.title}")


def table(ws: Any, first: str) -> tuple[list[str], list[list[Any]]]:
    """Header and data rows of the table whose header starts with `first` (until a blank A)."""
    top = header_row(ws, first)
    head = [c.value for c in ws[top]]
    data = []
    for r in ws.iter_rows(min_row=top + 1, values_only=True):
        if r[0] is None and r[1] is None:
            break
        data.append(list(r))
    return head, data


# -- structure ------------------------------------------------------------------------------

def test_sheets_one_ranking_and_one_points_sheet_per_group(book: Path, demo: tuple) -> None:
    results, _ = demo
    names = openpyxl.load_workbook(book).sheetnames
    groups = [g["name"] for g in results["groups"]]
    assert names == (["说明"] + groups + [f"{g}指标得分" for g in groups]
                     + ["加扣分", "未计分", "测算"])


def test_english_sheet_names_and_headers(demo: tuple, tmp_path: Path) -> None:
    results, scheme = demo
    path = write_results_workbook(results, tmp_path / "en.xlsx", lang="en", scheme=scheme)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "About" and wb.sheetnames[-3:] == ["Adjustments", "Not scored",
                                                                  "What-if"]
    assert "Counties and city" in wb.sheetnames
    head, data = table(wb["Counties and city"], "Rank")
    assert head[:5] == ["Rank", "Unit", "Total", "Grade", "Top-grade eligible"]
    assert "Altay City" in [r[1] for r in data]
    assert not any(re.search(r"[\u4e00-\u9fff]", n) for n in wb.sheetnames)


def test_about_sheet_names_the_scheme_and_flags_illustrative_data(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["说明"]
    text = "\n".join(str(v) for r in rows_of(ws) for v in r if v is not None)
    assert "阿勒泰地区2016年度县市和地直部门综合考核结果（示例）" in text
    assert "altay-2016" in text and "示例数据" in text and "测算" in text


# -- ranking sheets -------------------------------------------------------------------------

def test_ranking_sheet_matches_the_results(book: Path, demo: tuple) -> None:
    results, _ = demo
    wb = openpyxl.load_workbook(book)
    comps = [c["name"] for c in results["components"]]
    for group in results["groups"]:
        ws = wb[group["name"]]
        head, data = table(ws, "名次")
        assert head[5:5 + len(comps)] == comps
        units = [u for u in results["units"] if u["group"] == group["id"]]
        assert len(data) == len(units)
        by_name = {u["unit_name"]: u for u in units}
        remarks = head.index("等次调整、评优限制及说明")
        for row in data:
            u = by_name[row[1]]
            assert (row[0], row[2], row[3]) == (u["rank"], u["total"], u["grade"])
            assert row[4] == ("是" if u["top_grade_eligible"] else "否")
            assert row[5:5 + len(comps)] == [u["components"][c["id"]]
                                             for c in results["components"]]
            for gate in u["gates"]:
                assert gate["reason"] in row[remarks]
            for note in u["grade_notes"]:
                assert note["reason"] in row[remarks]
        assert ws.freeze_panes == f"C{header_row(ws, '名次') + 1}"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.print_title_rows


def test_ranking_sheets_have_native_charts(book: Path) -> None:
    with zipfile.ZipFile(book) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = [z.read(n).decode() for n in charts]
    assert len(charts) == 2 * 5
    assert sum('<c:grouping val="stacked"/>' in x for x in xml) == 5
    assert all("<c:barChart>" in x for x in xml)
    ws = openpyxl.load_workbook(book)["县市"]
    assert len(ws._charts) == 2


def test_history_columns_when_a_unit_has_history(demo: tuple, tmp_path: Path) -> None:
    results = copy.deepcopy(demo[0])
    for u in results["units"]:
        u.pop("history", None)  # the demo's own history; this test plants one unit's
    first = results["units"][0]
    first["history"] = {"previous_year": 2015, "previous_total": 90.5, "previous_rank": 3,
                        "previous_grade": "较好", "total_change": round(first["total"] - 90.5, 2),
                        "rank_change": 3 - first["rank"], "three_consecutive_top": True}
    path = write_results_workbook(results, tmp_path / "h.xlsx")
    head, data = table(openpyxl.load_workbook(path)["县市"], "名次")
    cols = [head.index(k) for k in ("上年总分", "总分增减", "上年名次", "名次升降")]
    row = next(r for r in data if r[1] == first["unit_name"])
    assert [row[c] for c in cols] == [90.5, first["history"]["total_change"], 3,
                                      3 - first["rank"]]
    assert "连续三年获得最高等次" in row[head.index("等次调整、评优限制及说明")]
    other = next(r for r in data if r[1] != first["unit_name"])
    assert [other[c] for c in cols] == [None] * 4


# -- points matrix --------------------------------------------------------------------------

def test_points_matrix_highlights_losses(book: Path, demo: tuple) -> None:
    results, _ = demo
    ws = openpyxl.load_workbook(book)["县市指标得分"]
    top = header_row(ws, "名次")
    county = [u for u in results["units"] if u["group"] == "county"]
    assert [ws.cell(top + 1, 3 + j).value for j in range(len(county[0]["indicators"]))] == \
        [i["full_score"] for i in county[0]["indicators"]]
    loss, strong = (STYLES[k]["bg_color"].lstrip("#") for k in ("loss", "loss_strong"))
    seen = {"loss": 0, "strong": 0, "full": 0}
    for n in range(len(county)):
        row = top + 2 + n
        unit = next(u for u in county if u["unit_name"] == ws.cell(row, 2).value)
        gated = {g["indicator_id"] for g in unit["gates"] if g["gate"] == "region-loss"}
        for j, ind in enumerate(unit["indicators"]):
            cell = ws.cell(row, 3 + j)
            fill = (cell.fill.fgColor.rgb or "")[-6:]
            assert cell.value == round(ind["points"], 2)
            if ind["indicator_id"] in gated:
                assert fill == strong
                seen["strong"] += 1
            elif round(ind["lost"], 2) > 0:  # what the cell shows (2 decimals)
                assert fill == loss
                seen["loss"] += 1
            else:
                assert fill not in (loss, strong)
                seen["full"] += 1
    assert all(seen.values()), seen


# -- adjustments, not scored, safety ------------------------------------------------------------

def test_adjustments_sheet_lists_every_event_with_its_decision(book: Path, demo: tuple) -> None:
    results, _ = demo
    head, data = table(openpyxl.load_workbook(book)["加扣分"], "单位")
    events = [(u, e) for u in results["units"] for e in u["adjustments"]]
    assert len(data) == len(events)
    ids = {r[2]: r for r in data}
    for u, e in events:
        row = ids[e["event_id"]]
        assert (row[0], row[8], row[9], row[10]) == (u["unit_name"], e["reason"], e["evidence"],
                                                     e["approver"])
        assert row[7] == e["counted"]
        if e["decision"]:
            assert row[11] == "申诉：撤销" and row[12] == e["decision"]["reason"]


def test_not_scored_lists_rejected_files_and_missing_submissions(book: Path) -> None:
    text = [v for r in rows_of(openpyxl.load_workbook(book)["未计分"]) for v in r if v]
    for expected in ("填报/富蕴县.xlsx", REJECTED[0]["reason"], "福海县", "单位填报表",
                     "平时考核成绩", "未通过校验的文件（1）", "未报送（2）"):
        assert expected in text


def test_text_from_people_never_becomes_a_formula(demo: tuple, tmp_path: Path) -> None:
    results = copy.deepcopy(demo[0])
    unit = next(u for u in results["units"] if u["adjustments"])
    event = unit["adjustments"][0]
    event["reason"], event["evidence"], event["approver"], event["category"] = MALICIOUS
    unit["unit_name"] = MALICIOUS[0]
    rejected = [{"file": MALICIOUS[1], "unit_id": "x", "unit_name": MALICIOUS[2],
                 "reason": MALICIOUS[0], "findings": 1}]
    path = write_results_workbook(results, tmp_path / "m.xlsx", rejected=rejected)
    wb = openpyxl.load_workbook(path)
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in MALICIOUS:
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    found += 1
    assert found >= 10
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "HYPERLINK" not in xml and "SUM(A1)" not in xml
                if "<f>" in xml:  # only the what-if sheet has formulas, none of them text
                    assert set(re.findall(r"([A-Z]+)\(", " ".join(
                        re.findall(r"<f>(.*?)</f>", xml)))) <= {"SUM", "MAX", "ROUND",
                                                                "SUMPRODUCT", "COUNTIFS"}


# -- determinism ------------------------------------------------------------------------------

def test_same_results_same_bytes(demo: tuple, tmp_path: Path) -> None:
    results, scheme = demo
    a = write_results_workbook(results, tmp_path / "a.xlsx", scheme=scheme)
    b = write_results_workbook(copy.deepcopy(results), tmp_path / "b.xlsx", scheme=scheme)
    assert a.read_bytes() == b.read_bytes()
    values = [rows_of(ws) for ws in openpyxl.load_workbook(a).worksheets]
    assert values == [rows_of(ws) for ws in openpyxl.load_workbook(b).worksheets]


def test_writes_atomically_over_an_existing_file(demo: tuple, tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old")
    write_results_workbook(demo[0], target)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


# -- what-if ------------------------------------------------------------------------------------

def whatif_rows(ws: Any) -> tuple[int, list[list[Any]]]:
    top = header_row(ws, "单位")
    return top, [list(r) for r in ws.iter_rows(min_row=top + 1, values_only=True) if r[0]]


def test_whatif_sheet_has_editable_weights_and_native_formulas(book: Path, demo: tuple) -> None:
    results, _ = demo
    ws = openpyxl.load_workbook(book)["测算"]
    assert ws.protection.sheet
    top = header_row(ws, "考核组别")
    weight = ws.cell(top + 1, 3)
    assert weight.value == 0.45 and weight.protection.locked is False
    assert weight.fill.fgColor.rgb.endswith(STYLES["input"]["bg_color"].lstrip("#"))
    head_row, _ = whatif_rows(ws)
    total = ws.cell(head_row + 1, 9).value
    assert total == ("=MAX(0,ROUND(SUMPRODUCT($C$5:$F$5,C13:F13)/SUM($C$5:$F$5)+G13-H13,2))"
                     .replace("13", str(head_row + 1)).replace("$5", f"${top + 1}"))
    assert ws.cell(head_row + 1, 10).value.startswith("=COUNTIFS($B$")
    assert ws.max_row - head_row == len(results["units"])


@pytest.mark.libreoffice
def test_whatif_recalculated_by_libreoffice_follows_the_engine_and_new_weights(
        book: Path, demo: tuple, tmp_path: Path) -> None:
    results, _ = demo
    wb = openpyxl.load_workbook(book)
    ws = wb["测算"]
    wtop = header_row(ws, "考核组别")
    changed = {"county": {"year_end": 0.2, "satisfaction": 0.5}, "law": {"conduct": 0.6}}
    comps = [c["id"] for c in results["components"]]
    gids = [ws.cell(wtop + 1 + i, 2).value for i in range(len(results["groups"]))]
    weights = {g: {c: ws.cell(wtop + 1 + i, 3 + j).value for j, c in enumerate(comps)}
               for i, g in enumerate(gids)}
    for g, new in changed.items():
        for c, w in new.items():
            ws.cell(wtop + 1 + gids.index(g), 3 + comps.index(c)).value = w
            weights[g][c] = w
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    original, recalculated = recalc.recalculate_many([book, edited], tmp_path / "calc")

    by_name = {u["unit_name"]: u for u in results["units"]}
    _, rows = whatif_rows(openpyxl.load_workbook(original, data_only=True)["测算"])
    assert len(rows) == len(results["units"])
    for row in rows:
        u = by_name[row[0]]
        assert row[8] == pytest.approx(u["total"], abs=1e-9), u["unit_id"]
        tied = [v for v in results["units"] if v["group"] == u["group"]
                and v["total"] == u["total"]]
        if all(v["rank"] == u["rank"] for v in tied):  # not separated by tie-breakers
            assert row[9] == u["rank"], u["unit_id"]
        else:
            assert row[9] == min(v["rank"] for v in tied)

    expected = {u["unit_id"]: whatif_total(exact_components(u), weights[u["group"]],
                                           u["bonus"], u["deduction"])
                for u in results["units"]}
    _, rows = whatif_rows(openpyxl.load_workbook(recalculated, data_only=True)["测算"])
    moved = 0
    for row in rows:
        u = by_name[row[0]]
        mates = [v["unit_id"] for v in results["units"] if v["group"] == u["group"]]
        rank = 1 + sum(1 for v in mates if expected[v] > expected[u["unit_id"]])
        assert row[8] == pytest.approx(expected[u["unit_id"]], abs=1e-9), u["unit_id"]
        assert row[9] == rank, u["unit_id"]
        assert row[13] == u["rank"] - rank
        moved += row[9] != u["rank"]
    assert moved > 0  # the new weights really re-ranked someone


@pytest.mark.parametrize("totals", [
    [90.0, 85.5, 85.5, 70.0, 0.0, -0.0], [1, 2.5, 2.5], [], [float("nan"), 80.0, 80.0],
    [True, 1.0],
])
def test_what_if_ranks_count_the_greater_totals(totals: list[Any]) -> None:
    from workbook_templates.whatif_sheet import _count_above

    above = _count_above(totals)
    for value in [t for t in totals if t is not None] + [85.5, 100.0, -1.0]:
        assert above(value) == sum(1 for t in totals if t > value)


def test_formulas_skip_only_substitutions_that_could_not_apply() -> None:
    """Our worksheet prepares formulas as xlsxwriter's does; every newer function the
    installed xlsxwriter prefixes is one we send through its substitutions."""
    import inspect

    from xlsxwriter.worksheet import Worksheet

    from workbook_templates.xlsx_style import _NEWER_FUNCTIONS, _Worksheet

    source = inspect.getsource(Worksheet._prepare_formula)
    head = source.split("if not self.use_future_functions")[0]
    names = re.findall(r're\.sub\(r"\\[bS]([A-Z][A-Z0-9_.]*)\\\(', head)
    assert len(names) > 20
    assert all(_NEWER_FUNCTIONS.search(f"{name}(") for name in names), names
    ours, theirs = _Worksheet(), Worksheet()
    for formula in ["=SUM(A1:B2)", "{=SUM(A1:A3*B1:B3)}", '=IF(A1>0,"是","")', "=FILTER(A:A,B:B)",
                    "=_xlfn.XLOOKUP(1,A:A,B:B)", "=SINGLE(A1)", "=mysort(A1)", "=SORTBY(A1,B1)",
                    '=COUNTIFS($B$5:$B$9,B5,$H$5:$H$9,">"&H5)+1', "=XLOOKUP(1,A:A,B:B)"]:
        assert ours._prepare_formula(formula) == theirs._prepare_formula(formula), formula
        assert (ours._prepare_formula(formula, True)
                == theirs._prepare_formula(formula, True)), formula
