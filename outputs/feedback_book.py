"""Per-unit feedback workbooks for each unit's principal leader, from a `results` document.

"What was good, what was lost, and why": the total, rank in group, grade and score rate;
the group average and the difference; the components; every indicator with its full score,
points, points lost and the scoring explanation, biggest loss first; the indicators at full
marks; adjustments with their reasons and appeal decisions; gates; last year.

The feedback folder (file names, the check before writing, stale workbooks) is handled in
``feedback_folder``; its public names are importable from here too.

>>> write_feedback_workbooks(results, Path("反馈"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from statistics import fmean
from typing import Any

from xlsxwriter.worksheet import Worksheet

from kaohe.labels import decision_label, eligibility_text, follow_up_text, word_en
from kaohe.pipeline.io import write_atomic
from outputs.cadre_feedback import write_cadre_feedback
from outputs.feedback_folder import (
    check_feedback_folder,
    distinct_names,
    feedback_filename,
    feedback_names,
    feedback_path,
    remove_stale_feedback,
)
from outputs.labels import (
    FEEDBACK_LABELS,
    TYPE,
    pick,
    run_status,
)
from outputs.style import (
    Labels,
    Styles,
    fit_row,
    grade_label,
    group_label,
    open_workbook,
    print_setup,
    put,
    put_row,
    unit_label,
)

__all__ = ["write_feedback_workbooks", "write_feedback_workbook", "feedback_filename",
           "feedback_names",
           "indicators_by_loss", "remove_stale_feedback", "check_feedback_folder"]

#: Column widths of the one sheet's grid: No. | indicator | category | 3 numbers | text.
WIDTHS = (5.0, 20.0, 10.0, 8.0, 8.0, 10.0, 26.0)   # one A4 portrait page wide at 80 %
LAST = len(WIDTHS) - 1


def indicators_by_loss(unit: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The unit's applicable indicators, biggest loss first (then as the scheme lists them)."""
    rows = [dict(r) for r in unit.get("indicators") or [] if r.get("applicable", True)]
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(rows, key=lambda r: (-round(float(r.get("lost") or 0.0), 9), order[id(r)]))


def write_feedback_workbooks(results: Mapping[str, Any], out_dir: Path, *, lang: str = "zh",
                             generated: date | None = None,
                             progress: Callable[[int, int], None] | None = None,
                             share: tuple[int, int] = (0, 1)) -> list[Path]:
    """Write one feedback workbook per unit into `out_dir` (atomic writes); returns the paths.

    `progress(done, total)` is called after each workbook. `share=(k, n)` writes only every
    n-th unit from the k-th (k = 0 … n-1), so n processes can share the work.

    Example: write_feedback_workbooks(results, Path("反馈"))  # 结果反馈_富蕴县.xlsx, …
    (feedback_Fuyun County.xlsx, … with lang="en")
    """
    stats = _GroupStats(results)
    out = Path(out_dir)
    first, step = share
    units = list(results.get("units", []))[first::step]
    names = feedback_names(results, lang)
    distinct_names(results, names)
    paths = []
    for n, unit in enumerate(units, 1):
        paths.append(_write(results, unit, feedback_path(out, names[unit["unit_id"]]), lang,
                            generated, stats))
        if progress is not None:
            progress(n, len(units))
    return paths


def write_feedback_workbook(results: Mapping[str, Any], unit_id: str, path: Path, *,
                            lang: str = "zh", generated: date | None = None) -> Path:
    """Write the feedback workbook of one unit to `path`; returns `path`."""
    unit = next((u for u in results.get("units", []) if u["unit_id"] == unit_id), None)
    if unit is None:
        raise KeyError(f"unit {unit_id!r} is not in the results")
    return _write(results, unit, Path(path), lang, generated, _GroupStats(results))


