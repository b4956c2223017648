"""Checks of the free text clerks type: longer than the template allows, longer than an Excel
cell holds, or looking like a formula.

Text is never cut and never run: an overlong remark is kept whole (and named, with its
length), and text such as ``=HYPERLINK(…)`` is stored and written back as text only — the
finding tells the clerk so, and the office sees that someone typed it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from kaohe.engine.model import Scheme
from validators.checks_common import finding_at, row_where
from validators.locate import CellMap
from validators.report import WARNING, Issue

__all__ = ["TEXT_LIMITS", "EXCEL_CELL_LIMIT", "looks_like_formula", "text_values"]

#: The most characters an Excel cell holds.
EXCEL_CELL_LIMIT = 32767
#: The templates' own length limit (their data validation) of each free-text field, by kind
#: (a test reads them from the built templates).
TEXT_LIMITS: dict[str, dict[str, int]] = {
    "unit_report": {"contact": 30, "phone": 30, "evidence": 500, "remarks": 500},
    "lead_scores": {"remarks": 300},
    "adjustments": {"id": 20, "reason": 300, "evidence": 300, "approver": 100},
}

# After a leading + or -: a function call (SUM(, HYPERLINK(), a DDE link (cmd|' …), or a
# cell reference in an expression (A1+B2). "-无-", "- 已完成", "+5%", "+86 0906…" are none.
_SIGNED_FORMULA = re.compile(r"[+-]\s*(?:[A-Za-z_][\w.]*\s*\(|[^|]*\|"
                             r"|\$?[A-Za-z]{1,3}\$?\d+\s*(?:[-+*/^&<>=:]|$))")


def looks_like_formula(text: str) -> bool:
    """Whether Excel would take the text for a formula if it were typed: "=…", "@…", or
    +/- before a function call, a DDE link or a cell reference.

    >>> [looks_like_formula(t) for t in ("=1+1", "@张三", "-无-", "+5%", "-cmd|' /C calc'!A0")]
    [True, True, False, False, True]
    """
    text = text.lstrip()
    return text.startswith(("=", "@")) or bool(_SIGNED_FORMULA.match(text))


def text_values(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Every text of the document: within the template's limit for its field and an Excel
    cell's, and not looking like a formula."""
    limits = TEXT_LIMITS.get(str(doc.get("kind")), {})
    for path, text in _texts(doc, ()):
        field = str(path[-1])
        length = len(text)
        if length > EXCEL_CELL_LIMIT:
            yield finding_at("text-over-excel-limit", path, cell_map, length=length,
                             limit=EXCEL_CELL_LIMIT, **row_where(doc, path, scheme))
        elif field in limits and length > limits[field]:
            yield finding_at("text-too-long", path, cell_map, severity=WARNING, length=length,
                             limit=limits[field], **row_where(doc, path, scheme))
        if looks_like_formula(text):
            yield finding_at("formula-like-text", path, cell_map, severity=WARNING,
                             value=text[:200], start=text.lstrip()[:1],
                             **row_where(doc, path, scheme))


def _texts(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        if path:
            yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))
