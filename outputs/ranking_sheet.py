"""The ranking sheet of one group in the results workbook: rank, unit, total, grade and why it
moved, top-grade eligibility and the gates hit, component scores, bonus, deduction, change
against last year; a bar chart of totals and a stacked chart of the weighted components.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kaohe.labels import follow_up_text
from outputs.style import (
    column_pixels,
    first_page_columns,
    fit_row,
    grade_label,
    group_label,
    print_setup,
    put,
    put_row,
    unit_label,
)

__all__ = ["write_ranking_sheet"]


def write_ranking_sheet(book: Any, wb: Workbook, group: Mapping[str, Any],
                        units: list[dict[str, Any]]) -> None:
    """The ranking sheet of one group in the results workbook `book` (a results_book._Book)."""
    T = book.T
    ws = book.sheet(wb, group_label(group, book.lang), "#2E75B6")
    en = book.lang == "en"   # English words need wider columns than Chinese ones
    cols: list[tuple[str, float]] = [(T("rank"), 5.5), (T("unit"), 20), (T("total"), 8),
                                     (T("grade"), 11 if en else 7),
                                     (T("eligible"), 10 if en else 7)]
    cols += [(book.comp_name(c), 12 if en else 8) for c in book.comps]
    cols += [(T("bonus"), 9 if en else 6.5), (T("deduction"), 9 if en else 6.5)]
    if book.has_history:
        cols += [(T("prev_total"), 8), (T("total_change"), 8), (T("prev_rank"), 6.5),
                 (T("rank_change"), 6.5)]
    stability = _stability(book, group)
    if stability:
        cols.append((T("stability"), 30 if en else 24))
    cols.append((T("remarks"), 40))
    last = len(cols) - 1
    # Printed at no less than MIN_PRINT_SCALE: columns that do not fit the first page go on
    # the next (rank and unit repeated); the title and charts keep to the first page.
    cut = first_page_columns([w for _, w in cols])
    span = cut - 1 if cut <= last else last
    top = book.heading(ws, span, T("ranking_title", title=book.title, group=group_label(
        group, book.lang)), _subtitle(book, group, units), sum(w for _, w in cols[:span + 1]))
    book.header(ws, top, cols)
    grades = list(book.results.get("grades") or [])
    for i, u in enumerate(units):
        row = top + 1 + i
        grade = u.get("grade")
        gstyle = ("grade_top" if grades and grade == grades[0] else
                  "grade_low" if grades and grade == grades[-1] else "text_c")
        eligible = u.get("top_grade_eligible", True)
        values: list[Any] = [u.get("rank"), unit_label(u, book.lang), u.get("total"),
                             grade_label(grade, book.lang), T("yes") if eligible else T("no")]
        styles = ["int", "text", "num_b", gstyle, "text_c" if eligible else "text_warn"]
        values += [u["components"].get(c["id"]) for c in book.comps]
        styles += ["num"] * len(book.comps)
        values += [u.get("bonus") or 0.0, u.get("deduction") or 0.0]
        styles += ["num", "num"]
        if book.has_history:
            h = u.get("history") or {}
            values += [h.get("previous_total"), h.get("total_change"), h.get("previous_rank"),
                       h.get("rank_change")]
            styles += ["num", "delta", "int", "delta_i"]
        if stability:
            entry = stability.get(str(u.get("unit_id")))
            values.append(_phrase(book, entry) if entry else None)
            styles.append("text_wrap")
        values.append(_remarks(book, u))
        styles.append("text_wrap")
        put_row(ws, row, 0, values, book.st, styles)
        fit_row(ws, row, [(values[-1], cols[-1][1])])
    end = top + len(units)
    ws.freeze_panes(top + 1, 2)
    ws.autofilter(top, 0, max(end, top), last)
    chart_row = end + 2
    if stability:  # the group's sentence, a blank row below the table (filters stop there)
        from kaohe.analysis.stability import group_sentence

        sentence = group_sentence(book.results, group["id"], book.lang)
        # across the first printed page's columns, like the title
        ws.merge_range(end + 2, 0, end + 2, span, "", book.st("text_wrap"))
        colon = ": " if en else "："
        put(ws, end + 2, 0, f"{T('stability')}{colon}{sentence}", book.st, "text_wrap")
        fit_row(ws, end + 2, [(sentence, sum(w for _, w in cols[:span + 1]))])
        chart_row = end + 4
    _charts(book, wb, ws, units, top, cols[:span + 1], chart_row, data_col=len(cols) + 1)
    rows_for_charts = max(16, len(units) + 6)
    print_setup(ws, header_rows=(top, top), last_col=last,
                last_row=chart_row + rows_for_charts, footer=book.title, repeat_cols=2)
    if cut <= last:
        ws.set_v_pagebreaks([cut])


def _subtitle(book: Any, group: Mapping[str, Any], units: Sequence[Any]) -> str:
    """综合排名（4 个单位）, saying how many of the group's units could not be scored."""
    unscored = book.unscored_n.get(group["id"], 0)
    if unscored:
        return book.T("ranking_subtitle_unscored", n=len(units), m=unscored)
    return book.T("ranking_subtitle", n=len(units))


