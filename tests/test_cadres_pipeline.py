"""The people's part of consolidation: files read for real, checked across files (located
findings, nothing scored from a rejected file), and multi-year merit rules read from the
history store (SQLite and PostgreSQL) across published revisions."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from kaohe.engine.model import Scheme
from kaohe.pipeline.cadres import apply_history, cadre_section
from kaohe.pipeline.consolidate import examine
from kaohe.pipeline.documents import default_scheme_document, load_scheme
from kaohe.store import open_store
from tests.test_cadre_forms import RATERS, ROSTER, _ballots
from workbook_templates.cadre_forms import build_cadre_ballots, build_roster
from workbook_templates.fill import fill_workbook


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme(None)


def _unit(uid: str, grade: str = "较好", total: float = 88.0) -> dict[str, Any]:
    return {"unit_id": uid, "unit_name": uid, "group": "county", "total": total,
            "grade": grade, "gates": [], "top_grade_eligible": True}


RESULTS = {"year": 2016, "grades": ["好", "较好", "一般", "较差"],
           "units": [_unit("fuyun"), _unit("fuhai")]}


def _files(scheme: Scheme, folder: Path, unit_id: str, roster: dict[str, Any],
           ballots: dict[str, Any]) -> list[Any]:
    """Build, fill and examine one unit's roster and tally: two Submissions."""
    roster = {**roster, "unit_id": unit_id}
    ballots = {**ballots, "unit_id": unit_id, "_raters": RATERS,
               "_names": {p["person_id"]: p["name"] for p in roster["people"]}}
    subs = []
    for build, kind, doc in ((build_roster, "roster", roster),
                             (build_cadre_ballots, "cadre_ballots", ballots)):
        template = build(scheme, unit_id, folder / f"t_{kind}_{unit_id}.xlsx")
        subs.append(examine(fill_workbook(template, doc, folder / f"{kind}_{unit_id}.xlsx"),
                            scheme))
    return subs


def _other_unit_roster(ids: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    roster = copy.deepcopy(ROSTER)
    for person, pid in zip(roster["people"], ids, strict=True):
        person["person_id"] = pid
    ballots = _ballots()
    mapping = dict(zip(("P0101", "P0102", "P0103"), ids, strict=True))
    for entry in ballots["entries"] + ballots["routine"]:
        key = "subject" if "subject" in entry else "person_id"
        entry[key] = mapping.get(entry[key], entry[key])
    return roster, ballots


def test_two_units_assessed_from_real_files(scheme: Scheme, tmp_path: Path) -> None:
    subs = _files(scheme, tmp_path, "fuyun", ROSTER, _ballots())
    subs += _files(scheme, tmp_path, "fuhai", *_other_unit_roster(("P0201", "P0202", "P0203")))
    assert all(s.accepted for s in subs)
    section, issues = cadre_section(scheme, RESULTS, subs)
    assert section is not None and issues == []
    assert len(section["cadres"]) == 6 and section["not_assessed"] == []
    assert {t["unit_id"] for t in section["teams"]} == {"fuyun", "fuhai"}


def test_a_person_in_two_units_sets_both_rosters_aside(scheme: Scheme, tmp_path: Path) -> None:
    subs = _files(scheme, tmp_path, "fuyun", ROSTER, _ballots())
    subs += _files(scheme, tmp_path, "fuhai", *_other_unit_roster(("P0201", "P0102", "P0203")))
    section, issues = cadre_section(scheme, RESULTS, subs)
    located = sorted((i.file, i.sheet, i.cell, i.rule) for i in issues
                     if i.rule == "person-in-two-units")
    assert located == [("roster_fuhai.xlsx", "班子成员名册", "C7", "person-in-two-units"),
                       ("roster_fuyun.xlsx", "班子成员名册", "C7", "person-in-two-units")]
    assert "roster_fuhai.xlsx" in next(i for i in issues if i.file == "roster_fuyun.xlsx").message
    assert section is not None and section["cadres"] == []  # nothing scored from them
    assert {m["unit_id"] for m in section["not_assessed"]} == {"fuyun", "fuhai"}


def test_a_tally_that_does_not_match_the_roster_is_set_aside(scheme: Scheme,
                                                             tmp_path: Path) -> None:
    ballots = _ballots()
    for entry in ballots["entries"]:
        if entry["subject"] == "P0103":
            entry["subject"] = "P0999"
    for entry in ballots["routine"]:
        entry["person_id"] = "P0102"
    subs = _files(scheme, tmp_path, "fuyun", ROSTER, ballots)
    section, issues = cadre_section(scheme, {**RESULTS, "units": [_unit("fuyun")]}, subs)
    found = sorted((i.file, i.sheet, i.cell, i.rule, i.severity) for i in issues)
    assert found == [
        ("cadre_ballots_fuyun.xlsx", "干部测评", "C14", "roster-ballots-mismatch", "error"),
        ("roster_fuyun.xlsx", "班子成员名册", "C8", "cadre-without-ballots", "warning")]
    assert section is not None and section["cadres"] == []
    assert section["not_assessed"][0]["reason"] == "测评统计表与名册不一致，测评统计表未采用"


def test_a_rejected_roster_scores_no_one(scheme: Scheme, tmp_path: Path) -> None:
    roster = copy.deepcopy(ROSTER)
    roster["people"][1]["person_id"] = "P0101"  # duplicate: the file has an error
    subs = _files(scheme, tmp_path, "fuyun", roster, _ballots())
    assert not subs[0].accepted and subs[1].accepted
    section, _ = cadre_section(scheme, {**RESULTS, "units": [_unit("fuyun")]},
                               [s for s in subs if s.accepted])
    assert section is not None and section["cadres"] == []
    assert section["not_assessed"][0]["reason"] == "未收到可用的领导班子成员名册"


# ---------------------------------------------------------------- history across revisions

@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "h.db")
    return str(request.getfixturevalue("pg_server").create_database())


