"""Practice 6: several survey channels (questionnaires, phone interviews) tallied apart and
weighted, a channel without answers renormalised and said; the checks and the tally sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaohe.engine import Scheme, score
from tests.conftest import small_scheme_doc
from tests.test_engine import by_id, full_docs
from validators.rules.values import run_checks

CHANNELS = [{"id": "questionnaire", "name": "问卷调查", "weight": 0.4},
            {"id": "phone", "name": "电话访问", "weight": 0.6}]


def channel_scheme() -> Scheme:
    doc = small_scheme_doc()
    doc["satisfaction"]["channels"] = CHANNELS
    return Scheme.from_document(doc)


def tally(unit: str, channel: str, yes: int, no: int, dont: int = 0) -> dict[str, Any]:
    return {"unit_id": unit, "channel": channel,
            "counts": {"满意": yes, "不满意": no, "不了解": dont}}


def test_channels_are_scored_apart_and_weighted() -> None:
    ballots = full_docs().ballots
    sat = [tally("u1", "questionnaire", 90, 10, 30), tally("u1", "phone", 60, 40),
           tally("u2", "phone", 75, 25)]
    out = by_id(score(channel_scheme(), full_docs(ballots={**ballots, "satisfaction": sat})))
    # u1: questionnaire 90 (不了解 left out), phone 60 → 90·0.4 + 60·0.6 = 72, not the pooled
    # (90 + 60) / 200 = 75
    assert out["u1"]["components"]["satisfaction"] == 72.0
    detail = out["u1"]["component_details"]["satisfaction"]
    assert "问卷调查 90×40% + 电话访问 60×60%" in detail["explanation"]
    # u2: phone only, renormalised: 75
    assert out["u2"]["components"]["satisfaction"] == 75.0
    assert out["u2"]["component_details"]["satisfaction"]["missing_channels"] == [
        "questionnaire"]
    assert any("缺少问卷调查的调查结果" in n for n in out["u2"]["notes"])
    assert out["u3"]["components"]["satisfaction"] == 0.0


def test_a_tally_without_a_known_channel_is_located() -> None:
    doc = {"kind": "ballots", "scheme_id": "test-2020", "year": 2020, "conduct": [],
           "satisfaction": [tally("u1", "mail", 1, 0), {"unit_id": "u1", "counts": {"满意": 1}}]}
    found = [(i.rule, i.json_path) for i in run_checks(doc, {}, channel_scheme())
             if i.rule == "not-in-list"]
    assert found == [("not-in-list", "$.satisfaction[0].channel"),
                     ("not-in-list", "$.satisfaction[1].channel")]


def test_channels_round_trip_through_the_tally_sheet(tmp_path: Path) -> None:
    from workbook_templates.fill import fill_workbook
    from workbook_templates.reader import read_workbook
    from workbook_templates.tallies import build_ballots

    scheme = channel_scheme()
    sat = [tally("u1", "questionnaire", 90, 10, 30), tally("u1", "phone", 60, 40)]
    doc = {"kind": "ballots", "scheme_id": "test-2020", "year": 2020,
           "conduct": [{"unit_id": "u1", "rater_group": "leaders", "counts": {"好": 3, "较好": 1,
                                                                             "一般": 0, "差": 0},
                        "invalid": 0}], "satisfaction": sat}
    read = read_workbook(fill_workbook(build_ballots(scheme, tmp_path / "b.xlsx"), doc,
                                       tmp_path / "f.xlsx"))
    assert read.document["satisfaction"] == sat
    # u2 answered in no channel: blank, said once for the unit; u1 is not blank
    blanks = {k for k in read.cell_map if k.startswith("$.blank.satisfaction")}
    assert "$.blank.satisfaction.u2" in blanks and "$.blank.satisfaction.u1" not in blanks


def test_channel_weights_are_checked_and_round_trip_the_scheme_workbook(
        tmp_path: Path) -> None:
    from validators.scheme.checks import check_scheme
    from workbook_templates.scheme_book import export_scheme_workbook, import_scheme_workbook

    doc = small_scheme_doc()
    doc["satisfaction"]["channels"] = CHANNELS
    back, issues = import_scheme_workbook(export_scheme_workbook(doc, tmp_path / "s.xlsx"))
    assert issues == [] and back["satisfaction"]["channels"] == CHANNELS
    doc["satisfaction"]["channels"] = [{**CHANNELS[0], "weight": 0.5}, CHANNELS[1]]
    found = check_scheme(doc).issues
    assert [(i.rule, i.json_path) for i in found] == [("weights-sum", "$.satisfaction.channels")]
    assert "满意度各调查渠道的权重合计为 1.1" in found[0].message
