"""Plain-text tables that line up with Chinese characters (two columns wide in a terminal)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["width", "table"]


def width(text: str) -> int:
    """Display width: wide and full-width characters count twice.

    >>> width("阿勒泰市 89.27")
    14
    """
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A left-aligned text table with a rule under the headers."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    sized = [[(c, width(c)) for c in row] for row in cells]  # each cell measured once
    widths = [max(row[i][1] for row in sized) for i in range(len(headers))]

    def line(row: Sequence[tuple[str, int]]) -> str:
        return "  ".join(c + " " * (w - n)
                         for (c, n), w in zip(row, widths, strict=True)).rstrip()

    out = [line(sized[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in sized[1:]]
    return "\n".join(out)
