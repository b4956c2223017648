"""Printed summaries of results: one ranked table per group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.textable import table

__all__ = ["ranking_tables"]

_HEAD = {"zh": ["名次", "单位", "总分", "等次", "评优限制"],
         "en": ["rank", "unit", "total", "grade", "gates"]}


def ranking_tables(results: Mapping[str, Any], lang: str = "zh") -> str:
    """Per group: rank, unit, total, grade and the gates hit."""
    blocks = []
    for group in results["groups"]:
        rows = []
        for unit in results["units"]:
            if unit["group"] != group["id"]:
                continue
            gates = "; ".join(g["gate"] for g in unit["gates"]) or ("—" if lang == "zh" else "-")
            name = unit["unit_name"] if lang == "zh" else (unit.get("unit_name_en") or unit["unit_id"])
            rows.append([unit["rank"], name, f"{unit['total']:.2f}", unit["grade"], gates])
        title = group["name"] if lang == "zh" else (group.get("name_en") or group["id"])
        blocks.append(f"\n{title} ({group['id']})\n" + table(_HEAD[lang], rows))
    return "\n".join(blocks)
