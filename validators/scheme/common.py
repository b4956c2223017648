"""Shared parts of the scheme checks: reading a scheme defensively, findings at paths."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from validators.messages import finding
from validators.reading.locate import format_json_path
from validators.report import Issue

__all__ = ["TOLERANCE", "plain", "items_of", "ids_of", "group_params", "as_number",
           "finding_at", "close", "show"]

TOLERANCE = 1e-6


def plain(value: Any) -> Any:
    """A value small enough to carry in an Issue (scalars), else None."""
    return value if isinstance(value, (str, int, float, bool)) or value is None else None


def items_of(doc: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    """(index, item) of the mappings in the list doc[key]."""
    items = doc.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]


def ids_of(doc: Mapping[str, Any], key: str) -> set[str]:
    """The ids of the items of doc[key]."""
    return {str(item["id"]) for _, item in items_of(doc, key) if "id" in item}


def group_params(doc: Mapping[str, Any], group_id: Any) -> dict[str, str]:
    """Message parameters naming a group: its Chinese name, its English name or id."""
    for _, group in items_of(doc, "groups"):
        if group.get("id") == group_id:
            return {"group": str(group.get("name") or group_id),
                    "group_en": str(group.get("name_en") or group_id)}
    return {"group": str(group_id)}


def as_number(value: Any) -> float | None:
    """A finite number as float; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def finding_at(rule: str, path: tuple[str | int, ...], *, key: str | None = None,
               severity: str = "error", value: Any = None, indicator_id: str = "",
               unit_id: str = "", **params: Any) -> Issue:
    """A finding on the scheme document at a JSON path; list parameters read as 甲、乙 / a, b."""
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    for name, param in list(params.items()):
        if isinstance(param, (list, tuple, set)):  # lists read as 甲、乙 / a, b
            shown = [str(v) for v in param] or ["（无）"]
            params[name], params[f"{name}_en"] = "、".join(shown), ", ".join(shown)
    return finding(rule, key=key, severity=severity, params=params,
                   json_path=format_json_path(path), field=field, value=plain(value),
                   indicator_id=indicator_id, unit_id=unit_id)


def close(a: float, b: float) -> bool:
    """Equal within a relative tolerance (sums of decimal weights are not exact)."""
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def show(x: float) -> str:
    """A number without trailing zeros: 1.05, 100."""
    return f"{x:.6f}".rstrip("0").rstrip(".")
