"""The UDFs as plain functions (xlwings' decorators are no-ops here) against the engine."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from kaohe.engine import Documents, score
from kaohe.engine.methods import SCORERS, Inputs
from kaohe.synth import synthesize
from xl_addin import convert
from xl_addin.udfs import KAOHE_EXPLAIN, KAOHE_GRADE, KAOHE_RANK, KAOHE_SCORE, KAOHE_SCORES

TIERS = {"basis": "ratio", "interpolate": True,
         "tiers": [{"min": 0.8, "points": 4}, {"min": 1.0, "points": 8}]}

# method, actual, target, full score, params → the engine's own call
ENGINE_CASES = [
    ("completion", 7.0, 7.5, 8, None, Inputs(actual=7.0, target=7.5), {}, "higher"),
    ("completion", 3.0, 2.0, 10, '{"cap": 1.2}', Inputs(actual=3.0, target=2.0), {"cap": 1.2},
     "higher"),
    ("completion", 2.5, 2.0, 10, '{"direction": "lower"}', Inputs(actual=2.5, target=2.0), {},
     "lower"),
    ("base_step", 7.3, 7.0, 10, '{"base": 8, "step_size": 0.1, "step_up": 0.5, "step_down": 1}',
     Inputs(actual=7.3, target=7.0),
     {"base": 8, "step_size": 0.1, "step_up": 0.5, "step_down": 1}, "higher"),
    ("tiered", 0.9, 1.0, 8, json.dumps(TIERS), Inputs(actual=0.9, target=1.0), TIERS, "higher"),
    ("pass_fail", 99, 100, 5, None, Inputs(actual=99, target=100), {}, "higher"),
    ("efficacy", 70, None, 10, '{"worst": 50, "best": 100}', Inputs(actual=70),
     {"worst": 50, "best": 100}, "higher"),
    ("deduction", 3, None, 5, '{"per_incident": 1}', Inputs(count=3), {"per_incident": 1},
     "higher"),
    ("bonus", 4, None, 2, '{"per_item": 0.5, "cap": 1.5}', Inputs(count=4),
     {"per_item": 0.5, "cap": 1.5}, "higher"),
    ("rating", "较好", None, 10, '{"ratings": {"好": 1, "较好": 0.8}}', Inputs(rating="较好"),
     {"ratings": {"好": 1, "较好": 0.8}}, "higher"),
    ("satisfaction", '{"满意": 30, "不满意": 10, "不了解": 5}', None, 10,
     '{"options": {"满意": 100, "不满意": 0}, "excluded": ["不了解"]}',
     Inputs(counts={"满意": 30, "不满意": 10, "不了解": 5}),
     {"options": {"满意": 100, "不满意": 0}, "excluded": ["不了解"]}, "higher"),
]


@pytest.mark.parametrize(("method", "actual", "target", "full", "params", "inputs", "engine_params",
                          "direction"), ENGINE_CASES, ids=[c[0] + str(i) for i, c in
                                                           enumerate(ENGINE_CASES)])
def test_score_and_explain_are_the_engines(method: str, actual: Any, target: Any, full: Any,
                                           params: Any, inputs: Inputs, engine_params: Any,
                                           direction: str) -> None:
    expected = SCORERS[method](inputs, engine_params, float(full), direction)
    assert KAOHE_SCORE(method, actual, target, full, params) == expected.points
    assert KAOHE_EXPLAIN(method, actual, target, full, params) == expected.explanation
    assert KAOHE_EXPLAIN(method, actual, target, full, params, "en") == expected.explanation_en


def test_ballot_and_satisfaction_default_to_the_embedded_scheme(default_scheme: Any) -> None:
    counts = {"好": 20, "较好": 5, "一般": 1, "差": 0}
    expected = SCORERS["ballot"](Inputs(counts=counts),
                                 {"grades": dict(default_scheme.ballot_grades)}, 10.0, "higher")
    assert KAOHE_SCORE("ballot", json.dumps(counts, ensure_ascii=False), None, 10) \
        == expected.points


# Each per-cell error text, from the cell that causes it.
ERROR_CELLS = [
    ("completion", None, 7.5, 8, None, convert.MISSING),
    ("completion", "", 7.5, 8, None, convert.MISSING),
    ("completion", "  ", 7.5, 8, None, convert.MISSING),
    ("completion", 7, None, 8, None, convert.MISSING),  # the method needs a target
    ("completion", 7, 7.5, None, None, convert.MISSING),
    ("completion", "#DIV/0!", 7.5, 8, None, convert.INPUT_ERROR),
    ("completion", "#N/A", 7.5, 8, None, convert.INPUT_ERROR),
    ("completion", 7, "#VALUE!", 8, None, convert.INPUT_ERROR),
    ("completion", -2146826281, 7.5, 8, None, convert.INPUT_ERROR),  # COM's #DIV/0!
    ("completion", "12,3", 7.5, 8, None, convert.NOT_NUMBER),
    ("completion", True, 7.5, 8, None, convert.NOT_NUMBER),
    ("completion", math.nan, 7.5, 8, None, convert.NOT_NUMBER),
    ("completion", 7, 7.5, "八", None, convert.NOT_NUMBER),
    ("completeness", 7, 7.5, 8, None, convert.UNKNOWN_METHOD),
    (None, 7, 7.5, 8, None, convert.MISSING),
    ("completion", 7, 7.5, 8, "{cap: 1}", convert.BAD_PARAMS),
    ("completion", 7, 7.5, 8, "[1, 2]", convert.BAD_PARAMS),
    ("completion", 7, 7.5, 8, '{"direction": "up"}', convert.BAD_PARAMS),
    ("base_step", 7, 7.5, 8, None, convert.BAD_PARAMS),  # params missing: a scheme error
    ("rating", "优秀", None, 10, '{"ratings": {"好": 1}}', convert.NOT_SCORED),
    ("deduction", -1, None, 5, '{"per_incident": 1}', convert.NOT_SCORED),
    ("benchmark", 5, None, 8, None, convert.MISSING),  # no group values in a single cell
]


@pytest.mark.parametrize(("method", "actual", "target", "full", "params", "code"), ERROR_CELLS)
def test_a_bad_cell_gives_its_error_text(method: Any, actual: Any, target: Any, full: Any,
                                         params: Any, code: str) -> None:
    assert KAOHE_SCORE(method, actual, target, full, params) == code
    explained = KAOHE_EXPLAIN(method, actual, target, full, params)
    assert explained.startswith(code + " ") and len(explained) > len(code) + 1
    assert code in convert.CODES and code.startswith("#")


def test_scores_takes_columns_and_keeps_going_past_bad_rows() -> None:
    methods = [["completion"], ["completion"], ["pass_fail"], ["completion"], ["nope"],
               ["completion"], ["completion"]]
    actuals = [[7.0], [None], ["#DIV/0!"], ["abc"], [1], [8], ["#N/A"]]
    targets = [[7.5], [7.5], [7], [7.5], [1], [8], [7.5]]
    result = KAOHE_SCORES(methods, actuals, targets, [[8]])
    assert result == [[SCORERS["completion"](Inputs(actual=7.0, target=7.5), {}, 8.0,
                                             "higher").points],
                      [convert.MISSING], [convert.INPUT_ERROR], [convert.NOT_NUMBER],
                      [convert.UNKNOWN_METHOD], [8.0], [convert.INPUT_ERROR]]


def test_scores_accepts_flat_lists_one_method_and_a_params_column() -> None:
    result = KAOHE_SCORES("completion", [7.0, 7.5, 9], [7.5, 7.5, 7.5], [8, 8, 8],
                          [None, '{"cap": 1.2}', '{"cap": 1.2}'])
    assert result == [[pytest.approx(8 * 7 / 7.5)], [8.0], [pytest.approx(8 * 1.2)]]


def test_scores_with_columns_of_different_lengths_is_one_error() -> None:
    assert KAOHE_SCORES(["completion"] * 3, [1, 2], [1, 2, 3], [8]) == [[convert.BAD_PARAMS]]


def test_group_relative_methods_compare_within_the_column() -> None:
    actuals = [80, 100, None, 90]
    result = KAOHE_SCORES("benchmark", actuals, None, 10)
    peers = (80.0, 100.0, 90.0)
    expected = [SCORERS["benchmark"](Inputs(actual=a, peers=peers), {}, 10.0, "higher").points
                for a in (80, 100)]
    assert result == [[expected[0]], [expected[1]], [convert.MISSING], [9.0]]
    # the same in one cell needs the group given explicitly
    assert KAOHE_SCORE("benchmark", 80, None, 10, '{"peers": [80, 100, 90]}') == expected[0]


def _engine_results(default_scheme: Any) -> dict[str, Any]:
    return score(default_scheme, Documents(**synthesize(default_scheme, seed=7)))


def test_rank_and_grade_agree_with_the_engine(default_scheme: Any) -> None:
    results = _engine_results(default_scheme)
    units = results["units"]
    totals = [[u["total_unrounded"]] for u in units]
    groups = [[u["group"]] for u in units]
    breakers = [[u["component_details"][c.split(":")[1]]["score"]
                 if "score" in u["component_details"].get(c.split(":")[1], {})
                 else u["components"][c.split(":")[1]] for c in default_scheme.tie_breakers]
                for u in units]
    ranks = KAOHE_RANK(totals, groups, breakers)
    assert [r[0] for r in ranks] == [u["rank"] for u in units]
    grades = KAOHE_GRADE(totals, groups)
    assert [g[0] for g in grades] == [u["band_grade"] for u in units]


def test_rank_rounds_first_and_ties_share_the_best_rank() -> None:
    # 90.004 and 89.995 both round to 90.00 (two digits, half up): a tie for first.
    scores = [[90.004], [89.995], [95.0], [None], [80], [80]]
    groups = [["a"], ["a"], ["b"], ["a"], ["a"], ["a"]]
    assert KAOHE_RANK(scores, groups) == [[1], [1], [1], [convert.MISSING], [3], [3]]
    assert KAOHE_RANK([[80], [80], [70]], None, [[5], [6], [1]]) == [[2], [1], [3]]
    assert KAOHE_RANK([[80], [80]]) == [[1], [1]]
    assert KAOHE_RANK([[80], ["#N/A"]]) == [[1], [convert.INPUT_ERROR]]


def test_grade_by_id_name_and_errors(default_scheme: Any) -> None:
    county = default_scheme.groups[0]
    top = default_scheme.bands[county.id][0]
    assert KAOHE_GRADE([top.min], [county.id]) == top.grade
    assert KAOHE_GRADE([top.min - 0.004], [county.name]) == top.grade  # rounds to the band
    assert KAOHE_GRADE([None], [county.id]) == convert.MISSING
    assert KAOHE_GRADE([90], ["火星"]) == convert.UNKNOWN_GROUP
    assert KAOHE_GRADE([90], [county.id], "/no/such/scheme.json") == convert.SCHEME_ERROR
    assert KAOHE_GRADE([[95], [50]], [[county.id]]) == [[top.grade],
                                                        [default_scheme.grades[-1]]]


def test_grade_with_a_scheme_file(tmp_path: Any, small_doc: dict[str, Any]) -> None:
    small_doc["grading"]["bands"]["county"][0]["min"] = 95
    path = tmp_path / "s.scheme.json"
    path.write_text(json.dumps(small_doc, ensure_ascii=False), encoding="utf-8")
    assert KAOHE_GRADE([92], ["county"], str(path)) == "较好"
    assert KAOHE_RANK([[1.005], [1.0]], None, None, str(path)) == [[1], [2]]


@pytest.mark.parametrize("udf", [KAOHE_SCORE, KAOHE_SCORES, KAOHE_RANK, KAOHE_GRADE,
                                 KAOHE_EXPLAIN])
def test_help_is_chinese_first_then_english_with_an_example(udf: Any) -> None:
    lines = udf.__doc__.strip().splitlines()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
    assert lines[1].strip()[0].isascii()
    assert "Example" in udf.__doc__ and udf.__name__ in udf.__doc__
    assert len(udf.__doc__) <= 255  # Excel cuts function descriptions longer than that


def test_argument_help_fits_excel() -> None:
    from xl_addin import udfs

    docs = [udfs.METHOD_DOC, udfs.ACTUAL_DOC, udfs.TARGET_DOC, udfs.FULL_DOC, udfs.PARAMS_DOC,
            udfs.SCHEME_DOC]
    assert all(len(d) <= 255 and any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in docs)
