"""The 测算 (what-if) sheet of the results workbook: editable weights, native formulas.

Per group, the component weights sit in unlocked, highlighted cells (data validation refuses
a negative weight). Per unit, the component scores (unrounded, as the engine combined them),
bonus and deduction are values; the total, the in-group rank and one column per scheme
tie-breaker are formulas that Excel 2010, WPS and LibreOffice all know (no ``_xlfn.``):

    total = IF(Σw=0, "", MAX(0, ROUND(SUMPRODUCT(weights, scores) / Σw + bonus - deduction,
                                      digits)))
    tb_i  = ROUND(score of the i-th tie-breaker component, digits)
    rank  = IF(total="", "", 1 + COUNTIFS(group, g, total, ">"&t)
                               + COUNTIFS(group, g, total, t, tb_1, ">"&b_1)
                               + COUNTIFS(group, g, total, t, tb_1, b_1, tb_2, ">"&b_2) + …)

The total is formed as :mod:`kaohe.engine.scoring` forms it (weights normalised by their sum,
floored at 0, rounded with the scheme's digits), and the rank as
:func:`kaohe.engine.ranking.sort_key` orders units: by the rounded total, then by each
tie-breaker component rounded the same way; a unit's rank is 1 + the members of its group
whose key is greater, so only units equal on all of them share a rank (1, 2, 2, 4). Every
compared value is ROUNDed to `digits` decimals, so the number a criterion string carries
("> 93.19") and the equality criteria compare the same doubles in every application. At the
published weights each total and rank equals the engine's (tests check it under LibreOffice
forced recalculation); changing a weight re-ranks at once, without Python.

Limits, said on the sheet too: ROUND rounds halves up, so a scheme rounding half_even can
differ on an exact half in the last digit; without the scheme's tie-breakers (neither the
scheme given nor kept in the results, as a consolidation keeps them) tied totals share a
rank. When a group's weights sum to 0 its totals and ranks are left empty and the weights row
says why, rather than #DIV/0!.

Each formula is written with the value it computes at the published weights (a model of the
formula, :func:`whatif_total` and the same key order), so a viewer that does not recalculate
shows what one that does would.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell as a1
from xlsxwriter.workbook import Workbook

from kaohe.engine.numbers import round_score
from outputs.style import (
    fit_row,
    group_label,
    print_setup,
    put,
    put_row,
    unit_label,
)

__all__ = ["write_whatif_sheet", "exact_components", "whatif_total", "tie_breaker_components",
           "rank_formula"]

#: The sheet's own rounding: Excel's ROUND rounds halves away from zero (totals are ≥ 0).
SHEET_MODE = "half_up"


def exact_components(unit: Mapping[str, Any]) -> dict[str, float]:
    """Component scores as the engine combined them: unrounded when the results carry them."""
    details = unit.get("component_details") or {}
    return {c: float((details.get(c) or {}).get("score", v) or 0.0)
            for c, v in unit["components"].items()}


def whatif_total(scores: Mapping[str, float], weights: Mapping[str, float], bonus: float,
                 deduction: float, digits: int = 2) -> float | None:
    """What the 测算 sheet's total formula computes (None: the weights sum to 0, cell empty).

    >>> whatif_total({"a": 90, "b": 80}, {"a": 0.5, "b": 0.5}, 1.0, 0.0)
    86.0
    """
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        return None
    weighted = sum(scores.get(c, 0.0) * w for c, w in weights.items()) / weight_sum
    return max(0.0, round_score(weighted + bonus - deduction, digits, SHEET_MODE))


def tie_breaker_components(scheme: Mapping[str, Any], components: Sequence[str]) -> list[str]:
    """The components the scheme breaks ties by, in order (as ``sort_key`` reads them).

    Only ``component:<id>`` rules for components the results have: any other would compare
    equal for every unit (the engine reads a missing component as 0).

    >>> tie_breaker_components({"tie_breakers": ["component:routine"]}, ["year_end", "routine"])
    ['routine']
    """
    found = []
    for rule in scheme.get("tie_breakers") or []:
        kind, _, name = str(rule).partition(":")
        if kind == "component" and name in components and name not in found:
            found.append(name)
    return found


def rank_formula(group: str, total: str, breakers: Sequence[str], group_rng: str,
                 total_rng: str, breaker_rngs: Sequence[str]) -> str:
    """The rank formula: 1 + the group's members with a greater (total, tie-breakers) key.

    >>> rank_formula("B5", "I5", ["O5"], "$B$5:$B$9", "$I$5:$I$9", ["$O$5:$O$9"])
    '=IF(I5="","",1+COUNTIFS($B$5:$B$9,B5,$I$5:$I$9,">"&I5)+COUNTIFS($B$5:$B$9,B5,$I$5:$I$9,I5,$O$5:$O$9,">"&O5))'
    """
    equal = [group_rng, group, total_rng, total]
    terms = [f'COUNTIFS({group_rng},{group},{total_rng},">"&{total})']
    for rng, cell in zip(breaker_rngs, breakers, strict=True):
        terms.append(f'COUNTIFS({",".join(equal)},{rng},">"&{cell})')
        equal += [rng, cell]
    return f'=IF({total}="","",1+{"+".join(terms)})'


def _count_above(keys: list[Any]) -> Callable[[Any], int]:
    """How many of a group's keys (numbers, or tuples of them) exceed a value: by bisecting
    the sorted keys when all are plain numbers (no NaN), else one by one."""
    def plain(key: Any) -> bool:
        parts = key if type(key) is tuple else (key,)
        return all(type(p) in (int, float) and p == p for p in parts)

    if all(plain(k) for k in keys):
        ordered = sorted(keys)
        return lambda value: len(ordered) - bisect_right(ordered, value)
    return lambda value: sum(1 for k in keys if k > value)


def _rules(book: Any) -> tuple[list[str], str]:
    """The scheme's tie-breaker components (as the sheet has them) and its rounding mode."""
    scheme = book.scheme or {}
    breakers = tie_breaker_components(scheme, [c["id"] for c in book.comps])
    return breakers, str((scheme.get("rounding") or {}).get("mode", SHEET_MODE))


