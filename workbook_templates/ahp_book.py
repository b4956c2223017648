"""The AHP pairwise-comparison workbook of one expert: write it (xlsxwriter) and its layout.

One sheet per hierarchy block (see `kaohe.analysis.hierarchy`): the categories compared pair
by pair, then the indicators within each category of two or more. The expert chooses each
upper-triangle judgement from Saaty's 1–9 scale (a drop-down list with Chinese anchors:
"3 稍微重要" = the row is slightly more important than the column; "1/3 稍微不重要" the
reverse); the lower triangle shows the reciprocal by formula. Each matrix's priorities,
λmax, CI and CR are native formulas on a hidden sheet 计算: the row geometric means as the
starting vector, then 40 steps of the power method (w ← A·w / ΣA·w, one SUMPRODUCT per
element), λmax = Σ(A·w) — the principal eigenvector and eigenvalue the reader computes with
numpy, to about 1e-9 (tested under LibreOffice). A hidden _meta sheet holds the layout.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kaohe.analysis.ahp import SAATY_RI
from kaohe.analysis.hierarchy import Block, hierarchy
from kaohe.engine.model import Scheme
from kaohe.labels import word_en

__all__ = ["SCALE", "Matrix", "layout", "write_expert_workbook", "reciprocal_formula",
           "expert_file_name", "ITERATIONS", "META_SHEET", "CALC_SHEET", "SCALE_SHEET"]

ITERATIONS = 40
META_SHEET, CALC_SHEET, SCALE_SHEET = "_meta", "计算", "_量表"
_ANCHORS = {1: ("同等重要", "equally important"), 3: ("稍微重要", "slightly more important"),
            5: ("明显重要", "clearly more important"), 7: ("强烈重要", "strongly more important"),
            9: ("极端重要", "extremely more important")}
_LESS = {3: ("稍微不重要", "slightly less important"),
         5: ("明显不重要", "clearly less important"),
         7: ("强烈不重要", "strongly less important"),
         9: ("极端不重要", "extremely less important")}


def _scale() -> list[tuple[str, str, float, str, str]]:
    """(label, label_en, value, reciprocal label, reciprocal label_en), 9 down to 1/9."""
    out = []
    for v in [9, 8, 7, 6, 5, 4, 3, 2, 1]:
        zh, en = _ANCHORS.get(v, ("", ""))
        out.append((f"{v} {zh}".strip(), f"{v} {en}".strip(), float(v)))
    for v in range(2, 10):
        zh, en = _LESS.get(v, ("", ""))
        out.append((f"1/{v} {zh}".strip(), f"1/{v} {en}".strip(), 1.0 / v))
    by_value = {round(v, 9): (zh, en) for zh, en, v in out}
    return [(zh, en, v, *by_value[round(1 / v, 9)]) for zh, en, v in out]


#: Saaty's scale as the drop-down offers it: (label, label_en, value, reciprocal, _en).
SCALE = _scale()


@dataclass(frozen=True)
class Matrix:
    """One comparison matrix: where it is and what it compares."""

    id: str  # "<block>/categories" or "<block>/<category>"
    block: str
    category: str  # "" for the categories matrix
    elements: tuple[str, ...]  # category names, or indicator ids
    names: tuple[str, ...]
    sheet: str
    row: int  # 0-based row of the first element's row
    col: int  # 0-based column of the first element's column
    calc_row: int  # 0-based first row of its numeric copy on the 计算 sheet


def _sheet_name(scheme: Scheme, block: Block, lang: str) -> str:
    group = scheme.group(block.groups[0])
    name = group.name if lang == "zh" else (group.name_en or group.id)
    more = ("等" if lang == "zh" else " etc") if len(block.groups) > 1 else ""
    return name[:31 - len(more)] + more  # Excel's limit: 31 characters


def layout(scheme: Scheme, lang: str = "zh") -> list[Matrix]:
    """Every matrix of the scheme's hierarchy, placed as the workbook places them."""
    out: list[Matrix] = []
    calc = 0
    for block in hierarchy(scheme):
        sheet = _sheet_name(scheme, block, lang)
        row = 8
        en = lang == "en"
        items: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
            ("", block.categories, tuple(word_en(c, scheme.document) if en else c
                                         for c in block.categories))]
        items += [(c, tuple(i for i, _ in block.indicators[c]),
                   tuple((scheme.indicator(i).name_en or n) if en else n
                         for i, n in block.indicators[c]))
                  for c in block.categories if len(block.indicators[c]) > 1]
        for category, elements, names in items:
            if len(elements) < 2:
                continue
            mid = f"{block.id}/{category or 'categories'}"
            out.append(Matrix(mid, block.id, category, elements, names, sheet, row, 2, calc))
            row += len(elements) + 10
            calc += len(elements) + 2 * ITERATIONS + 8
    return out


