"""Value checks on documents (the JSON way in), schema problems at cells, the message table."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.synth import synthesize
from validators.messages import MESSAGES, finding
from validators.rules.values import CHECKS, EVERY_KIND, KIND_CHECKS, run_checks
from validators.workbook import issues_from_schema, validate_workbook

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.fixture(scope="module")
def docs(scheme: Scheme) -> dict[str, Any]:
    return synthesize(scheme)


def _doc(docs: dict[str, Any], kind: str) -> Doc:
    if kind in ("roster", "cadre_ballots", "sanctions"):  # the people's documents
        from kaohe.synth_cadres import synthesize_cadres

        people = synthesize_cadres(Scheme.from_document(default_scheme_document()))
        if kind == "sanctions":
            return copy.deepcopy(people["sanctions"])
        return copy.deepcopy(people["rosters" if kind == "roster" else kind]["altay_city"])
    if kind == "unit_report":
        return copy.deepcopy(docs["unit_reports"]["altay_city"])
    if kind == "lead_scores":
        return copy.deepcopy(next(d for d in docs["lead_scores"] if d["lead_department"] == "zfw"))
    return copy.deepcopy(docs[kind])


def _item(doc: Doc, ind: str) -> dict[str, Any]:
    return next(i for i in doc["items"] if i["indicator_id"] == ind)


def _set(*path: Any, value: Any) -> Callable[[Doc], None]:
    def plant(doc: Doc) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return plant


def _unit_extra(doc: Doc) -> None:
    doc["items"].append({"indicator_id": "D03", "target": 10, "actual": 3, "evidence": "",
                         "remarks": "", "not_applicable": False})


def _unit_twice(doc: Doc) -> None:
    doc["items"].append(copy.deepcopy(doc["items"][0]))


def _unit_missing(doc: Doc) -> None:
    doc["items"] = [i for i in doc["items"] if i["indicator_id"] != "C05"]


def _lead_foreign(doc: Doc) -> None:
    doc["entries"][0]["indicator_id"] = "C04"


def _lead_not_applicable(doc: Doc) -> None:
    entry = next(e for e in doc["entries"] if e["indicator_id"] == "D07")
    doc["entries"].append({**entry, "unit_id": "altay_city"})


def _lead_twice(doc: Doc) -> None:
    doc["entries"].append(copy.deepcopy(doc["entries"][0]))


def _lead_missing(doc: Doc) -> None:
    del doc["entries"][0]


def _event_twice(doc: Doc) -> None:
    doc["events"][1]["id"] = doc["events"][0]["id"]


def _decision_before(doc: Doc) -> None:
    event = next(e for e in doc["events"] if e["id"] == doc["decisions"][0]["event_id"])
    event["date"] = "2016-12-30"
    doc["decisions"][0]["date"] = "2016-12-01"


def _routine_twice(doc: Doc) -> None:
    doc["entries"].append(copy.deepcopy(doc["entries"][0]))


def _raters(doc: Doc) -> None:
    tally = doc["conduct"][0]
    tally["raters"] = sum(tally["counts"].values()) + tally.get("invalid", 0) - 1


def _unknown_grade(doc: Doc) -> None:
    tally = doc["conduct"][0]
    tally["counts"]["优"] = 3
    tally.pop("raters", None)  # (3 more votes would also exceed the raters handed a ballot)


def _sample(doc: Doc) -> None:
    tally = doc["satisfaction"][0]
    tally["sample"] = sum(tally["counts"].values()) + 5


def _sample_ok(doc: Doc) -> None:
    tally = doc["satisfaction"][0]
    tally["sample"] = sum(tally["counts"].values())


# (case, kind, planting, expected [json_path, rule] rows, words of the first message)
CASES: list[tuple[str, str, Callable[[Doc], None], list[list[str]], str]] = [
    ("unit unknown", "unit_report", _set("unit_id", value="atlantis"),
     [["$.unit_id", "unknown-unit"]], "“atlantis” 不是方案中的被考核单位"),
    ("indicator of another group", "unit_report", _unit_extra,
     [["$.items[11].indicator_id", "unknown-indicator"]], "指标 “D03” 不适用于“阿勒泰市”"),
    ("indicator twice", "unit_report", _unit_twice,
     [["$.items[11].indicator_id", "duplicate-entry"]], "重复填报"),
    ("indicator missing", "unit_report", _unit_missing,
     [["$.items", "missing-indicator"]], "缺少指标 “C05 一般公共预算收入”"),
    ("target other than the scheme's", "unit_report", _set("items", 0, "target", value=9.9),
     [["$.items[0].target", "target-changed"]], "方案规定为 6.3"),
    ("date of filling years off", "unit_report", _set("date", value="2019-01-10"),
     [["$.date", "date-out-of-range"]], "不在 2016-01-01 至 2017-12-31 之间"),
    ("no date of filling", "unit_report", _set("date", value=None),
     [["$.date", "blank-date"]], "未填写填报日期"),
    ("lead: indicator of another department", "lead_scores", _lead_foreign,
     [["$.entries[0].indicator_id", "not-owned-indicator"], ["$.entries", "missing-entry"]],
     "不由本部门评分"),
    ("lead: indicator not for the unit", "lead_scores", _lead_not_applicable,
     [["$.entries[12].indicator_id", "unknown-indicator"]], "不适用于“阿勒泰市”"),
    ("lead: twice", "lead_scores", _lead_twice,
     [["$.entries[12]", "duplicate-entry"]], "阿勒泰市·C01"),
    ("lead: missing", "lead_scores", _lead_missing,
     [["$.entries", "missing-entry"]], "“阿勒泰市·C01 维护社会稳定和长治久安” 没有评分记录"),
    ("lead: unknown department", "lead_scores", _set("lead_department", value="nobody"),
     [["$.lead_department", "unknown-lead-department"]], "nobody"),
    ("event id twice", "adjustments", _event_twice,
     [["$.events[1].id", "duplicate-id"]], "编号 “E0001” 重复"),
    ("event for an unknown unit", "adjustments", _set("events", 0, "unit_id", value="atlantis"),
     [["$.events[0].unit_id", "unknown-unit"]], "atlantis"),
    ("event on an unknown indicator", "adjustments",
     _set("events", 0, "indicator_id", value="Z99"),
     [["$.events[0].indicator_id", "unknown-indicator"]], "相关指标 “Z99” 不是方案中的考核指标"),
    ("event outside the year", "adjustments", _set("events", 0, "date", value="2017-02-01"),
     [["$.events[0].date", "date-outside-year"]], "日期 2017-02-01 不在 2016 年度内"),
    ("unknown bonus category", "adjustments", _set("events", 0, "category", value="其他"),
     [["$.events[0].category", "unknown-category"]], "加分类别 “其他”"),
    ("event without approver", "adjustments", _set("events", 0, "approver", value=""),
     [["$.events[0].approver", "blank-approver"]], "未填写审批人"),
    ("decision before its event", "adjustments", _decision_before,
     [["$.decisions[0].date", "date-order"]], "早于事项发生日期 2016-12-30"),
    ("routine: unknown period", "routine", _set("entries", 0, "period", value="Q5"),
     [["$.entries[0].period", "not-in-list"]], "“Q5” 不在可选项中（可选：Q1、Q2、Q3、Q4）"),
    ("routine: twice", "routine", _routine_twice,
     [["$.entries[136]", "duplicate-entry"]], "阿勒泰市·Q1"),
    ("ballots above the raters", "ballots", _raters,
     [["$.conduct[0].raters", "ballots-exceed-raters"]], "超过参评人数"),
    ("unknown rater group", "ballots", _set("conduct", 0, "rater_group", value="experts"),
     [["$.conduct[0].rater_group", "unknown-rater-group"]], "测评主体 “experts”"),
    ("unknown ballot grade", "ballots", _unknown_grade,
     [["$.conduct[0].counts.优", "not-in-list"]], "“优” 不在可选项中"),
    ("satisfaction not summing to the sample", "ballots", _sample,
     [["$.satisfaction[0].sample", "sample-mismatch"]], "与样本量"),
    ("satisfaction summing to the sample", "ballots", _sample_ok, [], ""),
    ("schema: actual as text", "unit_report", _set("items", 3, "actual", value="12,3"),
     [["$.items[3].actual", "type"]], "应为数字"),
]


@pytest.mark.parametrize("kind", sorted(KIND_CHECKS))
def test_synthetic_documents_pass(kind: str, docs: dict[str, Any], scheme: Scheme) -> None:
    assert run_checks(_doc(docs, kind), {}, scheme) == []


@pytest.mark.parametrize(("kind", "plant", "expected", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_one_defect_one_finding(kind: str, plant: Callable[[Doc], None],
                                expected: list[list[str]], words: str, docs: dict[str, Any],
                                scheme: Scheme, tmp_path: Path) -> None:
    doc = _doc(docs, kind)
    plant(doc)
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = validate_workbook(path, scheme)
    assert report.flatten(["json_path", "rule"]) == expected, report.flatten(
        ["json_path", "rule", "message"])
    if expected:
        assert words in report.issues[0].message, report.issues[0].message


def test_required_is_located_at_the_parent_cell() -> None:
    doc = {"kind": "routine", "scheme_id": "altay-2016", "year": 2016,
           "entries": [{"unit_id": "altay_city", "period": "Q1"}]}
    cell_map = {"$.entries[0]": ("平时考核", "A6"), "$.entries[0].period": ("平时考核", "E6")}
    issues = issues_from_schema(doc, cell_map, "r.xlsx")
    assert [(i.sheet, i.cell, i.rule, i.field) for i in issues] == [
        ("平时考核", "A6", "required", "score")]
    assert "缺少必填项 “score”" in issues[0].message


def test_a_json_file_that_is_not_json(tmp_path: Path, scheme: Scheme) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert validate_workbook(path, scheme).flatten(["rule"]) == [["read-failed"]]


def test_a_scheme_document_is_checked_as_a_scheme(tmp_path: Path, scheme: Scheme) -> None:
    doc = default_scheme_document()
    doc["component_weights"]["county"]["year_end"] = 0.5
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert validate_workbook(path, scheme).flatten(["json_path", "rule"]) == [
        ["$.component_weights.county", "weights-sum"]]


def test_every_check_is_registered_once_and_documented() -> None:
    named = [name for names in KIND_CHECKS.values() for name in names] + list(EVERY_KIND)
    assert sorted(named) == sorted(CHECKS)
    for check in CHECKS.values():
        assert check.__doc__


_RULES_IN_CODE = re.compile(r'(?:_at|finding|_refuse)\(\s*f?"([a-z-]+(?:\{name\})?)"')


def test_every_rule_the_code_raises_has_texts() -> None:
    root = Path(__file__).resolve().parents[1] / "validators"
    found = set()
    for module in root.glob("*.py"):
        found.update(_RULES_IN_CODE.findall(module.read_text(encoding="utf-8")))
    keys = set(re.findall(r'key="([a-z-]+)"', "".join(
        p.read_text(encoding="utf-8") for p in root.glob("*.py"))))
    names = {r for r in found if "{" not in r} | keys
    names |= {"blank-contact", "blank-date", "blank-reason", "blank-approver"}
    missing = sorted(n for n in names if n not in MESSAGES)
    assert missing == []


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_reads_in_both_languages(key: str) -> None:
    zh, en, hint, hint_en = MESSAGES[key]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and any("\u4e00" <= ch <= "\u9fff"
                                                                for ch in hint)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en + hint_en), key
    fields = set(re.findall(r"\{(\w+)", zh + hint))
    issue = finding(key, params={f: "X" for f in fields | set(re.findall(r"\{(\w+)", en +
                                                                         hint_en))})
    assert "{" not in issue.message + issue.message_en + issue.hint + issue.hint_en


@pytest.mark.parametrize("module", ["container.files", "messages", "reading.locate",
                                    "scheme.checks", "rules.values",
                                    "workbook", "batch"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(f"validators.{module}")).failed == 0


def test_locate_falls_back_to_the_row_then_to_the_parent() -> None:
    from validators.reading.locate import locate

    cell_map = {"$.items[3].target": ("表", "G11"), "$.items[3].actual": ("表", "I11"),
                "$.weights": ("权重", "B4"), "$.weights.county.a": ("权重", "D4"),
                "$.date": ("表", "K4")}
    assert locate(("items", 3, "actual"), cell_map) == ("表", "I11")
    assert locate(("items", 3, "indicator_id"), cell_map) == ("表", "G11")  # its row
    assert locate(("weights", "county"), cell_map) == ("权重", "D4")  # its first part
    assert locate(("weights", "town"), cell_map) == ("权重", "B4")  # the parent
    assert locate(("items",), cell_map) == ("表", "G11")
    assert locate(("contact",), cell_map) == ("", "")
    assert locate((), cell_map) == ("", "")