def _stability(book: Any, group: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The group's rank-stability entries by unit id ({} when the results have none)."""
    section = book.results.get("stability") or {}
    found = next((g for g in section.get("groups", []) if g["group"] == group["id"]), None)
    return {e["unit_id"]: e for e in found["units"]} if found else {}


def _phrase(book: Any, entry: Mapping[str, Any]) -> str:
    from kaohe.analysis.stability import unit_phrase

    return unit_phrase(entry, book.lang, grade_label(entry["grade"], "en"))


def _remarks(book: Any, u: Mapping[str, Any]) -> str:
    T, en = book.T, book.lang == "en"
    lines = [T("grade_moved", src=grade_label(n.get("from"), book.lang),
               dst=grade_label(n.get("to"), book.lang),
               why=n.get("reason_en") if en else n.get("reason"))
             for n in u.get("grade_notes") or []]
    lines += [str((g.get("reason_en") if en else None) or g.get("reason", ""))
              for g in [*(u.get("gates") or []), *(u.get("waived_gates") or [])]]
    lines += [follow_up_text(f, en) for f in u.get("follow_ups") or []]
    lines += list((u.get("notes_en") if en else u.get("notes")) or [])
    h = u.get("history") or {}
    if h.get("three_consecutive_top"):
        lines.append(T("three_top"))
    if h.get("previous_grade"):
        lines.append(T("prev_grade", year=h.get("previous_year", ""),
                       grade=grade_label(h["previous_grade"], book.lang)))
    return "\n".join(line for line in lines if line)


def _charts(book: Any, wb: Workbook, ws: Worksheet, units: list[dict[str, Any]], top: int,
            cols: Sequence[tuple[str, float]], chart_row: int, data_col: int) -> None:
    if not units:
        return
    T, name = book.T, ws.get_name()
    first, end = top + 1, top + len(units)
    # the two charts side by side across the first printed page's columns
    width = int(sum(column_pixels(w) for _, w in cols) / 9.6 * 7.0)
    height = min(4000, max(300, 22 * len(units) + 110))
    bars = wb.add_chart({"type": "bar"})
    bars.add_series({"name": T("total"), "categories": [name, first, 1, end, 1],
                     "values": [name, first, 2, end, 2], "fill": {"color": "#2E75B6"},
                     "data_labels": {"value": True, "num_format": "0.00"}, "gap": 60})
    top_total = max(float(u.get("total") or 0) for u in units)
    _style_chart(bars, T("chart_totals"), width // 2 - 8, height,
                     100 if top_total <= 100 else None)
    ws.insert_chart(chart_row, 0, bars, {"x_offset": 2, "y_offset": 4})
    # Weighted contributions (score × weight ÷ Σ weights) stack up to the weighted total.
    put(ws, top - 1, data_col, T("chart_data"), book.st, "plain")
    put_row(ws, top, data_col, [T("unit")] + [book.comp_name(c) for c in book.comps],
            book.st, "header")
    weights = {c["id"]: float(c["weights"].get(units[0]["group"], 0.0)) for c in book.comps}
    weight_sum = sum(weights.values()) or 1.0
    for i, u in enumerate(units):
        put(ws, first + i, data_col, unit_label(u, book.lang), book.st, "text")
        for j, c in enumerate(book.comps):
            value = u["components"].get(c["id"], 0.0) * weights[c["id"]] / weight_sum
            put(ws, first + i, data_col + 1 + j, round(value, 2), book.st, "num")
    ws.set_column(data_col, data_col, 20)
    stack = wb.add_chart({"type": "bar", "subtype": "stacked"})
    palette = ["#1F4E78", "#2E75B6", "#9DC3E6", "#F4B183", "#A9D18E", "#FFD966"]
    for j in range(len(book.comps)):
        stack.add_series({"name": [name, top, data_col + 1 + j],
                          "categories": [name, first, data_col, end, data_col],
                          "values": [name, first, data_col + 1 + j, end, data_col + 1 + j],
                          "fill": {"color": palette[j % len(palette)]}, "gap": 60})
    _style_chart(stack, T("chart_parts"), width - width // 2 - 8, height, 100)
    stack.set_legend({"position": "bottom", "font": {"name": "宋体", "size": 10}})
    ws.insert_chart(chart_row, 0, stack, {"x_offset": width // 2 + 6, "y_offset": 4})


def _style_chart(chart: Any, title: str, width: int, height: int, x_max: float | None) -> None:
    font = {"name": "宋体", "size": 10}
    chart.set_title({"name": title, "name_font": {"name": "黑体", "size": 11, "bold": True}})
    chart.set_y_axis({"reverse": True, "num_font": font})       # rank 1 at the top
    axis: dict[str, Any] = {"num_font": font, "min": 0,
                            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if x_max is not None:
        axis["max"] = x_max
    chart.set_x_axis(axis)
    chart.set_legend({"none": True})
    chart.set_size({"width": max(width, 320), "height": height})
    chart.set_chartarea({"border": {"color": "#808080"}})