def _rank_rule(book: Any, breakers: Sequence[str], mode: str) -> str:
    """The sheet's words on ranking: the tie-breakers, and what the sheet cannot reproduce."""
    T, names = book.T, {c["id"]: book.comp_name(c) for c in book.comps}
    if breakers:
        sep = ", " if book.lang == "en" else "、"
        text = T("whatif_rank_rule", breakers=sep.join(names[b] for b in breakers),
                 digits=book.digits)
    else:
        text = T("whatif_rank_rule_none" if book.scheme else "whatif_rank_rule_no_scheme")
    if mode == "half_even":
        text += " " + T("whatif_half_even")
    return text


class _Model:
    """What the sheet's formulas compute at the published weights, per unit."""

    def __init__(self, book: Any, breakers: Sequence[str]) -> None:
        digits = book.digits
        # by id(): the unit dicts are the book's, alive while the sheet is written
        self.totals: dict[int, float | None] = {}
        self.keys: dict[int, tuple[Any, ...]] = {}
        self.breakers: dict[int, list[float]] = {}
        for g in book.groups:
            weights = {c["id"]: float(c["weights"].get(g["id"], 0.0)) for c in book.comps}
            for u in book.by_group[g["id"]]:
                scores = exact_components(u)
                total = whatif_total(scores, weights, float(u.get("bonus") or 0.0),
                                     float(u.get("deduction") or 0.0), digits)
                tbs = [round_score(scores.get(b, 0.0), digits, SHEET_MODE) for b in breakers]
                self.totals[id(u)], self.breakers[id(u)] = total, tbs
                self.keys[id(u)] = (total, *tbs)
        self.above = {g["id"]: _count_above([self.keys[id(u)] for u in book.by_group[g["id"]]])
                      for g in book.groups}

    def rank(self, u: Mapping[str, Any]) -> int | str:
        if self.totals[id(u)] is None:
            return ""
        return 1 + self.above[u["group"]](self.keys[id(u)])


