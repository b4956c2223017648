"""The 未计分 sheet of the results workbook: what could not be used, and why.

Sections: files rejected by validation (with their first error), duplicates not used
(which file was used, on what basis, whether they differ), submissions not received in a
usable form ("未报送" only when nothing came; "已报送但未通过校验" when the unit's file was
rejected), and the units that could therefore not be scored. Written from the record a
consolidation keeps in the results, so `kaohe results-book` reproduces it from the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.workbook import Workbook

from outputs.labels import DOC_KIND, pick
from outputs.style import (
    fit_row,
    group_label,
    print_setup,
    put,
    put_row,
    unit_label,
)

__all__ = ["write_not_scored_sheet"]


def write_not_scored_sheet(book: Any, wb: Workbook,
                           rejected: Sequence[Mapping[str, Any]] | None,
                           missing: Sequence[Mapping[str, Any]] | None) -> None:
    """The 未计分 sheet of the results workbook `book` (a results_book._Book).

    `rejected` and `missing` default to the record in the results (results["submissions"]).
    """
    T, en = book.T, book.lang == "en"
    ws = book.sheet(wb, T("sheet_not_scored"), "#7F7F7F")
    widths = [34, 24, 72, 8]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    row = book.heading(ws, 3, T("not_scored_title", title=book.title), T("not_scored_sub"),
                       sum(widths))
    for title, head, rows in _blocks(book, rejected, missing):
        put(ws, row, 0, f"{title} ({len(rows)})" if en else f"{title}（{len(rows)}）",
            book.st, "section")
        row += 1
        put_row(ws, row, 0, head, book.st, "header")
        for values in rows or [[T("none")] + [None] * (len(head) - 1)]:
            row += 1
            # as many bordered cells as the section has columns: no empty ones
            put_row(ws, row, 0, values, book.st, (["text_wrap"] * 3 + ["int"])[:len(values)])
            fit_row(ws, row, [(v, w) for v, w in zip(values, widths, strict=False)
                              if isinstance(v, str)])
        row += 2
    print_setup(ws, header_rows=None, last_col=3, last_row=row, footer=book.title)


def _blocks(book: Any, rejected: Sequence[Mapping[str, Any]] | None,
            missing: Sequence[Mapping[str, Any]] | None
            ) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The sections of the sheet: (title, header, rows)."""
    T, lang = book.T, book.lang
    record = book.results.get("submissions") or {}
    rejected = record.get("rejected", []) if rejected is None else rejected
    missing = record.get("missing", []) if missing is None else missing
    groups = {g["id"]: g for g in book.groups}

    def said(x: Mapping[str, Any]) -> Any:
        return (x.get("reason_en") if lang == "en" else None) or x.get("reason")

    def who(x: Mapping[str, Any]) -> str:
        if not (x.get("unit_id") or x.get("unit_name")) and x.get("probable_unit_id"):
            # a file that cannot say whose it is, named for a unit: as the console says it
            name = (x.get("probable_unit_name_en") if lang == "en" else None) or x.get(
                "probable_unit_name")
            return str(T("probable_owner", name=name))
        return unit_label(x, lang) if x.get("unit_id") or x.get("unit_name") else "—"

    def state(x: Mapping[str, Any]) -> str:
        if x.get("status") == "unidentified":
            return str(T("submitted_unidentified", file=x.get("file", "")))
        return str(T("submitted_rejected" if x.get("status") == "rejected" else "not_submitted"))

    return [
        (T("rejected"), [T("file"), T("unit"), T("reject_reason"), T("findings")],
         [[x.get("file"), who(x), said(x), x.get("findings", x.get("errors"))]
          for x in rejected]),
        (T("duplicates"), [T("file"), T("unit"), T("duplicate_why")],
         [[x.get("file"), who(x), said(x)] for x in record.get("duplicates") or []]),
        (T("missing"), [T("kind"), T("unit"), T("missing_what")],
         [[pick(DOC_KIND, x.get("kind"), lang), who(x), state(x)] for x in missing]),
        (T("unscored_units"), [T("unit"), T("group"), T("reject_reason")],
         [[unit_label(x, lang), group_label(groups.get(x.get("group"), {"id": x.get("group")}),
                                            lang), said(x)]
          for x in book.results.get("not_scored") or []]),
    ]