def expert_file_name(number: int, lang: str = "zh") -> str:
    """专家判断_01.xlsx (ahp_expert_01.xlsx in English)."""
    return f"专家判断_{number:02d}.xlsx" if lang == "zh" else f"ahp_expert_{number:02d}.xlsx"


def _a1(row: int, col: int, absolute: bool = False) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return str(xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute))


def _ref(sheet: str, row: int, col: int) -> str:
    return f"'{sheet}'!{_a1(row, col)}"


def _scale_ranges() -> tuple[str, str, str]:
    end = len(SCALE) + 1
    return (f"'{SCALE_SHEET}'!$A$2:$A${end}", f"'{SCALE_SHEET}'!$C$2:$C${end}",
            f"'{SCALE_SHEET}'!$D$2:$D${end}")


def _lookup(cell: str, column: str) -> str:
    labels, _, _ = _scale_ranges()
    en_labels = f"'{SCALE_SHEET}'!$B$2:$B${len(SCALE) + 1}"
    return (f"IFERROR(INDEX({column},MATCH({cell},{labels},0)),"
            f"IFERROR(INDEX({column},MATCH({cell},{en_labels},0)),\"\"))")


def reciprocal_formula(m: Matrix, i: int, j: int) -> str:
    """The formula of a lower-triangle cell (row i > column j): the reciprocal's label."""
    upper = _a1(m.row + j, m.col + i)
    _, _, recip = _scale_ranges()
    return (f'=IF({upper}="","",IF(ISNUMBER({upper}),IF({upper}>0,1/{upper},""),'
            f"{_lookup(upper, recip)}))")


def write_expert_workbook(scheme: Scheme, path: Path, number: int, lang: str = "zh") -> Path:
    """One expert's pairwise-comparison workbook for the scheme; written atomically."""
    from xlsxwriter.workbook import Workbook

    from kaohe.pipeline.io import write_atomic

    matrices = layout(scheme, lang)

    def build(target: Path) -> None:
        wb = Workbook(str(target), {"strings_to_formulas": False, "strings_to_numbers": False})
        _write(wb, scheme, matrices, number, lang)
        wb.close()

    write_atomic(Path(path), build)
    return Path(path)


