"""The leaders' one-page summary (综合考核结果汇总) as a Word document.

The same content as the results workbook's summary sheet (both from
`leaders_summary.LeadersSummary`): grades per group with the units of each grade in rank
order, the biggest movers against last year, units barred from the top grade and why (by
indicator name), the merit list, the status (published or not, provisional or complete).
A4 portrait, fonts after GB/T 9704's families at table sizes (五号), so it fits one page.

>>> write_summary_document(results, Path("综合考核结果汇总.docx"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from outputs.docx_layout import ZH_SIZES, new_document, paragraph, save_docx
from outputs.docx_layout import table as docx_table
from outputs.leaders_summary import join_names, leaders_summary
from outputs.style import Labels
from outputs.summary_sheet import SUMMARY_LABELS

__all__ = ["write_summary_document"]

_SMALL = ZH_SIZES["五号"]
_WIDTH_MM = 180.0   # 210 mm less 15 mm margins either side


def write_summary_document(results: Mapping[str, Any], path: Path, *,
                           lang: str = "zh") -> Path:
    """Write the one-page summary (.docx) of a results document atomically; returns `path`."""
    s = leaders_summary(results, lang)
    if s.stability:   # a line a group more: three movers keep it on one page
        s = leaders_summary(results, lang, movers=3)
    T = Labels(SUMMARY_LABELS, lang)
    en = lang == "en"
    doc = new_document(lang, margins_mm=(12, 12, 15, 15))
    paragraph(doc, s.title, role="title", size=16, lang=lang, align="center", line_pt=24)
    status = s.status + ("; " if en else "；") + (T("complete") if not s.provisional else "")
    paragraph(doc, status.rstrip("；; "), size=_SMALL, lang=lang, align="center", line_pt=14.5)
    if s.illustrative:
        paragraph(doc, T("illustrative"), role="h1", size=_SMALL, lang=lang, align="center",
                  line_pt=14.5, color="C00000")
    if s.provisional:
        paragraph(doc, T("provisional", reasons=("; " if en else "；").join(s.provisional)),
                  role="h1", size=_SMALL, lang=lang, align="center", line_pt=14.5,
                  color="C00000")

    def heading(text: str) -> None:
        paragraph(doc, text, role="h1", size=12, lang=lang, align="left", line_pt=19)

    def grid(head: list[str], rows: list[list[str]], widths: tuple[float, ...],
             center: tuple[bool, ...]) -> None:
        # English runs longer than Chinese: 9 pt (still legible) keeps it on one page
        docx_table(doc, head, rows, lang=lang, widths_mm=widths, size=9.0 if en else 10.0,
                   center=center, line=1.2)

    heading(T("s_grades"))
    n = max(1, len(s.grades))
    rows = []
    for g in s.groups:
        units = str(g.units) + (T("unscored", m=g.unscored) if g.unscored else "")
        rows.append([g.name, units] + [(T("n_units", n=len(names)) + join_names(names, lang))
                                       if names else "0" for _, names in g.by_grade[:n]])
    totals = [str(sum(len(g.by_grade[j][1]) for g in s.groups if j < len(g.by_grade)))
              for j in range(n)]
    rows.append([T("total"), str(s.total_units)] + totals)
    first = (26.0, 11.0) if en else (22.0, 14.0)
    grid([T("group"), T("units")] + s.grades, rows,
         first + _grade_widths(rows, n, _WIDTH_MM - sum(first), 18.0 if en else 16.0),
         (True, True) + (False,) * n)
    heading(T("s_movers", year=s.previous_year) if s.previous_year else T("s_movers_none"))
    if s.movers:
        rows = [[m.unit, m.group, f"{m.previous_rank} → {m.rank}",
                 "" if m.total_change is None else f"{m.total_change:+.2f}",
                 m.grade if m.grade == m.previous_grade else f"{m.previous_grade} → {m.grade}"]
                for m in s.movers]
        grid([T("unit"), T("group"), T("rank_move"), T("total_change"), T("grade_move")], rows,
             (50, 40, 26, 20, 34) if en else (50, 30, 32, 24, 34),
             (False, True, True, True, True))
    else:
        paragraph(doc, T("no_movers"), size=_SMALL, lang=lang, line_pt=14.5)
    heading(T("s_lost"))
    if s.lost:
        rows = [[x.unit, x.group, ("; " if en else "；").join(x.reasons)] for x in s.lost]
        grid([T("unit"), T("group"), T("why")], rows,
             (40, 36, 94) if en else (44, 26, 100), (False, True, False))
    else:
        paragraph(doc, T("no_lost"), size=_SMALL, lang=lang, line_pt=14.5)
    heading(T("s_merit"))
    merit = join_names([f"{u} ({g})" if en else f"{u}（{g}）" for u, g in s.merit], lang)
    paragraph(doc, merit or T("no_merit"), size=_SMALL, lang=lang, line_pt=14.5)
    if s.stability:   # how sure the ranks are under other weightings
        heading(T("s_stability", n="5" if en else "五", basis=s.stability_basis))
        for text in s.stability:
            paragraph(doc, text, size=9.0 if en else _SMALL, lang=lang,
                      line_pt=11.5 if en else 13.5)
    doc.core_properties.title = s.title
    doc.core_properties.subject = s.status
    return save_docx(doc, path)


def _grade_widths(rows: list[list[str]], n: int, room: float,
                  least: float) -> tuple[float, ...]:
    """Grade columns as wide as their longest lists need (the crowded middle grades get
    the room, a column of zeros stays narrow), at least `least` mm each."""
    need = [max(len(r[2 + j]) for r in rows) ** 0.5 for j in range(n)]
    total = sum(need) or 1.0
    widths = [max(least, room * x / total) for x in need]
    scale = room / sum(widths)
    return tuple(round(w * scale, 1) for w in widths)
