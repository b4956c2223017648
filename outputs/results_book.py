"""The published results workbook, written from a `results` document (pure data in, .xlsx out).

Sheets, in order (Chinese names; English with ``lang="en"``):

- 说明: scheme, year, how to read the workbook, the scoring rule, the weights;
- 结果汇总: the leaders' one-page summary (``summary_sheet``): grades per group, movers,
  units barred from the top grade and why, the merit list, what is provisional;
- one ranking sheet per group (named after the group): rank, unit, total, grade and why it
  moved, top-grade eligibility and the gates hit, component scores, bonus, deduction, change
  against last year; a bar chart of totals and a stacked chart of the weighted components;
- 历年趋势: each unit's published total, rank and grade over the last years, a small chart
  per group (``trends_sheet``; with a history database only);
- <group>指标得分: units × indicators points with the full scores on top; lost points filled
  light orange, a region-assigned indicator that cost the top grade in red;
- 加扣分: every adjustment event with its reason, evidence, approver and appeal decision;
- 未计分: rejected files and missing submissions;
- 测算: the weights per group in editable cells and native formulas for total and rank, so
  the office can try other weights without Python (Excel 2010, WPS, LibreOffice).

The ranking, 未计分 and 测算 sheets are written by ``ranking_sheet``, ``not_scored_sheet``
and ``whatif_sheet`` from the `_Book` in progress.

>>> write_results_workbook(results, Path("结果.xlsx"), rejected=[], missing=[])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kaohe.labels import decision_label, word_en
from kaohe.pipeline.io import write_atomic
from outputs.cadre_sheets import write_cadre_sheets
from outputs.labels import (
    RESULTS_LABELS,
    TYPE,
    pick,
    run_status,
)
from outputs.not_scored_sheet import write_not_scored_sheet
from outputs.points_sheet import write_points_sheet
from outputs.ranking_sheet import write_ranking_sheet
from outputs.style import (
    Labels,
    Styles,
    fit_row,
    fitting_size,
    group_label,
    open_workbook,
    print_setup,
    put,
    put_row,
    safe_sheet_name,
    text_lines,
    unit_label,
)
from outputs.summary_sheet import write_summary_sheet
from outputs.trends_sheet import write_trends_sheet
from outputs.whatif_sheet import write_whatif_sheet

__all__ = ["write_results_workbook"]

#: The 说明 sheet's text column: with the key column it prints one A4 portrait page wide.
_ABOUT_WIDTH = 62


def write_results_workbook(results: Mapping[str, Any], path: Path, *, lang: str = "zh",
                           rejected: Sequence[Mapping[str, Any]] | None = None,
                           missing: Sequence[Mapping[str, Any]] | None = None,
                           scheme: Mapping[str, Any] | None = None, digits: int | None = None,
                           generated: date | None = None) -> Path:
    """Write the published results workbook atomically; returns `path`.

    `scheme` (optional) supplies the scheme's name, tie-breakers and rounding (else those a
    consolidation keeps in the results; digits else `digits`, else 2);
    `rejected` and `missing` default to the record a consolidation keeps in the results
    (`results["submissions"]`), so the 未计分 sheet needs nothing but the results;
    `generated` is the only date written into the file (same results → same bytes).

    Example: write_results_workbook(results, Path("2016年度综合考核结果.xlsx"))
    """
    if scheme is None:
        scheme = _scheme_rules(results)
    if digits is None:
        digits = int(((scheme or {}).get("rounding") or {}).get("digits", 2))
    book = _Book(results, lang, scheme, digits, generated)
    return write_atomic(Path(path), lambda tmp: book.write(tmp, rejected, missing))


def _scheme_rules(results: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the workbook needs of the scheme (tie-breakers, rounding) as a consolidation keeps
    it in the results; None for results written without it."""
    if "tie_breakers" not in results:
        return None
    return {"tie_breakers": list(results.get("tie_breakers") or []),
            "rounding": dict(results.get("rounding") or {})}


