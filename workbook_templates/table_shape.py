"""What the builders put where in a keyed table: where it ends, which columns hold formulas,
which sheets end with a signature line, which kinds are registers.

Readers and validators take these facts from here, never from a submitted workbook (a
clerk may have typed a formula into an input cell, or a note under the table).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FORMULA_COLUMNS", "SIGNED", "SIGNATURE_GAP", "REGISTERS", "row_key", "table_end",
           "table_rows", "keyed_columns", "formula_column", "last_key_column",
           "inserted_columns"]

#: Column keys whose data-row cells the builders write as formulas (or, where a method has
#: no formula, a label such as 由考核办计算), by template kind and sheet role. A key starting
#: with "." is a suffix: ".points" is every indicator's ``C01.points``.
FORMULA_COLUMNS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "unit_report": {"items": ("points",)},
    "lead_scores": {"scores": (".points",)},
    "routine": {"routine": ("average",)},
    "ballots": {"conduct": ("valid", "score"), "satisfaction": ("answers", "score")},
    "adjustments": {},
    "roster": {},
    "cadre_ballots": {"team": ("valid", "check"), "cadres": ("valid", "check"),
                      "routine": ("person", "average")},
}
#: (kind, role) of the sheets that print a signature line in column B, SIGNATURE_GAP rows
#: under the table's last row.
SIGNED = frozenset({("unit_report", "items"), ("lead_scores", "scores"),
                    ("adjustments", "events"), ("routine", "routine"), ("roster", "people")})
SIGNATURE_GAP = 2
#: Kinds whose every row is an event: a row typed outside the table is lost data.
REGISTERS = frozenset({"adjustments"})
#: A row key as builders write them (ids are ASCII: C04, altay_city|peers, event:3, @subtotal).
_KEY = re.compile(r"[@#]?[A-Za-z][\w.:|@#-]*", re.ASCII)
#: Keys after which the table has no more rows.
_LAST = frozenset({"@subtotal"})


def row_key(values: Sequence[Any]) -> str:
    """The text key in column A of one row ("" when there is none)."""
    key = values[0] if values else None
    return key if isinstance(key, str) else ""


def table_end(rows: Sequence[Sequence[Any]]) -> int:
    """The 1-based last row of the keyed table (0 when it has no keyed rows).

    The table is the run of keyed rows under the @header rows; rows inserted into it (no
    key) do not end it, but a key after such rows must look like one a builder writes:
    a number or a note typed in the hidden column A under the table is not part of it.

    >>> table_end([["kaohe:key"], ["@header"], [""], ["C04"], [""], ["C05"], ["@subtotal"],
    ...            [""], ["备注"], ["C06"]])
    7
    """
    # Several checks ask of one sheet's rows: the answer is kept for the last few lists.
    known = _ENDS.get(id(rows))
    if known is not None and known[0] is rows and known[1] == len(rows):
        return known[2]
    end = _table_end(rows)
    if len(_ENDS) >= 16:
        _ENDS.clear()
    _ENDS[id(rows)] = (rows, len(rows), end)
    return end


_ENDS: dict[int, tuple[Sequence[Sequence[Any]], int, int]] = {}


def _table_end(rows: Sequence[Sequence[Any]]) -> int:
    end, gap, closed = 0, False, False
    for index in range(1, len(rows)):
        key = row_key(rows[index])
        if not key:
            gap = gap or end > 0
            continue
        if end == 0 and key.startswith("@header"):
            continue
        if closed or (gap and not _KEY.fullmatch(key)):
            break
        end, gap, closed = index + 1, False, key in _LAST
    return end


def table_rows(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """The rows from the top down to the keyed table's last (all of them when it has none)."""
    return rows[:table_end(rows) or len(rows)]


def keyed_columns(rows: Sequence[Sequence[Any]]) -> dict[str, int]:
    """Column key (the key row's text, "target", "C01.points") -> its 1-based column."""
    head = rows[0] if rows else []
    return {str(k): i + 1 for i, k in enumerate(head) if i > 0 and isinstance(k, str) and k}


def last_key_column(head: Sequence[Any]) -> int:
    """The 1-based column of the last column key in the key row (row 1)."""
    return max((i + 1 for i, k in enumerate(head) if i > 0 and isinstance(k, str) and k),
               default=0)


def inserted_columns(head: Sequence[Any]) -> list[int]:
    """Columns without a key between keyed columns of the key row: a clerk inserted them
    (every template keys each column from B to its last)."""
    return [c for c in range(2, last_key_column(head))
            if not (c - 1 < len(head) and isinstance(head[c - 1], str) and head[c - 1])]


def heading_row(rows: Sequence[Sequence[Any]]) -> int:
    """The 1-based row of the printed column headings: the one just above the table's first
    keyed row that is not a header row (0 when there is none).

    >>> heading_row([["kaohe:key"], [""], ["@header"], [""], ["C01"], ["C02"]])
    4
    """
    for index, values in enumerate(rows[1:table_end(rows)], start=1):
        key = values[0] if values else ""
        if key and not str(key).startswith("@header"):
            return index if index >= 2 else 0
    return 0


def formula_column(kind: str, role: str, key: str) -> bool:
    """Whether the builders write formulas in data rows of column `key` of that sheet."""
    for wanted in FORMULA_COLUMNS.get(kind, {}).get(role, ()):
        if key == wanted or (wanted.startswith(".") and key.endswith(wanted)):
            return True
    return False
