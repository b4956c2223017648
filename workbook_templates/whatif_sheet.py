"""The 测算 (what-if) sheet of the results workbook: editable weights, native formulas.

Per group, the component weights sit in unlocked, highlighted cells. Per unit, the component
scores (unrounded, as the engine combined them), bonus and deduction are values; the total
and the in-group rank are formulas that Excel 2010, WPS and LibreOffice all know:

    total = MAX(0, ROUND(SUMPRODUCT(weights, scores) / SUM(weights) + bonus - deduction, digits))
    rank  = COUNTIFS(group ids, my group, totals, ">" & my total) + 1      (ties share a rank)

exactly as :mod:`kaohe.engine.scoring` forms the total (weights normalised by their sum,
floored at 0, rounded half up with the scheme's digits), so at the published weights every
total equals the published one; changing a weight re-ranks at once, without Python.
Tie-breakers are not applied here: tied totals share a rank.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell as a1
from xlsxwriter.workbook import Workbook

from kaohe.engine.numbers import round_score
from workbook_templates.xlsx_style import group_label, print_setup, put, put_row, unit_label

__all__ = ["write_whatif_sheet", "exact_components", "whatif_total"]


def exact_components(unit: Mapping[str, Any]) -> dict[str, float]:
    """Component scores as the engine combined them: unrounded when the results carry them."""
    details = unit.get("component_details") or {}
    return {c: float((details.get(c) or {}).get("score", v) or 0.0)
            for c, v in unit["components"].items()}


def whatif_total(scores: Mapping[str, float], weights: Mapping[str, float], bonus: float,
                 deduction: float, digits: int = 2) -> float:
    """What the 测算 sheet's total formula computes (for tests and checks)."""
    weight_sum = sum(weights.values())
    weighted = sum(scores.get(c, 0.0) * w for c, w in weights.items()) / weight_sum
    return max(0.0, round_score(weighted + bonus - deduction, digits))


def _count_above(totals: list[Any]) -> Callable[[Any], int]:
    """How many of a group's totals exceed a value: by bisecting the sorted totals when all
    are numbers (not NaN), else one by one."""
    if all(type(t) in (int, float) and t == t for t in totals):
        ordered = sorted(totals)
        return lambda value: len(ordered) - bisect_right(ordered, value)
    return lambda value: sum(1 for t in totals if t > value)


def write_whatif_sheet(book: Any, wb: Workbook) -> None:
    """The 测算 sheet of a results workbook (`book`: the results_book writer in progress)."""
    T, st, n = book.T, book.st, len(book.comps)
    ws = book.sheet(wb, T("sheet_whatif"), "#BF8F00")
    last = 2 + n + 7
    widths = [20, 12] + [10] * n + [7, 7, 10, 8, 10, 8, 9, 8]
    top = book.heading(ws, last, T("whatif_title", title=book.title),
                       T("whatif_rule", digits=book.digits), sum(widths))
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    put_row(ws, top, 0, [T("group"), T("group_id")] + [book.comp_name(c) for c in book.comps]
            + [T("weight_sum")], st, "header")
    weight_row: dict[str, int] = {}
    for i, g in enumerate(book.groups):
        row = top + 1 + i
        weight_row[g["id"]] = row
        put_row(ws, row, 0, [group_label(g, book.lang), g["id"]], st, ["key", "text"])
        for j, c in enumerate(book.comps):
            ws.write_number(row, 2 + j, float(c["weights"].get(g["id"], 0.0)), st("input"))
        ws.write_formula(row, 2 + n, f"=SUM({a1(row, 2)}:{a1(row, 1 + n)})", st("formula"),
                         sum(float(c["weights"].get(g["id"], 0.0)) for c in book.comps))
    ws.data_validation(top + 1, 2, top + len(book.groups), 1 + n, {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "error_message": T("weight_invalid")})
    head = top + len(book.groups) + 2
    cols = ([T("unit"), T("group_id")] + [book.comp_name(c) for c in book.comps]
            + [T("bonus"), T("deduction"), T("whatif_total"), T("whatif_rank"),
               T("published_total"), T("published_rank"), T("total_diff"), T("rank_move")])
    put_row(ws, head, 0, cols, st, "header")
    ws.set_row(head, 32)
    units = [u for g in book.groups for u in book.by_group[g["id"]]]
    first, end = head + 1, head + max(len(units), 1)
    c_bonus, c_total, c_rank = 2 + n, 4 + n, 5 + n
    group_rng = f"${'B'}${first + 1}:$B${end + 1}"
    total_rng = f"{a1(first, c_total, True, True)}:{a1(end, c_total, True, True)}"
    above = {g["id"]: _count_above([u.get("total") for u in book.by_group[g["id"]]])
             for g in book.groups}
    for i, u in enumerate(units):
        row = first + i
        put(ws, row, 0, unit_label(u, book.lang), st, "text")
        put(ws, row, 1, u["group"], st, "text")
        scores = exact_components(u)
        for j, c in enumerate(book.comps):
            ws.write_number(row, 2 + j, scores.get(c["id"], 0.0), st("num"))
        ws.write_number(row, c_bonus, float(u.get("bonus") or 0.0), st("num"))
        ws.write_number(row, c_bonus + 1, float(u.get("deduction") or 0.0), st("num"))
        wr = weight_row[u["group"]]
        wts = f"{a1(wr, 2, True, True)}:{a1(wr, 1 + n, True, True)}"
        s = f"{a1(row, 2)}:{a1(row, 1 + n)}"
        ws.write_formula(row, c_total, (
            f"=MAX(0,ROUND(SUMPRODUCT({wts},{s})/SUM({wts})+{a1(row, c_bonus)}"
            f"-{a1(row, c_bonus + 1)},{book.digits}))"), st("formula"), u.get("total"))
        cached_rank = 1 + above[u["group"]](u["total"])
        ws.write_formula(row, c_rank, (
            f'=COUNTIFS({group_rng},{a1(row, 1)},{total_rng},">"&{a1(row, c_total)})+1'),
            st("formula_i"), cached_rank)
        put(ws, row, c_rank + 1, u.get("total"), st, "num")
        put(ws, row, c_rank + 2, u.get("rank"), st, "int")
        ws.write_formula(row, c_rank + 3, f"={a1(row, c_total)}-{a1(row, c_rank + 1)}",
                         st("delta"), 0)
        ws.write_formula(row, c_rank + 4, f"={a1(row, c_rank + 2)}-{a1(row, c_rank)}",
                         st("delta_i"), u.get("rank", cached_rank) - cached_rank)
    ws.freeze_panes(first, 1)
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True,
                    "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})
    ws.autofilter(head, 0, end, last)
    print_setup(ws, header_rows=(head, head), last_col=last, last_row=end, footer=book.title)
