"""What a clerk typed is what gets scored: every input kind × every way of typing it.

Each row plants one typed input into a clean filled template, as Excel stores it (the value
and the number format Excel sets: a typed 5% is 0.05 formatted 0%, a typed '24000 is text),
validates the file as `kaohe validate` does, and checks the value read, the finding at the
cell (nothing else in the file) and the points the engine gives for what was read. Every
row either scores what was meant or gives a finding at the cell. (The same table typed
through LibreOffice: tests/test_libreoffice_edits.py.)
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import openpyxl
import pytest

from kaohe.engine import Scheme
from kaohe.engine.method_base import Inputs
from kaohe.engine.methods import SCORERS
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize
from validators.workbook import examine_workbook

U, L = "单位自评表", "牵头部门评分表"
UNIT, DEPT = "altay_city", "zfw"
ERROR = "error"  # points of a row whose finding is an error: the file is not used until fixed


class Typed(NamedTuple):
    """One way of typing one input: the text typed, what Excel stores (value, format)."""

    kind: str        # the input kind
    way: str         # how it was typed
    sheet: str
    cell: str
    typed: str | None     # the keys pressed (None: the cell left blank)
    stored: Any           # what Excel stores
    number_format: str    # the format Excel gives the cell ("" leaves the template's)
    read: Any             # the value read
    rule: str | None      # the finding at the cell, if any
    points: Any           # the engine's points for what was read; None: not scored


# C04 地区生产总值增长 (%, completion, target 6.3, 8 points) is row 11; C05 一般公共预算收入
# (万元, target 30000, 6 points) row 12; C09 城镇新增就业 (人, base_step around 1800) row 16.
TABLE = [
    Typed("number in %", "plain", U, "I11", "5", 5, "", 5, None, 8 * 5 / 6.3),
    Typed("number in %", "with %", U, "I11", "5%", 0.05, "0%", 5, "percent-typed", 8 * 5 / 6.3),
    Typed("number in %", "with % as text", U, "I11", "'5%", "5%", "", 5, "percent-sign",
          8 * 5 / 6.3),
    Typed("number in %", "decimals with %", U, "I11", "7.5%", 0.075, "0.00%", 7.5,
          "percent-typed", 8),
    Typed("number in %", "full-width", U, "I11", "５", "５", "", 5, "full-width-number",
          8 * 5 / 6.3),
    Typed("number in %", "as text", U, "I11", "'5", "5", "", 5, "number-as-text", 8 * 5 / 6.3),
    Typed("number in %", "pasted with formatting", U, "I11", None, 5, "#,##0.00_);(#,##0.00)",
          5, None, 8 * 5 / 6.3),
    Typed("number in %", "negative", U, "I11", "-1.5", -1.5, "", -1.5, None, 0),
    Typed("number in %", "blank", U, "I11", None, None, "", None, "blank-actual", 0),
    Typed("number in 万元", "plain", U, "I12", "24000", 24000, "", 24000, None, 4.8),
    Typed("number in 万元", "with %", U, "I12", "80%", 0.8, "0%", None, "percent-not-allowed",
          ERROR),
    Typed("number in 万元", "full-width", U, "I12", "２４０００", "２４０００", "", 24000,
          "full-width-number", 4.8),
    Typed("number in 万元", "thousands separator", U, "I12", "'24,000", "24,000", "", 24000,
          "thousands-separator", 4.8),
    Typed("number in 万元", "thousands separator (Excel)", U, "I12", "24,000", 24000, "#,##0",
          24000, None, 4.8),
    Typed("number in 万元", "as text", U, "I12", "'24000", "24000", "", 24000,
          "number-as-text", 4.8),
    Typed("number in 万元", "negative", U, "I12", "-5", -5, "", -5, "negative-value", ERROR),
    Typed("number in 万元", "blank", U, "I12", None, None, "", None, "blank-actual", 0),
    Typed("count (人)", "plain", U, "I16", "2000", 2000, "", 2000, None, 4.4),
    Typed("count (人)", "with %", U, "I16", "85%", 0.85, "0%", None, "percent-not-allowed",
          ERROR),
    Typed("count (人)", "full-width", U, "I16", "２０００", "２０００", "", 2000,
          "full-width-number", 4.4),
    Typed("count (人)", "thousands separator", U, "I16", "'2,000", "2,000", "", 2000,
          "thousands-separator", 4.4),
    Typed("count (人)", "as text", U, "I16", "'2000", "2000", "", 2000, "number-as-text", 4.4),
    Typed("count (人)", "negative", U, "I16", "-5", -5, "", -5, "negative-value", ERROR),
    Typed("count (人)", "blank", U, "I16", None, None, "", None, "blank-actual", 0),
    Typed("rating", "plain", L, "E9", "较好", "较好", "", "较好", None, 12 * 0.85),
    Typed("rating", "with spaces", L, "E9", " 较好 ", " 较好 ", "", "较好", None, 12 * 0.85),
    Typed("rating", "with %", L, "E9", "85%", 0.85, "0%", None, "not-in-list", ERROR),
    Typed("rating", "a number", L, "E9", "1", 1, "", None, "not-in-list", ERROR),
    Typed("rating", "blank", L, "E9", None, None, "", None, "blank-score", 0),
    Typed("date", "plain", U, "K4", "2017-01-10", date(2017, 1, 10), "yyyy-mm-dd",
          "2017-01-10", None, None),
    Typed("date", "as text", U, "K4", "2017年1月10日", "2017年1月10日", "", "2017-01-10",
          "date-as-text", None),
    Typed("date", "full-width", U, "K4", "２０１７－０１－１０", "２０１７－０１－１０", "",
          "2017-01-10", None, None),
    # typed into the date-formatted cell, a serial number shows as the date it is
    Typed("date", "as a number", U, "K4", "42745", 42745, "", "2017-01-10", None, None),
    Typed("date", "pasted as a number", U, "K4", None, 42745, "General", "2017-01-10",
          "date-as-number", None),
    Typed("date", "with %", U, "K4", "10%", 0.1, "0%", None, "not-a-date", None),
    Typed("date", "blank", U, "K4", None, None, "", None, "blank-date", None),
    Typed("text", "plain", U, "J11", "统计公报第3页", "统计公报第3页", "", "统计公报第3页",
          None, None),
    Typed("text", "a number", U, "J11", "123", 123, "", "123", None, None),
    Typed("text", "blank", U, "J11", None, None, "", "", None, None),
]


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def clean(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The filled unit report of altay_city and the scoring sheet of zfw, without findings."""
    from workbook_templates import fill_workbook
    from workbook_templates.lead_scores import build_lead_scores
    from workbook_templates.unit_report import build_unit_report

    folder = tmp_path_factory.mktemp("typed")
    docs = synthesize(scheme)
    report = dict(docs["unit_reports"][UNIT], date="2017-01-12")
    for item in report["items"]:  # C04 under 120 % of its target: no evidence needed
        if item["indicator_id"] == "C04":
            item["actual"] = 6.0
    lead = next(d for d in docs["lead_scores"] if d["lead_department"] == DEPT)
    return {
        U: fill_workbook(build_unit_report(scheme, UNIT, folder / "t_u.xlsx"), report,
                         folder / "unit.xlsx"),
        L: fill_workbook(build_lead_scores(scheme, DEPT, folder / "t_l.xlsx"), lead,
                         folder / "lead.xlsx"),
    }


