"""Scheme checks: one defect planted in the embedded scheme, exactly one finding comes out."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kaohe.pipeline.documents import default_scheme_document
from validators.messages import MESSAGES
from validators.report import WARNING
from validators.scheme.checks import SCHEME_CHECKS, check_scheme

Doc = dict[str, Any]


def _ind(doc: Doc, ind_id: str) -> dict[str, Any]:
    return next(i for i in doc["indicators"] if i["id"] == ind_id)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Doc], None]:
    def plant(doc: Doc) -> None:
        node: Any = doc
        for key in path[:-1]:
            indicator = isinstance(key, str) and key[:1] in "CD" and key[1:].isdigit()
            node = _ind(doc, key) if indicator else node[key]
        node[path[-1]] = value
    return plant


def _rename_unit(doc: Doc) -> None:
    doc["units"][2]["id"] = doc["units"][0]["id"]
    for ind in doc["indicators"]:
        ind.get("targets", {}).pop("fuyun", None)


def _drop_group_units(doc: Doc) -> None:
    doc["units"] = [u for u in doc["units"] if u["group"] != "law"]


def _drop_weights(doc: Doc) -> None:
    del doc["component_weights"]["law"]


def _drop_bands(doc: Doc) -> None:
    del doc["grading"]["bands"]["law"]


def _no_target(doc: Doc) -> None:
    ind = _ind(doc, "C11")
    del ind["target"]


# (name, planting, expected [json_path, rule] (or a list of them when a defect has a
# consequence), words of the first finding's Chinese message)
CASES: list[tuple[str, Callable[[Doc], None], list[Any], str]] = [
    ("duplicate unit id", _rename_unit, ["$.units[2].id", "duplicate-id"], "重复"),
    ("unit in an undefined group", _set(("units", 1, "group"), "towns"),
     ["$.units[1].group", "unknown-group"], "考核组别 “towns” 未定义"),
    ("group without units", _drop_group_units, ["$.groups[3]", "empty-group"], "没有被考核单位"),
    ("unknown lead department", _set(("C04", "lead_department"), "nobody"),
     ["$.indicators[3].lead_department", "unknown-lead-department"], "牵头考核部门 “nobody”"),
    ("indicator in a routine component", _set(("C04", "component"), "routine"),
     [["$.indicators[3].component", "not-an-indicators-component"],
      ["$.components[0].full_score", "full-scores-sum"]], "不是指标类构成"),
    ("unknown component", _set(("C04", "component"), "special"),
     [["$.indicators[3].component", "unknown-component"],
      ["$.components[0].full_score", "full-scores-sum"]], "考核构成 “special” 未定义"),
    ("indicator for an undefined group", _set(("C04", "groups"), ["county", "towns"]),
     ["$.indicators[3].groups[1]", "unknown-group"], "towns"),
    ("target for an unknown unit", _set(("C04", "targets"), {"atlantis": 3}),
     ["$.indicators[3].targets.atlantis", "unknown-unit"], "不是方案中的被考核单位"),
    ("weights not summing to 1", _set(("component_weights", "county", "year_end"), 0.5),
     ["$.component_weights.county", "weights-sum"], "“县市” 的构成权重合计为 1.05"),
    ("group without weights", _drop_weights, ["$.groups[3]", "missing-weights"], "没有设置"),
    ("unknown component weighted", _set(("component_weights", "county", "special"), 0),
     ["$.component_weights.county.special", "unknown-component"], "special"),
    ("rater weights", _set(("rater_groups", 0, "weight"), 0.5),
     ["$.rater_groups", "weights-sum"], "测评主体的权重合计为 1.15"),
    ("full scores not summing", _set(("C01", "full_score"), 13),
     ["$.components[0].full_score", "full-scores-sum"],
     "“县市”组别的 17 项“年终考核”指标满分合计为 101，应等于该构成的满分 100"),
    ("bands not descending", _set(("grading", "bands", "county", 1, "min"), 95),
     ["$.grading.bands.county[1].min", "bands-order"], "从高到低"),
    ("bands without a 0 floor", _set(("grading", "bands", "county", 3, "min"), 10),
     ["$.grading.bands.county", "bands-floor"], "应为 0"),
    ("band of an unknown grade", _set(("grading", "bands", "county", 0, "grade"), "优秀"),
     ["$.grading.bands.county[0].grade", "unknown-grade"], "等次 “优秀”"),
    ("group without bands", _drop_bands, ["$.groups[3]", "missing-bands"], "分数线"),
    ("quota of an unknown grade", _set(("grading", "quotas", 0, "grade"), "优秀"),
     ["$.grading.quotas[0].grade", "unknown-grade"], "优秀"),
    ("veto grade unknown", _set(("gates", "veto_grade"), "差"),
     ["$.gates.veto_grade", "unknown-grade"], "差"),
    ("tie-breaker unknown", _set(("tie_breakers", 1), "component:special"),
     ["$.tie_breakers[1]", "unknown-component"], "并列排序规则"),
    ("tiers out of order", _set(("C08", "params", "tiers", 1, "min"), 0.5),
     ["$.indicators[7].params.tiers[1].min", "tiers-order"], "从低到高"),
    ("tier points above full", _set(("C08", "params", "tiers", 2, "points"), 7),
     ["$.indicators[7].params.tiers[2].points", "points-above-full"], "超过该指标的满分 6"),
    ("tier points decreasing", _set(("C08", "params", "tiers", 2, "points"), 3),
     ["$.indicators[7].params.tiers[2].points", "tiers-points"], "低于上一档"),
    ("worst equals best", _set(("C14", "params", "best"), 120),
     ["$.indicators[13].params.best", "worst-equals-best"], "不允许值与满意值相同"),
    ("worst/best against direction", _set(("C14", "params", "best"), 150),
     ["$.indicators[13].params.best", "worst-best-direction"], "不一致"),
    ("deduction floor above full", _set(("C03", "params", "floor"), 7),
     ["$.indicators[2].params.floor", "floor-above-full"], "最低分 7 高于满分"),
    ("pass/fail points above full", _set(("C11", "params", "fail_points"), 5),
     ["$.indicators[10].params.fail_points", "floor-above-full"], "高于满分"),
    ("base_step max above full", _set(("C09", "params", "max"), 6),
     ["$.indicators[8].params.max", "points-above-full"], "超过"),
    ("base_step base outside", _set(("C09", "params", "min"), 4.5),
     ["$.indicators[8].params.base", "base-out-of-range"], "基准分 4"),
    ("rating without full marks", _set(("C01", "params", "ratings", "好"), 0.95),
     ["$.indicators[0].params.ratings", "rating-no-full"], "没有任何评级能得满分"),
    ("target missing", _no_target, ["$.indicators[10].target", "missing-target"],
     "7 个单位没有目标值"),
    ("schema: weight not a number", _set(("component_weights", "county", "year_end"), "0.45"),
     ["$.component_weights.county.year_end", "type"], "应为数字"),
]


def test_the_embedded_scheme_is_clean() -> None:
    assert check_scheme(default_scheme_document()).issues == []


@pytest.mark.parametrize(("plant", "expected", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_one_defect_one_finding(plant: Callable[[Doc], None], expected: list[Any],
                                words: str) -> None:
    doc = copy.deepcopy(default_scheme_document())
    plant(doc)
    report = check_scheme(doc)
    expected = expected if isinstance(expected[0], list) else [expected]
    assert report.flatten(["json_path", "rule"]) == expected
    issue = report.issues[0]
    assert words in issue.message, issue.message
    assert issue.message_en and issue.hint and issue.hint_en
    if expected[0][1] in ("empty-group", "worst-best-direction", "rating-no-full"):
        assert issue.severity == WARNING and report.valid
    else:
        assert not report.valid


def test_weights_in_percent_are_accepted_when_they_sum_to_100() -> None:
    doc = copy.deepcopy(default_scheme_document())
    doc["component_weights"]["county"] = {"year_end": 45, "routine": 30, "satisfaction": 15,
                                          "conduct": 10}
    assert check_scheme(doc).flatten(["json_path", "rule"]) == []
    doc["component_weights"]["county"]["conduct"] = 12
    rules = {rule for _, rule in check_scheme(doc).flatten(["json_path", "rule"])}
    assert rules == {"weights-sum"}


def test_findings_are_located_through_a_cell_map() -> None:
    doc = copy.deepcopy(default_scheme_document())
    _ind(doc, "C03")["params"]["floor"] = 7
    cell_map = {"$.indicators[2]": ("指标", "A5"), "$.indicators[2].params.floor": ("指标", "L5")}
    report = check_scheme(doc, cell_map, file="scheme.xlsx")
    assert report.flatten(["file", "sheet", "cell", "rule"]) == [
        ["scheme.xlsx", "指标", "L5", "floor-above-full"]]
    del cell_map["$.indicators[2].params.floor"]
    assert check_scheme(doc, cell_map).flatten(["sheet", "cell"]) == [["指标", "A5"]]


@pytest.mark.parametrize("doc", [None, [], {"kind": "scheme"}, {"kind": "scheme", "groups": 3,
                                                                 "units": [1, "x"],
                                                                 "indicators": [{"params": 5}],
                                                                 "grading": {"bands": []}}])
def test_malformed_documents_give_findings_not_exceptions(doc: Any) -> None:
    report = check_scheme(doc)
    assert not report.valid


def test_every_scheme_check_is_documented_and_its_messages_exist() -> None:
    for name, check in SCHEME_CHECKS.items():
        assert check.__doc__, name
    for key, texts in MESSAGES.items():
        assert len(texts) == 4 and all(texts), key


def test_a_scheme_workbook_is_checked_at_its_cells(tmp_path) -> None:
    import openpyxl

    from kaohe.engine import Scheme
    from validators.workbook import validate_workbook
    from workbook_templates import export_scheme_workbook

    scheme = Scheme.from_document(default_scheme_document())
    path = export_scheme_workbook(default_scheme_document(), tmp_path / "方案.xlsx", "zh")
    assert validate_workbook(path, scheme).issues == []
    wb = openpyxl.load_workbook(path)
    wb["部分权重"]["D4"].value = 0.5  # county's year_end weight: the county sum becomes 1.05
    wb.save(path)
    report = validate_workbook(path, scheme)
    # The group's weights are located at the group's cell (its first row).
    assert report.flatten(["sheet", "cell", "rule"]) == [["部分权重", "B4", "weights-sum"]]
    assert "“县市” 的构成权重合计为 1.05" in report.issues[0].message


def test_a_finding_keeps_the_offending_value_not_a_message_parameter() -> None:
    from validators.scheme.common import finding_at

    issue = finding_at("duplicate-id", ("units", 4, "id"), value="u1", id="u1", first=2, row=5)
    assert issue.value == "u1"
