"""Gates, rounding, ties, quotas and veto — on hand-made unit scores."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.engine import Scheme
from kaohe.engine.numbers import round_count, round_score
from kaohe.engine.ranking import apply_gates, rank_and_grade
from tests.conftest import small_scheme_doc


def unit(uid: str, total: float, year_end: float = 80.0, satisfaction: float = 80.0,
         group: str = "county", lost: float = 0.0, events: list | None = None) -> dict[str, Any]:
    row = {"indicator_id": "I1", "name": "增长", "region_assigned": True, "applicable": True,
           "full_score": 60.0, "lost": lost}
    u = {"unit_id": uid, "unit_name": uid, "group": group, "total": total,
         "components": {"year_end": year_end, "satisfaction": satisfaction},
         "indicators": [row], "events": events or []}
    return u


def ranked(scheme: Scheme, units: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for u in units:
        apply_gates(scheme, u)
    return {u["unit_id"]: u for u in rank_and_grade(scheme, units)}


def test_float_noise_does_not_split_a_tie(small_scheme: Scheme) -> None:
    units = [unit("u1", 0.1 + 0.2 + 80), unit("u2", 80.3), unit("u3", 70.0)]
    out = ranked(small_scheme, units)
    assert (out["u1"]["rank"], out["u2"]["rank"], out["u3"]["rank"]) == (1, 1, 3)


def test_shared_rank_then_skip(small_scheme: Scheme) -> None:
    units = [unit("u1", 95), unit("u2", 90), unit("u3", 90), unit("u4", 85), unit("u5", 60)]
    out = ranked(small_scheme, units)
    assert [out[f"u{i}"]["rank"] for i in range(1, 6)] == [1, 2, 2, 4, 5]


def test_tie_breakers_in_order(small_scheme: Scheme) -> None:
    units = [unit("u1", 88, year_end=85, satisfaction=99), unit("u2", 88, year_end=86),
             unit("u3", 88, year_end=85, satisfaction=70)]
    out = ranked(small_scheme, units)
    assert (out["u2"]["rank"], out["u1"]["rank"], out["u3"]["rank"]) == (1, 2, 3)


def test_tie_breakers_compare_rounded_values(small_scheme: Scheme) -> None:
    units = [unit("u1", 88, year_end=85.0 + 1e-12), unit("u2", 88, year_end=85.0)]
    out = ranked(small_scheme, units)
    assert out["u1"]["rank"] == out["u2"]["rank"] == 1


def test_quota_limits_top_grade(small_scheme: Scheme) -> None:
    # 5 units, 40 % floor -> 2 places of 好
    units = [unit("u1", 99), unit("u2", 97), unit("u3", 95), unit("u4", 85), unit("u5", 60)]
    out = ranked(small_scheme, units)
    assert [out[f"u{i}"]["grade"] for i in range(1, 6)] == ["好", "好", "较好", "较好", "一般"]
    assert out["u3"]["band_grade"] == "好"
    assert "名额" in out["u3"]["grade_notes"][0]["reason"]


def test_ineligible_unit_never_takes_a_top_place_and_it_passes_down(small_scheme: Scheme) -> None:
    units = [unit("u1", 99, lost=13.0), unit("u2", 97), unit("u3", 95), unit("u4", 85),
             unit("u5", 60)]
    out = ranked(small_scheme, units)
    assert out["u1"]["top_grade_eligible"] is False
    assert out["u1"]["rank"] == 1
    assert out["u1"]["grade"] == "较好"
    assert (out["u2"]["grade"], out["u3"]["grade"]) == ("好", "好")
    assert out["u1"]["gates"][0]["gate"] == "region-loss"
    assert "20%" in out["u1"]["gates"][0]["reason"]


def test_exactly_twenty_percent_loss_keeps_eligibility(small_scheme: Scheme) -> None:
    out = ranked(small_scheme, [unit("u1", 99, lost=12.0), unit("u2", 50, lost=12.01)])
    assert out["u1"]["top_grade_eligible"] is True
    assert out["u2"]["top_grade_eligible"] is False


def test_tie_at_the_quota_boundary_gives_no_place_to_either(small_scheme: Scheme) -> None:
    units = [unit("u1", 99), unit("u2", 95), unit("u3", 95), unit("u4", 85), unit("u5", 60)]
    out = ranked(small_scheme, units)
    assert out["u1"]["grade"] == "好"
    assert out["u2"]["grade"] == out["u3"]["grade"] == "较好"
    assert "并列" in out["u2"]["grade_notes"][0]["reason"]


def test_region_notification_gate(small_scheme: Scheme) -> None:
    event = {"id": "E1", "type": "notification", "region_wide": True, "date": "2020-05-01",
             "reason": "全疆通报"}
    others = [unit(f"u{i}", 70) for i in range(2, 6)]
    out = ranked(small_scheme, [unit("u1", 99, events=[event]), *others])
    assert out["u1"]["gates"][0]["gate"] == "region-notification"
    assert out["u1"]["grade"] == "较好"


def test_local_notification_is_not_a_gate(small_scheme: Scheme) -> None:
    event = {"id": "E1", "type": "notification", "region_wide": False}
    others = [unit(f"u{i}", 70) for i in range(2, 6)]
    out = ranked(small_scheme, [unit("u1", 99, events=[event]), *others])
    assert out["u1"]["gates"] == [] and out["u1"]["grade"] == "好"


def test_quota_of_zero_places_in_a_small_group(small_scheme: Scheme) -> None:
    # 2 units × 40 % = 0.8, floor -> no place of 好 at all
    out = ranked(small_scheme, [unit("u1", 99), unit("u2", 70)])
    assert out["u1"]["grade"] == "较好"
    assert "名额 0 个" in out["u1"]["grade_notes"][0]["reason"]


def test_veto_caps_the_grade(small_scheme: Scheme) -> None:
    event = {"id": "E9", "type": "veto", "reason": "重大事故"}
    out = ranked(small_scheme, [unit("u1", 99, events=[event]), unit("u2", 70)])
    assert out["u1"]["grade"] == "较差"
    assert out["u1"]["band_grade"] == "好"
    assert out["u1"]["gates"][0]["gate"] == "veto"


def test_groups_rank_separately(small_scheme: Scheme) -> None:
    out = ranked(small_scheme, [unit("u1", 80), unit("d1", 70, group="dept")])
    assert out["u1"]["rank"] == 1 and out["d1"]["rank"] == 1


@pytest.mark.parametrize(("value", "digits", "mode", "expected"), [
    (2.675, 2, "half_up", 2.68),          # binary 2.67499999… still rounds half-up
    (0.1 + 0.2, 2, "half_up", 0.3),
    (1.005, 2, "half_up", 1.01),
    (2.5, 0, "half_even", 2.0),
    (3.5, 0, "half_even", 4.0),
    (89.995, 2, "half_up", 90.0),
])
def test_round_score(value: float, digits: int, mode: str, expected: float) -> None:
    assert round_score(value, digits, mode) == expected


@pytest.mark.parametrize(("value", "mode", "expected"), [
    (7 * 0.3, "floor", 2), (7 * 0.3, "ceil", 3), (2.5, "round_half_up", 3),
    (0.1 * 3 * 10, "floor", 3),
])
def test_round_count(value: float, mode: str, expected: int) -> None:
    assert round_count(value, mode) == expected


def test_quota_rounding_ceil() -> None:
    doc = small_scheme_doc()
    doc["grading"]["quotas"] = [{"grade": "好", "max_share": 0.5, "rounding": "ceil"}]
    scheme = Scheme.from_document(doc)
    units = [unit("u1", 99), unit("u2", 97), unit("u3", 95), unit("u4", 91), unit("u5", 60)]
    out = ranked(scheme, units)
    assert sum(1 for u in out.values() if u["grade"] == "好") == 3
