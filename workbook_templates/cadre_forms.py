"""The people's forms of one unit: 领导班子成员名册 (roster) and 干部民主测评统计表 (cadre ballots).

Roster sheet `people`: rows ``person:<n>``, column keys person_id, name, post, role, remarks.
Ballot tally, laid out as offices tally paper ballots: sheet `team` (班子测评) rows keyed by
rater group, columns ``count:<grade>``, invalid, raters and the self-checks valid and check
(formulas: votes plus invalid ballots never exceed the raters); sheet `cadres` (干部测评) a
block per cadre, rows ``p<n>|<rater group>`` (person_id and name on the block's first row);
sheet `routine` (干部平时考核) rows ``p<n>``, one column per period and the average (formula).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import Scheme
from workbook_templates.formulas import average_formula
from workbook_templates.instructions import instruction_lines
from workbook_templates.labels import period_label, tr
from workbook_templates.tallies import count_rule, register_top
from workbook_templates.unit_report import name_of

if TYPE_CHECKING:  # the builders import openpyxl when they run; readers never do
    from workbook_templates.sheetkit import Book, SheetWriter

__all__ = ["build_roster", "build_cadre_ballots", "ROSTER_ROWS", "PEOPLE_SLOTS", "ROLES",
           "LABELS", "check_formula", "valid_formula", "cadre_rater_groups"]

ROSTER_ROWS = 15
PEOPLE_SLOTS = 12
_HEADER, _FIRST = 5, 6
ROLES: dict[str, tuple[str, str]] = {"principal": ("主要负责人", "Principal leader"),
                                     "member": ("班子成员", "Team member")}
LABELS: dict[str, tuple[str, str]] = {
    "sheet.people": ("班子成员名册", "Roster"),
    "sheet.team": ("班子测评", "Team ballot"),
    "sheet.cadres": ("干部测评", "Cadre ballots"),
    "sheet.routine": ("干部平时考核", "Cadre routine"),
    "title.roster": ("{unit} {year}年度领导班子成员名册", "{unit}: leadership roster {year}"),
    "title.team": ("{unit} {year}年度领导班子民主测评票数统计", "{unit}: team ballot tally {year}"),
    "title.cadres": ("{unit} {year}年度领导干部民主测评票数统计",
                     "{unit}: cadre ballot tally {year}"),
    "title.routine": ("{unit} {year}年度领导干部平时考核成绩",
                      "{unit}: cadre routine scores {year}"),
    "col.person_id": ("干部编号", "Person ID"), "col.name": ("姓名", "Name"),
    "col.post": ("职务", "Post"), "col.role": ("班子角色", "Role"),
    "col.remarks": ("备注", "Remarks"),
    "col.rater": ("测评主体", "Rater group"), "col.invalid": ("无效票", "Invalid"),
    "col.raters": ("参评人数", "Raters"), "col.valid": ("有效票", "Valid"),
    "col.check": ("核对", "Check"), "col.average": ("平均分", "Average"),
    "col.person": ("干部", "Cadre"),
    "check.ok": ("✓", "✓"), "check.over": ("超出参评人数", "over raters"),
    "legend": ("黄色单元格为填写项；绿色单元格自动计算、供核对"
               "（票数与无效票之和不得超过参评人数）。",
               "Yellow cells are inputs; green cells are computed checks (votes plus invalid "
               "ballots may not exceed the raters)."),
    "sign": ("填表人：            审核人：            （单位盖章）",
             "Filled in by:            Checked by:            (unit seal)"),
}


def _t(key: str, lang: str, **values: Any) -> str:
    zh, en = LABELS[key]
    return (en if lang == "en" else zh).format(**values)


def cadre_rater_groups(scheme: Scheme) -> list[tuple[str, str, str, float]]:
    """(id, name, English name, weight) of the scheme's cadre rater groups."""
    people = scheme.document.get("cadres") or {}
    return [(r["id"], r["name"], r.get("name_en") or r["name"], float(r["weight"]))
            for r in people.get("rater_groups") or ()]


def _labels(scheme: Scheme, key: str) -> list[str]:
    people = scheme.document.get("cadres") or {}
    return list(people.get(key) or {})


def valid_formula(first: str, last: str) -> str:
    """Valid votes of a tally row: blank until a count is typed."""
    return f'=IF(COUNT({first}:{last})=0,"",SUM({first}:{last}))'


def check_formula(first: str, invalid: str, raters: str, lang: str) -> str:
    """✓ when votes plus invalid ballots are within the raters, else 超出参评人数."""
    ok, over = _t("check.ok", lang), _t("check.over", lang)
    return (f'=IF(OR(COUNT({first}:{invalid})=0,{raters}=""),"",'
            f'IF(SUM({first}:{invalid})<={raters},"{ok}","{over}"))')


def _top(book: Book, sheet: SheetWriter, title: str, last: int) -> None:
    register_top(book, sheet, title, last, _t("legend", book.lang))


