"""The 历年趋势 sheet of the results workbook: each unit's published total, rank and grade over
the last years (from the history database, results["trends"]), per group, with a small line
chart of the totals per group. Only published years are shown; a year published again on a
later revision (an upheld appeal) is marked *.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.workbook import Workbook

from outputs.style import (
    Labels,
    grade_label,
    group_label,
    print_setup,
    put,
    unit_label,
)

__all__ = ["write_trends_sheet", "TREND_LABELS", "trend_rows"]

TREND_LABELS: dict[str, tuple[str, str]] = {
    "sheet": ("历年趋势", "Trends"),
    "title": ("{title} — 近年考核结果", "{title} — results over the years"),
    "subtitle": ("{first}—{last} 年已发布的结果（总分、组内名次、等次）；带 * 的年度经申诉复核后按"
                 "修订结果重新发布", "published results {first}–{last} (total, rank in group, "
                 "grade); * a year published again on a later revision"),
    "unit": ("单位", "Unit"), "total": ("总分", "Total"), "rank": ("名次", "Rank"),
    "grade": ("等次", "Grade"), "year": ("{year}年", "{year}"),
    "revised": ("{year}年*", "{year}*"),
    "chart": ("{group}：历年组内名次", "{group}: rank in group by year"),
    "none": ("无", "—"),
}

_UNIT_W, _NUM_W, _GRADE_W = 20.0, 7.0, 6.5


def trend_rows(results: Mapping[str, Any], unit_id: str) -> list[Mapping[str, Any]]:
    """One unit's published years, oldest first (empty without a history database)."""
    trends = results.get("trends") or {}
    return list((trends.get("units") or {}).get(unit_id) or [])


def write_trends_sheet(book: Any, wb: Workbook) -> None:
    """Add the trends sheet to the results workbook `book` (a results_book._Book), when the
    results carry published years; otherwise nothing."""
    trends = book.results.get("trends") or {}
    years = [int(y) for y in trends.get("years") or []]
    if not years:
        return
    T = Labels(TREND_LABELS, book.lang)
    ws = book.sheet(wb, T("sheet"), "#548235")
    revised = {p["year"] for rows in (trends.get("units") or {}).values() for p in rows
               if p.get("revised")}
    last = 1 + 3 * len(years) - 1
    ws.set_column(0, 0, _UNIT_W)
    for j in range(len(years)):
        ws.set_column(1 + 3 * j, 2 + 3 * j, _NUM_W)
        ws.set_column(3 + 3 * j, 3 + 3 * j, _GRADE_W)
    width = _UNIT_W + len(years) * (2 * _NUM_W + _GRADE_W)
    row = book.heading(ws, last, T("title", title=book.title),
                       T("subtitle", first=years[0], last=years[-1]), width)
    data_col = last + 3   # chart data, right of the printed area
    starts = []
    for group in book.groups:
        units = book.by_group[group["id"]]
        if not units:
            continue
        starts.append(row)
        row = _group_table(book, ws, T, group, units, years, revised, row, data_col)
        row = _chart(book, wb, ws, T, group, units, years, row, data_col, width)
    print_setup(ws, header_rows=None, last_col=last, last_row=row, footer=book.title,
                repeat_cols=1)
    ws.set_h_pagebreaks(starts[1:])   # a group (its table and chart) a page


def _group_table(book: Any, ws: Any, T: Labels, group: Mapping[str, Any],
                 units: Sequence[Mapping[str, Any]], years: Sequence[int], revised: set[int],
                 row: int, data_col: int) -> int:
    st, last = book.st, 3 * len(years)
    ws.merge_range(row, 0, row, last, group_label(group, book.lang), st("section"))
    row += 1
    ws.merge_range(row, 0, row + 1, 0, T("unit"), st("header"))
    for j, year in enumerate(years):
        label = T("revised" if year in revised else "year", year=year)
        ws.merge_range(row, 1 + 3 * j, row, 3 + 3 * j, label, st("header"))
        for k, key in enumerate(("total", "rank", "grade")):
            put(ws, row + 1, 1 + 3 * j + k, T(key), st, "header")
    put(ws, row + 1, data_col, T("unit"), st, "plain")
    for j, year in enumerate(years):
        put(ws, row + 1, data_col + 1 + j, year, st, "plain")
    row += 2
    for u in units:
        points = {p["year"]: p for p in trend_rows(book.results, u["unit_id"])}
        put(ws, row, 0, unit_label(u, book.lang), st, "text")
        put(ws, row, data_col, unit_label(u, book.lang), st, "plain")
        for j, year in enumerate(years):
            p = points.get(year)
            if p is None:
                for k in range(3):
                    put(ws, row, 1 + 3 * j + k, "—", st, "na")
                continue
            grade = grade_label(p.get("grade"), book.lang) + ("*" if p.get("revised") else "")
            put(ws, row, 1 + 3 * j, p.get("total"), st, "num")
            put(ws, row, 2 + 3 * j, f"{p.get('rank')}/{p.get('group_size')}", st, "text_c")
            put(ws, row, 3 + 3 * j, grade, st, "text_c")
            put(ws, row, data_col + 1 + j, p.get("rank"), st, "plain")
        row += 1
    return row + 1


def _chart(book: Any, wb: Workbook, ws: Any, T: Labels, group: Mapping[str, Any],
           units: Sequence[Mapping[str, Any]], years: Sequence[int], row: int,
           data_col: int, width: float) -> int:
    """A small line chart of the group's ranks by year (rank 1 on top), one line a unit."""
    first = row - 1 - len(units)   # the group's first unit row
    chart = wb.add_chart({"type": "line"})
    name = ws.get_name()
    for i in range(len(units)):
        r = first + i
        chart.add_series({"name": [name, r, data_col],
                          "categories": [name, first - 1, data_col + 1, first - 1,
                                         data_col + len(years)],
                          "values": [name, r, data_col + 1, r, data_col + len(years)],
                          "marker": {"type": "circle", "size": 4}})
    font = {"name": "宋体", "size": 10}
    chart.set_title({"name": T("chart", group=group_label(group, book.lang)),
                     "name_font": {"name": "黑体", "size": 11, "bold": True}})
    chart.set_x_axis({"num_font": font})
    chart.set_y_axis({"num_font": font, "reverse": True, "min": 1, "max": len(units),
                      "major_unit": 1, "major_gridlines": {"visible": True,
                                                           "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "right", "font": font})
    chart.set_size({"width": int(width * 7 * 0.8), "height": 230})
    ws.insert_chart(row, 0, chart, {"x_offset": 4, "y_offset": 2})
    return row + 13
