"""The formula makers as text: registry, guards, literals, what is left to the office."""

from __future__ import annotations

import pytest

from kaohe.engine.methods import GROUP_RELATIVE, SCORERS
from tests.templates_helpers import FORBIDDEN
from workbook_templates.formulas import (
    FORMULAS,
    METHOD_INPUT,
    Refs,
    average_formula,
    lit,
    points_formula,
    tally_formula,
)

REFS = Refs(actual="I8", target="G8", full="H8", rating="E9", count="E9")


def test_registry_covers_every_method_a_row_can_compute() -> None:
    assert set(FORMULAS) == {"completion", "base_step", "tiered", "efficacy", "pass_fail",
                             "deduction", "bonus", "rating"}
    assert set(FORMULAS) <= set(SCORERS) and set(METHOD_INPUT) == set(SCORERS)


@pytest.mark.parametrize(("method", "params"), [
    ("benchmark", {}), ("rank_points", {"step": 1}), ("efficacy", {"use_group": True}),
    ("ballot", {}), ("satisfaction", {}),
])
def test_group_relative_and_tally_methods_are_left_to_the_office(method: str,
                                                                  params: dict) -> None:
    assert points_formula(method, REFS, params, 5, "higher", 10) is None
    assert method in GROUP_RELATIVE or method in ("ballot", "satisfaction")


@pytest.mark.parametrize(("method", "params", "target", "needle"), [
    ("completion", {"cap": 1.0}, 7.0, "H8*MIN(MAX(I8/G8,0),1)"),
    ("completion", {"cap": 1.2}, 7.0, ",1.2)"),
    ("completion", {}, 50.0, "H8*MIN(MAX(I8/G8,0),1)"),
    ("completion", {}, 0.0, "IF(I8>=0-1E-9,H8,0)"),
    ("base_step", {"base": 4, "step_size": 100, "step_up": 0.2, "step_down": 0.4}, 3000.0,
     "INT(ROUND(ABS(I8-G8)/100,9))"),
    ("tiered", {"basis": "ratio", "interpolate": True,
                "tiers": [{"min": 0.6, "points": 2}, {"min": 1.0, "points": 6}]}, 20.0,
     "(I8/G8)>=0.6-1E-9"),
    ("efficacy", {"worst": 120, "best": 60}, None, "H8*(0.6+(1-0.6)*MIN(MAX((I8-120)/(60-120)"),
    ("pass_fail", {}, 3.0, "IF(I8>=G8-1E-9*3,H8,0)"),
    ("deduction", {"per_incident": 2.0}, None, "MAX(H8-E9*2,0)"),
    ("bonus", {"per_item": 0.5, "cap": 2}, None, "MIN(E9*0.5,2)"),
    ("rating", {"ratings": {"好": 1.0, "较好": 0.85}}, None, 'IF(TRIM(E9)="较好",H8*0.85,""'),
])
def test_formula_text(method: str, params: dict, target: float | None, needle: str) -> None:
    direction = "lower" if method == "efficacy" else "higher"
    text = points_formula(method, REFS, params, 8, direction, target)
    assert text is not None and text.startswith("=IF(")
    assert needle in text, text
    assert not any(name in text.upper() for name in FORBIDDEN)


def test_guards_blank_input_and_not_applicable() -> None:
    text = points_formula("completion", REFS, {}, 8, "higher", 7.0, na_cell="L8")
    assert text is not None
    assert text.startswith('=IF(L8="是","不适用",IF(ISNUMBER(I8),')
    assert text.endswith(',""))')
    count = points_formula("deduction", REFS, {"per_incident": 1}, 6, "lower", None)
    assert count == '=IF(ISNUMBER(E9),IF(E9<0,"",MAX(H8-E9*1,0)),"")'
    english = points_formula("pass_fail", REFS, {}, 4, "higher", 3.0, na_cell="L8",
                             na_yes="Yes", na_text="N/A")
    assert english is not None and english.startswith('=IF(L8="Yes","N/A",')


def test_lower_is_better_reads_the_ratio_the_other_way() -> None:
    text = points_formula("completion", REFS, {}, 8, "lower", 20.0)
    assert text is not None and "IF(I8*G8<=0,H8*1,H8*MIN(MAX(G8/I8,0),1))" in text
    negative = points_formula("completion", REFS, {}, 8, "higher", -2.0)
    assert negative is not None and "G8/I8" in negative


def test_missing_parameters_give_no_formula_rather_than_a_wrong_one() -> None:
    assert points_formula("base_step", REFS, {"base": 4}, 5, "higher", 10) is None
    assert points_formula("tiered", REFS, {"tiers": []}, 5, "higher", 10) is None
    assert points_formula("tiered", REFS, {"basis": "ratio", "tiers": [{"min": 1, "points": 1}]},
                          5, "higher", 0.0) is None
    assert points_formula("efficacy", REFS, {"worst": 1, "best": 2}, 5, "lower", None) is None
    assert points_formula("completion", REFS, {}, 5, "higher", None) is None


@pytest.mark.parametrize(("value", "text"), [
    (8, "8"), (8.0, "8"), (0.85, "0.85"), (1e-9, "1E-9"), (-2.5, "(-2.5)"), (1.5e-12, "1.5E-12"),
    (3000.0, "3000"),
])
def test_literals(value: float, text: str) -> None:
    assert lit(value) == text


def test_tally_and_average() -> None:
    assert tally_formula(["E6", "F6"], [100, 0]) == (
        '=IF(COUNT(E6,F6)=0,"",IF((E6+F6)<=0,"",100*MIN((E6*100+F6*0)/(E6+F6),100)/100))')
    assert average_formula("E6:H6") == '=IF(COUNT(E6:H6)=0,"",AVERAGE(E6:H6))'