class _Book:
    """One workbook being written: the results, the language, the styles."""

    def __init__(self, results: Mapping[str, Any], lang: str, scheme: Mapping[str, Any] | None,
                 digits: int, generated: date | None) -> None:
        self.results, self.lang, self.scheme = results, lang, scheme or {}
        self.T = Labels(RESULTS_LABELS, lang)
        self.digits, self.generated = digits, generated
        self.groups = list(results.get("groups", []))
        self.comps = list(results.get("components", []))
        order = {g["id"]: i for i, g in enumerate(self.groups)}
        units = sorted(results.get("units", []),
                       key=lambda u: (order.get(u["group"], len(order)), u.get("rank") or 0))
        self.by_group = {g["id"]: [u for u in units if u["group"] == g["id"]] for g in self.groups}
        self.has_history = any(u.get("history") for u in units)
        self.provisional = list(results.get("provisional") or [])
        self.unscored_n: dict[str, int] = {}
        for x in results.get("not_scored") or []:
            self.unscored_n[x.get("group", "")] = self.unscored_n.get(x.get("group", ""), 0) + 1
        self.taken: set[str] = set()

    # -- helpers ---------------------------------------------------------------------------

    @property
    def scheme_name(self) -> str:
        """The scheme's name in the workbook's language ("" when written without the scheme)."""
        key = "name_en" if self.lang == "en" else "name"
        r = self.results
        return str(self.scheme.get(key) or self.scheme.get("name") or r.get(f"scheme_{key}")
                   or r.get("scheme_name") or "")

    @property
    def title(self) -> str:
        """The scheme's name turned into the results' title (…方案（示例） → …结果（示例）)."""
        en = self.lang == "en"
        name = self.scheme_name
        if not name:
            title = self.T("default_title", year=self.results.get("year", ""))
        elif en:
            title = f"{name} — results"
        else:
            head, sep, tail = name.rpartition("方案")
            title = f"{head}结果{tail}" if sep else f"{name}结果"
        return title + (self.T("provisional_tag") if self.provisional else "")

    def provisional_text(self) -> str:
        """Why the results are provisional, one sentence ("" when they are complete)."""
        en = self.lang == "en"
        reasons = ("; " if en else "；").join(
            str(p.get("reason_en") if en else p.get("reason")) for p in self.provisional)
        return self.T("provisional_banner", reasons=reasons) if reasons else ""

    def comp_name(self, comp: Mapping[str, Any]) -> str:
        return group_label(comp, self.lang)

    def sheet(self, wb: Workbook, name: str, tab: str | None = None) -> Worksheet:
        ws = wb.add_worksheet(safe_sheet_name(name, self.taken))
        ws.hide_gridlines(2)
        if tab:
            ws.set_tab_color(tab)
        return ws

    def heading(self, ws: Worksheet, last_col: int, title: str, subtitle: str,
                width: float, first_col: int = 0) -> int:
        """Title, subtitle (sized to fit `width`) and the illustrative banner, across
        first_col..last_col; next free row."""
        c = first_col
        ws.merge_range(0, c, 0, last_col, title,
                       self.st("title", font_size=fitting_size(title, width)))
        ws.set_row(0, 30)
        ws.merge_range(1, c, 1, last_col, subtitle, self.st(
            "subtitle", font_size=10))
        row = 2
        if self.results.get("illustrative"):
            ws.merge_range(row, c, row, last_col, self.T("illustrative"), self.st("banner"))
            row += 1
        if self.provisional:
            text = self.provisional_text()
            ws.merge_range(row, c, row, last_col, text, self.st("banner_wrap"))
            ws.set_row(row, max(18, 14 * text_lines(text, width) + 4))
            row += 1
        return row + 1 if row > 2 else 3

    def header(self, ws: Worksheet, row: int, cols: Sequence[tuple[str, float]]) -> None:
        for c, (text, width) in enumerate(cols):
            put(ws, row, c, text, self.st, "header")
            ws.set_column(c, c, width)
        lines = max(text_lines(text, width) for text, width in cols)
        ws.set_row(row, max(32, 13.5 * lines + 4))

    # -- the workbook ----------------------------------------------------------------------

    def write(self, tmp: Path, rejected: Sequence[Mapping[str, Any]] | None,
              missing: Sequence[Mapping[str, Any]] | None) -> None:
        wb = open_workbook(tmp, title=self.title, created=self.generated)
        self.st = Styles(wb)
        self.about(wb)
        write_summary_sheet(self, wb)
        for group in self.groups:
            write_ranking_sheet(self, wb, group, self.by_group[group["id"]])
        write_trends_sheet(self, wb)
        for group in self.groups:
            write_points_sheet(self, wb, group, self.by_group[group["id"]])
        self.adjustments(wb)
        write_cadre_sheets(self, wb)
        write_not_scored_sheet(self, wb, rejected, missing)
        write_whatif_sheet(self, wb)
        wb.close()

    def about(self, wb: Workbook) -> None:
        T, r = self.T, self.results
        ws = self.sheet(wb, T("sheet_about"), "#1F4E78")
        key_width = 30 if self.lang == "en" else 18   # "Party and mass organisations"
        ws.set_column(0, 0, key_width)
        ws.set_column(1, 1, _ABOUT_WIDTH)
        row = self.heading(ws, 1, self.title, T("about_subtitle", year=r.get("year", "")),
                           _ABOUT_WIDTH + key_width)
        facts = [(T("scheme_name"), self.scheme_name or self.title),
                 (T("scheme_id"), r.get("scheme_id", "")),
                 (T("scheme_version"), r.get("scheme_version", "")), (T("year"), r.get("year")),
                 (T("groups_n"), self.groups_text()), (T("units_n"), self.units_text()),
                 (T("generated"), T("generated_note") + (f" {self.generated.isoformat()}"
                                                         if self.generated else ""))]
        if status := run_status(r.get("run"), self.lang, r.get("time_zone")):
            facts.insert(4, (T("run"), status))
        history = (r.get("history_note_en") if self.lang == "en" else None) or r.get(
            "history_note")
        if history:
            facts.append((T("history"), history))
        if self.provisional:
            facts.insert(0, (T("status"), self.provisional_text()))
        for key, value in facts:
            put(ws, row, 0, key, self.st, "key")
            text = str(value if value is not None else "")
            warn = key == T("status") and self.provisional
            put(ws, row, 1, text, self.st, "text_warn_wrap" if warn else "text_wrap")
            fit_row(ws, row, [(text, _ABOUT_WIDTH)])
            row += 1
        row += 1
        put(ws, row, 0, T("how_to_read"), self.st, "section")
        row += 1
        for key in ("read_ranking", "read_points", "read_adjustments", "read_not_scored",
                    "read_whatif", "read_rule"):
            put(ws, row, 0, T(key + "_k"), self.st, "key")
            put(ws, row, 1, T(key, digits=self.digits), self.st, "text_wrap")
            fit_row(ws, row, [(T(key, digits=self.digits), _ABOUT_WIDTH)])
            row += 1
        row += 1
        put(ws, row, 0, T("weights"), self.st, "section")
        row += 1
        put_row(ws, row, 0, [T("group"), "  ".join(self.comp_name(c) for c in self.comps)],
                self.st, "header")
        for g in self.groups:
            row += 1
            weights = "  ".join(f"{self.comp_name(c)} {c['weights'].get(g['id'], 0):g}"
                                for c in self.comps)
            put(ws, row, 0, group_label(g, self.lang), self.st, "key")
            put(ws, row, 1, weights, self.st, "text")
        print_setup(ws, header_rows=None, landscape=False, footer=self.title)

    def groups_text(self) -> str:
        """县市（计分 4 / 7）、党群部门（7）… — a group with units not scored says how many of
        its units were."""
        en, parts = self.lang == "en", []
        for g in self.groups:
            n, unscored = g.get("units", 0), self.unscored_n.get(g["id"], 0)
            count = (self.T("scored_of", n=n, total=n + unscored) if unscored else str(n))
            parts.append(f"{group_label(g, self.lang)} ({count})" if en
                         else f"{group_label(g, self.lang)}（{count}）")
        return (", " if en else "、").join(parts)

    def units_text(self) -> str:
        """30, or 计分 30 / 34（4 个单位未能计分，见“未计分”表）."""
        n, unscored = len(self.results.get("units", [])), sum(self.unscored_n.values())
        if not unscored:
            return str(n)
        return self.T("units_scored", n=n, total=n + unscored, m=unscored)

    # -- points matrix (outputs.points_sheet) ---------------------------------------------

    def indicator_name(self, ind: Mapping[str, Any]) -> str:
        """An indicator's name in the workbook's language (Chinese when it has no English)."""
        return str((ind.get("name_en") if self.lang == "en" else None) or ind.get("name") or "")

    # -- adjustments, not scored -----------------------------------------------------------------

    def adjustments(self, wb: Workbook) -> None:
        T = self.T
        ws = self.sheet(wb, T("sheet_adjustments"), "#548235")
        en = self.lang == "en"   # "Counted" does not fit a column 6 wide
        cols = [(T("unit"), 18), (T("group"), 10), (T("event_id"), 7), (T("date"), 10.5),
                (T("type"), 10), (T("category"), 9), (T("points"), 7 if en else 6),
                (T("counted"), 9 if en else 6),
                (T("reason"), 28), (T("evidence"), 22), (T("approver"), 12),
                (T("decision"), 11), (T("decision_reason"), 30)]
        last = len(cols) - 1
        top = self.heading(ws, last, T("adjustments_title", title=self.title),
                           T("adjustments_subtitle"), sum(w for _, w in cols))
        self.header(ws, top, cols)
        row = top
        for group in self.groups:
            for u in self.by_group[group["id"]]:
                events = sorted(u.get("adjustments") or [],
                                key=lambda e: (str(e.get("date") or ""), str(e.get("event_id"))))
                for e in events:
                    row += 1
                    d = e.get("decision") or {}
                    kind = e.get("type", "")
                    type_text = pick(TYPE, kind, self.lang)
                    if e.get("region_wide"):
                        type_text += T("region_wide")
                    decision = ""
                    if d:
                        decision = decision_label(d.get("kind"), d.get("outcome"), self.lang)
                    values = [
                        unit_label(u, self.lang), group_label(group, self.lang), e.get("event_id"),
                        e.get("date"), type_text,
                        word_en(e["category"]) if en and e.get("category") else e.get("category"),
                        e.get("points"),
                        e.get("counted"), e.get("reason"), e.get("evidence"), e.get("approver"),
                        decision, d.get("reason")]
                    put_row(ws, row, 0, values, self.st,
                            ["text_wrap"] * 6 + ["num", "num"] + ["text_wrap"] * 5)
                    fit_row(ws, row, [(v, w) for v, (_, w) in zip(values, cols, strict=True)
                                      if isinstance(v, str)])
        if row == top:
            row += 1
            ws.merge_range(row, 0, row, last, T("none"), self.st("text_c"))
        ws.freeze_panes(top + 1, 1)
        ws.autofilter(top, 0, row, last)
        print_setup(ws, header_rows=(top, top), last_col=last, last_row=row, footer=self.title,
                    repeat_cols=1)
