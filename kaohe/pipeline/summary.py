"""Printed summaries of results: one ranked table per group."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kaohe.textable import table

__all__ = ["ranking_tables", "gate_label", "consolidation_summary"]

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
            name = (unit["unit_name"] if lang == "zh"
                    else (unit.get("unit_name_en") or unit["unit_id"]))
            rows.append([unit["rank"], name, f"{unit['total']:.2f}", unit["grade"], gates])
        title = group["name"] if lang == "zh" else (group.get("name_en") or group["id"])
        blocks.append(f"\n{title} ({group['id']})\n" + table(_HEAD[lang], rows))
    return "\n".join(blocks)


def consolidation_summary(run: Any, lang: str = "zh") -> str:
    """Rankings, then plainly: which units were not scored and why, rejected and missing files."""
    zh = lang == "zh"
    parts = [ranking_tables(run.results, lang=lang)]
    not_scored = run.results.get("not_scored", [])
    if not_scored:
        rows = [[u["unit_name"], u["unit_id"], u["reason"] if zh else u["reason_en"]]
                for u in not_scored]
        head = ["单位", "编号", "原因"] if zh else ["unit", "id", "reason"]
        parts.append(("\n未能计分的单位 units not scored\n" if zh else "\nUnits not scored\n")
                     + table(head, rows))
    if run.rejected:
        rows = [[Path(r["file"]).name, r["errors"], r["reason"] if zh else r["reason_en"]]
                for r in run.rejected]
        head = ["文件", "错误数", "首个错误"] if zh else ["file", "errors", "first error"]
        parts.append(("\n退回的文件 rejected files\n" if zh else "\nRejected files\n")
                     + table(head, rows))
    others = [m for m in run.missing if m["kind"] != "unit_report"]
    if others:
        rows = [[m["kind"], m["unit_name"] or m["unit_id"]] for m in others]
        head = ["类别", "名称"] if zh else ["kind", "name"]
        parts.append(("\n未收到 missing\n" if zh else "\nMissing\n") + table(head, rows))
    merit = [u["unit_name"] if zh else (u.get("unit_name_en") or u["unit_id"])
             for u in run.results["units"] if (u.get("history") or {}).get("three_consecutive_top")]
    if merit:
        parts.append(("\n连续三年获评最高等次（建议记三等功）: " if zh else
                      "\nTop grade three years running (third-class merit): ") + "、".join(merit))
    for issue in run.batch_issues:
        parts.append(("注意: " if zh else "note: ") + issue.text(lang))
    used = sum(1 for s in run.submissions if s.accepted)
    parts.append((f"\n共 {len(run.submissions)} 个文件，采用 {used} 个，"
                  f"退回 {len(run.rejected)} 个；"
                  f"计分单位 {len(run.results['units'])} 个，未计分 {len(not_scored)} 个")
                 if zh else
                 (f"\n{len(run.submissions)} files, {used} used, {len(run.rejected)} rejected; "
                  f"{len(run.results['units'])} units scored, {len(not_scored)} not scored"))
    return "\n".join(parts)
