"""The twelve scoring methods: hand-computed cases, messages, and property tests."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kaohe.engine.methods import GROUP_RELATIVE, SCORERS, Inputs, MissingInput, Scored
from kaohe.errors import KaoheError, SchemeError

METHODS = ["completion", "base_step", "tiered", "efficacy", "benchmark", "rank_points",
           "pass_fail", "deduction", "bonus", "rating", "ballot", "satisfaction"]
GRADES = {"好": 100, "较好": 80, "一般": 60, "差": 0}
SCHEME_GRADES = [{"label": k, "points": v} for k, v in GRADES.items()]
OPTIONS = [{"label": "满意", "points": 100}, {"label": "基本满意", "points": 70},
           {"label": "不满意", "points": 0}, {"label": "不了解", "excluded": True}]
RATINGS = {"好": 1.0, "较好": 0.8, "一般": 0.6, "差": 0.0}
STEP = {"base": 6, "step_size": 0.1, "step_up": 0.5, "step_down": 1}
TIERS = [{"min": 60, "points": 2}, {"min": 80, "points": 5}, {"min": 90, "points": 8}]
LOW_TIERS = [{"min": 10, "points": 2}, {"min": 5, "points": 5}, {"min": 2, "points": 8}]


def score(method: str, full: float = 10, direction: str = "higher", params: Any = None,
          **inputs: Any) -> Scored:
    """Run one registered method with keyword inputs."""
    return SCORERS[method](Inputs(**inputs), params or {}, full, direction)


def test_registry_holds_the_twelve_methods() -> None:
    assert sorted(SCORERS) == sorted(METHODS)
    assert GROUP_RELATIVE <= set(SCORERS)


# -- hand-computed cases --------------------------------------------------------------------

CASES = [
    # completion: rate = actual/target (lower: target/actual), min(rate, cap), >= 0
    ("completion", 8, "higher", {}, {"actual": 7, "target": 7.5}, 8 * 7 / 7.5),
    ("completion", 8, "higher", {}, {"actual": 9, "target": 7.5}, 8),
    ("completion", 8, "higher", {"cap": 1.2}, {"actual": 9, "target": 7.5}, 9.6),
    ("completion", 8, "higher", {"cap": 1.1}, {"actual": 9, "target": 7.5}, 8.8),
    ("completion", 8, "higher", {}, {"actual": -2, "target": 4}, 0),
    ("completion", 10, "lower", {}, {"actual": 5, "target": 4}, 8),
    ("completion", 10, "lower", {}, {"actual": 3, "target": 4}, 10),
    ("completion", 10, "lower", {}, {"actual": 0, "target": 4}, 10),
    ("completion", 10, "lower", {"cap": 1.2}, {"actual": -1, "target": 4}, 12),
    ("completion", 10, "higher", {}, {"actual": 0, "target": 0}, 10),
    ("completion", 10, "higher", {}, {"actual": 3, "target": 0}, 10),
    ("completion", 10, "higher", {}, {"actual": -1, "target": 0}, 0),
    ("completion", 10, "lower", {}, {"actual": -1, "target": 0}, 10),
    ("completion", 10, "lower", {}, {"actual": 0.5, "target": 0}, 0),
    # a negative target (a reduction) mirrors the ratio
    ("completion", 10, "higher", {"cap": 1.5}, {"actual": -1, "target": -2}, 15),
    ("completion", 10, "higher", {}, {"actual": -4, "target": -2}, 5),
    ("completion", 10, "higher", {}, {"actual": 1, "target": -2}, 10),
    ("completion", 10, "lower", {}, {"actual": -3, "target": -2}, 10),
    ("completion", 10, "lower", {}, {"actual": -1, "target": -2}, 5),
    ("completion", 10, "lower", {}, {"actual": 1, "target": -2}, 0),
    # base_step: base ± floor(|actual − target| / step_size) · step, within [min, max]
    ("base_step", 8, "higher", STEP, {"actual": 7.3, "target": 7.0}, 7.5),
    ("base_step", 8, "higher", STEP, {"actual": 7.35, "target": 7.0}, 7.5),
    ("base_step", 8, "higher", STEP, {"actual": 7.09, "target": 7.0}, 6),
    ("base_step", 8, "higher", STEP, {"actual": 7.0, "target": 7.0}, 6),
    ("base_step", 8, "higher", STEP, {"actual": 7.5, "target": 7.0}, 8),
    ("base_step", 8, "higher", {**STEP, "max": 10}, {"actual": 7.5, "target": 7.0}, 8.5),
    ("base_step", 8, "higher", STEP, {"actual": 6.75, "target": 7.0}, 4),
    ("base_step", 8, "higher", STEP, {"actual": 6.0, "target": 7.0}, 0),
    ("base_step", 8, "higher", {**STEP, "min": 2}, {"actual": 6.0, "target": 7.0}, 2),
    ("base_step", 8, "lower", STEP, {"actual": 6.8, "target": 7.0}, 7),
    ("base_step", 8, "lower", STEP, {"actual": 7.2, "target": 7.0}, 4),
    # tiered: the best tier reached; interpolated between tiers; below the first: 0
    ("tiered", 8, "higher", {"tiers": TIERS}, {"actual": 50}, 0),
    ("tiered", 8, "higher", {"tiers": TIERS}, {"actual": 60}, 2),
    ("tiered", 8, "higher", {"tiers": TIERS}, {"actual": 85}, 5),
    ("tiered", 8, "higher", {"tiers": TIERS}, {"actual": 100}, 8),
    ("tiered", 8, "higher", {"tiers": TIERS[::-1]}, {"actual": 85}, 5),
    ("tiered", 8, "higher", {"tiers": TIERS, "interpolate": True}, {"actual": 50}, 0),
    ("tiered", 8, "higher", {"tiers": TIERS, "interpolate": True}, {"actual": 70}, 3.5),
    ("tiered", 8, "higher", {"tiers": TIERS, "interpolate": True}, {"actual": 85}, 6.5),
    ("tiered", 8, "higher", {"tiers": TIERS, "interpolate": True}, {"actual": 95}, 8),
    ("tiered", 8, "lower", {"tiers": LOW_TIERS}, {"actual": 12}, 0),
    ("tiered", 8, "lower", {"tiers": LOW_TIERS}, {"actual": 10}, 2),
    ("tiered", 8, "lower", {"tiers": LOW_TIERS}, {"actual": 7}, 2),
    ("tiered", 8, "lower", {"tiers": LOW_TIERS}, {"actual": 4}, 5),
    ("tiered", 8, "lower", {"tiers": LOW_TIERS}, {"actual": 1}, 8),
    ("tiered", 8, "lower", {"tiers": LOW_TIERS, "interpolate": True}, {"actual": 7.5}, 3.5),
    ("tiered", 8, "higher", {"basis": "ratio", "tiers": [{"min": 0.8, "points": 4},
                                                         {"min": 1.0, "points": 8}]},
     {"actual": 180, "target": 200}, 4),
    ("tiered", 8, "higher", {"basis": "ratio", "interpolate": True,
                             "tiers": [{"min": 0.8, "points": 4}, {"min": 1.0, "points": 8}]},
     {"actual": 180, "target": 200}, 6),
    ("tiered", 8, "higher", {"tiers": [{"min": 0, "points": 10}]}, {"actual": 1}, 8),
    # efficacy: full · (0.6 + 0.4 · clip((x − worst) / (best − worst), 0, 1))
    ("efficacy", 10, "higher", {"worst": 0, "best": 100}, {"actual": 50}, 8),
    ("efficacy", 10, "higher", {"worst": 0, "best": 100}, {"actual": -10}, 6),
    ("efficacy", 10, "higher", {"worst": 0, "best": 100}, {"actual": 150}, 10),
    ("efficacy", 10, "higher", {"worst": 0, "best": 100, "base_share": 0.5}, {"actual": 50}, 7.5),
    ("efficacy", 10, "lower", {"worst": 100, "best": 0}, {"actual": 25}, 9),
    ("efficacy", 10, "higher", {"worst": 5, "best": 5}, {"actual": 1}, 10),
    ("efficacy", 10, "higher", {"use_group": True}, {"actual": 4, "peers": (2, 4, 10)}, 7),
    ("efficacy", 10, "lower", {"use_group": True}, {"actual": 4, "peers": (2, 4, 10)}, 9),
    ("efficacy", 10, "higher", {"use_group": True}, {"actual": 5, "peers": (5, 5, 5)}, 10),
    ("efficacy", 10, "lower", {"use_group": True}, {"actual": 5, "peers": (5, 5, 5)}, 10),
    # benchmark: higher full · x / max(peers); lower full · min(peers) / x; x <= 0 edges
    ("benchmark", 10, "higher", {}, {"actual": 9, "peers": (3, 9, 12)}, 7.5),
    ("benchmark", 10, "higher", {}, {"actual": 12, "peers": (3, 9, 12)}, 10),
    ("benchmark", 10, "lower", {}, {"actual": 4, "peers": (3, 4, 12)}, 7.5),
    ("benchmark", 10, "lower", {}, {"actual": 3, "peers": (3, 4, 12)}, 10),
    ("benchmark", 10, "higher", {}, {"actual": 0, "peers": (0, 5)}, 0),
    ("benchmark", 10, "higher", {}, {"actual": -1, "peers": (-1, 5)}, 0),
    ("benchmark", 10, "higher", {}, {"actual": -1, "peers": (-3, -1)}, 10),
    ("benchmark", 10, "higher", {}, {"actual": -3, "peers": (-3, -1)}, 0),
    ("benchmark", 10, "lower", {}, {"actual": 0, "peers": (0, 5)}, 10),
    ("benchmark", 10, "lower", {}, {"actual": 5, "peers": (0, 5)}, 0),
    ("benchmark", 10, "lower", {}, {"actual": -1, "peers": (2, 5)}, 10),
    # rank_points: full − (rank − 1) · step (default full / n), ties share the best place
    ("rank_points", 10, "higher", {}, {"actual": 50, "peers": (50, 40, 40, 30, 20)}, 10),
    ("rank_points", 10, "higher", {}, {"actual": 40, "peers": (50, 40, 40, 30, 20)}, 8),
    ("rank_points", 10, "higher", {}, {"actual": 30, "peers": (50, 40, 40, 30, 20)}, 4),
    ("rank_points", 10, "higher", {}, {"actual": 20, "peers": (50, 40, 40, 30, 20)}, 2),
    ("rank_points", 10, "higher", {"step": 3, "min": 2},
     {"actual": 20, "peers": (50, 40, 40, 30, 20)}, 2),
    ("rank_points", 10, "lower", {}, {"actual": 20, "peers": (50, 40, 40, 30, 20)}, 10),
    ("rank_points", 10, "lower", {}, {"actual": 40, "peers": (50, 40, 40, 30, 20)}, 6),
    ("rank_points", 10, "higher", {}, {"actual": 0.3, "peers": (0.1 + 0.2, 0.3)}, 10),
    # pass_fail
    ("pass_fail", 5, "higher", {}, {"actual": 10, "target": 10}, 5),
    ("pass_fail", 5, "higher", {}, {"actual": 9.99, "target": 10}, 0),
    ("pass_fail", 5, "higher", {"fail_points": 2}, {"actual": 9.99, "target": 10}, 2),
    ("pass_fail", 5, "higher", {}, {"actual": 0.1 + 0.2, "target": 0.3}, 5),
    ("pass_fail", 5, "lower", {}, {"actual": 9, "target": 10}, 5),
    ("pass_fail", 5, "lower", {}, {"actual": 11, "target": 10}, 0),
    # deduction: max(full − count · per_incident, floor)
    ("deduction", 10, "higher", {"per_incident": 0.5}, {"count": 0}, 10),
    ("deduction", 10, "higher", {"per_incident": 0.5}, {"count": 3}, 8.5),
    ("deduction", 10, "higher", {"per_incident": 0.5}, {"count": 30}, 0),
    ("deduction", 10, "higher", {"per_incident": 0.5, "floor": 4}, {"count": 30}, 4),
    # bonus: min(count · per_item, cap (default full))
    ("bonus", 2, "higher", {"per_item": 0.5}, {"count": 3}, 1.5),
    ("bonus", 2, "higher", {"per_item": 0.5}, {"count": 5}, 2),
    ("bonus", 2, "higher", {"per_item": 0.5, "cap": 1}, {"count": 3}, 1),
    # rating: full · share(label)
    ("rating", 10, "higher", {"ratings": RATINGS}, {"rating": "好"}, 10),
    ("rating", 10, "higher", {"ratings": RATINGS}, {"rating": "较好"}, 8),
    ("rating", 10, "higher", {"ratings": RATINGS}, {"rating": " 较好 "}, 8),
    ("rating", 10, "higher", {"ratings": RATINGS}, {"rating": "差"}, 0),
    # ballot: Σ counts · points ÷ valid, invalid excluded; points = full · score / 100
    ("ballot", 100, "higher", {"grades": SCHEME_GRADES},
     {"counts": {"好": 20, "较好": 5, "一般": 1, "差": 0}, "invalid": 1}, 2460 / 26),
    ("ballot", 10, "higher", {"grades": GRADES},
     {"counts": {"好": 20, "较好": 5, "一般": 1, "差": 0}, "invalid": 50}, 246 / 26),
    ("ballot", 10, "higher", {"grades": GRADES}, {"counts": {"差": 3}}, 0),
    # satisfaction: Σ counts · points ÷ Σ counts of non-excluded options
    ("satisfaction", 100, "higher", {"options": OPTIONS},
     {"counts": {"满意": 300, "基本满意": 120, "不满意": 12, "不了解": 40}}, 38400 / 432),
    ("satisfaction", 10, "higher",
     {"options": {"满意": 100, "基本满意": 70, "不满意": 0}, "excluded": ["不了解"]},
     {"counts": {"满意": 300, "基本满意": 120, "不满意": 12, "不了解": 40}}, 3840 / 432),
    ("satisfaction", 10, "higher",
     {"options": {"满意": 100, "不满意": 0, "不了解": 50}, "excluded": ["不了解"]},
     {"counts": {"满意": 1, "不满意": 1, "不了解": 1000}}, 5),
]


@pytest.mark.parametrize(("method", "full", "direction", "params", "inputs", "expected"), CASES)
def test_hand_computed(method: str, full: float, direction: str, params: dict,
                       inputs: dict, expected: float) -> None:
    scored = SCORERS[method](Inputs(**inputs), params, full, direction)
    assert scored.points == pytest.approx(expected, abs=1e-9)
    assert isinstance(scored.points, float)
    assert scored.explanation and scored.explanation_en and "\n" not in scored.explanation


def test_completion_explanation_shows_the_rule_with_its_numbers() -> None:
    scored = score("completion", 8, actual=7, target=7.5)
    assert scored.explanation == "完成率 93.33%（完成值 7 ÷ 目标值 7.5），得分 = 8 × 93.33% = 7.47"
    assert scored.explanation_en == ("completion rate 93.33% (actual 7 ÷ target 7.5), "
                                     "points = 8 × 93.33% = 7.47")
    assert scored.used == {"actual": 7.0, "target": 7.5, "rate": 0.9333}


EXPLAINED = [
    ("completion", {"cap": 1.1}, {"actual": 9, "target": 7.5}, ["120%", "封顶 110%", "= 11"]),
    ("completion", {}, {"actual": -0.5, "target": 0}, ["目标值为 0", "未达到"]),
    ("base_step", STEP, {"actual": 7.3, "target": 7.0}, ["好 3 档", "6 + 3 × 0.5 = 7.5"]),
    ("base_step", STEP, {"actual": 6.0, "target": 7.0}, ["差 10 档", "= -4", "0–10"]),
    ("tiered", {"tiers": TIERS, "interpolate": True}, {"actual": 85},
     ["80（5 分）", "90（8 分）", "50%", "= 6.5"]),
    ("tiered", {"tiers": TIERS}, {"actual": 50}, ["未达到最低档", "≥ 60"]),
    ("efficacy", {"use_group": True}, {"actual": 4, "peers": (2, 4, 10)},
     ["同组最差值 2", "最好值 10", "25%", "60% + 40% × 25%"]),
    ("benchmark", {}, {"actual": 9, "peers": (3, 9, 12)}, ["同组最高值 12", "9 ÷ 12", "7.5"]),
    ("benchmark", {}, {"actual": -3, "peers": (-3, -1)}, ["不大于 0", "未达到"]),
    ("rank_points", {}, {"actual": 40, "peers": (50, 40, 40, 30, 20)},
     ["第 2 名", "并列", "10 − (2 − 1) × 2 = 8"]),
    ("pass_fail", {}, {"actual": 9, "target": 10}, ["未达到目标值 10", "≥ 10"]),
    ("deduction", {"per_incident": 0.5}, {"count": 30}, ["30 次", "扣完为止"]),
    ("bonus", {"per_item": 0.5, "cap": 1}, {"count": 3}, ["3 项", "封顶 1"]),
    ("rating", {"ratings": RATINGS}, {"rating": "较好"}, ["「较好」", "80%"]),
    ("ballot", {"grades": GRADES}, {"counts": {"好": 2, "差": 1}, "invalid": 1},
     ["有效票 3", "无效票 1 张不计", "2 × 100 + 1 × 0"]),
    ("satisfaction", {"options": OPTIONS}, {"counts": {"满意": 3, "不了解": 4}},
     ["「不了解」4 票不计入", "÷ 3"]),
]


@pytest.mark.parametrize(("method", "params", "inputs", "fragments"), EXPLAINED)
def test_explanations(method: str, params: dict, inputs: dict, fragments: list[str]) -> None:
    scored = score(method, 10, params=params, **inputs)
    for fragment in fragments:
        assert fragment in scored.explanation
    assert scored.explanation_en and scored.explanation_en != scored.explanation


def test_ballot_without_invalid_ballots_does_not_mention_them() -> None:
    scored = score("ballot", params={"grades": GRADES}, counts={"好": 1})
    assert "无效票" not in scored.explanation and "invalid" not in scored.explanation_en


@pytest.mark.parametrize(("method", "params", "inputs"), [
    ("completion", {}, {"actual": 1, "target": 2}),
    ("base_step", STEP, {"actual": 7.3, "target": 7.0}),
    ("tiered", {"tiers": TIERS, "basis": "ratio"}, {"actual": 1, "target": 2}),
    ("efficacy", {"use_group": True}, {"actual": 4, "peers": (2, 4, 10)}),
    ("benchmark", {}, {"actual": 4, "peers": (2, 4)}),
    ("rank_points", {}, {"actual": 4, "peers": (2, 4)}),
    ("ballot", {"grades": GRADES}, {"counts": {"好": 2}}),
    ("satisfaction", {"options": OPTIONS}, {"counts": {"满意": 2, "不了解": 1}}),
])
def test_used_is_json_ready(method: str, params: dict, inputs: dict) -> None:
    import json

    used = score(method, params=params, **inputs).used
    assert json.loads(json.dumps(used, ensure_ascii=False)) == used


# -- missing data and bad labels ------------------------------------------------------------

MISSING = [
    ("completion", {}, {"target": 7}, "完成值"),
    ("completion", {}, {"actual": 7}, "目标值"),
    ("base_step", STEP, {"actual": 7}, "目标值"),
    ("tiered", {"tiers": TIERS}, {}, "完成值"),
    ("tiered", {"tiers": TIERS, "basis": "ratio"}, {"actual": 7}, "目标值"),
    ("efficacy", {"use_group": True}, {"actual": 7}, "同组单位的完成值"),
    ("efficacy", {"worst": 0, "best": 1}, {}, "完成值"),
    ("benchmark", {}, {"actual": 7}, "同组单位的完成值"),
    ("rank_points", {}, {"actual": 7, "peers": ()}, "同组单位的完成值"),
    ("pass_fail", {}, {"actual": 7}, "目标值"),
    ("deduction", {"per_incident": 1}, {}, "扣分次数"),
    ("bonus", {"per_item": 1}, {}, "加分项数"),
    ("rating", {"ratings": RATINGS}, {}, "评定等次"),
    ("rating", {"ratings": RATINGS}, {"rating": "  "}, "评定等次"),
    ("ballot", {"grades": GRADES}, {}, "票数"),
    ("ballot", {"grades": GRADES}, {"counts": {}}, "票数"),
    ("ballot", {"grades": GRADES}, {"counts": {"好": 0, "差": 0}, "invalid": 4}, "有效票"),
    ("satisfaction", {"options": OPTIONS}, {"counts": {"不了解": 12}}, "有效票"),
]


@pytest.mark.parametrize(("method", "params", "inputs", "what"), MISSING)
def test_missing_data_raises_missing_input(method: str, params: dict, inputs: dict,
                                           what: str) -> None:
    with pytest.raises(MissingInput) as caught:
        score(method, params=params, **inputs)
    assert caught.value.what == what
    assert caught.value.message == f"缺少{what}"


BAD_LABELS = [
    ("rating", {"ratings": RATINGS}, {"rating": "优秀"},
     ["优秀", "好、较好、一般、差"], ["'优秀'", "好, 较好, 一般, 差"]),
    ("ballot", {"grades": GRADES}, {"counts": {"好": 3, "很好": 1}},
     ["很好", "好、较好、一般、差"], ["'很好'", "好, 较好, 一般, 差"]),
    ("satisfaction", {"options": OPTIONS}, {"counts": {"满意": 3, "非常满意": 1}},
     ["非常满意", "满意、基本满意、不满意、不了解"], ["'非常满意'"]),
]


@pytest.mark.parametrize(("method", "params", "inputs", "zh", "en"), BAD_LABELS)
def test_unknown_label_names_it_and_the_allowed_ones(method: str, params: dict, inputs: dict,
                                                     zh: list[str], en: list[str]) -> None:
    with pytest.raises(KaoheError) as caught:
        score(method, params=params, **inputs)
    assert not isinstance(caught.value, MissingInput)
    assert all(part in caught.value.message for part in zh)
    assert all(part in caught.value.message_en for part in en)


BAD_DATA = [
    ("tiered", {"tiers": TIERS, "basis": "ratio"}, {"actual": 7, "target": 0}),
    ("deduction", {"per_incident": 1}, {"count": -1}),
    ("bonus", {"per_item": 1}, {"count": -2}),
    ("ballot", {"grades": GRADES}, {"counts": {"好": -1}}),
]


@pytest.mark.parametrize(("method", "params", "inputs"), BAD_DATA)
def test_impossible_data_is_a_kaohe_error(method: str, params: dict, inputs: dict) -> None:
    with pytest.raises(KaoheError):
        score(method, params=params, **inputs)


BAD_PARAMS = [
    ("completion", "sideways", {}, {"actual": 1, "target": 1}),
    ("completion", "higher", {"cap": "full"}, {"actual": 1, "target": 1}),
    ("base_step", "higher", {**STEP, "step_size": 0}, {"actual": 1, "target": 1}),
    ("base_step", "higher", {"base": 6}, {"actual": 1, "target": 1}),
    ("base_step", "higher", {**STEP, "min": 12}, {"actual": 1, "target": 1}),
    ("tiered", "higher", {}, {"actual": 1}),
    ("tiered", "higher", {"tiers": TIERS, "basis": "percent"}, {"actual": 1}),
    ("efficacy", "higher", {"worst": 10, "best": 0}, {"actual": 1}),
    ("efficacy", "lower", {"worst": 0, "best": 10}, {"actual": 1}),
    ("efficacy", "higher", {"worst": 0, "best": 10, "base_share": 1.5}, {"actual": 1}),
    ("deduction", "higher", {}, {"count": 1}),
    ("bonus", "higher", {"per_item": -1}, {"count": 1}),
    ("rating", "higher", {}, {"rating": "好"}),
    ("rating", "higher", {"ratings": {"好": 1.5}}, {"rating": "好"}),
    ("ballot", "higher", {}, {"counts": {"好": 1}}),
    ("ballot", "higher", {"grades": {"好": 120}}, {"counts": {"好": 1}}),
]


@pytest.mark.parametrize(("method", "direction", "params", "inputs"), BAD_PARAMS)
def test_bad_params_are_scheme_errors(method: str, direction: str, params: dict,
                                      inputs: dict) -> None:
    with pytest.raises(SchemeError) as caught:
        score(method, direction=direction, params=params, **inputs)
    assert caught.value.message and caught.value.message_en


# -- properties -----------------------------------------------------------------------------

values = st.floats(-1e6, 1e6, allow_nan=False)
fulls = st.floats(0.5, 100, allow_nan=False)
directions = st.sampled_from(["higher", "lower"])
counts = st.floats(0, 1e4, allow_nan=False)
EPS = 1e-9


def ordered(a: float, b: float, direction: str) -> tuple[float, float]:
    """Return (worse, better) of two actual values for the direction."""
    low, high = sorted((a, b))
    return (high, low) if direction == "lower" else (low, high)


def check_monotone(method: str, params: dict, full: float, direction: str, a: float,
                   b: float, **inputs: Any) -> None:
    """The better of two actuals never scores less; both stay within [0, ∞)."""
    worse, better = ordered(a, b, direction)
    p_worse = SCORERS[method](Inputs(actual=worse, **inputs), params, full, direction).points
    p_better = SCORERS[method](Inputs(actual=better, **inputs), params, full, direction).points
    assert 0 <= p_worse <= p_better + EPS * max(1.0, full)


@given(values, values, values, st.floats(0, 2), fulls, directions)
def test_completion_bounded_and_monotone(a: float, b: float, target: float, cap: float,
                                         full: float, direction: str) -> None:
    params = {"cap": cap}
    top = full if target == 0 else full * cap
    for actual in (a, b):
        points = score("completion", full, direction, params, actual=actual, target=target).points
        assert 0 <= points <= top + EPS
    check_monotone("completion", params, full, direction, a, b, target=target)


@given(values, values, st.sampled_from([0.0, 7.0, -3.0]), fulls, directions,
       st.floats(0, 1), st.floats(0.01, 100), st.floats(0, 10), st.floats(0, 10))
def test_base_step_bounded_and_monotone(a: float, b: float, target: float, full: float,
                                        direction: str, base_share: float, size: float,
                                        up: float, down: float) -> None:
    params = {"base": full * base_share, "step_size": size, "step_up": up, "step_down": down}
    for actual in (a, b):
        points = score("base_step", full, direction, params, actual=actual, target=target).points
        assert 0 <= points <= full
    check_monotone("base_step", params, full, direction, a, b, target=target)


@st.composite
def tier_lists(draw: st.DrawFn, direction: str, full: float) -> list[dict]:
    """Tiers whose points rise as thresholds get better for the direction."""
    thresholds = draw(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6, unique=True))
    points = sorted(draw(st.lists(st.floats(0, full * 1.5), min_size=len(thresholds),
                                  max_size=len(thresholds))))
    thresholds.sort(reverse=direction == "lower")
    return [{"min": t, "points": p} for t, p in zip(thresholds, points, strict=True)]


@given(st.data(), values, values, fulls, directions, st.booleans())
def test_tiered_bounded_and_monotone(data: st.DataObject, a: float, b: float, full: float,
                                     direction: str, interpolate: bool) -> None:
    params = {"tiers": data.draw(tier_lists(direction, full)), "interpolate": interpolate}
    for actual in (a, b):
        assert 0 <= score("tiered", full, direction, params, actual=actual).points <= full
    check_monotone("tiered", params, full, direction, a, b)


@given(values, values, st.lists(values, max_size=6), fulls, directions, st.floats(0, 1))
def test_efficacy_in_group_bounded_and_monotone(a: float, b: float, others: list[float],
                                                full: float, direction: str,
                                                share: float) -> None:
    params = {"use_group": True, "base_share": share}
    for actual in (a, b):
        points = score("efficacy", full, direction, params, actual=actual,
                       peers=(*others, actual)).points
        assert full * share - EPS * full <= points <= full + EPS * full
    worse, better = ordered(a, b, direction)
    p_worse = score("efficacy", full, direction, params, actual=worse,
                    peers=(*others, worse)).points
    p_better = score("efficacy", full, direction, params, actual=better,
                     peers=(*others, better)).points
    assert p_worse <= p_better + EPS * full


@given(values, values, values, values, fulls, directions)
def test_efficacy_fixed_ends_monotone(a: float, b: float, e1: float, e2: float, full: float,
                                      direction: str) -> None:
    worst, best = ordered(e1, e2, direction)
    check_monotone("efficacy", {"worst": worst, "best": best}, full, direction, a, b)
    assert score("efficacy", full, direction, {"worst": worst, "best": best},
                 actual=a).points <= full + EPS * full


@given(values, values, st.lists(values, max_size=6), fulls, directions)
def test_benchmark_bounded_and_monotone(a: float, b: float, others: list[float], full: float,
                                        direction: str) -> None:
    worse, better = ordered(a, b, direction)
    p_worse = score("benchmark", full, direction, actual=worse, peers=(*others, worse)).points
    p_better = score("benchmark", full, direction, actual=better, peers=(*others, better)).points
    assert 0 <= p_worse <= p_better + EPS * full
    assert p_better <= full


@given(st.lists(values, min_size=1, max_size=8), st.data(), fulls, directions,
       st.one_of(st.none(), st.floats(0, 50)), st.floats(0, 200))
def test_rank_points_bounded_and_ties_equal(peers: list[float], data: st.DataObject,
                                            full: float, direction: str, step: float | None,
                                            floor: float) -> None:
    params = {"min": floor} if step is None else {"step": step, "min": floor}
    actual = data.draw(st.sampled_from(peers))
    scored = score("rank_points", full, direction, params, actual=actual, peers=tuple(peers))
    assert 0 <= scored.points <= full
    assert 1 <= scored.used["rank"] <= len(peers)
    twin = score("rank_points", full, direction, params, actual=actual,
                 peers=(*peers, actual)).used["rank"]
    assert twin == scored.used["rank"]


@given(values, values, values, fulls, directions, st.floats(0, 200))
def test_pass_fail_bounded_and_monotone(a: float, b: float, target: float, full: float,
                                        direction: str, fail: float) -> None:
    params = {"fail_points": fail}
    assert 0 <= score("pass_fail", full, direction, params, actual=a, target=target).points <= full
    check_monotone("pass_fail", params, full, direction, a, b, target=target)


@given(counts, counts, fulls, st.floats(0, 10), st.floats(0, 200))
def test_deduction_non_increasing_and_floored(c1: float, c2: float, full: float, per: float,
                                              floor: float) -> None:
    params = {"per_incident": per, "floor": floor}
    fewer, more = sorted((c1, c2))
    p_fewer = score("deduction", full, params=params, count=fewer).points
    p_more = score("deduction", full, params=params, count=more).points
    assert min(floor, full) <= p_more <= p_fewer <= full


@given(counts, counts, fulls, st.floats(0, 10), st.one_of(st.none(), st.floats(0, 50)))
def test_bonus_non_decreasing_and_capped(c1: float, c2: float, full: float, per: float,
                                         cap: float | None) -> None:
    params = {"per_item": per} if cap is None else {"per_item": per, "cap": cap}
    fewer, more = sorted((c1, c2))
    p_fewer = score("bonus", full, params=params, count=fewer).points
    p_more = score("bonus", full, params=params, count=more).points
    assert 0 <= p_fewer <= p_more <= (full if cap is None else cap)


@given(st.dictionaries(st.sampled_from(list(RATINGS)), st.floats(0, 1), min_size=1),
       st.data(), fulls)
def test_rating_bounded(ratings: dict[str, float], data: st.DataObject, full: float) -> None:
    label = data.draw(st.sampled_from(sorted(ratings)))
    assert 0 <= score("rating", full, params={"ratings": ratings}, rating=label).points <= full


tallies = st.dictionaries(st.sampled_from(list(GRADES)), st.integers(0, 10_000), min_size=1)


@given(tallies, st.integers(0, 100), fulls)
def test_ballot_bounded_and_ignores_invalid(counts_: dict[str, int], invalid: int,
                                            full: float) -> None:
    assume(sum(counts_.values()) > 0)
    params = {"grades": GRADES}
    points = score("ballot", full, params=params, counts=counts_, invalid=invalid).points
    assert 0 <= points <= full
    assert points == score("ballot", full, params=params, counts=counts_).points


@given(st.dictionaries(st.sampled_from(["满意", "基本满意", "不满意"]), st.integers(0, 10_000),
                       min_size=1), st.integers(0, 10_000), fulls)
def test_satisfaction_bounded_and_ignores_excluded(counts_: dict[str, int], unknown: int,
                                                   full: float) -> None:
    assume(sum(counts_.values()) > 0)
    params = {"options": OPTIONS}
    with_unknown = {**counts_, "不了解": unknown}
    points = score("satisfaction", full, params=params, counts=with_unknown).points
    assert 0 <= points <= full
    assert points == score("satisfaction", full, params=params, counts=counts_).points
