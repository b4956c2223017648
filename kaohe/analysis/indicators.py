"""Indicator quality (指标区分度) and reference weights from a year's results (pandas, lazily).

Per indicator, over the units it applied to: the share at full marks, the coefficient of
variation of its points (std / mean, population), its Pearson correlation with every other
indicator of the same hierarchy block (pairs above a threshold are named redundant), and
how much it moves ranks: the units re-totalled without it (its full score out of the score
rate, the component weights kept) and re-ranked in their group — the mean and largest
change of rank. Reference weights: entropy and CRITIC weights of the indicators' score
rates (points ÷ full score), beside the scheme's (full score ÷ the block's total). They are
shown, never applied.

Entropy: p_ij = x_ij / Σ_i x_ij, e_j = −Σ p ln p / ln m (0 ln 0 = 0), w_j ∝ 1 − e_j.
CRITIC: min–max normalised columns, w_j ∝ σ_j · Σ_k (1 − r_jk), σ with ddof 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["points_table", "entropy_weights", "critic_weights", "indicator_quality",
           "reference_weights", "suggestions"]


def points_table(results: Mapping[str, Any], groups: Sequence[str] | None = None) -> Any:
    """A DataFrame: one row per (unit, indicator) applicable, with points, full score, rate."""
    import pandas as pd

    rows = [{"unit_id": u["unit_id"], "group": u["group"], "total": u["total"],
             "indicator_id": r["indicator_id"], "name": r["name"], "category": r["category"],
             "component": r["component"], "points": float(r["points"]),
             "full_score": float(r["full_score"])}
            for u in results["units"] if groups is None or u["group"] in groups
            for r in u.get("indicators", []) if r.get("applicable", True)]
    frame = pd.DataFrame(rows, columns=["unit_id", "group", "total", "indicator_id", "name",
                                        "category", "component", "points", "full_score"])
    frame["rate"] = frame["points"] / frame["full_score"].where(frame["full_score"] > 0)
    return frame


def entropy_weights(matrix: Any) -> Any:
    """Entropy weights of the columns of a units × criteria array (larger is better)."""
    import numpy as np

    x = np.asarray(matrix, dtype=float)
    m = x.shape[0]
    sums = x.sum(axis=0)
    p = np.divide(x, sums, out=np.zeros_like(x), where=sums > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(p > 0, np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -(p * logs).sum(axis=0) / np.log(m) if m > 1 else np.ones(x.shape[1])
    d = np.where(sums > 0, 1.0 - e, 0.0)
    return d / d.sum() if d.sum() > 0 else np.full(x.shape[1], 1.0 / x.shape[1])


def critic_weights(matrix: Any) -> Any:
    """CRITIC weights of the columns of a units × criteria array (contrast × conflict)."""
    import numpy as np

    x = np.asarray(matrix, dtype=float)
    low, high = x.min(axis=0), x.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    z = (x - low) / span
    std = z.std(axis=0, ddof=1) if x.shape[0] > 1 else np.zeros(x.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.corrcoef(z, rowvar=False)
    r = np.nan_to_num(np.atleast_2d(r), nan=0.0)
    c = std * (1.0 - r).sum(axis=0)
    return c / c.sum() if c.sum() > 0 else np.full(x.shape[1], 1.0 / x.shape[1])


def _blocks(results: Mapping[str, Any], scheme: Any) -> list[tuple[str, tuple[str, ...]]]:
    from kaohe.analysis.hierarchy import hierarchy

    return [(b.id, b.groups) for b in hierarchy(scheme)]


def reference_weights(results: Mapping[str, Any], scheme: Any) -> Any:
    """Per block and indicator: the scheme's weight, the entropy and the CRITIC weight."""
    import pandas as pd

    frames = []
    for block, groups in _blocks(results, scheme):
        table = points_table(results, groups)
        if table.empty:
            continue
        wide = table.pivot_table(index="unit_id", columns="indicator_id", values="rate")
        wide = wide.dropna(axis=0, how="any") if len(wide.dropna()) >= 2 else wide.fillna(0)
        ids = list(wide.columns)
        full = {i: scheme.indicator(i).full_score for i in ids}
        scheme_w = pd.Series(full) / sum(full.values())
        frames.append(pd.DataFrame({
            "block": block, "indicator_id": ids,
            "name": [scheme.indicator(i).name for i in ids],
            "full_score": [full[i] for i in ids], "scheme": scheme_w[ids].to_numpy(),
            "entropy": entropy_weights(wide.to_numpy()),
            "critic": critic_weights(wide.to_numpy())}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _rank(totals: Any) -> Any:
    return totals.round(6).rank(method="min", ascending=False)


def indicator_quality(results: Mapping[str, Any], scheme: Any,
                      threshold: float = 0.8) -> tuple[Any, Any]:
    """(per-indicator table, redundant pairs table) for every hierarchy block."""
    import numpy as np
    import pandas as pd

    rows, pairs = [], []
    units = {u["unit_id"]: u for u in results["units"]}
    for block, groups in _blocks(results, scheme):
        table = points_table(results, groups)
        if table.empty:
            continue
        wide = table.pivot_table(index="unit_id", columns="indicator_id", values="points")
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = wide.corr()
        for indicator_id, own in table.groupby("indicator_id", sort=False):
            mean = own["points"].mean()
            std = own["points"].std(ddof=0)
            moved = _rank_moves(units, table, indicator_id)
            others = corr[indicator_id].drop(indicator_id).dropna() if indicator_id in corr \
                else pd.Series(dtype=float)
            top = others.abs().idxmax() if len(others) else None
            rows.append({
                "block": block, "indicator_id": indicator_id, "name": own["name"].iloc[0],
                "category": own["category"].iloc[0], "full_score": own["full_score"].iloc[0],
                "units": len(own), "mean_rate": own["rate"].mean(),
                "full_marks": float((own["points"] >= own["full_score"] - 1e-9).mean()),
                "cv": float(std / mean) if mean else float("nan"),
                "max_corr": float(others[top]) if top is not None else float("nan"),
                "max_corr_with": top or "",
                "rank_change_mean": moved[0], "rank_change_max": moved[1]})
        ids = list(corr.columns)
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                r = corr.iloc[a, b]
                if pd.notna(r) and r >= threshold:  # a duplicate; a negative r conflicts
                    pairs.append({"block": block, "a": ids[a], "b": ids[b], "r": float(r)})
    return pd.DataFrame(rows), pd.DataFrame(pairs, columns=["block", "a", "b", "r"])


def _rank_moves(units: Mapping[str, Any], table: Any, indicator_id: str) -> tuple[float, int]:
    """(mean, largest) change of rank in group when the indicator is left out."""
    import pandas as pd

    before, after, group = {}, {}, {}
    for unit_id in table["unit_id"].unique():
        u = units[unit_id]
        rows = [r for r in u["indicators"] if r.get("applicable", True)]
        totals = {}
        for comp in u["weights"]:
            own = [r for r in rows if r["component"] == comp]
            if not own:
                totals[comp] = u["component_details"].get(comp, {}).get(
                    "score", u["components"][comp])
                continue
            kept = [r for r in own if r["indicator_id"] != indicator_id]
            full = sum(r["full_score"] for r in kept)
            totals[comp] = sum(r["points"] for r in kept) / full * 100 if full else 0.0
        before[unit_id] = u["total"]
        after[unit_id] = max(sum(totals[c] * w for c, w in u["weights"].items())
                             + u["bonus"] - u["deduction"], 0.0)
        group[unit_id] = u["group"]
    frame = pd.DataFrame({"before": before, "after": after, "group": group})
    change = []
    for _, members in frame.groupby("group"):
        change += list((_rank(members["before"]) - _rank(members["after"])).abs())
    series = pd.Series(change, dtype=float)
    return (float(series.mean()), int(series.max())) if len(series) else (0.0, 0)


def suggestions(quality: Any, pairs: Any, full_marks: float = 0.8,
                cv: float = 0.05) -> list[dict[str, Any]]:
    """What the office might drop or reweight next year: one entry per indicator and reason
    (kind full_marks, no_spread, no_rank_effect or redundant — then `partner` names the
    indicator it duplicates)."""
    out = []
    for row in quality.itertuples():
        if row.full_marks >= full_marks:
            out.append({"indicator_id": row.indicator_id, "name": row.name,
                        "kind": "full_marks", "value": row.full_marks})
        elif row.cv == row.cv and row.cv < cv:
            out.append({"indicator_id": row.indicator_id, "name": row.name,
                        "kind": "no_spread", "value": row.cv})
        if row.rank_change_max == 0:
            out.append({"indicator_id": row.indicator_id, "name": row.name,
                        "kind": "no_rank_effect", "value": 0})
    names = dict(zip(quality["indicator_id"], quality["name"], strict=True)) \
        if len(quality) else {}
    for pair in pairs.itertuples():
        out.append({"indicator_id": pair.b, "name": names.get(pair.b, pair.b),
                    "kind": "redundant", "value": pair.r, "partner": pair.a})
    return out
