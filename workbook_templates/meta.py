"""The hidden `_meta` sheet: what a template is, for which scheme and unit, and its fingerprint.

Rows of `_meta` are ``key | value``. `layout` is JSON describing the data sheets (their
names by role, the keyed columns whose values are locked content, single input cells and
choice lists), so a reader never guesses positions. The fingerprint is a SHA-256 over the
locked content read back from the keyed grid (key row, key column, locked columns), so the
builder and the reader compute it with the same function from what is in the cells.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl.workbook import Workbook

from workbook_templates.styles import STYLES, protect

__all__ = ["META_SHEET", "LISTS_SHEET", "FORMAT_VERSION", "META_KEYS", "write_meta",
           "parse_meta", "locked_content", "fingerprint", "canon"]

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
FORMAT_VERSION = "1"
#: Keys of `_meta`, in the order they are written.
META_KEYS = ("kind", "format_version", "scheme_id", "scheme_version", "year", "unit_id",
             "lead_department", "lang", "generated_at", "generator", "fingerprint", "layout")


def canon(value: Any) -> Any:
    """A value as the fingerprint sees it: numbers by repr of their float, blanks as None."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = float(value)
        return repr(number) if math.isfinite(number) else str(number)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def locked_content(grid: Sequence[Sequence[Any]], locked: Sequence[str]) -> dict[str, Any]:
    """Key row, key column and locked columns of one A1-anchored grid of values."""
    key_row = list(grid[0]) if grid else []
    columns = {str(k): i for i, k in enumerate(key_row) if canon(k) is not None}
    rows: list[list[Any]] = []
    for values in grid[1:]:
        if not values or canon(values[0]) is None:
            continue
        if str(values[0]).startswith(("@", "#")):  # header, subtotal and heading rows
            rows.append([str(values[0])])
            continue
        picked = [canon(values[columns[c]]) if c in columns and columns[c] < len(values)
                  else None for c in locked]
        rows.append([str(values[0]), *picked])
    return {"columns": list(columns), "rows": rows}


def fingerprint(header: Mapping[str, Any], sheets: Mapping[str, Mapping[str, Any]]) -> str:
    """SHA-256 (hex) of the template's identity and the locked content of its data sheets."""
    payload = {"kind": header.get("kind"), "scheme_id": header.get("scheme_id"),
               "scheme_version": str(header.get("scheme_version")),
               "year": canon(header.get("year")), "unit_id": header.get("unit_id") or None,
               "lead_department": header.get("lead_department") or None,
               "sheets": {role: sheets[role] for role in sorted(sheets)}}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_meta(wb: Workbook, meta: Mapping[str, Any], password: str | None) -> None:
    """Add the hidden, protected `_meta` sheet (last in the workbook)."""
    ws = wb.create_sheet(META_SHEET)
    for row, key in enumerate(META_KEYS, start=1):
        value = meta.get(key)
        if key == "layout":
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        ws.cell(row, 1, key)
        cell = ws.cell(row, 2)
        cell.value = "" if value is None else value
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text
        STYLES["meta"].apply(cell)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 80
    ws.sheet_state = "hidden"
    protect(ws, password)


def parse_meta(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """`_meta` rows (as read) -> dict; `layout` parsed from JSON, `year` as int."""
    meta: dict[str, Any] = {}
    for values in rows:
        if len(values) >= 2 and isinstance(values[0], str) and values[0]:
            meta[values[0]] = values[1]
    if isinstance(meta.get("layout"), str) and meta["layout"]:
        meta["layout"] = json.loads(meta["layout"])
    year = meta.get("year")
    if isinstance(year, float) and year.is_integer():
        meta["year"] = int(year)
    elif isinstance(year, str) and year.strip().isdigit():
        meta["year"] = int(year)
    for key in ("scheme_version", "format_version"):
        value = meta.get(key)
        if isinstance(value, float) and value.is_integer():
            meta[key] = str(int(value))
    return meta