def _write(wb: Any, scheme: Scheme, matrices: Sequence[Matrix], number: int,
           lang: str) -> None:
    zh = lang == "zh"
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_name": "黑体"}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                               "text_wrap": True, "valign": "vcenter", "align": "center"}),
        "input": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "locked": False}),
        "name_input": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "locked": False}),
        "fixed": wb.add_format({"border": 1, "bg_color": "#F2F2F2", "align": "center"}),
        "recip": wb.add_format({"border": 1, "font_color": "#595959"}),
        "num": wb.add_format({"border": 1, "num_format": "0.0000"}),
        "note": wb.add_format({"text_wrap": True, "valign": "top"}),
        "label": wb.add_format({"bold": True}),
    }
    sheets: dict[str, Any] = {}
    for m in matrices:
        if m.sheet not in sheets:
            ws = wb.add_worksheet(m.sheet)
            sheets[m.sheet] = ws
            ws.set_column(0, 0, 2)
            ws.set_column(1, 1, 22)
            ws.set_column(2, 20, 15)
            ws.write_string(0, 1, f"{scheme.name} — " + ("指标权重专家判断表（层次分析法）" if zh
                                                        else "AHP pairwise comparisons"),
                            fmt["title"])
            ws.write_string(1, 1, "专家姓名" if zh else "Expert", fmt["label"])
            ws.write_string(1, 2, f"专家{number}" if zh else f"Expert {number}",
                            fmt["name_input"])
            ws.merge_range(2, 1, 4, 12, (
                "请在黄色单元格中选择：行中的项目与列中的项目相比的重要程度"
                "（1 同等重要 … 9 极端重要；1/3 稍微不重要即列比行稍微重要）。"
                "下三角自动填入倒数，勿改动。每个矩阵下方实时显示一致性比率 CR，"
                "CR ≤ 0.10 为可接受。" if zh else
                "In each yellow cell choose how important the row's item is compared with the "
                "column's (1 equally … 9 extremely more important; 1/3 slightly less "
                "important: the column is slightly more important). The lower triangle fills "
                "in the reciprocals: leave it. Each matrix shows its consistency ratio CR "
                "live; CR ≤ 0.10 is acceptable."), fmt["note"])
            ws.set_row(2, 48)
            ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
            ws.set_landscape()
            ws.set_paper(9)
            ws.fit_to_pages(1, 0)
    calc = wb.add_worksheet(CALC_SHEET)
    for m in matrices:
        _matrix(sheets[m.sheet], calc, m, fmt, zh)
    calc.hide()
    scale = wb.add_worksheet(SCALE_SHEET)
    scale.write_row(0, 0, ["标度", "scale", "数值", "倒数", "reciprocal"])
    for r, (label, label_en, value, recip, recip_en) in enumerate(SCALE, start=1):
        scale.write_row(r, 0, [label, label_en, value, recip, recip_en])
    scale.hide()
    meta = wb.add_worksheet(META_SHEET)
    meta.write_string(0, 0, json.dumps({
        "kind": "ahp_judgements", "scheme_id": scheme.scheme_id, "version": scheme.version,
        "expert": number, "lang": lang, "iterations": ITERATIONS,
        "matrices": [asdict(m) for m in matrices]}, ensure_ascii=False))
    meta.hide()


