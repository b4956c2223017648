"""Indicator quality and reference weights: pymcdm as the oracle for entropy and CRITIC, a
hand-made year for full marks, redundancy and rank impact, and the command's workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from kaohe.analysis.indicators import (
    critic_weights,
    entropy_weights,
    indicator_quality,
    reference_weights,
    suggestions,
)
from kaohe.cli import main
from kaohe.engine import Scheme
from tests.conftest import small_scheme_doc


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_entropy_and_critic_equal_pymcdm(seed: int) -> None:
    from pymcdm import weights as oracle

    data = np.random.default_rng(seed).uniform(0.1, 1.0, size=(30, 6))
    assert entropy_weights(data) == pytest.approx(oracle.entropy_weights(data), abs=1e-12)
    assert critic_weights(data) == pytest.approx(oracle.critic_weights(data), abs=1e-12)


def test_a_column_without_spread_gets_no_entropy_weight() -> None:
    data = np.array([[1.0, 0.2], [1.0, 0.9], [1.0, 0.5]])
    assert entropy_weights(data) == pytest.approx([0.0, 1.0], abs=1e-12)
    assert critic_weights(data)[0] == pytest.approx(0.0)


POINTS = {"A": (10, [10, 10, 10, 10]), "B": (10, [5, 6, 7, 8]), "C": (10, [5, 6, 7, 8]),
          "D": (20, [20, 15, 8, 2])}


def year() -> tuple[Scheme, dict[str, Any]]:
    """Four units: A always at full marks, C a copy of B, D decides the ranking."""
    base = small_scheme_doc()["indicators"][0]
    doc = small_scheme_doc(indicators=[
        {**base, "id": k, "name": f"指标{k}", "category": "类" + k, "full_score": full}
        for k, (full, _) in POINTS.items()])
    scheme = Scheme.from_document(doc)
    units = []
    for u in range(4):
        rows = [{"indicator_id": k, "name": f"指标{k}", "category": "类" + k,
                 "component": "year_end", "points": float(pts[u]), "full_score": float(full),
                 "applicable": True} for k, (full, pts) in POINTS.items()]
        total = sum(r["points"] for r in rows) / 50 * 100
        units.append({"unit_id": f"u{u + 1}", "unit_name": f"单位{u + 1}", "group": "county",
                      "total": total, "rank": u + 1, "grade": "好", "weights": {"year_end": 1.0},
                      "components": {"year_end": total}, "component_details": {},
                      "bonus": 0.0, "deduction": 0.0, "indicators": rows})
    return scheme, {"kind": "results", "scheme_id": "test-2020", "year": 2020,
                    "grades": ["好", "较好", "一般", "较差"],
                    "groups": [{"id": "county", "name": "县市", "units": 4}], "units": units}


def test_quality_names_full_marks_duplicates_and_rank_impact() -> None:
    scheme, results = year()
    quality, pairs = indicator_quality(results, scheme, threshold=0.8)
    q = quality.set_index("indicator_id")
    assert q.loc["A", "full_marks"] == 1.0 and q.loc["B", "full_marks"] == 0.0
    assert q.loc["B", "cv"] == pytest.approx(np.std([5, 6, 7, 8]) / 6.5)
    assert q.loc["B", "max_corr_with"] == "C" and q.loc["B", "max_corr"] == pytest.approx(1.0)
    assert (q.loc["D", "rank_change_mean"], q.loc["D", "rank_change_max"]) == (2.0, 3)
    assert q.loc["A", "rank_change_max"] == 0
    assert [tuple(p) for p in pairs[["a", "b"]].itertuples(index=False)] == [("B", "C")]
    advice = {(a["indicator_id"], a["kind"]) for a in suggestions(quality, pairs)}
    assert {("A", "full_marks"), ("A", "no_rank_effect"), ("C", "redundant")} <= advice
    assert not any(k == "D" for k, _ in advice)


def test_reference_weights_sit_beside_the_schemes() -> None:
    scheme, results = year()
    ref = reference_weights(results, scheme).set_index("indicator_id")
    assert ref["scheme"].to_dict() == {"A": 0.2, "B": 0.2, "C": 0.2, "D": 0.4}
    assert ref["entropy"].sum() == pytest.approx(1.0) and ref.loc["A", "entropy"] == 0.0
    rates = np.array([[p / full for p in pts] for full, pts in POINTS.values()]).T
    assert ref["critic"].to_numpy() == pytest.approx(critic_weights(rates))


def test_indicators_command_writes_the_analysis_workbook(tmp_path: Path) -> None:
    scheme, results = year()
    (tmp_path / "scheme.json").write_text(json.dumps(dict(scheme.document)), encoding="utf-8")
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    out = tmp_path / "指标分析.xlsx"
    done = CliRunner().invoke(main, ["indicators", str(tmp_path / "results.json"), "--scheme",
                                     str(tmp_path / "scheme.json"), "--out", str(out)])
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["建议调整", "区分度", "相关指标", "参考权重"]
    advice = [r for r in wb["建议调整"].iter_rows(min_row=2, values_only=True)]
    rows = {r[0]: r for r in advice}
    assert set(rows) == {"A", "B", "C"}  # not D: it decides the ranking
    assert rows["A"][1] == "指标A" and rows["C"][1] == "指标C"
    assert rows["B"][2] == "去掉该指标后各单位名次不变：考虑降低分值"
    assert rows["A"][2] == ("满分单位占比 100%，区分度不足：考虑删除或改为扣分项；\n"
                            "去掉该指标后各单位名次不变：考虑降低分值")
    assert rows["C"][2].endswith("；\n与 B 高度相关（r = 1.00）：考虑合并或只保留其一")


def test_indicators_command_wants_the_results_scheme(tmp_path: Path) -> None:
    _, results = year()
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    done = CliRunner().invoke(main, ["indicators", str(tmp_path / "results.json"), "--out",
                                     str(tmp_path / "x.xlsx")])
    assert done.exit_code != 0 and "Traceback" not in done.output
    assert "是方案 “test-2020” 的结果，请用 --scheme 指定该方案" in done.output
