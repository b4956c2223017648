"""The compiled validity check says "valid" exactly when jsonschema finds nothing, so a
valid document can skip jsonschema's walk and an invalid one is still walked by it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validators.rules.json_schema import KINDS, _schema, _validator, schema_problems
from validators.rules.quick_check import compile_check

EXAMPLES = Path(__file__).resolve().parent.parent / "validators" / "examples"
VALUES = [None, "", "abc", "2016-02-30", "2016-02-28", "2016-13-01", "２０１６-01-01", -1, 0, 1,
          1.5, 1.0, 2.0, True, False, [], {}, [1, 1], [1, True], ["a", "a"], {"x": 1}, 1e300,
          -0.0, float("nan"), "C01", "altay_city", 2016, 2016.0, "不适用", "A", "a b", "x" * 300]


def _valid(kind: str, document: Any) -> bool:
    return not any(True for _ in _validator(kind).iter_errors(document))


def _example(kind: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_schema_compiles_and_passes_its_example(kind: str) -> None:
    check = compile_check(_schema(kind))
    assert check is not None
    assert check(_example(kind)) and _valid(kind, _example(kind))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    # Every drawn value is copied: a later step may edit inside it, and a shared VALUES
    # entry edited in place would change what the next example draws (hypothesis then
    # stops with FlakyStrategyDefinition, as it did once).
    kind = draw(st.sampled_from(KINDS))
    document: Any = copy.deepcopy(_example(kind))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)[1:]
        if not paths:
            break
        *head, key = draw(st.sampled_from(paths))
        parent = document
        for step in head:
            parent = parent[step]
        action = draw(st.sampled_from(["set", "set", "set", "delete", "extra", "repeat"]))
        if action == "set":
            parent[key] = copy.deepcopy(draw(st.sampled_from(VALUES)))
        elif action == "delete":
            del parent[key]
        elif action == "extra" and isinstance(parent, dict):
            parent["zz_unknown"] = copy.deepcopy(draw(st.sampled_from(VALUES)))
        elif action == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    if draw(st.booleans()):
        document = copy.deepcopy(draw(st.sampled_from(VALUES)))  # not even an object
    return kind, document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_compiled_check_agrees_with_jsonschema(case: tuple[str, Any]) -> None:
    kind, document = case
    check = compile_check(_schema(kind))
    assert check is not None
    assert check(document) == _valid(kind, document)


@pytest.mark.parametrize(("schema", "instance", "valid"), [
    ({"type": "integer"}, 1.0, True),
    ({"type": "integer"}, True, False),
    ({"type": "number"}, False, False),
    ({"enum": [1]}, True, False),
    ({"const": [1, 2]}, [1.0, 2], True),
    ({"uniqueItems": True}, [1, True], True),
    ({"uniqueItems": True}, [1, 1.0], False),
    ({"format": "date"}, "2016-02-30", False),
    ({"format": "date"}, 20160228, True),
    ({"pattern": "^\\d+$"}, "٣٤", True),  # re.search: \d is any Unicode digit, as in jsonschema
    ({"minimum": 0}, "-1", True),
    ({"then": {"type": "string"}}, 1, True),  # "then" without "if" is ignored by jsonschema too
    ({"$defs": {"n": {"type": "number"}}, "items": {"$ref": "#/$defs/n"}}, [1, "x"], False),
    ({"x-message": "ignored", "title": "t", "type": "string"}, "s", True),
])
def test_edge_cases_as_jsonschema_sees_them(schema: dict[str, Any], instance: Any,
                                            valid: bool) -> None:
    from jsonschema import Draft202012Validator

    check = compile_check(schema)
    assert check is not None
    reference = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert reference.is_valid(instance) is valid
    assert check(instance) is valid


@pytest.mark.parametrize("schema", [
    {"not": {"type": "string"}},
    {"oneOf": [{"type": "string"}]},
    {"patternProperties": {"^x": {}}, "additionalProperties": False},
    {"items": {"$ref": "https://example.org/other.json"}},
    {"items": {"$id": "https://example.org/x", "type": "string"}},
    {"$dynamicRef": "#meta"},
])
def test_what_it_does_not_compile_is_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert compile_check(schema) is None


def test_an_invalid_document_still_gets_every_located_problem() -> None:
    document = _example("routine")
    document["entries"][0]["score"] = "abc"
    del document["year"]
    rules = sorted((p.json_path, p.rule) for p in schema_problems(document))
    assert rules == [("$.entries[0].score", "type"), ("$.year", "required")]


def test_the_pieces_of_jsonschema_it_carries_are_the_installed_ones() -> None:
    """The check imports no jsonschema; what it carries of it is the installed version's."""
    from jsonschema import Draft202012Validator

    from validators.rules import quick_check as schema_fast

    assert schema_fast._KEYWORDS == frozenset(Draft202012Validator.VALIDATORS)
    assert set(schema_fast._FORMATS) <= set(Draft202012Validator.FORMAT_CHECKER.checkers)
    assert compile_check({"format": "email"}) is None  # a format it does not carry: full walk


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-3, 3)
                     | st.sampled_from(["", "a", "1", "2016-02-29", "2016-02-30"]),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
                     max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(_JSON, max_size=5), _JSON)
def test_equal_uniq_and_date_agree_with_jsonschema(items: list[Any], other: Any) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema._utils import equal, uniq

    from validators.rules import quick_check as schema_fast

    assert schema_fast.uniq(items) == uniq(items)
    for item in items:
        assert schema_fast.equal(item, other) == equal(item, other)
    for value in [other, *items, "2016-13-01", "２０１６-01-01", "2016-1-1"]:
        assert (schema_fast._is_date(value)
                == Draft202012Validator.FORMAT_CHECKER.conforms(value, "date"))


def test_a_clean_workbook_is_validated_without_importing_jsonschema(tmp_path: Path) -> None:
    """`kaohe validate ONE.xlsx` (cold start) loads jsonschema only to explain a problem."""
    import subprocess
    import sys

    from kaohe.pipeline.documents import load_scheme
    from kaohe.synth import synthesize
    from workbook_templates import build_unit_report, fill_workbook

    scheme = load_scheme()
    unit = scheme.units[0].id
    template = build_unit_report(scheme, unit, tmp_path / "t.xlsx")
    filled = fill_workbook(template, synthesize(scheme, seed=3)["unit_reports"][unit],
                           tmp_path / "filled.xlsx")
    # nor, for one clean unit report, other commands, scoring, a process pool or builders
    heavy = ["kaohe.commands.history", "kaohe.engine.methods", "concurrent.futures.process",
             "workbook_templates.adjustments", "workbook_templates.tallies"]
    code = ("import sys; from kaohe.cli import main\n"
            "try:\n    main([sys.argv[1]], standalone_mode=False)\nfinally:\n"
            f"    print([m for m in {heavy!r} if m in sys.modules])\n"
            "    print('jsonschema' in sys.modules)")
    probe = [sys.executable, "-c", code.replace("main([", "main(['validate', ")]
    proc = subprocess.run([*probe, str(filled)], capture_output=True, text=True, timeout=120)
    assert "未发现问题" in proc.stdout, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("[]\nFalse")
    broken = tmp_path / "broken.json"
    document = synthesize(scheme, seed=3)["unit_reports"][unit]
    broken.write_text(json.dumps({**document, "year": "二〇一六"}, ensure_ascii=False),
                      encoding="utf-8")
    proc = subprocess.run([*probe, str(broken)], capture_output=True, text=True, timeout=120)
    assert "year" in proc.stdout and proc.stdout.strip().endswith("True")
