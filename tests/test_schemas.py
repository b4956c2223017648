"""The JSON Schemas of the seven documents, their examples, and located schema problems."""

from __future__ import annotations

import copy
import dataclasses
import doctest
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import validators
from kaohe.errors import DocumentError, KaoheError
from validators import (
    KINDS,
    SchemaProblem,
    UnknownKind,
    format_json_path,
    load_schema,
    schema_problems,
    validate_document,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "validators" / "examples"
SCHEMAS = REPO / "validators" / "schemas"
CJK = re.compile(r"[\u4e00-\u9fff]")


def example(kind: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the package itself

def test_import_resolves_to_this_repository_not_the_pypi_package() -> None:
    assert Path(validators.__file__).resolve().parent == REPO / "validators"


def test_public_api_is_in_all() -> None:
    for name in ("load_schema", "schema_problems", "validate_document", "SchemaProblem"):
        assert name in validators.__all__
        assert getattr(validators, name) is not None


# ---------------------------------------------------------------- the schemas

def test_one_schema_file_per_kind() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(
        f"{kind}.schema.json" for kind in KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://kaohe.example/schemas/{kind}.schema.json"
    assert schema["properties"]["kind"]["const"] == kind
    assert {"kind", "scheme_id", "year"} <= set(schema["required"])


def _properties(node: Any, where: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (location, property schema) in a schema, however deeply nested."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                yield f"{where}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}[{i}]")


def _is_constraint_only(where: str) -> bool:
    # Inside "if" we only select (e.g. method == "completion"); those are not documented fields.
    return re.search(r"/(if|anyOf)\b", where) is not None


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_chinese_title_and_an_english_description(kind: str) -> None:
    missing = []
    for where, sub in _properties(load_schema(kind)):
        if _is_constraint_only(where) or set(sub) == {"$ref"}:
            continue
        title, description = sub.get("title", ""), sub.get("description", "")
        if not CJK.search(title) or not re.search(r"[A-Za-z]{3}", description):
            missing.append(where)
    assert missing == []


@pytest.mark.parametrize("kind", KINDS)
def test_objects_we_define_are_closed(kind: str) -> None:
    open_objects = []
    for where, sub in _properties(load_schema(kind)):
        if _is_constraint_only(where) or "$ref" in sub:
            continue
        if sub.get("properties") and sub.get("additionalProperties", True) is not False:
            open_objects.append(where.rsplit(".", 1)[-1])
    # Per-method params and engine-defined details stay open on purpose.
    assert set(open_objects) <= {"component_details"}


def test_scheme_checks_params_for_every_method() -> None:
    schema = load_schema("scheme")
    indicator = schema["properties"]["indicators"]["items"]
    methods = indicator["properties"]["method"]["enum"]
    assert len(methods) == 12
    ruled = [rule["if"]["properties"]["method"]["const"] for rule in indicator["allOf"]]
    assert ruled == methods
    for method in methods:
        assert f"params_{method}" in schema["$defs"]


def test_load_schema_is_cached_and_returns_a_private_copy() -> None:
    first = load_schema("routine")
    first["title"] = "changed"
    assert load_schema("routine")["title"] != "changed"
    assert load_schema("routine") == load_schema("routine")


def test_load_schema_rejects_an_unknown_kind() -> None:
    with pytest.raises(UnknownKind) as caught:
        load_schema("workbook")
    assert isinstance(caught.value, KaoheError) and isinstance(caught.value, ValueError)
    assert "workbook" in caught.value.message


# ---------------------------------------------------------------- examples

def test_there_is_one_example_per_kind() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.json")) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_example_validates(kind: str) -> None:
    document = example(kind)
    assert document["kind"] == kind
    assert schema_problems(document) == []
    assert schema_problems(document, kind) == []
    validate_document(document)


def test_scheme_example_covers_the_brief() -> None:
    scheme = example("scheme")
    assert len(scheme["groups"]) == 1 and len(scheme["units"]) == 2
    assert len(scheme["lead_departments"]) == 1
    assert {c["kind"] for c in scheme["components"]} == {
        "indicators", "routine", "satisfaction", "conduct"}
    assert len({i["method"] for i in scheme["indicators"]}) == 3
    for section in ("ballot", "rater_groups", "satisfaction", "adjustments", "gates", "grading"):
        assert scheme[section]


# ---------------------------------------------------------------- broken documents

Edit = Callable[[dict[str, Any]], Any]


def _set(path: tuple[Any, ...], value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


def _delete(path: tuple[Any, ...]) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return edit


def _method(index: int, method: str, params: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        doc["indicators"][index]["method"] = method
        if params is None:
            doc["indicators"][index].pop("params", None)
        else:
            doc["indicators"][index]["params"] = params
    return edit


BROKEN = [
    # (id, kind, edit, expected [(json_path, rule)], words the first Chinese message contains)
    ("missing-name", "scheme", _delete(("name",)),
     [("$.name", "required")], ["缺少必填项", "“name”", "方案名称"]),
    ("missing-unit-group", "scheme", _delete(("units", 1, "group")),
     [("$.units[1].group", "required")], ["缺少必填项", "“group”"]),
    ("missing-actual-type", "unit_report", _set(("items", 0, "actual"), "abc"),
     [("$.items[0].actual", "type")], ["完成值", "应为数字，实际为 “abc”"]),
    ("year-as-text", "routine", _set(("year",), "2016"),
     [("$.year", "type")], ["应为整数", "“2016”"]),
    ("votes-not-integer", "ballots", _set(("conduct", 0, "counts", "好"), 2.5),
     [("$.conduct[0].counts.好", "type")], ["应为整数", "2.5"]),
    ("satisfaction-has-no-invalid", "ballots", _set(("satisfaction", 1, "invalid"), -1),
     [("$.satisfaction[1].invalid", "additional-properties")], ["不认识的字段", "invalid"]),
    ("negative-invalid", "ballots", _set(("conduct", 0, "invalid"), -1),
     [("$.conduct[0].invalid", "minimum")], ["废票数", "应不小于 0", "-1"]),
    ("bad-rounding-mode", "scheme", _set(("rounding", "mode"), "up"),
     [("$.rounding.mode", "enum")], ["取值应为以下之一：half_up、half_even", "“up”"]),
    ("too-many-digits", "scheme", _set(("rounding", "digits"), 7),
     [("$.rounding.digits", "maximum")], ["应不大于 6", "7"]),
    ("bad-direction", "scheme", _set(("indicators", 0, "direction"), "up"),
     [("$.indicators[0].direction", "enum")], ["取值应为以下之一", "higher", "lower"]),
    ("bad-method", "scheme", _set(("indicators", 0, "method"), "average"),
     [("$.indicators[0].method", "enum")], ["取值应为以下之一", "completion", "satisfaction"]),
    ("bad-component-kind", "scheme", _set(("components", 1, "kind"), "weekly"),
     [("$.components[1].kind", "enum")], ["取值应为以下之一", "indicators", "conduct"]),
    ("bad-quota-rounding", "scheme", _set(("grading", "quotas", 0, "rounding"), "round"),
     [("$.grading.quotas[0].rounding", "enum")], ["floor", "round_half_up", "ceil"]),
    ("bad-event-type", "adjustments", _set(("events", 0, "type"), "penalty"),
     [("$.events[0].type", "enum")], ["bonus", "deduction", "veto", "notification"]),
    ("bad-outcome", "adjustments", _set(("decisions", 0, "outcome"), "rejected"),
     [("$.decisions[0].outcome", "enum")], ["upheld", "overturned", "adjusted"]),
    ("tiered-without-tiers", "scheme", _method(1, "tiered", {"basis": "ratio"}),
     [("$.indicators[1].params.tiers", "required")], ["缺少必填项", "“tiers”", "档次"]),
    ("tiered-without-params", "scheme", _method(1, "tiered", None),
     [("$.indicators[1].params", "required")], ["缺少必填项", "“params”", "方法参数"]),
    ("tiered-bad-basis", "scheme", _set(("indicators", 1, "params", "basis"), "percent"),
     [("$.indicators[1].params.basis", "enum")], ["value", "ratio"]),
    ("tier-without-points", "scheme", _delete(("indicators", 1, "params", "tiers", 2, "points")),
     [("$.indicators[1].params.tiers[2].points", "required")], ["缺少必填项", "“points”"]),
    ("completion-negative-cap", "scheme", _set(("indicators", 0, "params", "cap"), -1),
     [("$.indicators[0].params.cap", "exclusive-minimum")], ["完成率上限", "应大于 0", "-1"]),
    ("completion-cap-text", "scheme", _set(("indicators", 0, "params", "cap"), "100%"),
     [("$.indicators[0].params.cap", "type")], ["应为数字", "“100%”"]),
    ("base-step-without-step", "scheme", _method(0, "base_step", {"base": 6}),
     [("$.indicators[0].params.step_size", "required")], ["缺少必填项", "“step_size”"]),
    ("base-step-zero-step", "scheme", _method(0, "base_step", {"base": 6, "step_size": 0}),
     [("$.indicators[0].params.step_size", "exclusive-minimum")], ["步长", "应大于 0"]),
    ("efficacy-without-ends", "scheme", _method(0, "efficacy", {"worst": 3}),
     [("$.indicators[0].params", "any-of")], ["worst", "best", "use_group"]),
    ("efficacy-use-group-false", "scheme", _method(0, "efficacy", {"use_group": False}),
     [("$.indicators[0].params", "any-of")], ["功效系数法"]),
    ("deduction-zero-per-incident", "scheme", _set(("indicators", 2, "params", "per_incident"), 0),
     [("$.indicators[2].params.per_incident", "exclusive-minimum")], ["每次扣分", "应大于 0"]),
    ("deduction-negative-floor", "scheme", _set(("indicators", 2, "params", "floor"), -2),
     [("$.indicators[2].params.floor", "minimum")], ["应不小于 0"]),
    ("bonus-without-per-item", "scheme", _method(2, "bonus", {"cap": 3}),
     [("$.indicators[2].params.per_item", "required")], ["缺少必填项", "“per_item”"]),
    ("rating-share-over-one", "scheme", _method(2, "rating", {"ratings": {"好": 1.5}}),
     [("$.indicators[2].params.ratings.好", "maximum")], ["应不大于 1", "1.5"]),
    ("rating-without-ratings", "scheme", _method(2, "rating", {}),
     [("$.indicators[2].params.ratings", "required")], ["缺少必填项", "“ratings”"]),
    ("rank-points-negative-step", "scheme", _method(0, "rank_points", {"step": -1}),
     [("$.indicators[0].params.step", "minimum")], ["应不小于 0"]),
    ("params-not-object", "scheme", _method(0, "completion", [1.0]),
     [("$.indicators[0].params", "type")], ["应为", "对象"]),
    ("extra-property", "scheme", _set(("units", 0, "colour"), "red"),
     [("$.units[0].colour", "additional-properties")], ["不认识的字段", "“colour”", "group"]),
    ("extra-top-level", "results", _set(("generated_by",), "me"),
     [("$.generated_by", "additional-properties")], ["不认识的字段", "“generated_by”"]),
    ("bad-date-slashes", "adjustments", _set(("events", 0, "date"), "2016/08/03"),
     [("$.events[0].date", "format")], ["不是有效日期", "“2016/08/03”", "2017-01-10"]),
    ("bad-date-day", "unit_report", _set(("date",), "2017-02-30"),
     [("$.date", "format")], ["不是有效日期", "2017-02-30"]),
    ("bad-identifier", "scheme", _set(("units", 1, "id"), "2burqin"),
     [("$.units[1].id", "pattern")], ["不是有效编号", "“2burqin”", "英文字母开头"]),
    ("bad-identifier-chinese", "routine", _set(("entries", 0, "unit_id"), "阿勒泰市"),
     [("$.entries[0].unit_id", "pattern")], ["不是有效编号", "阿勒泰市"]),
    ("bad-group-key", "scheme", _set(("component_weights", "1county"), {"year_end": 1}),
     [('$.component_weights["1county"]', "pattern")],
     ["各组别部分权重", "不是有效编号", "1county"]),
    ("weight-over-hundred", "scheme", _set(("component_weights", "county", "routine"), 130),
     [("$.component_weights.county.routine", "maximum")], ["应不大于 100", "130"]),
    ("bad-tie-breaker", "scheme", _set(("tie_breakers", 0), "year_end"),
     [("$.tie_breakers[0]", "pattern")], ["“year_end”", "component:year_end"]),
    ("no-units", "scheme", _set(("units",), []),
     [("$.units", "min-items")], ["至少需要 1 项"]),
    ("empty-name", "scheme", _set(("name",), ""),
     [("$.name", "min-length")], ["不能为空"]),
    ("conduct-without-ballot", "scheme", _delete(("ballot",)),
     [("$.ballot", "required")], ["缺少必填项", "“ballot”", "德和作风测评票"]),
    ("satisfaction-option-without-points", "scheme",
     _delete(("satisfaction", "options", 0, "points")),
     [("$.satisfaction.options[0].points", "required")], ["缺少必填项", "“points”", "分值"]),
    ("bonus-event-without-points", "adjustments", _delete(("events", 1, "points")),
     [("$.events[1].points", "required")], ["缺少必填项", "“points”"]),
    ("adjusted-decision-null-points", "adjustments",
     _set(("decisions", 0, "outcome"), "adjusted"),
     [("$.decisions[0].points", "type")], ["应为数字", "空值"]),
    ("unknown-kind", "routine", _set(("kind",), "routine "),
     [("$.kind", "enum")], ["文档类型应为以下之一", "routine"]),
    ("results-unit-missing-eligibility", "results", _delete(("units", 0, "top_grade_eligible")),
     [("$.units[0].top_grade_eligible", "required")], ["缺少必填项", "top_grade_eligible"]),
    ("results-indicator-missing-explanation", "results",
     _delete(("units", 1, "indicators", 0, "explanation")),
     [("$.units[1].indicators[0].explanation", "required")], ["缺少必填项", "explanation"]),
    ("results-rank-zero", "results", _set(("units", 0, "rank"), 0),
     [("$.units[0].rank", "minimum")], ["组内排名", "应不小于 1"]),
    ("lead-scores-negative-count", "lead_scores", _set(("entries", 1, "count"), -1),
     [("$.entries[1].count", "minimum")], ["应不小于 0"]),
]


@pytest.mark.parametrize(("kind", "edit", "expected", "words"),
                         [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_broken_document_gives_located_problem(
        kind: str, edit: Edit, expected: list[tuple[str, str]], words: list[str]) -> None:
    document = example(kind)
    edit(document)
    problems = schema_problems(document)
    assert [(p.json_path, p.rule) for p in problems] == expected
    first = problems[0]
    for word in words:
        assert word in first.message, (word, first.message)
    assert CJK.search(first.message)
    assert re.search(r"[a-z]{3}", first.message_en) and first.message_en != first.message
    assert format_json_path(first.path) == first.json_path
    assert first.expected


def test_required_problem_names_the_missing_field_and_points_at_it() -> None:
    document = example("unit_report")
    del document["items"][1]["indicator_id"]
    [problem] = schema_problems(document)
    assert problem.field == "indicator_id"
    assert problem.path == ("items", 1, "indicator_id")
    assert problem.value is None
    assert problem.message == "缺少必填项 “indicator_id”（指标编号）"
    assert problem.message_en == 'missing required field "indicator_id"'


def test_several_missing_fields_give_one_problem_each_sorted_by_path() -> None:
    problems = schema_problems({"kind": "routine", "entries": [{"unit_id": "x", "score": "a"}]})
    assert [(p.json_path, p.rule) for p in problems] == [
        ("$.entries[0].period", "required"),
        ("$.entries[0].score", "type"),
        ("$.scheme_id", "required"),
        ("$.year", "required"),
    ]


def test_problem_carries_value_field_and_expected() -> None:
    document = example("scheme")
    document["rounding"]["mode"] = "up"
    [problem] = schema_problems(document)
    assert problem == SchemaProblem(
        json_path="$.rounding.mode", path=("rounding", "mode"), field="mode", rule="enum",
        value="up", message="舍入方式：取值应为以下之一：half_up、half_even，实际为 “up”",
        message_en="mode: must be one of half_up, half_even, got 'up'",
        expected="half_up | half_even")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.rule = "other"  # type: ignore[misc]


def test_enum_message_lists_the_choices_readably() -> None:
    document = example("scheme")
    document["indicators"][0]["source"] = "annual"
    [problem] = schema_problems(document)
    assert problem.message == (
        "考核来源：取值应为以下之一：year_end、routine、special，实际为 “annual”")


def test_explicit_kind_overrides_the_document_kind() -> None:
    document = example("routine")
    problems = schema_problems(document, "ballots")
    assert ("$.kind", "const") in [(p.json_path, p.rule) for p in problems]
    assert ("$.entries", "additional-properties") in [(p.json_path, p.rule) for p in problems]


def test_missing_or_unknown_kind_is_a_problem_not_an_exception() -> None:
    [missing] = schema_problems({"year": 2016})
    assert (missing.json_path, missing.rule) == ("$.kind", "required")
    assert "缺少必填项 “kind”" in missing.message
    [unknown] = schema_problems({"kind": "workbook"})
    assert (unknown.json_path, unknown.rule, unknown.value) == ("$.kind", "enum", "workbook")
    [not_object] = schema_problems([1, 2])  # type: ignore[arg-type]
    assert (not_object.json_path, not_object.rule) == ("$", "type")


def test_nullable_fields_accept_null() -> None:
    document = example("unit_report")
    document["items"][0].update(actual=None, target=None, evidence=None, remarks=None)
    document["date"] = None
    assert schema_problems(document) == []


def test_defaults_let_a_minimal_scheme_through() -> None:
    scheme = example("scheme")
    for optional in ("illustrative", "template_password", "rounding", "lead_departments",
                     "routine", "adjustments", "gates", "tie_breakers"):
        del scheme[optional]
    for indicator in scheme["indicators"]:
        for optional in ("name_en", "category", "direction", "groups", "lead_department",
                         "source", "input", "region_assigned", "constraint", "measure_unit",
                         "target", "targets", "evidence_required_over"):
            indicator.pop(optional, None)
    scheme["indicators"][0].pop("params")  # completion: cap defaults to 1.0
    assert schema_problems(scheme) == []


def test_efficacy_accepts_either_shape() -> None:
    for params in ({"worst": 3, "best": 9}, {"use_group": True, "base_share": 0.6}):
        scheme = example("scheme")
        _method(0, "efficacy", params)(scheme)
        assert schema_problems(scheme) == []


@pytest.mark.parametrize(("path", "text"), [
    ((), "$"),
    (("indicators", 3, "params", "cap"), "$.indicators[3].params.cap"),
    (("counts", "不了解"), "$.counts.不了解"),
    (("targets", "altay-city"), "$.targets.altay-city"),
    (("bonus_caps", "a b"), '$.bonus_caps["a b"]'),
    (("x", "1st"), '$.x["1st"]'),
])
def test_format_json_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_json_path(path) == text


# ---------------------------------------------------------------- validate_document

def test_validate_document_raises_document_error_with_located_problems() -> None:
    document = example("scheme")
    document["indicators"][0]["params"]["cap"] = -1
    del document["name"]
    with pytest.raises(DocumentError) as caught:
        validate_document(document)
    error = caught.value
    assert error.kind == "scheme"
    assert [path for path, _ in error.problems] == ["$.indicators[0].params.cap", "$.name"]
    assert all(CJK.search(message) for _, message in error.problems)
    assert "$.name" in error.message and "缺少必填项 “name”" in error.message


def test_validate_document_uses_the_given_kind() -> None:
    with pytest.raises(DocumentError) as caught:
        validate_document(example("routine"), "ballots")
    assert caught.value.kind == "ballots"


@pytest.mark.parametrize("kind", KINDS)
def test_validate_document_passes_valid_documents(kind: str) -> None:
    validate_document(copy.deepcopy(example(kind)), kind)  # does not raise


def test_module_doctest() -> None:
    import validators.rules.json_schema

    assert doctest.testmod(validators.rules.json_schema).failed == 0
