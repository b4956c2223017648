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
from validators.reading.locate import CellMap
from validators.report import WARNING, Issue
from validators.rules.common import finding_at, row_where

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

# After a leading + or -: a function call (SUM(, F.DIST(: an ASCII name as Excel's are —
# letters, digits, underscores, dotted parts that start with a letter — directly before
# "("), a DDE link (cmd|' …, also after numbers and operators: 2+3+cmd|' …; an ASCII word
# directly before "|"), or a cell reference in an expression (A1+B2). "-无-", "+5%",
# "- 已完成 | 详见附件3", "+86 0906…", "-GDP增长(7.7%)", "+PM2.5(年均)" are none.
_SIGNED_FORMULA = re.compile(r"[+-]\s*(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\("
                             r"|[-+*/^&\d.\s]*[A-Za-z_][\w.]*\|"
                             r"|\$?[A-Za-z]{1,3}\$?\d+\s*(?:[-+*/^&<>=:]|$))", re.ASCII)


def looks_like_formula(text: str) -> bool:
    """Whether Excel would take the text for a formula if it were typed: "=…", "@…", or
    +/- before a function call, a DDE link or a cell reference.

    >>> [looks_like_formula(t) for t in ("=1+1", "@张三", "-无-", "+5%", "-cmd|' /C calc'!A0",
    ...                                  "-GDP增长(7.7%)受价格因素影响", "+SUM(A1:A3)")]
    [True, True, False, False, True, False, True]
    """
    text = text.lstrip()
    return text.startswith(("=", "@")) or bool(_SIGNED_FORMULA.match(text))


def text_values(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Every text of the document: within the template's limit for its field and an Excel
    cell's, and not looking like a formula."""
    limits = TEXT_LIMITS.get(str(doc.get("kind")), {})
    shortest = min((*limits.values(), EXCEL_CELL_LIMIT))
    suspects: list[tuple[tuple[str | int, ...], str]] = []
    _texts(doc, [], shortest, suspects)
    for path, text in suspects:
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


_STARTS = frozenset("=@+-")


def _texts(value: Any, path: list[str | int], shortest: int,
           out: list[tuple[tuple[str | int, ...], str]]) -> None:
    """Collect (path, text) of every text that is longer than `shortest` or starts like a
    formula; the rest (nearly all) cost a type test and a look at their first character."""
    items = value.items() if isinstance(value, Mapping) else enumerate(value)
    for key, item in items:
        kind = type(item)
        if kind is str:
            if len(item) > shortest or (item and item.lstrip()[:1] in _STARTS):
                out.append(((*path, key if isinstance(key, int) else str(key)), item))
        elif kind is dict or kind is list or isinstance(item, Mapping | list):
            path.append(key if isinstance(key, int) else str(key))
            _texts(item, path, shortest, out)
            path.pop()
