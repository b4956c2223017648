"""Printed summaries of results: one ranked table per group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.textable import table

__all__ = ["ranking_tables", "gate_label"]

_HEAD = {"zh": ["名次", "单位", "总分", "等次", "评优限制"],
         "en": ["rank", "unit", "total", "grade", "gates"]}


def gate_label(gate: Mapping[str, Any], lang: str = "zh") -> str:
    """A short label for a gate hit: "C04 失分超限", "全疆通报", "一票否决"."""
    kind = gate["gate"]
    if kind == "region-loss":
        return f"{gate.get('indicator_id', '')} 失分超限" if lang == "zh" \
            else f"{gate.get('indicator_id', '')} loss over limit"
    labels = {"region-notification": ("全疆通报", "region-wide notice"),
              "veto": ("一票否决", "veto")}
    zh, en = labels.get(kind, (kind, kind))
    return zh if lang == "zh" else en


def ranking_tables(results: Mapping[str, Any], lang: str = "zh") -> str:
    """Per group: rank, unit, total, grade and the gates hit."""
    blocks = []
    for group in results["groups"]:
        rows = []
        for unit in results["units"]:
            if unit["group"] != group["id"]:
                continue
            gates = "; ".join(gate_label(g, lang) for g in unit["gates"]) or "—"
            name = unit["unit_name"] if lang == "zh" else (unit.get("unit_name_en") or unit["unit_id"])
            rows.append([unit["rank"], name, f"{unit['total']:.2f}", unit["grade"], gates])
        title = group["name"] if lang == "zh" else (group.get("name_en") or group["id"])
        blocks.append(f"\n{title} ({group['id']})\n" + table(_HEAD[lang], rows))
    return "\n".join(blocks)
