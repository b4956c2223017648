"""The published results workbook: sheets, content, highlights, safety, determinism, what-if."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.engine.ranking import rank_and_grade
from kaohe.pipeline.demo import run_demo
from kaohe.pipeline.documents import default_scheme_document
from outputs.results_book import write_results_workbook
from outputs.style import STYLES
from outputs.whatif_sheet import (
    exact_components,
    rank_formula,
    whatif_total,
)
from workbook_templates import recalc

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
    people = [f"班子等次·{g}" for g in groups] + ["干部考核结果", "预警及后续事项"]
    assert names == (["说明", "结果汇总"] + groups + ["历年趋势"] + [f"{g}指标得分" for g in groups]
                     + ["加扣分", *people, "未计分", "测算"])


def test_english_sheet_names_and_headers(demo: tuple, tmp_path: Path) -> None:
    results, scheme = demo
    path = write_results_workbook(results, tmp_path / "en.xlsx", lang="en", scheme=scheme)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "About" and wb.sheetnames[-3:] == ["Alerts and follow-ups",
                                                                  "Not scored", "What-if"]
    assert "Adjustments" in wb.sheetnames and "Teams county" in wb.sheetnames
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
    assert len(charts) == 2 * 5 + 5   # two a ranking sheet, one a group on 历年趋势
    assert sum('<c:grouping val="stacked"/>' in x for x in xml) == 5
    assert sum("<c:barChart>" in x for x in xml) == 10
    assert sum("<c:lineChart>" in x for x in xml) == 5
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


# -- trends -------------------------------------------------------------------------------

def test_trends_sheet_shows_each_units_published_years(book: Path, demo: tuple,
                                                         tmp_path: Path) -> None:
    results, scheme = demo
    years = results["trends"]["years"]
    assert years == [2014, 2015, 2016]   # the demo publishes two earlier years and 2016
    ws = openpyxl.load_workbook(book)["历年趋势"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "单位")
    assert [v for v in rows[head][1:10] if v] == [f"{y}年" for y in years]
    for u in results["units"]:
        row = next(r for r in rows if r[0] == u["unit_name"])
        points = results["trends"]["units"][u["unit_id"]]
        assert [row[1 + 3 * j] for j in range(len(years))] == [p["total"] for p in points]
        assert row[2 + 3 * (len(years) - 1)] == f"{u['rank']}/{u['group_size']}"
        assert row[3 + 3 * (len(years) - 1)] == u["grade"]
    # a year published again on a revision is marked, in the header and at its grades
    revised = copy.deepcopy(results)
    for points in revised["trends"]["units"].values():
        points[1]["revised"] = True
    ws = openpyxl.load_workbook(write_results_workbook(revised, tmp_path / "r.xlsx",
                                                       scheme=scheme))["历年趋势"]
    cells = [c.value for r in ws.iter_rows() for c in r if c.value]
    assert "2015年*" in cells and any(str(v).endswith("*") and str(v) != "2015年*"
                                      for v in cells)
    # without a history database there is no trends sheet
    plain = {k: v for k, v in results.items() if k != "trends"}
    names = openpyxl.load_workbook(write_results_workbook(plain, tmp_path / "p.xlsx",
                                                          scheme=scheme)).sheetnames
    assert "历年趋势" not in names


# -- points matrix --------------------------------------------------------------------------

def test_points_matrix_highlights_losses(book: Path, demo: tuple) -> None:
    results, _ = demo
    ws = openpyxl.load_workbook(book)["县市指标得分"]
    top = header_row(ws, "名次")
    county = [u for u in results["units"] if u["group"] == "county"]
    inds = county[0]["indicators"]
    # columns by indicator name (no id shown), grouped under their categories
    col = {ws.cell(top, c).value: c for c in range(3, 3 + len(inds))}
    assert set(col) == {i["name"] for i in inds}
    assert ws.cell(top - 1, 2).value == "指标类别"
    cats = [ws.cell(top - 1, c).value for c in range(3, 3 + len(inds))]
    firsts = list(dict.fromkeys(i["category"] for i in inds))
    assert [c for c in cats if c] == firsts   # each category once, merged over its columns
    assert [ws.cell(top + 1, col[i["name"]]).value for i in inds] == \
        [i["full_score"] for i in inds]
    loss, strong = (STYLES[k]["bg_color"].lstrip("#") for k in ("loss", "loss_strong"))
    seen = {"loss": 0, "strong": 0, "full": 0}
    for n in range(len(county)):
        row = top + 2 + n
        unit = next(u for u in county if u["unit_name"] == ws.cell(row, 2).value)
        gated = {g["indicator_id"] for g in unit["gates"] if g["gate"] == "region-loss"}
        for ind in unit["indicators"]:
            cell = ws.cell(row, col[ind["name"]])
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


def test_points_matrix_prints_by_category_at_full_size(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["县市指标得分"]
    top = header_row(ws, "名次")
    breaks = [b.id for b in ws.col_breaks.brk]
    assert breaks, "the county matrix is wider than a page: it is cut by category"
    for b in breaks:   # a break falls between two categories (merged cells start there)
        assert ws.cell(top - 1, b + 1).value, b
    # printed at 100 % (the default scale: xlsxwriter leaves it out), not fitted to a page
    assert ws.page_setup.scale in (None, 100)
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    assert ws.print_title_cols == "$A:$B"


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
    for expected in ("填报/富蕴县.xlsx", REJECTED[0]["reason"], "福海县", "单位自评表",
                     "平时考核成绩", "未通过校验的文件（1）", "未收到可用的材料（2）", "未报送"):
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
                        re.findall(r"<f>(.*?)</f>", xml)))) <= {"SUM", "MAX", "ROUND", "IF",
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

ERRORS = ("#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#REF!", "#NUM!", "#NULL!", "Err:")
#: Government units given one rounded total, 84.00, told apart (or not) by the tie-breakers
#: year_end, routine, satisfaction: (year_end, routine, satisfaction, bonus, unrounded total);
#: conduct is solved for the total. "tb" ties tb2 and tb3 only after rounding (89.996 → 90.00).
TIES = {"d_wjw": (90, 80, 80, 0.0, 84), "d_zjj": (89, 80, 80, 0.0, 84),
        "d_xsb": (90, 79, 80, 0.0, 84), "d_jyj": (90, 80, 79, 0.0, 84),
        "d_mzj": (90, 80, 79, 1.0, 84), "d_hbj": (89.996, 80.004, 78.9951, 0.0, 84.002)}


def whatif_rows(ws: Any) -> tuple[int, list[list[Any]]]:
    top = header_row(ws, "单位")
    return top, [list(r) for r in ws.iter_rows(min_row=top + 1, values_only=True) if r[0]]


def engine_ranks(results: dict[str, Any], scheme_doc: dict[str, Any],
                 weights: dict[str, dict[str, float]] | None = None
                 ) -> dict[str, tuple[float, int]]:
    """(total, rank) per unit as the engine gives them for `weights` (default: the scheme's):
    the total formed as kaohe.engine.scoring forms it, ranked by rank_and_grade."""
    doc = copy.deepcopy(scheme_doc)
    if weights:
        doc["component_weights"] = {**doc["component_weights"], **weights}
    scheme = Scheme.from_document(doc)
    units = []
    for u in results["units"]:
        scores, w = exact_components(u), scheme.component_weights[u["group"]]
        weight_sum = sum(w.values()) or 1.0
        weighted = sum(scores.get(c, 0.0) * x / weight_sum for c, x in w.items())
        units.append({"unit_id": u["unit_id"], "group": u["group"], "components": scores,
                      "total": max(weighted + u["bonus"] - u["deduction"], 0.0),
                      "top_grade_eligible": u["top_grade_eligible"],
                      "veto": any(g["gate"] == "veto" for g in u["gates"])})
    return {u["unit_id"]: (u["total"], u["rank"]) for u in rank_and_grade(scheme, units)}


@pytest.fixture(scope="module")
def tied(demo: tuple[dict, dict]) -> dict[str, Any]:
    """The demo's results with TIES planted in the government group, re-ranked by the engine."""
    results, scheme = copy.deepcopy(demo[0]), demo[1]
    weights = scheme["component_weights"]["government"]
    for u in results["units"]:
        if u["unit_id"] in TIES:
            year_end, routine, satisfaction, bonus, total = TIES[u["unit_id"]]
            scores = {"year_end": year_end, "routine": routine, "satisfaction": satisfaction}
            rest = sum(weights[c] * v for c, v in scores.items()) / sum(weights.values())
            scores["conduct"] = (total - bonus - rest) * sum(weights.values()) / weights["conduct"]
            for c, v in scores.items():
                u["component_details"][c]["score"] = v
                u["components"][c] = round(v, 2)
            u["bonus"], u["deduction"] = bonus, 0.0
    engine = engine_ranks(results, scheme)
    for u in results["units"]:
        u["total"], u["rank"] = engine[u["unit_id"]]
    return results


@pytest.fixture(scope="module")
def tied_book(tied: dict[str, Any], demo: tuple, tmp_path_factory: pytest.TempPathFactory
              ) -> Path:
    return write_results_workbook(tied, tmp_path_factory.mktemp("tied") / "ties.xlsx",
                                  scheme=demo[1])


#: Weight edits made in the sheet before recalculation: one file per demo and tied book.
NEW_WEIGHTS: dict[str, dict[str, float]] = {
    "county": {"year_end": 0.2, "satisfaction": 0.5}, "law": {"conduct": 0.6}}
NEW_TIED_WEIGHTS: dict[str, dict[str, float]] = {
    "government": {"conduct": 0.3, "routine": 0.2},
    "economy": {"year_end": 0, "routine": 0, "satisfaction": 0, "conduct": 0}}


#: The embedded scheme's group names → ids (the 测算 sheet shows names only).
GROUP_IDS = {g["name"]: g["id"] for g in default_scheme_document()["groups"]}


def edit_weights(path: Path, changes: dict[str, dict[str, float]], out: Path,
                 comps: list[str]) -> dict[str, dict[str, float]]:
    """Type new weights into the 测算 sheet (openpyxl); returns every group's weights."""
    wb = openpyxl.load_workbook(path)
    ws = wb["测算"]
    top = header_row(ws, "考核组别")
    rows = {}
    for r in range(top + 1, ws.max_row):
        if not ws.cell(r, 1).value:  # the weights table ends at the first blank row
            break
        rows[GROUP_IDS[ws.cell(r, 1).value]] = r   # the sheet names groups, not their ids
    for g, new in changes.items():
        for c, w in new.items():
            ws.cell(rows[g], 3 + comps.index(c)).value = w
    wb.save(out)
    return {g: {c: ws.cell(r, 3 + j).value for j, c in enumerate(comps)}
            for g, r in rows.items()}


@pytest.fixture(scope="module")
def recalculated(book: Path, tied_book: Path, demo: tuple,
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo and tied books, as written and with weights edited, recalculated by
    LibreOffice in one start; with the weights each edited file holds."""
    tmp = tmp_path_factory.mktemp("whatif-calc")
    comps = [c["id"] for c in demo[0]["components"]]
    weights = {"edited": edit_weights(book, NEW_WEIGHTS, tmp / "edited.xlsx", comps),
               "tied_edited": edit_weights(tied_book, NEW_TIED_WEIGHTS,
                                           tmp / "tied_edited.xlsx", comps)}
    files = [book, tmp / "edited.xlsx", tied_book, tmp / "tied_edited.xlsx"]
    out = recalc.recalculate_many(files, tmp / "out")
    sheets = [openpyxl.load_workbook(p, data_only=True)["测算"] for p in out]
    return {"sheets": dict(zip(["book", "edited", "tied", "tied_edited"], sheets,
                               strict=True)), "weights": weights}


def test_whatif_sheet_has_editable_weights_and_native_formulas(book: Path, demo: tuple) -> None:
    results, scheme = demo
    ws = openpyxl.load_workbook(book)["测算"]
    assert ws.protection.sheet
    top = header_row(ws, "考核组别")
    weight = ws.cell(top + 1, 3)
    assert weight.value == 0.45 and weight.protection.locked is False
    assert weight.fill.fgColor.rgb.endswith(STYLES["input"]["bg_color"].lstrip("#"))
    (rule,) = [v for v in ws.data_validations.dataValidation if v.type == "decimal"]
    assert (rule.operator, rule.formula1, str(rule.sqref)) == (
        "greaterThanOrEqual", "0", f"C{top + 1}:F{top + len(results['groups'])}")
    assert ws.cell(top + 1, 8).value == (f'=IF(G{top + 1}=0,'
                                         '"权重之和为 0，本组不计算测算总分和名次","")')
    head_row, _ = whatif_rows(ws)
    r, w = head_row + 1, top + 1
    assert ws.cell(r, 9).value == (
        f'=IF($G${w}=0,"",MAX(0,ROUND(SUMPRODUCT($C${w}:$F${w},C{r}:F{r})/$G${w}+G{r}-H{r},2)))')
    assert [ws.cell(head_row, c).value for c in (15, 16, 17)] == [
        "同分比较1：年终考核", "同分比较2：平时考核", "同分比较3：群众满意度"]
    assert [ws.cell(r, c).value for c in (15, 16, 17)] == [f"=ROUND({x}{r},2)" for x in "CDE"]
    end = head_row + len(results["units"])
    assert ws.cell(r, 10).value == rank_formula(
        f"B{r}", f"I{r}", [f"O{r}", f"P{r}", f"Q{r}"], f"$B${r}:$B${end}", f"$I${r}:$I${end}",
        [f"${c}${r}:${c}${end}" for c in "OPQ"])
    assert ws.max_row == end


HALF_EVEN = {"rounding": {"digits": 1, "mode": "half_even"}}


@pytest.mark.parametrize(("change", "expected", "tie_columns"), [
    ({}, "总分相同时依次比较年终考核、平时考核、群众满意度（各取 ROUND 保留 2 位小数", 3),
    ({"tie_breakers": []}, "总分相同的单位并列（如 1、2、2、4）；方案未规定同分排序依据", 0),
    ({"tie_breakers": ["component:routine"]}, "总分相同时依次比较平时考核（", 1),
    # no scheme: the results' own tie-breakers (a consolidation keeps them) …
    ("json", "总分相同时依次比较年终考核、平时考核、群众满意度（各取 ROUND 保留 2 位小数", 3),
    # … unless the results are older than that
    (None, "生成本表时未提供考核方案，未按方案的同分排序依据比较", 0),
    (HALF_EVEN, "方案规定“四舍六入五成双”，而 ROUND 为四舍五入", 3),
    (HALF_EVEN, "保留 1 位小数", 3),
])
def test_whatif_rank_rule_says_how_ties_are_broken(demo: tuple, tmp_path: Path,
                                                   change: dict[str, Any] | str | None,
                                                   expected: str, tie_columns: int) -> None:
    results, scheme = demo
    assert results["tie_breakers"] == scheme["tie_breakers"]
    if change is None:
        results = {k: v for k, v in results.items() if k not in ("tie_breakers", "rounding")}
    given = {**scheme, **change} if isinstance(change, dict) else None
    path = write_results_workbook(results, tmp_path / "r.xlsx", scheme=given)
    ws = openpyxl.load_workbook(path)["测算"]
    texts = [str(v) for row in rows_of(ws) for v in row if v]
    assert any(expected in t for t in texts), texts[:12]
    head = [v for v in next(ws.iter_rows(min_row=whatif_rows(ws)[0], max_row=whatif_rows(ws)[0],
                                         values_only=True)) if v]
    assert len([h for h in head if h.startswith("同分比较")]) == tie_columns


def test_whatif_english_labels(demo: tuple, tmp_path: Path) -> None:
    results, scheme = demo
    path = write_results_workbook(results, tmp_path / "en.xlsx", lang="en", scheme=scheme)
    texts = [str(v) for row in rows_of(openpyxl.load_workbook(path)["What-if"]) for v in row if v]
    assert "Tie-break 1: Year-end performance" in texts
    assert any("compared by Year-end performance, Routine" in t for t in texts), texts[:12]


def test_planted_ties_are_broken_by_the_engine(tied: dict[str, Any]) -> None:
    """The test data is about something: equal totals, ranks from the tie-breakers."""
    rank = {u["unit_id"]: u["rank"] for u in tied["units"]}
    assert {u["total"] for u in tied["units"] if u["unit_id"] in TIES} == {84.0}
    first = rank["d_wjw"]
    assert first > 1
    assert [rank[u] for u in ("d_wjw", "d_jyj", "d_mzj", "d_hbj", "d_xsb", "d_zjj")] == [
        first, first + 1, first + 1, first + 1, first + 4, first + 5]


def test_whatif_cached_values_are_the_engines(tied_book: Path, tied: dict[str, Any]) -> None:
    """What a viewer that does not recalculate shows: the engine's totals and ranks."""
    by_name = {u["unit_name"]: u for u in tied["units"]}
    _, rows = whatif_rows(openpyxl.load_workbook(tied_book, data_only=True)["测算"])
    assert len(rows) == len(tied["units"])
    for row in rows:
        u = by_name[row[0]]
        assert (row[8], row[9], row[12], row[13]) == (u["total"], u["rank"], 0, 0), row[0]
        assert row[14:17] == [u["components"][c] for c in ("year_end", "routine",
                                                           "satisfaction")]


def test_whatif_total_is_empty_when_the_weights_sum_to_zero() -> None:
    assert whatif_total({"a": 90.0}, {"a": 0.0}, 1.0, 0.0) is None
    assert whatif_total({"a": 90.0, "b": 80.0}, {"a": 0.0, "b": 2.0}, 0.0, 0.0) == 80.0


def check_against_engine(ws: Any, results: dict[str, Any], engine: dict[str, tuple[float, int]],
                         skip: frozenset[str] = frozenset()) -> int:
    """Every what-if total and rank equals the engine's; returns how many ranks moved."""
    by_name = {u["unit_name"]: u for u in results["units"]}
    _, rows = whatif_rows(ws)
    assert len(rows) == len(results["units"])
    moved = 0
    for row in rows:
        u = by_name[row[0]]
        if u["group"] in skip:
            continue
        total, rank = engine[u["unit_id"]]
        assert row[8] == pytest.approx(total, abs=1e-9), u["unit_id"]
        assert row[9] == rank, u["unit_id"]
        assert row[12] == pytest.approx(total - u["total"], abs=1e-9)
        assert row[13] == u["rank"] - rank
        moved += rank != u["rank"]
    return moved


@pytest.mark.libreoffice
def test_whatif_recalculated_by_libreoffice_follows_the_engine_and_new_weights(
        recalculated: dict[str, Any], demo: tuple) -> None:
    results, scheme = demo
    assert engine_ranks(results, scheme) == {u["unit_id"]: (u["total"], u["rank"])
                                             for u in results["units"]}
    assert check_against_engine(recalculated["sheets"]["book"], results,
                                engine_ranks(results, scheme)) == 0
    edited = engine_ranks(results, scheme, recalculated["weights"]["edited"])
    assert check_against_engine(recalculated["sheets"]["edited"], results, edited) > 0


@pytest.mark.libreoffice
def test_whatif_breaks_ties_as_the_engine_under_libreoffice(
        recalculated: dict[str, Any], tied: dict[str, Any], demo: tuple) -> None:
    ws = recalculated["sheets"]["tied"]
    assert check_against_engine(ws, tied, engine_ranks(tied, demo[1])) == 0
    _, rows = whatif_rows(ws)
    by_name = {u["unit_name"]: u for u in tied["units"]}
    for row in rows:
        assert row[14:17] == [by_name[row[0]]["components"][c]
                              for c in ("year_end", "routine", "satisfaction")]


@pytest.mark.libreoffice
def test_whatif_new_weights_and_a_group_of_zero_weights_under_libreoffice(
        recalculated: dict[str, Any], tied: dict[str, Any], demo: tuple) -> None:
    ws = recalculated["sheets"]["tied_edited"]
    weights = recalculated["weights"]["tied_edited"]
    expected = engine_ranks(tied, demo[1], {g: w for g, w in weights.items() if g != "economy"})
    moved = check_against_engine(ws, tied, expected, skip=frozenset({"economy"}))
    assert moved > 0
    values = [v for row in rows_of(ws) for v in row]
    assert not [v for v in values if isinstance(v, str) and v.startswith(ERRORS)]
    top = header_row(ws, "考核组别")
    notes = {GROUP_IDS[ws.cell(r, 1).value]: ws.cell(r, 8).value
             for r in range(top + 1, top + 6)}
    assert notes.pop("economy") == "权重之和为 0，本组不计算测算总分和名次"
    assert set(notes.values()) <= {None, ""}
    economy = {u["unit_name"] for u in tied["units"] if u["group"] == "economy"}
    _, rows = whatif_rows(ws)
    assert len(economy) == 7
    for row in rows:
        if row[0] in economy:
            assert [row[8], row[9], row[12], row[13]] in ([None] * 4, [""] * 4), row


@pytest.mark.parametrize("totals", [
    [90.0, 85.5, 85.5, 70.0, 0.0, -0.0], [1, 2.5, 2.5], [], [float("nan"), 80.0, 80.0],
    [True, 1.0],
])
def test_what_if_ranks_count_the_greater_totals(totals: list[Any]) -> None:
    from outputs.whatif_sheet import _count_above

    above = _count_above(totals)
    for value in [t for t in totals if t is not None] + [85.5, 100.0, -1.0]:
        assert above(value) == sum(1 for t in totals if t > value)


def test_formulas_skip_only_substitutions_that_could_not_apply() -> None:
    """Our worksheet prepares formulas as xlsxwriter's does; every newer function the
    installed xlsxwriter prefixes is one we send through its substitutions."""
    import inspect

    from xlsxwriter.worksheet import Worksheet

    from outputs.style import _NEWER_FUNCTIONS, _Worksheet

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


def test_english_adjustments_decision_reads_as_english(demo: tuple, tmp_path: Path) -> None:
    results, scheme = demo
    path = write_results_workbook(results, tmp_path / "en.xlsx", lang="en", scheme=scheme)
    head, data = table(openpyxl.load_workbook(path)["Adjustments"], "Unit")
    column = head.index("Appeal / fault tolerance")
    decisions = [r[column] for r in data if r[column]]
    assert decisions and all(d in {"Appeal: overturned", "Appeal: upheld",
                                   "Fault tolerance: overturned", "Fault tolerance: upheld"}
                             for d in decisions), decisions


def test_whatif_unit_column_holds_the_longest_english_name(demo: tuple, tmp_path: Path) -> None:
    """The unit cells do not wrap: a column narrower than the name shows it cut off."""
    results, scheme = demo
    path = write_results_workbook(results, tmp_path / "en.xlsx", lang="en", scheme=scheme)
    longest = max(len(u.get("unit_name_en") or "") for u in results["units"])
    assert longest > 40  # "Human Resources and Social Security Bureau"
    width = openpyxl.load_workbook(path)["What-if"].column_dimensions["A"].width
    assert width >= 0.8 * longest + 1


def test_our_cell_writer_writes_xlsxwriter_s_bytes(demo: tuple, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The short inner loop for formatted numbers, strings, blanks and formulas with a
    number for their value, and the charts' one-call points, write the XML xlsxwriter's own
    code writes, byte for byte, in both languages and with every cell kind the workbook has
    (booleans, formulas with text and cells without a format go the long way)."""
    from outputs.style import _Workbook, _Worksheet

    results, scheme = demo
    ours = [write_results_workbook(results, tmp_path / f"ours-{lang}.xlsx", lang=lang,
                                   scheme=scheme, rejected=REJECTED, missing=MISSING)
            for lang in ("zh", "en")]
    monkeypatch.delattr(_Worksheet, "_write_cell")
    monkeypatch.delattr(_Workbook, "add_chart")
    theirs = [write_results_workbook(results, tmp_path / f"theirs-{lang}.xlsx", lang=lang,
                                     scheme=scheme, rejected=REJECTED, missing=MISSING)
              for lang in ("zh", "en")]
    for a, b in zip(ours, theirs, strict=True):
        assert a.read_bytes() == b.read_bytes()