def _heads(sheet: SheetWriter, columns: list[tuple[str, str]]) -> None:
    for i, (key, header) in enumerate(columns, start=2):
        sheet.key_col(i, key)
        sheet.put(_HEADER, i, header, "header")


def _text(sheet: SheetWriter, name: str, en: bool, limit: int) -> Any:
    from workbook_templates.styles import text_rule

    return sheet.rule(name, lambda: text_rule(
        ("Text", f"At most {limit} characters.") if en
        else ("填写内容", f"最多 {limit} 个字。"),
        ("Too long", f"At most {limit} characters.") if en
        else ("内容过长", f"最多 {limit} 个字。"),
        limit))


def build_roster(scheme: Scheme, unit_id: str, path: Path, lang: str = "zh",
                 generated_at: datetime | None = None) -> Path:
    """Write one unit's roster: its leadership team's cadres with a stable person id each."""
    from workbook_templates.sheetkit import Book
    from workbook_templates.styles import list_rule

    en = lang == "en"
    unit = scheme.unit(unit_id)
    book = Book(scheme, "roster", lang, generated_at, unit_id=unit_id)
    book.instructions(instruction_lines("roster", scheme, lang, name_of(unit, lang)))
    book.choices("role", {v[1 if en else 0]: k for k, v in ROLES.items()})
    sheet = book.sheet("people", _t("sheet.people", lang))
    columns = [("no", tr("col.no", lang)), ("person_id", _t("col.person_id", lang)),
               ("name", _t("col.name", lang)), ("post", _t("col.post", lang)),
               ("role", _t("col.role", lang)), ("remarks", _t("col.remarks", lang))]
    last = len(columns) + 1
    _top(book, sheet, _t("title.roster", lang, unit=name_of(unit, lang), year=scheme.year), last)
    _heads(sheet, columns)
    pid = _text(sheet, "person_id", en, 20)
    text = _text(sheet, "text", en, 60)
    role = sheet.rule("role", lambda: list_rule(
        ("Role", "Principal leader or team member.") if en
        else ("班子角色", "主要负责人或班子成员，从列表选择。"),
        ("Choose from the list", "Pick a value.") if en
        else ("请从列表选择", "请从下拉列表中选择。"),
        [v[1 if en else 0] for v in ROLES.values()]))
    for n in range(1, ROSTER_ROWS + 1):
        row = _FIRST + n - 1
        sheet.key_row(row, f"person:{n}")
        sheet.put(row, 2, n, "center")
        sheet.input(row, 3, pid, "input_text")
        sheet.input(row, 4, text, "input_text")
        sheet.input(row, 5, text, "input_text")
        sheet.input(row, 6, role, "input")
        sheet.input(row, 7, text, "input_text")
    end = _FIRST + ROSTER_ROWS - 1
    sheet.span(end + 2, 2, last, _t("sign", lang), "plain")
    sheet.widths([5, 12, 12, 22, 12, 24])
    sheet.finish(freeze=f"C{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}", last_row=end + 2,
                 last_col=last, landscape=False)
    return book.save(path)


def _tally_columns(book: Book, grades: list[str], lead: list[tuple[str, str]]
                   ) -> list[tuple[str, str]]:
    lang = book.lang
    return (lead + [(f"count:{g}", g) for g in grades]
            + [("invalid", _t("col.invalid", lang)), ("raters", _t("col.raters", lang)),
               ("valid", _t("col.valid", lang)), ("check", _t("col.check", lang))])


def _tally_row(sheet: SheetWriter, row: int, first: int, grades: int, dv: Any,
               lang: str) -> None:
    """Counts, invalid and raters as inputs from column `first`; valid and check formulas."""
    from workbook_templates.sheetkit import col

    for i in range(grades + 2):
        sheet.input(row, first + i, dv)
    a, z = f"{col(first)}{row}", f"{col(first + grades - 1)}{row}"
    invalid, raters = f"{col(first + grades)}{row}", f"{col(first + grades + 1)}{row}"
    sheet.formula(row, first + grades + 2, valid_formula(a, z), "center")
    sheet.formula(row, first + grades + 3, check_formula(a, invalid, raters, lang), "points")


