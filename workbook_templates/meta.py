"""The hidden `_meta` sheet: what a template is, for which scheme and unit, and its fingerprint.

Rows of `_meta` are ``key | value``. `layout` is JSON describing the data sheets (their
names by role, the keyed columns whose values are locked content, single input cells and
choice lists), so a reader never guesses positions. An Excel cell holds at most 32,767
characters, and the layout of a template for thousands of units is longer (the units'
drop-down labels, the not-applicable cells of a scoring sheet), so its JSON text is written
in pieces, one ``layout`` row each, joined in row order on reading and checked against the
SHA-256 in ``layout_sha256``. The fingerprint is a SHA-256 over the locked content read back
from the keyed grid (key row, key column, locked columns), so the builder and the reader
compute it with the same function from what is in the cells.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kaohe.errors import KaoheError
from validators.container.part_scan import col_letters
from workbook_templates.table_shape import table_rows

if TYPE_CHECKING:  # openpyxl is for writing; reading `_meta` does without it
    from openpyxl.workbook import Workbook

__all__ = ["META_SHEET", "LISTS_SHEET", "FORMAT_VERSION", "META_KEYS", "MAX_CELL_CHARS",
           "CellTextTooLong", "DamagedMeta", "cell_text", "split_text", "write_meta",
           "parse_meta", "locked_content", "fingerprint", "canon"]

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
#: "2": the layout in as many ``layout`` rows as it needs, with ``layout_sha256``.
FORMAT_VERSION = "2"
#: Keys of `_meta`, in the order they are written (``layout`` may take several rows).
META_KEYS = ("kind", "format_version", "scheme_id", "scheme_version", "year", "unit_id",
             "lead_department", "lang", "generated_at", "generator", "fingerprint",
             "layout_sha256", "layout")
#: Excel's limit on the text of one cell, in UTF-16 code units as Excel counts them.
MAX_CELL_CHARS = 32_767


class CellTextTooLong(KaoheError):
    """Internal: a builder tried to write more text into one cell than Excel can hold."""

    def __init__(self, sheet: str, cell: str, length: int) -> None:
        super().__init__(f"内部错误：要写入 {sheet}!{cell} 的文本有 {length} 个字符，超过 Excel "
                         f"单元格上限 {MAX_CELL_CHARS}", f"internal error: the text for "
                         f"{sheet}!{cell} has {length} characters, over Excel's "
                         f"{MAX_CELL_CHARS} per cell")
        self.sheet, self.cell, self.length = sheet, cell, length


class DamagedMeta(KaoheError):
    """The `_meta` layout of a current-format template cannot be read back (edited or cut)."""

    def __init__(self, reason: str, reason_en: str) -> None:
        super().__init__(f"模板隐藏的 _meta 工作表被改动，布局信息无法读取（{reason}）",
                         f"the template's hidden _meta sheet was changed; its layout cannot "
                         f"be read ({reason_en})")
        self.reason, self.reason_en = reason, reason_en


def _excel_length(text: str) -> int:
    """Characters as Excel counts them: UTF-16 code units (a character beyond U+FFFF is 2)."""
    return len(text.encode("utf-16-le")) // 2


def cell_text(text: str, sheet: str, row: int, column: int) -> str:
    """`text` unchanged when it fits one cell; else CellTextTooLong naming the cell.

    Every builder writes text through this, so a template can never hold a cut cell.
    """
    if len(text) > MAX_CELL_CHARS // 2 and _excel_length(text) > MAX_CELL_CHARS:
        raise CellTextTooLong(sheet, f"{col_letters(column)}{row}", _excel_length(text))
    return text


def split_text(text: str, limit: int = MAX_CELL_CHARS) -> list[str]:
    """`text` in consecutive pieces of at most `limit` Excel characters (none when empty).

    Pieces are cut between two non-blank characters where there are any: a reader may trim
    a cell's leading or trailing blanks (calamine reads a cell of blanks as empty).
    """
    pieces = []
    while text:
        end = min(len(text), limit)
        while (excess := _excel_length(text[:end]) - limit) > 0:
            end -= (excess + 1) // 2  # a code point is one or two UTF-16 units
        while 1 < end < len(text) and (text[end - 1].isspace() or text[end].isspace()):
            end -= 1
        pieces.append(text[:end])
        text = text[end:]
    return pieces


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
    """Key row, key column and locked columns of one A1-anchored grid of values.

    Rows under the table (see table_end) are not the template's: a note or a number typed
    there is reported at its cell, not as a changed fingerprint.
    """
    key_row = list(grid[0]) if grid else []
    columns = {str(k): i for i, k in enumerate(key_row) if canon(k) is not None}
    rows: list[list[Any]] = []
    for values in table_rows(grid)[1:]:
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
    # (default=str: a date typed over a `_meta` value gives another fingerprint, not a
    # TypeError; what a template holds is JSON already, so its fingerprint is unchanged)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _meta_rows(meta: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(key, value) rows of `_meta`: the layout's JSON text in as many rows as it needs."""
    layout = json.dumps(meta.get("layout"), ensure_ascii=False, sort_keys=True)
    rows: list[tuple[str, Any]] = []
    for key in META_KEYS:
        if key == "layout_sha256":
            rows.append((key, _sha256(layout)))
        elif key == "layout":
            rows += [(key, piece) for piece in split_text(layout)]
        else:
            rows.append((key, meta.get(key)))
    return rows


def write_meta(wb: Workbook, meta: Mapping[str, Any], password: str | None) -> None:
    """Add the hidden, protected `_meta` sheet (last in the workbook)."""
    from workbook_templates.styles import STYLES, protect

    ws = wb.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(_meta_rows(meta), start=1):
        ws.cell(row, 1, key)
        cell = ws.cell(row, 2)
        if isinstance(value, str):
            value = cell_text(value, META_SHEET, row, 2)
        cell.value = "" if value is None else value
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text
        STYLES["meta"].apply(cell)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 80
    ws.sheet_state = "hidden"
    protect(ws, password)


def parse_meta(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """`_meta` rows (as read) -> dict; `layout` joined from its rows and parsed, `year` as int.

    A current-format layout that is cut, reordered or edited (its SHA-256 differs) raises
    DamagedMeta; a template of another format version keeps a layout it cannot parse as
    None, so the caller's format-version finding is what the clerk sees.
    """
    meta: dict[str, Any] = {}
    pieces: list[str] = []
    for values in rows:
        if len(values) >= 2 and isinstance(values[0], str) and values[0]:
            if values[0] == "layout":
                pieces.append("" if values[1] is None else str(values[1]))
            else:
                meta[values[0]] = values[1]
    year = meta.get("year")
    if isinstance(year, float) and year.is_integer():
        meta["year"] = int(year)
    elif isinstance(year, str) and year.strip().isdigit():
        meta["year"] = int(year)
    for key in ("scheme_version", "format_version"):
        value = meta.get(key)
        if isinstance(value, float) and value.is_integer():
            meta[key] = str(int(value))
    if pieces or "layout_sha256" in meta:
        meta["layout"] = _layout("".join(pieces), meta)
    return meta


def _layout(text: str, meta: Mapping[str, Any]) -> Any:
    """The layout parsed from its joined JSON text (see parse_meta)."""
    current = str(meta.get("format_version")) == FORMAT_VERSION
    if current and meta.get("layout_sha256") != _sha256(text):
        raise DamagedMeta("校验值不符", "its check value does not match")
    if not text:
        return text
    try:
        return json.loads(text)
    except ValueError as exc:
        if current:
            raise DamagedMeta(f"JSON 有误：{exc}", f"bad JSON: {exc}") from exc
        return None