class _GroupStats:
    """Group averages of totals and components, computed once for all feedback books."""

    def __init__(self, results: Mapping[str, Any]) -> None:
        members: dict[str, list[Mapping[str, Any]]] = {}
        for u in results.get("units", []):
            members.setdefault(u["group"], []).append(u)
        self.groups = {g["id"]: g for g in results.get("groups", [])}
        self.total = {g: fmean(float(u.get("total") or 0.0) for u in us)
                      for g, us in members.items()}
        self.components = {g: {c: fmean(float(u["components"].get(c) or 0.0) for u in us)
                               for c in us[0]["components"]} for g, us in members.items()}
        self.size = {g: len(us) for g, us in members.items()}
        self.unscored: dict[str, int] = {}   # units of the group that could not be scored
        for x in results.get("not_scored") or []:
            self.unscored[x.get("group", "")] = self.unscored.get(x.get("group", ""), 0) + 1


def _write(results: Mapping[str, Any], unit: Mapping[str, Any], path: Path, lang: str,
           generated: date | None, stats: _GroupStats) -> Path:
    page = _Page(results, unit, lang, stats)
    return write_atomic(path, lambda tmp: page.write(tmp, generated))


class _Page:
    """The one printable sheet of a unit's feedback, written top to bottom."""

    def __init__(self, results: Mapping[str, Any], unit: Mapping[str, Any], lang: str,
                 stats: _GroupStats) -> None:
        self.results, self.unit, self.lang, self.stats = results, unit, lang, stats
        self.T = Labels(FEEDBACK_LABELS, lang)
        self.en = lang == "en"
        self.group = stats.groups.get(unit["group"], {"id": unit["group"]})

    def text(self, row: Mapping[str, Any], key: str) -> str:
        """A field in the workbook's language (`key_en` in English when present)."""
        return str((row.get(f"{key}_en") if self.en else None) or row.get(key) or "")

    def word(self, word: Any) -> str:
        """A category (经济发展, 荣誉表彰 …) in the workbook's language."""
        return word_en(str(word)) if self.en and word else str(word or "")

    def paren(self, text: Any) -> str:
        """（text） in Chinese, " (text)" in English (no full-width brackets in English)."""
        return f" ({text})" if self.en else f"（{text}）"

    def write(self, tmp: Path, generated: date | None) -> None:
        T, u = self.T, self.unit
        title = T("title", unit=unit_label(u, self.lang), year=self.results.get("year", ""))
        provisional = self.results.get("provisional") or []
        if provisional:
            title += T("provisional_tag")
        wb = open_workbook(tmp, title=title, created=generated)
        self.st = Styles(wb)
        ws = wb.add_worksheet(T("sheet"))
        ws.hide_gridlines(2)
        for c, w in enumerate(WIDTHS):
            ws.set_column(c, c, w)
        ws.merge_range(0, 0, 0, LAST, title, self.st("title"))
        ws.set_row(0, 30)
        ws.merge_range(1, 0, 1, LAST, T("to", unit=unit_label(u, self.lang),
                                        group=group_label(self.group, self.lang)),
                       self.st("subtitle"))
        row = 2
        if status := run_status(self.results.get("run"), self.lang,
                                self.results.get("time_zone")):
            ws.merge_range(row, 0, row, LAST, f"{T('run')}：{status}" if not self.en
                           else f"{T('run')}: {status}", self.st("subtitle"))
            row += 1
        if self.results.get("illustrative"):
            ws.merge_range(row, 0, row, LAST, T("illustrative"), self.st("banner"))
            row += 1
        if provisional:
            reasons = ("; " if self.en else "；").join(self.text(p, "reason") for p in provisional)
            text = T("provisional_banner", reasons=reasons)
            ws.merge_range(row, 0, row, LAST, text, self.st("banner_wrap"))
            fit_row(ws, row, [(text, sum(WIDTHS))])
            row += 1
        for section in (self.overview, self.components, self.indicators, self.good,
                        self.adjustments, self.gates, self.history, self.notes):
            row = section(ws, row + 1)
        footer = T("footer") + (f" {generated.isoformat()}" if generated else "")
        print_setup(ws, header_rows=None, landscape=False, last_col=LAST, last_row=row,
                    footer=footer)
        write_cadre_feedback(self, wb)
        wb.close()

    def section(self, ws: Worksheet, row: int, key: str) -> int:
        ws.merge_range(row, 0, row, LAST, self.T(key), self.st("section"))
        ws.set_row(row, 22)
        return row + 1

    def wide(self, ws: Worksheet, row: int, text: str, style: str = "text_wrap",
             first: int = 0) -> int:
        """A text across the grid (merged); returns the next row."""
        ws.merge_range(row, first, row, LAST, "", self.st(style))
        put(ws, row, first, text, self.st, style)
        fit_row(ws, row, [(text, sum(WIDTHS[first:]))])
        return row + 1

    # -- sections --------------------------------------------------------------------------

    def overview(self, ws: Worksheet, row: int) -> int:
        T, u = self.T, self.unit
        row = self.section(ws, row, "s_overview")
        gid = u["group"]
        avg = round(self.stats.total.get(gid, 0.0), 2)
        total = float(u.get("total") or 0.0)
        grades = list(self.results.get("grades") or [])
        grade = u.get("grade")
        gstyle = "grade_top" if grades and grade == grades[0] else (
            "grade_low" if grades and grade == grades[-1] else "text_c")
        size = u.get("group_size") or self.stats.size.get(gid, 0)
        rate = u.get("score_rate")
        rank = T("rank_value", rank=u.get("rank"), size=size)
        if unscored := self.stats.unscored.get(gid, 0):
            rank += T("rank_unscored", m=unscored)
        pairs = [((T("total"), total, "num_b"), (T("rank_of"), rank, "text_c")),
                 ((T("grade"), grade_label(grade, self.lang), gstyle),
                  (T("score_rate"), rate if rate is not None else total / 100, "pct")),
                 ((T("group_avg"), avg, "num"), (T("vs_avg"), round(total - avg, 2), "delta"))]
        eligible = u.get("top_grade_eligible", True)
        pairs.append(((T("eligible"), T("yes") if eligible else T("no"),
                       "text_c" if eligible else "text_warn"),
                      (T("bonus") + " / " + T("deduction"),
                       f"{_signed(u.get('bonus'), '+')} / {_signed(u.get('deduction'), '−')}",
                       "text_c")))
        left = {"text_c": "text_l", "num": "num_l", "pct": "pct_l", "delta": "delta_l"}
        for (k1, v1, s1), (k2, v2, s2) in pairs:
            ws.merge_range(row, 0, row, 1, "", self.st("key"))
            put(ws, row, 0, k1, self.st, "key")
            put(ws, row, 2, v1, self.st, s1)
            ws.merge_range(row, 3, row, 4, "", self.st("key"))
            put(ws, row, 3, k2, self.st, "key")
            ws.merge_range(row, 5, row, LAST, "", self.st(left.get(s2, s2)))
            put(ws, row, 5, v2, self.st, left.get(s2, s2))
            row += 1
        notes = [T("grade_moved", src=grade_label(n.get("from"), self.lang),
                   dst=grade_label(n.get("to"), self.lang), why=self.text(n, "reason"))
                 for n in u.get("grade_notes") or []]
        if notes:
            ws.merge_range(row, 0, row, 1, "", self.st("key"))
            put(ws, row, 0, T("grade_note"), self.st, "key")
            row = self.wide(ws, row, "\n".join(notes), first=2)
        from kaohe.analysis.stability import stability_of

        if phrase := stability_of(self.results, u["unit_id"], self.lang):
            ws.merge_range(row, 0, row, 1, "", self.st("key"))
            put(ws, row, 0, T("stability"), self.st, "key")
            row = self.wide(ws, row, phrase, first=2)
        return row

    def components(self, ws: Worksheet, row: int) -> int:
        T, u = self.T, self.unit
        row = self.section(ws, row, "s_components")
        put_row(ws, row, 0, [T("idx"), T("component"), T("score"), T("weight"), T("weighted"),
                             T("avg"), T("how")], self.st, "header")
        averages = self.stats.components.get(u["group"], {})
        weights = u.get("weights") or {}
        details = u.get("component_details") or {}
        for i, comp in enumerate(self.results.get("components") or []):
            row += 1
            cid = comp["id"]
            score = u["components"].get(cid)
            weight = weights.get(cid, comp.get("weights", {}).get(u["group"], 0.0))
            how = self.text(details.get(cid) or {}, "explanation")
            put_row(ws, row, 0, [i + 1, group_label(comp, self.lang), score, weight,
                                 round((score or 0.0) * weight, 2),
                                 round(averages.get(cid, 0.0), 2), how], self.st,
                    ["int", "text", "num", "num", "num", "num", "text_wrap"])
            fit_row(ws, row, [(how, WIDTHS[6])])
        for key, value in ((T("bonus"), u.get("bonus") or 0.0),
                           (T("deduction"), -(u.get("deduction") or 0.0)),
                           (T("sum_total"), u.get("total"))):
            row += 1
            put_row(ws, row, 0, ["", key, "", "", value, "", ""], self.st,
                    ["text", "key", "text", "text", "num_b" if key == T("sum_total") else "num",
                     "text", "text"])
        return row + 1

    def indicators(self, ws: Worksheet, row: int) -> int:
        T, u = self.T, self.unit
        row = self.section(ws, row, "s_indicators")
        put_row(ws, row, 0, [T("idx"), T("indicator"), T("category"), T("full_score"),
                             T("score"), T("lost"), T("why")], self.st, "header")
        ws.set_row(row, 28)
        strong = {g.get("indicator_id") for g in u.get("gates") or []
                  if g.get("gate") == "region-loss"}
        for i, ind in enumerate(indicators_by_loss(u)):
            row += 1
            lost = float(ind.get("lost") or 0.0)
            style = ("loss_strong" if ind["indicator_id"] in strong else
                     "loss" if round(lost, 2) > 0 else "pts")
            name = self.text(ind, "name")   # a reader sees names; ids stay in the JSON
            why = self.text(ind, "explanation")
            category = self.word(ind.get("category"))
            put_row(ws, row, 0, [i + 1, name, category, ind.get("full_score"),
                                 round(float(ind.get("points") or 0.0), 2), round(lost, 2), why],
                    self.st, ["int", "text_wrap", "text_wrap", "pts", "pts", style, "text_wrap"])
            fit_row(ws, row, [(why, WIDTHS[6]), (name, WIDTHS[1]),
                              (category, WIDTHS[2])])
        skipped = [r for r in u.get("indicators") or [] if not r.get("applicable", True)]
        for ind in skipped:
            row += 1
            put_row(ws, row, 0, ["", self.text(ind, "name"),
                                 self.word(ind.get("category")), ind.get("full_score"), T("na"), "",
                                 self.text(ind, "explanation")], self.st,
                    ["na", "text_wrap", "text_wrap", "na", "na", "na", "text_wrap"])
        return row + 1

    def good(self, ws: Worksheet, row: int) -> int:
        T, u = self.T, self.unit
        row = self.section(ws, row, "s_good")
        full = [r for r in u.get("indicators") or []
                if r.get("applicable", True) and float(r.get("lost") or 0.0) <= 1e-9]
        if full:
            row = self.wide(ws, row, T("good_full", n=len(full)), "plain")
            names = ("; " if self.en else "；").join(self.text(r, "name") for r in full)
            row = self.wide(ws, row, names)
        else:
            row = self.wide(ws, row, T("good_none"), "plain")
        averages = self.stats.components.get(u["group"], {})
        above = [f"{group_label(c, self.lang)} {u['components'].get(c['id'], 0):.2f}"
                 + self.paren(f"{T('avg')} {averages.get(c['id'], 0):.2f}")
                 for c in self.results.get("components") or []
                 if (u["components"].get(c["id"]) or 0) > averages.get(c["id"], 0) + 1e-9]
        if above:
            row = self.wide(ws, row, T("good_above") + ("; " if self.en else "；").join(above))
        return row

    def adjustments(self, ws: Worksheet, row: int) -> int:
        T = self.T
        row = self.section(ws, row, "s_adjustments")
        events = sorted(self.unit.get("adjustments") or [],
                        key=lambda e: (str(e.get("date") or ""), str(e.get("event_id"))))
        if not events:
            return self.wide(ws, row, T("no_events"), "plain")
        put_row(ws, row, 0, [T("idx"), T("event"), T("adj_type"), T("points"), T("counted"),
                             T("date"), T("decision_col")], self.st, "header")
        ws.set_row(row, 28)
        for i, e in enumerate(events):
            row += 1
            kind_text = f"{pick(TYPE, e.get('type'), self.lang)}·{self.word(e.get('category'))}"
            if e.get("region_wide"):
                kind_text += T("region_wide")
            detail = [str(e.get("evidence") or "")]
            d = e.get("decision") or {}
            if d:
                said = decision_label(d.get("kind"), d.get("outcome"), self.lang)
                if d.get("reason"):
                    said += (", " if self.en else "，") + str(d["reason"])
                detail.append(said)
            values = [i + 1, e.get("reason"), kind_text, e.get("points"), e.get("counted"),
                      e.get("date"), "\n".join(x for x in detail if x)]
            put_row(ws, row, 0, values, self.st,
                    ["int", "text_wrap", "text_wrap", "num", "num", "text_c", "text_wrap"])
            fit_row(ws, row, [(values[1], WIDTHS[1]), (values[2], WIDTHS[2]),
                              (values[6], WIDTHS[6])])
        return row + 1

    def gates(self, ws: Worksheet, row: int) -> int:
        row = self.section(ws, row, "s_gates")
        gates = self.unit.get("gates") or []
        waived = self.unit.get("waived_gates") or []
        if not gates and not waived:
            return self.wide(ws, row, self.T("no_gates"), "plain")
        for g in [*gates, *waived]:
            row = self.wide(ws, row, self.text(g, "reason"), "text_wrap")
        if gates and self.unit.get("eligibility"):
            row = self.wide(ws, row, eligibility_text(self.unit["eligibility"], self.en),
                            "text_wrap")
        for follow_up in self.unit.get("follow_ups") or []:
            row = self.wide(ws, row, follow_up_text(follow_up, self.en), "text_wrap")
        return row

    def history(self, ws: Worksheet, row: int) -> int:
        T = self.T
        h = self.unit.get("history") or {}
        row = self.section(ws, row, "s_history")
        if not h:
            return self.wide(ws, row, T("no_history"), "plain")
        year = h.get("previous_year", "")
        items = [(T("prev_total") + self.paren(year), h.get("previous_total"), "num"),
                 (T("total_change"), h.get("total_change"), "delta"),
                 (T("prev_rank"), h.get("previous_rank"), "int"),
                 (T("rank_change"), h.get("rank_change"), "delta_i"),
                 (T("prev_grade_k"), grade_label(h.get("previous_grade"), self.lang), "text_c"),
                 (T("streak"), T("yes") if h.get("three_consecutive_top") else T("no"), "text_c")]
        for key, value, style in items:
            ws.merge_range(row, 0, row, 1, "", self.st("key"))
            put(ws, row, 0, key, self.st, "key")
            put(ws, row, 2, value, self.st, style)
            row += 1
        return self.trends(ws, row)

    def trends(self, ws: Worksheet, row: int) -> int:
        """The unit's published years (from the history database): total, rank, grade; a
        year published again on a later revision is marked *."""
        from outputs.trends_sheet import trend_rows

        points = trend_rows(self.results, self.unit["unit_id"])
        if not points:
            return row
        T = self.T
        row += 1
        put_row(ws, row, 0, ["", T("trend_year"), T("sum_total"), T("rank_of"), T("grade_k"),
                             "", ""], self.st, "header")
        ws.merge_range(row, 5, row, LAST, T("trend_note"), self.st("header"))
        for p in points:
            row += 1
            note = T("trend_revised", run=p.get("run_id", "")) if p.get("revised") else ""
            put_row(ws, row, 0, ["", p["year"], p.get("total"),
                                 f"{p.get('rank')} / {p.get('group_size')}",
                                 grade_label(p.get("grade"), self.lang)], self.st,
                    ["int", "int", "num", "text_c", "text_c"])
            ws.merge_range(row, 5, row, LAST, "", self.st("text"))
            put(ws, row, 5, note, self.st, "text")
        return row + 1

    def notes(self, ws: Worksheet, row: int) -> int:
        notes = list((self.unit.get("notes_en") if self.en else self.unit.get("notes")) or [])
        if not notes:
            return row
        row = self.section(ws, row, "s_notes")
        for note in notes:
            row = self.wide(ws, row, note)
        return row


def _signed(value: Any, sign: str) -> str:
    """+1.50 / −0.50, and a plain 0.00 when nothing was added or deducted."""
    number = float(value or 0.0)
    return f"{sign}{number:.2f}" if number > 0 else "0.00"
