"""The <group>指标得分 sheet of the results workbook: units × indicators, printed to be read.

Indicators are ordered by category (as the scheme first names each) under a merged category
row; a reader sees indicator names, never ids. Printed at 100 % on A4 landscape: the columns
are cut into pages between categories (a category wider than a page is cut where the page
ends), the rank and unit columns and the header rows repeat on every page, so no page
shrinks below the 10 pt the sheet is written in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.workbook import Workbook

from outputs.style import (
    LANDSCAPE_PIXELS,
    column_pixels,
    group_label,
    print_setup,
    put,
    put_row,
    text_lines,
    unit_label,
)

__all__ = ["write_points_sheet", "by_category", "page_breaks"]


def by_category(indicators: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[int]]]:
    """(category, positions of its indicators), categories in the order first named."""
    order: dict[str, list[int]] = {}
    for i, ind in enumerate(indicators):
        order.setdefault(str(ind.get("category") or ""), []).append(i)
    return list(order.items())


def page_breaks(widths: Sequence[float], groups: Sequence[int], fixed: Sequence[float],
                room: int = LANDSCAPE_PIXELS) -> list[int]:
    """Columns (0-based, of `widths`) that start a new printed page: categories of
    `groups` columns each are kept together while they fit beside the repeated columns of
    widths `fixed`; a category wider than a page is cut where the page ends."""
    breaks, used, col = [], sum(column_pixels(w) for w in fixed), 0
    used0 = used
    for size in groups:
        need = sum(column_pixels(w) for w in widths[col:col + size])
        if used + need > room and used > used0:
            breaks.append(col)
            used = used0
        for w in widths[col:col + size]:
            if used + column_pixels(w) > room and used > used0:
                breaks.append(col)
                used = used0
            used += column_pixels(w)
            col += 1
    return breaks


def write_points_sheet(book: Any, wb: Workbook, group: Mapping[str, Any],
                       units: list[dict[str, Any]]) -> None:
    """The points sheet of one group in the results workbook `book` (a results_book._Book)."""
    T, en = book.T, book.lang == "en"
    gname = group_label(group, book.lang)
    # Sheet names are cut at 31 characters: English ones use the group's short id.
    ws = book.sheet(wb, T("sheet_points", group=gname if not en else group["id"]), "#C55A11")
    first = list(units[0]["indicators"]) if units else []
    cats = by_category(first)
    order = [i for _, idx in cats for i in idx]
    indicators = [first[i] for i in order]
    width = 10.5 if en else 8.5   # English words must not break mid-word
    cols = [(T("rank"), 5.5), (T("unit"), 20)]
    cols += [(book.indicator_name(ind), width) for ind in indicators]
    cols += [(T("points_sum"), 8), (T("lost_sum"), 8)]
    last = len(cols) - 1
    sizes = [len(idx) for _, idx in cats] + [2]
    breaks = [2 + b for b in page_breaks([w for _, w in cols[2:]], sizes, (5.5, 20.0))]
    # The title spans the first printed page's indicators (the rank and unit columns repeat
    # on every page: a title there would print cut on each); every page has it in its header.
    span, start = ((breaks[0] - 1), 2) if breaks else (last, 0)
    title = T("points_title", group=gname)
    top = book.heading(ws, span, title, T("points_legend"),
                       sum(w for _, w in cols[start:span + 1]), first_col=start)
    # the category row over the indicators' names
    put(ws, top, 0, "", book.st, "header")
    put(ws, top, 1, T("ind_category"), book.st, "header")
    col = 2
    for name, idx in cats:
        label = _category(name, en)
        if len(idx) > 1:
            ws.merge_range(top, col, top, col + len(idx) - 1, "", book.st("header"))
        put(ws, top, col, label, book.st, "header")
        col += len(idx)
    ws.merge_range(top, col, top, last, "", book.st("header"))
    book.header(ws, top + 1, cols)
    lines = max(text_lines(text, w) for text, w in cols)
    ws.set_row(top + 1, max(32, 13.5 * lines + 4))
    full = top + 2
    put_row(ws, full, 0, ["", T("full_score")], book.st, "full")
    put_row(ws, full, 2, [ind["full_score"] for ind in indicators], book.st, "full")
    put_row(ws, full, 2 + len(indicators),
            [sum(i["full_score"] for i in indicators), ""], book.st, "full")
    for n, u in enumerate(units):
        _unit_row(book, ws, full + 1 + n, u, order, len(indicators))
    ws.freeze_panes(full + 1, 2)
    print_setup(ws, header_rows=(top, full), last_col=last, last_row=full + len(units),
                footer=book.title, fit_width=False)
    ws.repeat_columns(0, 1)
    if breaks:
        ws.set_v_pagebreaks(breaks)
        safe = title.replace("&", "&&")
        ws.set_header(f'&C&"黑体,Bold"&12{safe}', {"margin": 0.2})


def _category(name: str, en: bool) -> str:
    if not en:
        return name or "—"
    from kaohe.labels import word_en

    return word_en(name) if name else "—"


def _unit_row(book: Any, ws: Any, row: int, u: Mapping[str, Any], order: Sequence[int],
              count: int) -> None:
    strong = {g.get("indicator_id") for g in u.get("gates") or []
              if g.get("gate") == "region-loss"}
    put(ws, row, 0, u.get("rank"), book.st, "int")
    put(ws, row, 1, unit_label(u, book.lang), book.st, "text")
    got = lost = 0.0
    for j, i in enumerate(order):
        ind = u["indicators"][i]
        if not ind.get("applicable", True):
            put(ws, row, 2 + j, "—", book.st, "na")
            continue
        got, lost = got + ind["points"], lost + ind["lost"]
        style = ("loss_strong" if ind["indicator_id"] in strong else
                 "loss" if round(ind["lost"], 2) > 0 else "pts_full")
        put(ws, row, 2 + j, round(ind["points"], 2), book.st, style)
    put_row(ws, row, 2 + count, [round(got, 2), round(lost, 2)], book.st,
            ["pts", "loss" if round(lost, 2) > 0 else "pts"])