def store_as_excel(path: Path, row: Typed) -> None:
    """The cell as Excel leaves it after the typing: its value and its number format."""
    wb = openpyxl.load_workbook(path)
    cell = wb[row.sheet][row.cell]
    cell.value = row.stored
    if row.number_format:
        cell.number_format = row.number_format
    wb.save(path)


def points_of(scheme: Scheme, row: Typed, read: Any) -> Any:
    """What the engine gives for the value read (None for an input that is not scored)."""
    if row.kind in ("date", "text"):
        return None
    ind = scheme.indicator("C01" if row.sheet == L else
                           {"I11": "C04", "I12": "C05", "I16": "C09"}[row.cell])
    inputs = (Inputs(rating=read) if ind.method == "rating"
              else Inputs(actual=read, target=ind.target_for(UNIT)))
    if read is None:
        return 0
    return SCORERS[ind.method](inputs, dict(ind.params), ind.full_score, ind.direction).points


def check_row(row: Typed, path: Path, scheme: Scheme) -> None:
    """The value read, the one finding at the cell (none elsewhere) and the points."""
    read, report = examine_workbook(path, scheme)
    found = report.flatten(["sheet", "cell", "rule"])
    assert found == ([[row.sheet, row.cell, row.rule]] if row.rule else []), found
    where = {cell: json_path for json_path, cell in read.cell_map.items()}
    json_path = where[(row.sheet, row.cell)]
    value = _at(read.document, json_path)
    if row.rule is None or report.issues[0].severity != "error":
        assert value == row.read or (value is None and row.read is None)
        assert value == pytest.approx(row.read) if isinstance(row.read, float) else True
        points = points_of(scheme, row, value)
        assert (points is None and row.points is None) or points == pytest.approx(row.points)
    else:
        assert row.points == ERROR and report.issues[0].hint
        if row.read is None and row.rule != "negative-value":
            assert value is None


