"""The results workbook's one-page summary sheet (综合考核结果汇总), first after 说明.

Written from `leaders_summary.LeadersSummary`: grade counts and units by grade per group, the
biggest movers against last year, units that lost top-grade eligibility and why, the merit
list, what is provisional. A4 portrait on one page at a legible size (10 pt text; a very
large scheme gets more pages rather than a smaller print).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from outputs.leaders_summary import LeadersSummary, join_names, leaders_summary
from outputs.style import Labels, print_setup, put, text_lines

__all__ = ["write_summary_sheet", "SUMMARY_LABELS", "ONE_PAGE_POINTS", "MIN_SCALE"]

#: Points of rows an A4 portrait page holds at 100 % within print_setup's margins, header
#: and footer (LibreOffice: about 760).
ONE_PAGE_POINTS = 740.0
#: The least print scale allowed: 10 pt text prints at 8 pt or more.
MIN_SCALE = 0.8

SUMMARY_LABELS: dict[str, tuple[str, str]] = {
    "sheet": ("结果汇总", "Summary"),
    "s_grades": ("一、各组别等次", "1. Grades by group"),
    "units": ("单位数", "Units"),
    "total": ("合计", "Total"),
    "n_units": ("{n} 个：", "{n}: "),
    "s_movers": ("二、名次变化较大的单位（与{year}年比较）", "2. Biggest movers (against {year})"),
    "s_movers_none": ("二、名次变化较大的单位", "2. Biggest movers"),
    "unit": ("单位", "Unit"), "group": ("组别", "Group"),
    "rank_move": ("名次（上年→本年）", "Rank (last → this)"),
    "total_change": ("总分增减", "Total change"),
    "grade_move": ("等次（上年→本年）", "Grade (last → this)"),
    "no_movers": ("无上年结果可比，或名次均未变化。", "No earlier year to compare, or no rank "
                  "moved."),
    "s_lost": ("三、取消评优资格的单位", "3. Units barred from the top grade"),
    "why": ("原因", "Why"),
    "no_lost": ("无。", "None."),
    "s_merit": ("四、建议记三等功（连续三年获评最高等次）",
                "4. Third-class merit (top grade three years running)"),
    "no_merit": ("无。", "None."),
    "s_status": ("五、结果状态", "5. Status"),
    "provisional": ("暂定结果，不得作为正式结果发布：{reasons}",
                    "PROVISIONAL, not to be published as final: {reasons}"),
    "complete": ("材料齐全，结果完整。", "All inputs received: the results are complete."),
    "unscored": ("（另有 {m} 个未计分）", " ({m} more not scored)"),
    "illustrative": ("示例数据，不是真实考核结果", "ILLUSTRATIVE DATA, not real results"),
    "s_stability": ("{n}、名次稳定性（{basis}）", "{n}. Rank stability ({basis})"),
}

_WIDE = 80.0   # characters across an A4 portrait page at 10 pt (print_setup's margins)


class _Grid:
    """Column layout: group, units, then one column per grade (at least four)."""

    def __init__(self, grades: int) -> None:
        self.n = max(4, grades)
        self.widths = [11.0, 5.0] + [(_WIDE - 16.0) / self.n] * self.n
        self.last = len(self.widths) - 1

    def span(self, first: int, last: int) -> float:
        return sum(self.widths[first:last + 1])


def write_summary_sheet(book: Any, wb: Workbook) -> Worksheet:
    """Add the summary sheet to the results workbook `book` (a results_book._Book)."""
    s = leaders_summary(book.results, book.lang)
    if s.stability:   # a line a group more: three movers keep it on one page
        s = leaders_summary(book.results, book.lang, movers=3)
    T = Labels(SUMMARY_LABELS, book.lang)
    ws = book.sheet(wb, T("sheet"), "#7030A0")
    grid = _Grid(len(s.grades))
    for c, w in enumerate(grid.widths):
        ws.set_column(c, c, w)
    st, last = book.st, grid.last
    ws.merge_range(0, 0, 0, last, s.title, st("title", font_size=14))
    ws.set_row(0, 26)
    status = s.status + ("" if s.provisional else ("; " if s.lang == "en" else "；")
                         + T("complete"))
    ws.merge_range(1, 0, 1, last, status, st("subtitle"))
    row, height = 2, 26.0 + 15   # the title and status rows
    if s.illustrative:
        ws.merge_range(row, 0, row, last, T("illustrative"), st("banner"))
        row, height = row + 1, height + 15
    height += 15   # the blank row before the first section
    writer = _Writer(ws, st, grid, T)
    row = writer.grades(row + 1, s)
    row = writer.movers(row, s)
    row = writer.lost(row, s)
    row = writer.merit(row, s)
    row = writer.status(row, s)
    height += writer.height
    print_setup(ws, header_rows=None, landscape=False, last_col=last, last_row=row - 1,
                footer=s.title)
    # One page when it fits at 80 % or more (10 pt prints at 8 pt or more); a larger scheme
    # takes more pages, never a smaller font.
    ws.fit_to_pages(1, 1 if height * MIN_SCALE <= ONE_PAGE_POINTS else 0)
    return ws


class _Writer:
    """Writes the sections row by row, counting the rows' height to decide the page fit."""

    def __init__(self, ws: Worksheet, st: Any, grid: _Grid, T: Labels) -> None:
        self.ws, self.st, self.grid, self.T = ws, st, grid, T
        self.height = 0.0  # points of the rows written

    def cell(self, row: int, first: int, last: int, value: Any, style: str) -> None:
        if last > first:
            self.ws.merge_range(row, first, row, last, "", self.st(style))
        put(self.ws, row, first, value, self.st, style)

    def fit(self, row: int, cells: list[tuple[str, float]], minimum: float = 15) -> None:
        n = max((text_lines(t, w) for t, w in cells if t), default=1)
        self.ws.set_row(row, max(minimum, 13 * n + 3))
        self.height += max(minimum, 13 * n + 3)

    def section(self, row: int, text: str) -> int:
        self.ws.set_row(row - 1, 5)   # a thin gap before the section
        self.cell(row, 0, self.grid.last, text, "section")
        self.ws.set_row(row, 18)
        self.height += 23
        return row + 1

    def grades(self, row: int, s: LeadersSummary) -> int:
        T, g = self.T, self.grid
        row = self.section(row, T("s_grades"))
        heads = [T("group"), T("units")] + s.grades
        for c, text in enumerate(heads):
            self.cell(row, c, g.last if c == len(heads) - 1 else c, text, "header")
        self.fit(row, [(t, 8) for t in heads])
        totals = [0] * len(s.grades)
        for group in s.groups:
            row += 1
            units = str(group.units) + (T("unscored", m=group.unscored) if group.unscored else "")
            self.cell(row, 0, 0, group.name, "key")
            self.cell(row, 1, 1, units, "text_c")
            cells = [(group.name, g.widths[0])]
            for j, (_, names) in enumerate(group.by_grade[:len(s.grades)]):
                totals[j] += len(names)
                text = (T("n_units", n=len(names)) + join_names(names, s.lang)) if names else "0"
                end = g.last if j == len(s.grades) - 1 else 2 + j
                self.cell(row, 2 + j, end, text, "text_wrap" if names else "text_c")
                cells.append((text, g.span(2 + j, end)))
            self.fit(row, cells)
        row += 1
        self.cell(row, 0, 0, T("total"), "key")
        self.cell(row, 1, 1, s.total_units, "int")
        for j, n in enumerate(totals):
            self.cell(row, 2 + j, g.last if j == len(s.grades) - 1 else 2 + j, n, "int")
        self.fit(row, [])
        return row + 2

    def movers(self, row: int, s: LeadersSummary) -> int:
        T, last = self.T, self.grid.last
        row = self.section(row, T("s_movers", year=s.previous_year) if s.previous_year
                          else T("s_movers_none"))
        if not s.movers:
            self.cell(row, 0, last, T("no_movers"), "text")
            self.fit(row, [])
            return row + 2
        cols = [(0, 1, T("unit")), (2, 2, T("group")), (3, 3, T("rank_move")),
                (4, 4, T("total_change")), (5, last, T("grade_move"))]
        for first, end, text in cols:
            self.cell(row, first, end, text, "header")
        self.fit(row, [])
        for m in s.movers:
            row += 1
            arrow = "↑" if m.rank_change > 0 else "↓"
            moved = f"{arrow}{abs(m.rank_change)}"
            values = [m.unit, m.group, f"{m.previous_rank} → {m.rank}（{moved}）"
                      if s.lang == "zh" else f"{m.previous_rank} → {m.rank} ({moved})",
                      m.total_change,
                      m.grade if m.grade == m.previous_grade else f"{m.previous_grade} → {m.grade}"]
            for (first, end, _), value in zip(cols, values, strict=True):
                style = "delta" if isinstance(value, float) else "text_c" if first else "text"
                self.cell(row, first, end, value, style)
            self.fit(row, [(m.unit, self.grid.span(0, 1))])
        return row + 2

    def lost(self, row: int, s: LeadersSummary) -> int:
        T, last = self.T, self.grid.last
        row = self.section(row, T("s_lost"))
        if not s.lost:
            self.cell(row, 0, last, T("no_lost"), "text")
            self.fit(row, [])
            return row + 2
        for first, end, text in ((0, 1, T("unit")), (2, 2, T("group")), (3, last, T("why"))):
            self.cell(row, first, end, text, "header")
        self.fit(row, [])
        for item in s.lost:
            row += 1
            why = ("; " if s.lang == "en" else "；").join(item.reasons)
            self.cell(row, 0, 1, item.unit, "text")
            self.cell(row, 2, 2, item.group, "text_c")
            self.cell(row, 3, last, why, "text_wrap")
            self.fit(row, [(why, self.grid.span(3, last)), (item.unit, self.grid.span(0, 1))])
        return row + 2

    def merit(self, row: int, s: LeadersSummary) -> int:
        T, last = self.T, self.grid.last
        row = self.section(row, T("s_merit"))
        text = (join_names([f"{u}（{g}）" if s.lang == "zh" else f"{u} ({g})"
                            for u, g in s.merit], s.lang) if s.merit else T("no_merit"))
        self.cell(row, 0, last, text, "text_wrap")
        self.fit(row, [(text, _WIDE)])
        return row + 2

    def status(self, row: int, s: LeadersSummary) -> int:
        """What is provisional (complete results say so in the subtitle, under the title)."""
        T, last = self.T, self.grid.last
        if s.provisional:
            row = self.section(row, T("s_status"))
            text = T("provisional", reasons=("; " if s.lang == "en" else "；").join(
                s.provisional))
            self.cell(row, 0, last, text, "text_warn_wrap")
            self.fit(row, [(text, _WIDE)])
            row += 1
        if s.stability:
            n = ("6" if s.lang == "en" else "六") if s.provisional else (
                "5" if s.lang == "en" else "五")
            row = self.section(row + 1, T("s_stability", n=n, basis=s.stability_basis))
            for text in s.stability:
                self.cell(row, 0, last, text, "text_wrap")
                self.fit(row, [(text, _WIDE)])
                row += 1
        return row