def build_cadre_ballots(scheme: Scheme, unit_id: str, path: Path, lang: str = "zh",
                        generated_at: datetime | None = None) -> Path:
    """Write one unit's ballot tally: the team, each cadre by rater group, routine scores."""
    from workbook_templates.sheetkit import Book

    en = lang == "en"
    unit = scheme.unit(unit_id)
    uname = name_of(unit, lang)
    book = Book(scheme, "cadre_ballots", lang, generated_at, unit_id=unit_id)
    book.instructions(instruction_lines("cadre_ballots", scheme, lang, uname))
    raters = cadre_rater_groups(scheme)
    # team
    team_grades = _labels(scheme, "team_ballot_points")
    sheet = book.sheet("team", _t("sheet.team", lang))
    columns = _tally_columns(book, team_grades, [("no", tr("col.no", lang)),
                                                 ("rater_group", _t("col.rater", lang))])
    _top(book, sheet, _t("title.team", lang, unit=uname, year=scheme.year), len(columns) + 1)
    _heads(sheet, columns)
    dv = count_rule(sheet, en, most=100000)
    for n, (rid, name, name_en, weight) in enumerate(raters, start=1):
        row = _FIRST + n - 1
        sheet.key_row(row, rid)
        sheet.put(row, 2, n, "center")
        sheet.put(row, 3, f"{name_en} ({weight:g})" if en else f"{name}（{weight:g}）", "text")
        _tally_row(sheet, row, 4, len(team_grades), dv, lang)
    end = _FIRST + len(raters) - 1
    sheet.widths([5, 22] + [8] * len(team_grades) + [8, 9, 8, 12])
    sheet.finish(freeze=f"D{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}", last_row=end,
                 last_col=len(columns) + 1, landscape=False)
    _cadre_sheet(book, raters, uname)
    _routine_sheet(book, uname)
    return book.save(path)


def _cadre_sheet(book: Book, raters: list[tuple[str, str, str, float]], uname: str) -> None:
    scheme, lang = book.scheme, book.lang
    en = lang == "en"
    grades = _labels(scheme, "ballot_points")
    sheet = book.sheet("cadres", _t("sheet.cadres", lang))
    columns = _tally_columns(book, grades, [
        ("no", tr("col.no", lang)), ("person_id", _t("col.person_id", lang)),
        ("name", _t("col.name", lang)), ("rater_group", _t("col.rater", lang))])
    last = len(columns) + 1
    _top(book, sheet, _t("title.cadres", lang, unit=uname, year=scheme.year), last)
    _heads(sheet, columns)
    dv = count_rule(sheet, en, most=100000)
    pid, text = _text(sheet, "person_id", en, 20), _text(sheet, "text", en, 60)
    row = _FIRST
    for n in range(1, PEOPLE_SLOTS + 1):
        for i, (rid, name, name_en, weight) in enumerate(raters):
            sheet.key_row(row, f"p{n}|{rid}")
            if i == 0:
                sheet.put(row, 2, n, "center")
                sheet.input(row, 3, pid, "input_text")
                sheet.input(row, 4, text, "input_text")
            else:
                for c in (2, 3, 4):
                    sheet.put(row, c, None, "muted")
            sheet.put(row, 5, f"{name_en} ({weight:g})" if en else f"{name}（{weight:g}）", "text")
            _tally_row(sheet, row, 6, len(grades), dv, lang)
            row += 1
    sheet.widths([5, 12, 10, 20] + [8] * len(grades) + [8, 9, 8, 12])
    sheet.finish(freeze=f"F{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}", last_row=row - 1,
                 last_col=last, landscape=True)


def _routine_sheet(book: Book, uname: str) -> None:
    from workbook_templates.sheetkit import col
    from workbook_templates.styles import number_rule

    scheme, lang = book.scheme, book.lang
    en = lang == "en"
    periods = list(scheme.routine_periods)
    raters = max(len(cadre_rater_groups(scheme)), 1)
    cadres_sheet = _t("sheet.cadres", lang)
    sheet = book.sheet("routine", _t("sheet.routine", lang))
    columns = ([("no", tr("col.no", lang)), ("person", _t("col.person", lang))]
               + [(p, period_label(p, lang)) for p in periods]
               + [("average", _t("col.average", lang))])
    last = len(columns) + 1
    _top(book, sheet, _t("title.routine", lang, unit=uname, year=scheme.year), last)
    _heads(sheet, columns)
    dv = sheet.rule("score", lambda: number_rule(
        ("Score", "Routine score 0-100; blank if not assessed.") if en
        else ("平时考核成绩", "请填写 0–100 分的成绩；未考评的周期留空。"),
        ("0 to 100", "Type a score from 0 to 100.") if en
        else ("请输入 0–100 的数字", "成绩只能是 0 至 100 之间的数字。"), 0, 100))
    for n in range(1, PEOPLE_SLOTS + 1):
        row = _FIRST + n - 1
        source = _FIRST + (n - 1) * raters
        sheet.key_row(row, f"p{n}")
        sheet.put(row, 2, n, "center")
        ref = f"'{cadres_sheet}'!"
        sheet.formula(row, 3, f'=IF({ref}C{source}="","",{ref}C{source}&" "&{ref}D{source})',
                      "center")
        for i in range(len(periods)):
            sheet.input(row, 4 + i, dv)
        sheet.formula(row, last, average_formula(f"D{row}:{col(3 + len(periods))}{row}"))
    sheet.widths([5, 20] + [10] * len(periods) + [10])
    sheet.finish(freeze=f"D{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}",
                 last_row=_FIRST + PEOPLE_SLOTS - 1, last_col=last, landscape=False)