def _record(store: Any, year: int, grade: str | None, publish: bool = True) -> str:
    """Record a minimal run of one unit and one cadre P1 graded `grade` in `year`."""
    doc = default_scheme_document()
    doc["year"] = year
    results = {"kind": "results", "scheme_id": doc["scheme_id"], "year": year,
               "grades": ["好", "较好", "一般", "较差"],
               "groups": [{"id": "county", "name": "县市", "units": 1}],
               "units": [{"unit_id": "fuyun", "unit_name": "富蕴县", "group": "county",
                          "total": 90.0 + year % 10, "rank": 1, "grade": "好",
                          "top_grade_eligible": True, "gates": [], "components": {},
                          "group_size": 1}],
               "cadres": {"year": year, "teams": [], "cadres": [
                   {"person_id": "P1", "name": "赵一", "unit_id": "fuyun", "unit_name": "富蕴县",
                    "role": "principal", "post": "县委书记", "score": 91.0 + year % 10,
                    "grade": grade, "explanation": []}]}}
    record = store.record_run(doc, results, reason=f"{year} {grade}")
    if publish:
        store.publish(year, record.run_id, reason="申诉改判" if record.revision > 1 else "")
    return str(record.run_id)


def _merit(store: Any, grade: str = "优秀") -> dict[str, Any]:
    cadre = {"person_id": "P1", "grade": grade, "alerts": [], "bonus_cancelled": [],
             "unit_id": "fuyun", "unit_name": "富蕴县", "name": "赵一"}
    section: dict[str, Any] = {"year": 2016, "cadres": [cadre]}
    apply_history(section, default_scheme_document(),
                  store.person_grades(["P1"], 2016))
    return dict(section["cadres"][0]["merit"])


def test_three_years_run_across_a_published_revision(db: str) -> None:
    with open_store(db) as store:
        _record(store, 2014, "优秀")
        _record(store, 2015, "称职")
        assert _merit(store)["merit"] == "嘉奖"      # 2015 称职 breaks the run
        _record(store, 2015, "优秀")                 # appeal: 2015-r2, published
        assert _merit(store) | {} == _merit(store)
        merit = _merit(store)
        assert (merit["merit"], merit["top_run"], merit["top_years"]) == (
            "记三等功", 3, [2014, 2015, 2016])
        years = store.person_history("赵一")
        assert [(y.year, y.run_id, y.grade) for y in years] == [
            (2014, "2014-r1", "优秀"), (2015, "2015-r2", "优秀")]


def test_an_unpublished_revision_does_not_count(db: str) -> None:
    with open_store(db) as store:
        _record(store, 2014, "优秀")
        _record(store, 2015, "称职")
        _record(store, 2015, "优秀", publish=False)   # recorded, not published
        assert _merit(store)["top_run"] == 1


def test_two_unsatisfactory_years_are_flagged_across_revisions(db: str) -> None:
    with open_store(db) as store:
        _record(store, 2015, "基本称职")
        assert _merit(store, "不称职")["unsatisfactory_flag"] is False
        _record(store, 2015, "不称职")               # 2015-r2 published
        merit = _merit(store, "不称职")
        assert merit["unsatisfactory_flag"] is True and merit["unsatisfactory_run"] == 2


def test_revisions_show_what_changed_for_cadres(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kaohe.cli import main

    db = str(tmp_path / "h.db")
    with open_store(db) as store:
        _record(store, 2015, "称职")
        _record(store, 2015, "优秀")
        assert store.person_diff("2015-r1", "2015-r2")[0]["new_grade"] == "优秀"
    result = CliRunner().invoke(main, ["revisions", "--db", db, "--year", "2015"])
    assert result.exit_code == 0, result.output
    assert "干部结果变化" in result.output and "称职 → 优秀" in result.output
    result = CliRunner().invoke(main, ["history", "P1", "--db", db])
    assert result.exit_code == 0 and "赵一" in result.output and "2015-r2" in result.output
