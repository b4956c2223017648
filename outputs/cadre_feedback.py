"""The people's sheet of a unit's feedback workbook (领导班子和干部): the team's grade and each
member's result, for the principal leader to pass on to the members. Only the unit's own
people are written: person data never goes into another unit's file."""

from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook

from outputs.cadre_sheets import CADRE_COLUMNS, CADRE_STYLES, CADRE_WORDS, cadre_row
from outputs.style import fit_row, grade_label, print_setup, put_row, unit_label

__all__ = ["write_cadre_feedback", "FEEDBACK_WORDS"]

FEEDBACK_WORDS: dict[str, tuple[str, str]] = {
    "sheet": ("领导班子和干部", "Team and cadres"),
    "title": ("{unit} {year}年度领导班子和领导干部考核结果", "{unit}: team and cadres, {year}"),
    "to": ("反馈单位主要负责人，由其分别向班子成员反馈", "For the principal leader, to pass on to "
           "each member of the team"),
    "team": ("领导班子等次：{grade}（得分 {score}）", "Team grade: {grade} (score {score})"),
    "quota": ("本单位优秀名额：{text}", "优秀 places: {text}"),
    "not_assessed": ("干部未评价：{reason}", "Cadres not assessed: {reason}"),
}


def _w(key: str, lang: str, **values: Any) -> str:
    return FEEDBACK_WORDS[key][lang == "en"].format(**values)


def write_cadre_feedback(page: Any, wb: Workbook) -> None:
    """Add the people's sheet to the feedback workbook of `page.unit` (a feedback_book._Page),
    holding that unit's team and cadres only."""
    section = page.results.get("cadres")
    if not section:
        return
    unit_id, lang = page.unit["unit_id"], page.lang
    en = lang == "en"
    team = next((t for t in section.get("teams", ()) if t["unit_id"] == unit_id), None)
    cadres = [c for c in section.get("cadres", ()) if c["unit_id"] == unit_id]
    quota = next((q for q in section.get("quotas", ()) if q["unit_id"] == unit_id), None)
    missing = next((m for m in section.get("not_assessed", ()) if m["unit_id"] == unit_id), None)
    if team is None and not cadres:
        return
    ws = wb.add_worksheet(_w("sheet", lang))
    ws.hide_gridlines(2)
    cols = [(CADRE_WORDS[k][en], w) for k, w in CADRE_COLUMNS]
    last = len(cols) - 1
    st = page.st
    ws.merge_range(0, 0, 0, last, _w("title", lang, unit=unit_label(page.unit, lang),
                                     year=page.results.get("year", "")), st("title"))
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last, _w("to", lang), st("subtitle"))
    row = 3
    lines = []
    if team is not None:
        lines.append(_w("team", lang, grade=grade_label(team["grade"], lang), score=team["score"]))
        lines.append(("; " if en else "；").join([team["explanation_en" if en else "explanation"],
                               *(team.get("notes_en" if en else "notes") or ())]))
    if quota is not None:
        lines.append(_w("quota", lang, text=quota["explanation_en" if en else "explanation"]))
    if missing is not None:
        lines.append(_w("not_assessed", lang, reason=missing["reason_en" if en else "reason"]))
    for text in lines:
        ws.merge_range(row, 0, row, last, text, st("wrap"))
        fit_row(ws, row, [(text, sum(w for _, w in cols))])
        row += 1
    row += 1
    for c, (text, width) in enumerate(cols):
        put_row(ws, row, c, [text], st, "header")
        ws.set_column(c, c, width)
    ws.set_row(row, 32)
    header = row
    grades = list(section.get("grades") or ())
    for c in cadres:
        row += 1
        values = cadre_row(c, grades, lang)
        put_row(ws, row, 0, values, st, CADRE_STYLES)
        fit_row(ws, row, [(values[-1], 60), (values[11], 30)])
    print_setup(ws, header_rows=(header, header), last_col=last, last_row=row)