def _at(document: dict[str, Any], json_path: str) -> Any:
    node: Any = document
    for part in json_path.removeprefix("$").replace("[", ".").replace("]", "").split("."):
        if part:
            node = node[int(part)] if part.isdigit() else node.get(part)
    return node


@pytest.mark.parametrize("row", TABLE, ids=[f"{r.kind}-{r.way}" for r in TABLE])
def test_typed_in_excel(row: Typed, clean: dict[str, Path], scheme: Scheme,
                        tmp_path: Path) -> None:
    path = tmp_path / clean[row.sheet].name
    shutil.copy(clean[row.sheet], path)
    store_as_excel(path, row)
    check_row(row, path, scheme)


def _type_c04(path: Path, stored: float, number_format: str = "") -> None:
    """GDP growth (C04) typed into a submitted unit report, as Excel stores it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[U]
    column = next(c.column for c in ws[1] if c.value == "actual")
    row = next(c.row for c in ws["A"] if c.value == "C04")
    ws.cell(row, column).value = stored
    if number_format:
        ws.cell(row, column).number_format = number_format
    wb.save(path)


def _ranking(results: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return sorted((u["unit_id"], u["rank"], u["total"]) for u in results["units"])


def test_typed_percent_and_negative_growth_rank_as_meant(clean_folder: Path,
                                                        tmp_path: Path) -> None:
    """End to end: Fuyun types 7.5% (stored 0.075), Jeminay's GDP fell 1.5 % — the ranking
    is the one of the plain numbers 7.5 and −1.5, nobody is refused, and both are said or
    scored as meant."""
    from kaohe.pipeline.consolidate import consolidate_folder
    from kaohe.pipeline.documents import load_scheme

    runs = {}
    for how, percent in (("typed", (0.075, "0.0%")), ("plain", (7.5, ""))):
        folder = tmp_path / how
        shutil.copytree(clean_folder, folder)
        _type_c04(folder / "单位自评表_富蕴县.xlsx", *percent)
        _type_c04(folder / "单位自评表_吉木乃县.xlsx", -1.5)
        runs[how] = consolidate_folder(folder, load_scheme(), workers=1)
    typed, plain = runs["typed"], runs["plain"]
    assert typed.exit_code == plain.exit_code == 0
    assert typed.rejected == [] and typed.results["not_scored"] == []
    assert _ranking(typed.results) == _ranking(plain.results)
    fuyun = next(u for u in typed.results["units"] if u["unit_id"] == "fuyun")
    c04 = next(i for i in fuyun["indicators"] if i["indicator_id"] == "C04")
    assert c04["inputs"]["actual"] == 7.5
    jeminay = next(u for u in typed.results["units"] if u["unit_id"] == "jeminay")
    c04 = next(i for i in jeminay["indicators"] if i["indicator_id"] == "C04")
    assert c04["inputs"]["actual"] == -1.5 and c04["points"] == 0


def _job(row: Typed) -> dict[str, Any]:
    """The LibreOffice edit of a row: the keys typed, the Delete key, or a paste."""
    if row.typed is not None:
        return {"op": "type", "sheet": row.sheet, "cell": row.cell, "text": row.typed}
    if row.stored is None:
        return {"op": "clear", "sheet": row.sheet, "cell": row.cell}
    return {"op": "paste", "sheet": row.sheet, "cell": row.cell, "value": row.stored,
            "format": row.number_format}


@pytest.fixture(scope="module")
def through_libreoffice(clean: dict[str, Path],
                        tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every row of the table typed in LibreOffice (one soffice for all), saved as .xlsx."""
    from tests.libreoffice_edits import edit_in_libreoffice

    folder = tmp_path_factory.mktemp("typed-lo")
    jobs, out = [], {}
    for number, row in enumerate(TABLE):
        dst = folder / f"{number:02d}.xlsx"
        jobs.append({"src": str(clean[row.sheet]), "dst": str(dst), "edits": [_job(row)]})
        out[f"{row.kind}-{row.way}"] = dst
    edit_in_libreoffice(jobs)
    return out


@pytest.mark.libreoffice
@pytest.mark.parametrize("row", TABLE, ids=[f"{r.kind}-{r.way}" for r in TABLE])
def test_typed_in_libreoffice(row: Typed, through_libreoffice: dict[str, Path],
                              scheme: Scheme) -> None:
    check_row(row, through_libreoffice[f"{row.kind}-{row.way}"], scheme)
