"""The people's sheets of the results workbook: a team-grades sheet per group (班子等次),
one sheet of every cadre (干部考核结果: score, ballot shares, grade, quota, caps, alerts,
merit, bonus) and the office's follow-ups (预警及后续事项)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.workbook import Workbook

from outputs.style import fit_row, grade_label, group_label, print_setup, put_row

__all__ = ["write_cadre_sheets", "cadre_row", "CADRE_WORDS", "ROLE_WORDS", "QUOTA_WORDS"]

#: key -> (中文, English)
CADRE_WORDS: dict[str, tuple[str, str]] = {
    "teams": ("班子等次", "Team grades"), "cadres": ("干部考核结果", "Cadres"),
    "follow": ("预警及后续事项", "Alerts and follow-ups"),
    "teams_title": ("{title}：{group}领导班子等次", "{title}: leadership teams, {group}"),
    "cadres_title": ("{title}：领导干部考核结果", "{title}: leading cadres"),
    "follow_title": ("{title}：测评预警、取消绩效奖励和奖励建议", "{title}: alerts and follow-ups"),
    "subtitle": ("{n} 个单位；等次由单位得分和班子测评按方案规则确定",
                 "{n} units; grades from the unit's result and the team ballot, by the scheme"),
    "cadre_subtitle": ("{n} 名干部；优秀名额与单位等次挂钩，预警仅供组织研究，不自动执行",
                       "{n} cadres; 优秀 places tied to the unit's grade; alerts are for the "
                       "office to decide, never applied"),
    "unit": ("单位", "Unit"), "unit_total": ("单位总分", "Unit total"),
    "unit_grade": ("单位等次", "Unit grade"), "ballot": ("班子测评", "Team ballot"),
    "score": ("得分", "Score"), "grade": ("等次", "Grade"), "remarks": ("说明", "Remarks"),
    "person": ("干部编号", "Person ID"), "name": ("姓名", "Name"), "post": ("职务", "Post"),
    "role": ("角色", "Role"), "cadre_ballot": ("测评得分", "Ballot"),
    "approval": ("优秀+称职票", "Top two shares"), "against": ("不称职票", "Lowest share"),
    "quota": ("优秀名额", "Quota"), "cap": ("处分限制", "Sanction cap"),
    "alerts": ("测评预警", "Alerts"), "merit": ("奖励", "Merit"),
    "bonus": ("取消绩效奖励", "Bonus cancelled"), "kind": ("事项", "Kind"),
    "action": ("建议", "Action"), "reason": ("依据", "Why"), "none": ("无", "none"),
    "no_grade": ("不确定等次", "no grade"),
}
ROLE_WORDS = {"principal": ("主要负责人", "Principal"), "member": ("班子成员", "Member")}
QUOTA_WORDS = {"used": ("占用名额", "place used"), "over_quota": ("名额已满", "quota full"),
               "passed_down": ("不得评优，名额顺延", "not eligible: passed down")}
KIND_WORDS = {"low-approval": ("称职以上票不足", "low approval"),
              "high-disapproval": ("不称职票过多", "high disapproval"),
              "bonus-cancelled": ("取消绩效奖励", "bonus cancelled"), "merit": ("奖励", "merit"),
              "unsatisfactory-run": ("连续不称职", "repeated lowest grade")}


def _w(table: Mapping[str, tuple[str, str]], key: str | None, lang: str, **values: Any) -> str:
    if key is None or key not in table:
        return ""
    return table[key][lang == "en"].format(**values)


def _pct(share: Any) -> float | None:
    return share if isinstance(share, int | float) else None


def cadre_row(c: Mapping[str, Any], grades: Sequence[str], lang: str) -> list[Any]:
    """The row a cadre gets on the cadres sheet (and in the unit's feedback)."""
    en = lang == "en"
    shares = c.get("ballot_shares") or {}
    top2 = [shares.get(g) for g in grades[:2]]
    approval = sum(x for x in top2 if x is not None) if any(x is not None for x in top2) else None
    merit = c.get("merit") or {}
    sep = "; " if en else "；"
    return [
        c["person_id"], c.get("name", ""), c.get("post", ""),
        _w(ROLE_WORDS, c.get("role"), lang), c.get("score"), (c.get("parts") or {}).get("ballot"),
        approval, _pct(shares.get(grades[-1])) if grades else None,
        grade_label(c.get("grade"), lang) if c.get("grade") else _w(CADRE_WORDS, "no_grade", lang),
        _w(QUOTA_WORDS, c.get("quota"), lang),
        ((c.get("cap") or {}).get("reason_en" if en else "reason") or ""),
        sep.join(a["reason_en" if en else "reason"] for a in c.get("alerts") or ()),
        (merit.get("merit_en" if en else "merit") or ""),
        sep.join(f"{b['situation']} {b['name_en' if en else 'name']}"
                 for b in c.get("bonus_cancelled") or ()),
        sep.join(c.get("explanation_en" if en else "explanation") or ()),
    ]


CADRE_COLUMNS = (("person", 10), ("name", 9), ("post", 14), ("role", 10), ("score", 8),
                 ("cadre_ballot", 8), ("approval", 9), ("against", 8), ("grade", 9),
                 ("quota", 12), ("cap", 26), ("alerts", 30), ("merit", 10), ("bonus", 24),
                 ("remarks", 60))
CADRE_STYLES = ["text_c", "text", "text", "text_c", "num_b", "num", "pct", "pct", "text_c",
                "text_c", "text_wrap", "text_warn_wrap", "text_c", "text_wrap", "text_wrap"]


def write_cadre_sheets(book: Any, wb: Workbook) -> None:
    """The people's sheets of the results workbook `book` (a results_book._Book), when the
    results have a `cadres` section."""
    section = book.results.get("cadres")
    if not section:
        return
    for group in book.groups:
        teams = [t for t in section.get("teams", ()) if t.get("group") == group["id"]]
        if teams:
            _teams_sheet(book, wb, group, teams)
    _cadres_sheet(book, wb, section)
    _follow_sheet(book, wb, section)


def _teams_sheet(book: Any, wb: Workbook, group: Mapping[str, Any],
                 teams: list[Mapping[str, Any]]) -> None:
    lang = book.lang
    # English sheet names use the group's id, as the points sheets do (31 characters at most)
    name = (f"Teams {group['id']}" if lang == "en"
            else f"{_w(CADRE_WORDS, 'teams', lang)}·{group_label(group, lang)}")
    ws = book.sheet(wb, name, "#548235")
    cols = [(_w(CADRE_WORDS, k, lang), w) for k, w in (
        ("unit", 22), ("unit_total", 9), ("unit_grade", 8), ("ballot", 9), ("score", 8),
        ("grade", 8), ("remarks", 70))]
    top = book.heading(ws, len(cols) - 1, _w(CADRE_WORDS, "teams_title", lang, title=book.title,
                                             group=group_label(group, lang)),
                       _w(CADRE_WORDS, "subtitle", lang, n=len(teams)), sum(w for _, w in cols))
    book.header(ws, top, cols)
    en = lang == "en"
    for i, t in enumerate(teams):
        notes = ("; " if en else "；").join([t["explanation_en" if en else "explanation"],
                          *(t.get("notes_en" if en else "notes") or ())])
        put_row(ws, top + 1 + i, 0, [
            t.get("unit_name", ""), t.get("unit_total"), grade_label(t.get("unit_grade"), lang),
            t.get("ballot_score"), t.get("score"), grade_label(t.get("grade"), lang), notes],
            book.st, ["text", "num", "text_c", "num", "num_b", "text_c", "text_wrap"])
        fit_row(ws, top + 1 + i, [(notes, 70)])
    print_setup(ws, header_rows=(top, top), last_col=len(cols) - 1, last_row=top + len(teams))


def _cadres_sheet(book: Any, wb: Workbook, section: Mapping[str, Any]) -> None:
    lang = book.lang
    ws = book.sheet(wb, _w(CADRE_WORDS, "cadres", lang), "#548235")
    cols = [(_w(CADRE_WORDS, k, lang), w) for k, w in CADRE_COLUMNS]
    cadres = list(section.get("cadres", ()))
    top = book.heading(ws, len(cols) - 1, _w(CADRE_WORDS, "cadres_title", lang, title=book.title),
                       _w(CADRE_WORDS, "cadre_subtitle", lang, n=len(cadres)),
                       sum(w for _, w in cols))
    cols.insert(0, (_w(CADRE_WORDS, "unit", lang), 18))
    book.header(ws, top, cols)
    grades = list(section.get("grades") or ())
    for i, c in enumerate(cadres):
        values = [c.get("unit_name", ""), *cadre_row(c, grades, lang)]
        put_row(ws, top + 1 + i, 0, values, book.st, ["text", *CADRE_STYLES])
        fit_row(ws, top + 1 + i, [(values[-1], 60), (values[12], 30)])
    ws.freeze_panes(top + 1, 3)
    print_setup(ws, header_rows=(top, top), last_col=len(cols) - 1, last_row=top + len(cadres))


def _follow_sheet(book: Any, wb: Workbook, section: Mapping[str, Any]) -> None:
    lang = book.lang
    en = lang == "en"
    ws = book.sheet(wb, _w(CADRE_WORDS, "follow", lang), "#C00000")
    cols = [(_w(CADRE_WORDS, k, lang), w) for k, w in (
        ("unit", 18), ("person", 10), ("name", 9), ("kind", 14), ("action", 20),
        ("reason", 70))]
    items = list(section.get("follow_ups", ()))
    top = book.heading(ws, len(cols) - 1, _w(CADRE_WORDS, "follow_title", lang, title=book.title),
                       f"{len(items)}", sum(w for _, w in cols))
    book.header(ws, top, cols)
    for i, f in enumerate(items):
        reason = f["reason_en" if en else "reason"]
        put_row(ws, top + 1 + i, 0, [f.get("unit_name", ""), f["person_id"], f.get("name", ""),
                                     _w(KIND_WORDS, f["kind"], lang),
                                     f.get("action_en" if en else "action") or "", reason],
                book.st, ["text", "text_c", "text", "text_c", "text", "text_wrap"])
        fit_row(ws, top + 1 + i, [(reason, 70)])
    print_setup(ws, header_rows=(top, top), last_col=len(cols) - 1, last_row=top + len(items))