def write_whatif_sheet(book: Any, wb: Workbook) -> None:
    """The 测算 sheet of a results workbook (`book`: the results_book writer in progress)."""
    breakers, mode = _rules(book)
    T, n, k = book.T, len(book.comps), len(breakers)
    ws = book.sheet(wb, T("sheet_whatif"), "#BF8F00")
    last = 9 + n + k
    en = book.lang == "en"   # English names need wider columns than Chinese ones
    units = [unit_label(u, book.lang) for g in book.groups for u in book.by_group[g["id"]]]
    widths = ([_label_width(units, 26 if en else 20), 12] + [10] * n + [9 if en else 7] * 2
              + [10, 8, 10, 8, 9, 8] + [11] * k)
    top = book.heading(ws, last, T("whatif_title", title=book.title),
                       T("whatif_rule", digits=book.digits), sum(widths))
    weight_row = _weights_table(book, wb, ws, top, last)
    fit_row(ws, top, [(book.comp_name(c), 10) for c in book.comps])
    note = top + len(book.groups) + 2
    rule = _rank_rule(book, breakers, mode)
    ws.merge_range(note, 0, note, last, rule, book.st("note"))
    fit_row(ws, note, [(rule, sum(widths) - 4)])
    head = note + 2
    names = {c["id"]: book.comp_name(c) for c in book.comps}
    cols = ([T("unit"), T("group")] + [book.comp_name(c) for c in book.comps]
            + [T("bonus"), T("deduction"), T("whatif_total"), T("whatif_rank"),
               T("published_total"), T("published_rank"), T("total_diff"), T("rank_move")]
            + [T("tie_breaker", i=i + 1, name=names[b]) for i, b in enumerate(breakers)])
    book.header(ws, head, list(zip(cols, widths, strict=True)))
    end = _unit_rows(book, ws, head + 1, weight_row, breakers)
    ws.freeze_panes(head + 1, 1)
    ws.protect("", {"autofilter": True, "sort": True, "format_columns": True,
                    "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})
    ws.autofilter(head, 0, end, last)
    print_setup(ws, header_rows=(head, head), last_col=last, last_row=end, footer=book.title,
                repeat_cols=1)


def _label_width(labels: Sequence[str], least: float) -> float:
    """A column wide enough for the longest unit name (the cell does not wrap; the next
    column's value would cut it): Latin letters ~0.8 of a character unit, CJK ~1.5."""
    longest = max((sum(1.5 if ord(ch) >= 0x2E80 else 0.8 for ch in t) for t in labels),
                  default=0.0)
    return max(least, min(48.0, float(math.ceil(longest)) + 2))


def _weights_table(book: Any, wb: Workbook, ws: Any, top: int, last: int) -> dict[str, int]:
    """Groups × weights (inputs), Σ weights, and a note when a group's weights sum to 0."""
    T, st, n = book.T, book.st, len(book.comps)
    # The group's name across the first two columns: ids are for machines, not readers.
    ws.merge_range(top, 0, top, 1, T("group"), st("header"))
    put_row(ws, top, 2, [book.comp_name(c) for c in book.comps] + [T("weight_sum")], st,
            "header")
    last = min(last, 9 + n)   # the note spans the main table, not the tie-break columns
    ws.merge_range(top, 3 + n, top, last, T("whatif_note_h"), st("header"))
    weight_row: dict[str, int] = {}
    for i, g in enumerate(book.groups):
        row = weight_row[g["id"]] = top + 1 + i
        ws.merge_range(row, 0, row, 1, "", st("key"))
        put(ws, row, 0, group_label(g, book.lang), st, "key")
        weights = [float(c["weights"].get(g["id"], 0.0)) for c in book.comps]
        for j, w in enumerate(weights):
            ws.write_number(row, 2 + j, w, st("input"))
        ws.write_formula(row, 2 + n, f"=SUM({a1(row, 2)}:{a1(row, 1 + n)})", st("formula"),
                         sum(weights))
        warn, quoted = T("weights_zero"), T("weights_zero").replace('"', '""')
        ws.merge_range(row, 3 + n, row, last, "", st("text_warn", align="left"))
        ws.write_formula(row, 3 + n, f'=IF({a1(row, 2 + n)}=0,"{quoted}","")',
                         st("text_warn", align="left"), warn if sum(weights) == 0 else "")
    rows = (top + 1, 2, top + len(book.groups), 1 + n)
    ws.data_validation(*rows, {"validate": "decimal", "criteria": ">=", "value": 0,
                               "error_message": T("weight_invalid")})
    ws.conditional_format(top + 1, 2 + n, top + len(book.groups), 2 + n, {
        "type": "cell", "criteria": "==", "value": 0, "format": wb.add_format(
            {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})})
    return weight_row


def _unit_rows(book: Any, ws: Any, first: int, weight_row: Mapping[str, int],
               breakers: Sequence[str]) -> int:
    """One row per unit: scores, bonus, deduction, the formulas, the published numbers and
    the tie-breaker columns; returns the last row."""
    st, n = book.st, len(book.comps)
    units = [u for g in book.groups for u in book.by_group[g["id"]]]
    end = first + max(len(units), 1) - 1
    c_bonus, c_total, c_rank, c_tb = 2 + n, 4 + n, 5 + n, 10 + n
    col = {c["id"]: 2 + j for j, c in enumerate(book.comps)}

    def column(c: int) -> str:
        return f"{a1(first, c, True, True)}:{a1(end, c, True, True)}"

    group_rng, total_rng = column(1), column(c_total)
    tb_rngs = [column(c_tb + i) for i in range(len(breakers))]
    model = _Model(book, breakers)
    shown = _group_keys(book)
    for i, u in enumerate(units):
        row = first + i
        put_row(ws, row, 0, [unit_label(u, book.lang), shown[u["group"]]], st, "text")
        scores = exact_components(u)
        for j, c in enumerate(book.comps):
            ws.write_number(row, 2 + j, scores.get(c["id"], 0.0), st("num"))
        ws.write_number(row, c_bonus, float(u.get("bonus") or 0.0), st("num"))
        ws.write_number(row, c_bonus + 1, float(u.get("deduction") or 0.0), st("num"))
        wr = weight_row[u["group"]]
        wts = f"{a1(wr, 2, True, True)}:{a1(wr, 1 + n, True, True)}"
        w_sum = a1(wr, 2 + n, True, True)
        total, rank = model.totals[id(u)], model.rank(u)
        ws.write_formula(row, c_total, (
            f'=IF({w_sum}=0,"",MAX(0,ROUND(SUMPRODUCT({wts},{a1(row, 2)}:{a1(row, 1 + n)})'
            f'/{w_sum}+{a1(row, c_bonus)}-{a1(row, c_bonus + 1)},{book.digits})))'),
            st("formula"), "" if total is None else total)
        tbs = [a1(row, c_tb + i) for i in range(len(breakers))]
        ws.write_formula(row, c_rank, rank_formula(a1(row, 1), a1(row, c_total), tbs,
                                                   group_rng, total_rng, tb_rngs),
                         st("formula_i"), rank)
        put_row(ws, row, c_rank + 1, [u.get("total"), u.get("rank")], st, ["num", "int"])
        _differences(book, ws, row, c_total, u, total, rank)
        for i, b in enumerate(breakers):
            ws.write_formula(row, c_tb + i, f"=ROUND({a1(row, col[b])},{book.digits})",
                             st("formula", bold=False), model.breakers[id(u)][i])
    return end


def _group_keys(book: Any) -> dict[str, str]:
    """What the group column shows (and the rank formulas compare): the groups' names, or
    their ids if two groups share a name."""
    names = {g["id"]: group_label(g, book.lang) for g in book.groups}
    return names if len(set(names.values())) == len(names) else {g: g for g in names}


def _differences(book: Any, ws: Any, row: int, c_total: int, u: Mapping[str, Any],
                 total: float | None, rank: int | str) -> None:
    """What-if total − published total and published rank − what-if rank (empty with no total;
    a blank published number counts 0, as in the formula)."""
    st, c_rank = book.st, c_total + 1
    diff: float | str = ("" if total is None
                         else round(total - float(u.get("total") or 0.0), 10))
    move: int | str = "" if rank == "" else int(u.get("rank") or 0) - int(rank)
    ws.write_formula(row, c_rank + 3,
                     f'=IF({a1(row, c_total)}="","",{a1(row, c_total)}-{a1(row, c_rank + 1)})',
                     st("delta"), diff)
    ws.write_formula(row, c_rank + 4,
                     f'=IF({a1(row, c_rank)}="","",{a1(row, c_rank + 2)}-{a1(row, c_rank)})',
                     st("delta_i"), move)
