"""The people's forms: roster and cadre ballot tally round trips, located findings, and the
self-check formulas recalculated by LibreOffice equal to the reader's."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kaohe.engine.model import Scheme
from kaohe.pipeline.documents import load_scheme
from validators.workbook import examine_workbook
from workbook_templates.cadre_forms import build_cadre_ballots, build_roster
from workbook_templates.cadre_read import tally_check, tally_valid
from workbook_templates.fill import fill_workbook

RATERS = ["superiors", "team", "midlevel", "staff"]
ROSTER: dict[str, Any] = {
    "kind": "roster", "scheme_id": "altay-2016", "year": 2016, "unit_id": "fuyun",
    "people": [
        {"person_id": "P0101", "name": "赵一", "post": "县委书记", "role": "principal",
         "remarks": None},
        {"person_id": "P0102", "name": "钱二", "post": "县长", "role": "member", "remarks": None},
        {"person_id": "P0103", "name": "孙三", "post": "副县长", "role": "member",
         "remarks": "2016年6月任职"}]}


def _ballots() -> dict[str, Any]:
    entries: list[dict[str, Any]] = [
        {"subject": "team", "rater_group": r, "counts": {"好": 10, "较好": 3, "一般": 1, "差": 0},
         "invalid": 1, "raters": 15} for r in RATERS]
    for n, pid in enumerate(("P0101", "P0102", "P0103")):
        entries += [{"subject": pid, "rater_group": r,
                     "counts": {"优秀": 8 - n, "称职": 4 + n, "基本称职": 1, "不称职": 0},
                     "invalid": 0, "raters": 13 + (i % 2)} for i, r in enumerate(RATERS)]
    return {"kind": "cadre_ballots", "scheme_id": "altay-2016", "year": 2016, "unit_id": "fuyun",
            "entries": entries,
            "routine": [{"person_id": "P0102", "period": q, "score": 90.0 + i}
                        for i, q in enumerate(("Q1", "Q2", "Q3", "Q4"))]}


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme(None)


@pytest.fixture(scope="module")
def templates(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cadre-templates")
    return (build_roster(scheme, "fuyun", folder / "领导班子成员名册_fuyun.xlsx"),
            build_cadre_ballots(scheme, "fuyun", folder / "干部民主测评统计表_fuyun.xlsx"))


def _filled(template: Path, doc: dict[str, Any], dest: Path) -> Path:
    extra = {"_names": {p["person_id"]: p["name"] for p in ROSTER["people"]}, "_raters": RATERS}
    return fill_workbook(template, {**doc, **extra}, dest)


def test_roster_round_trip_is_exact(scheme: Scheme, templates: tuple[Path, Path],
                                    tmp_path: Path) -> None:
    read, report = examine_workbook(_filled(templates[0], ROSTER, tmp_path / "r.xlsx"), scheme)
    assert report.flatten(["rule"]) == []
    assert read.document == ROSTER


def test_ballot_tally_round_trip_is_exact(scheme: Scheme, templates: tuple[Path, Path],
                                          tmp_path: Path) -> None:
    doc = _ballots()
    read, report = examine_workbook(_filled(templates[1], doc, tmp_path / "b.xlsx"), scheme)
    assert report.flatten(["rule"]) == []
    assert read.document == doc


def test_votes_over_raters_is_located_at_the_raters_cell(
        scheme: Scheme, templates: tuple[Path, Path], tmp_path: Path) -> None:
    doc = _ballots()
    doc["entries"][5]["raters"] = 12  # P0101 · team: 7+4+1+0 + 0 invalid = 13 > 12
    doc["entries"][0]["raters"] = 14  # team · superiors: 14 + 1 invalid = 15 > 14
    _, report = examine_workbook(_filled(templates[1], doc, tmp_path / "b.xlsx"), scheme)
    found = report.flatten(["sheet", "cell", "rule"])
    # team sheet: columns B no, C rater, D–G counts, H invalid, I raters; first row 6
    # cadres sheet: B no, C id, D name, E rater, F–I counts, J invalid, K raters; P0101·team row 7
    assert found == [["班子测评", "I6", "ballots-exceed-raters"],
                     ["干部测评", "K7", "ballots-exceed-raters"]]
    assert not report.valid


def test_duplicate_person_id_in_a_roster(scheme: Scheme, templates: tuple[Path, Path],
                                         tmp_path: Path) -> None:
    doc = copy.deepcopy(ROSTER)
    doc["people"][2]["person_id"] = "P0101"
    _, report = examine_workbook(_filled(templates[0], doc, tmp_path / "r.xlsx"), scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == [["班子成员名册", "C8", "duplicate-person"]]
    assert "班子成员名册!C6" in report.issues[0].message


def test_duplicate_person_block_in_a_tally(scheme: Scheme, templates: tuple[Path, Path],
                                           tmp_path: Path) -> None:
    path = _filled(templates[1], _ballots(), tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["干部测评"]["C14"] = "P0101"  # the third block (rows 14–17) now says P0101 too
    wb.save(path)
    _, report = examine_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == [["干部测评", "C14", "duplicate-person"]]


def test_votes_without_a_person_id(scheme: Scheme, templates: tuple[Path, Path],
                                   tmp_path: Path) -> None:
    path = _filled(templates[1], _ballots(), tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["干部测评"]["F18"] = 3  # block 4 has no person id
    wb.save(path)
    _, report = examine_workbook(path, scheme)
    assert report.flatten(["sheet", "cell", "rule"]) == [["干部测评", "C18", "missing-person-id"]]


def test_a_principal_leader_is_needed(scheme: Scheme, templates: tuple[Path, Path],
                                      tmp_path: Path) -> None:
    doc = copy.deepcopy(ROSTER)
    doc["people"][0]["role"] = "member"
    _, report = examine_workbook(_filled(templates[0], doc, tmp_path / "r.xlsx"), scheme)
    assert report.flatten(["sheet", "cell", "rule", "severity"]) == [
        ["班子成员名册", "F6", "roster-principal", "warning"]]


@pytest.mark.libreoffice
def test_self_checks_equal_the_reader_under_libreoffice(
        scheme: Scheme, templates: tuple[Path, Path], tmp_path: Path) -> None:
    from workbook_templates.recalc import recalculate_many

    doc = _ballots()
    doc["entries"][5]["raters"] = 12   # over
    doc["entries"][6]["raters"] = 13   # exactly at the raters: ✓
    doc["entries"][7].pop("raters")    # no raters: nothing to check
    doc["entries"][8]["counts"] = {"优秀": 0, "称职": 0, "基本称职": 0, "不称职": 0}
    filled = _filled(templates[1], doc, tmp_path / "tally.xlsx")
    out = recalculate_many([filled], tmp_path / "calc")[0]
    book = CalamineWorkbook.from_path(str(out))
    rows = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in ("班子测评", "干部测评")}
    checked = 0
    for entry in doc["entries"]:
        if entry["subject"] == "team":
            sheet, row, first = "班子测评", 6 + RATERS.index(entry["rater_group"]), 3
        else:
            block = ["P0101", "P0102", "P0103"].index(entry["subject"])
            sheet, row, first = "干部测评", 6 + 4 * block + RATERS.index(entry["rater_group"]), 5
        values = rows[sheet][row - 1]
        counts = entry["counts"]
        valid, check = values[first + 6], values[first + 7]
        assert (valid if valid != "" else None) == tally_valid(counts)
        assert check == tally_check(counts, entry.get("invalid"), entry.get("raters"))
        checked += 1
    assert checked == len(doc["entries"])
    assert rows["干部测评"][6][12] == "超出参评人数" and rows["干部测评"][7][12] == "✓"