def _matrix(ws: Any, calc: Any, m: Matrix, fmt: dict[str, Any], zh: bool) -> None:
    n, r0, c0 = len(m.elements), m.row, m.col
    title = (("类别之间两两比较" if zh else "Categories compared") if not m.category else
             (f"“{m.category}”类指标之间两两比较" if zh else
              f"Indicators of {word_en(m.category)} compared"))
    ws.write_string(r0 - 2, 1, title, fmt["label"])
    ws.write_string(r0 - 1, 1, "行 比 列" if zh else "row vs column", fmt["head"])
    ws.set_row(r0 - 1, 30)
    labels = [f"{e} {nm}" if m.category else nm for e, nm in zip(m.elements, m.names,
                                                                  strict=True)]
    for k, label in enumerate(labels):
        ws.write_string(r0 - 1, c0 + k, label, fmt["head"])
        ws.write_string(r0 + k, 1, label, fmt["head"])
    ws.write_string(r0 - 1, c0 + n, "权重" if zh else "weight", fmt["head"])
    labels_range, values_range, _ = _scale_ranges()
    R = m.calc_row
    for i in range(n):
        for j in range(n):
            if i == j:
                ws.write_number(r0 + i, c0 + j, 1, fmt["fixed"])
            elif j > i:
                ws.write_blank(r0 + i, c0 + j, None, fmt["input"])
                ws.data_validation(r0 + i, c0 + j, r0 + i, c0 + j, {
                    "validate": "list", "source": "=" + labels_range,
                    "error_title": "1–9 标度" if zh else "Saaty scale",
                    "error_message": ("请从下拉列表中选择" if zh else "choose from the list")})
            else:
                ws.write_formula(r0 + i, c0 + j, reciprocal_formula(m, i, j), fmt["recip"], "")
            # the numeric copy on the calculation sheet
            if i == j:
                calc.write_number(R + i, j, 1)
            elif j > i:
                cell = _ref(ws.get_name(), r0 + i, c0 + j)
                calc.write_formula(R + i, j, f"=IF(ISNUMBER({cell}),{cell},"
                                             f"{_lookup(cell, values_range)})", None, "")
            else:
                up = _a1(R + j, i)
                calc.write_formula(R + i, j, f'=IF(ISNUMBER({up}),IF({up}>0,1/{up},""),"")',
                                   None, "")
    block = f"{_a1(R, 0)}:{_a1(R + n - 1, n - 1)}"
    count = R + n
    calc.write_formula(count, 0, f"=COUNT({block})", None, 0)
    start = count + 1  # the row geometric means, then each step: A·w, then its scaling
    for i in range(n):
        row = f"{_a1(R + i, 0)}:{_a1(R + i, n - 1)}"
        calc.write_formula(start, i, f"=IFERROR(GEOMEAN({row}),1)", None, 1)
    prev = start + 1
    for i in range(n):
        calc.write_formula(prev, i, f"={_a1(start, i)}/SUM({_a1(start, 0)}:{_a1(start, n - 1)})",
                           None, 1 / n)
    for _ in range(ITERATIONS):
        av, w = prev + 1, prev + 2
        for i in range(n):
            calc.write_formula(av, i, f"=SUMPRODUCT({_a1(R + i, 0)}:{_a1(R + i, n - 1)},"
                                      f"{_a1(prev, 0, True)}:{_a1(prev, n - 1, True)})", None, 1)
        for i in range(n):
            calc.write_formula(w, i, f"={_a1(av, i)}/SUM({_a1(av, 0, True)}:"
                                     f"{_a1(av, n - 1, True)})", None, 1 / n)
        prev = w
    last_av = prev - 1
    lam = f"SUM('{CALC_SHEET}'!{_a1(last_av, 0)}:{_a1(last_av, n - 1)})"
    complete = f"'{CALC_SHEET}'!{_a1(count, 0)}={n * n}"
    todo = '"未填完"' if zh else '"incomplete"'
    for i in range(n):
        ws.write_formula(r0 + i, c0 + n, f"=IF({complete},'{CALC_SHEET}'!{_a1(prev, i)},{todo})",
                         fmt["num"], "")
    ri = SAATY_RI[min(n, 15)]
    below = r0 + n + 1
    rows = [("最大特征值 λmax" if zh else "λmax", f"=IF({complete},{lam},{todo})"),
            ("一致性指标 CI" if zh else "CI",
             f"=IF({complete},IF({n}<=2,0,MAX(0,({lam}-{n})/({n}-1))),{todo})"),
            ("随机一致性指标 RI" if zh else "RI", f"={ri}"),
            ("一致性比率 CR" if zh else "CR",
             f"=IF({complete},IF({n}<=2,0,MAX(0,({lam}-{n})/({n}-1))/{ri}),{todo})")]
    for k, (label, formula) in enumerate(rows):
        ws.write_string(below + k, 1, label, fmt["label"])
        ws.write_formula(below + k, 2, formula, fmt["num"], "")
    cr = _a1(below + 3, 2)
    ok, bad = (("可接受", "不一致，请调整判断") if zh else ("acceptable", "inconsistent: revise"))
    ws.write_formula(below + 3, 3, f'=IF(ISNUMBER({cr}),IF({cr}<=0.1,"{ok}","{bad}"),"")',
                     None, "")
