"""The office's tallies: 平时考核汇总表 (routine scores) and 民主测评及满意度统计表 (ballots).

Routine sheet `routine`: rows keyed by unit id, columns keyed by period (``Q1`` …) and
``average`` (formula). Ballot sheets: `conduct` rows keyed ``<unit>|<rater group>``,
columns ``count:<grade>``, ``invalid``, ``valid`` and ``score`` (formulas); `satisfaction`
rows keyed by unit id, columns ``count:<option>``, ``answers`` and ``score`` (formulas).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import Scheme
from kaohe.labels import word_en
from validators.reading.locate import format_json_path
from workbook_templates.formulas import average_formula, tally_formula
from workbook_templates.grid import Context, Grid, a1
from workbook_templates.instructions import instruction_lines
from workbook_templates.labels import period_label, tr
from workbook_templates.routine_findings import add_findings_sheet, findings_cells, read_findings
from workbook_templates.unit_report import name_of
from workbook_templates.values import parse_number

if TYPE_CHECKING:  # the builders import openpyxl when they run; readers never do
    from workbook_templates.sheetkit import Book, SheetWriter

__all__ = ["build_routine", "build_ballots", "read_routine", "read_ballots", "count_rule",
           "register_top", "routine_cells", "ballots_cells", "blank_path"]

_HEADER, _FIRST = 5, 6


def register_top(book: Book, sheet: SheetWriter, title: str, last: int,
                 legend: str | None = None) -> None:
    """A register's title rows: title, the scheme's name, the legend (the inputs' colours);
    header row 5."""
    lang, scheme = book.lang, book.scheme
    sheet.span(2, 2, last, title, "title")
    sheet.ws.row_dimensions[2].height = 30
    name = scheme.name if lang != "en" else (scheme.document.get("name_en") or scheme.name)
    sheet.span(3, 2, last, tr("hdr.scheme", lang, name=name), "subtitle")
    sheet.span(4, 2, last, legend or tr("hdr.legend", lang), "note")
    sheet.ws.row_dimensions[_HEADER].height = 30


def _unit_width(scheme: Scheme, lang: str) -> float:
    from workbook_templates.styles import width_for

    return width_for([name_of(u, lang) for u in scheme.units], 16)


def _group_width(scheme: Scheme, lang: str) -> float:
    from workbook_templates.styles import width_for

    return width_for([name_of(g, lang) for g in scheme.groups], 10)


def _heads(sheet: SheetWriter, lang: str, columns: list[tuple[str, str]]) -> None:
    """Key and header of each column from B on: (key, shown header)."""
    for i, (key, header) in enumerate(columns, start=2):
        sheet.key_col(i, key)
        sheet.put(_HEADER, i, header, "header")


def build_routine(scheme: Scheme, path: Path, lang: str = "zh",
                  generated_at: datetime | None = None) -> Path:
    """Write the routine-assessment summary: one row per unit, one column per period."""
    from workbook_templates.sheetkit import Book, col
    from workbook_templates.styles import number_rule

    en = lang == "en"
    book = Book(scheme, "routine", lang, generated_at)
    book.instructions(instruction_lines("routine", scheme, lang))
    sheet = book.sheet("routine", tr("sheet.routine", lang))
    periods = list(scheme.routine_slots())
    columns = [("no", tr("col.no", lang)), ("group", tr("col.group", lang)),
               ("unit", tr("col.unit", lang))]
    columns += [(p, _slot_heading(scheme, p, lang)) for p in periods]
    columns += [("average", tr("col.average", lang))]
    last = len(columns) + 1
    register_top(book, sheet, tr("title.routine", lang, year=scheme.year), last)
    _heads(sheet, lang, columns)
    dv = sheet.rule("score", lambda: number_rule(
        ("Score", "Routine score 0-100; blank if not assessed.") if en
        else ("平时考核成绩", "请填写 0–100 分的成绩，如 92.5；未考评的周期留空。"),
        ("0 to 100", "Type a score from 0 to 100.") if en
        else ("请输入 0–100 的数字", "成绩只能是 0 至 100 之间的数字，如 92.5。"), 0, 100))
    first_p, last_p = col(5), col(4 + len(periods))
    for n, unit in enumerate(scheme.units, start=1):
        row = _FIRST + n - 1
        sheet.key_row(row, unit.id)
        sheet.put(row, 2, n, "center")
        sheet.put(row, 3, name_of(scheme.group(unit.group), lang), "center")
        sheet.put(row, 4, name_of(unit, lang), "text")
        for i in range(len(periods)):
            sheet.input(row, 5 + i, dv)
        sheet.formula(row, last, average_formula(f"{first_p}{row}:{last_p}{row}")
                      if not scheme.routine_kinds else _by_kind_formula(scheme, row))
    end = _FIRST + len(scheme.units) - 1
    sheet.span(end + 2, 2, last, tr("row.sign_office", lang), "plain")
    sheet.widths([5, _group_width(scheme, lang), _unit_width(scheme, lang)]
                 + [10] * len(periods) + [10])
    sheet.finish(freeze=f"E{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}", last_row=end + 2,
                 last_col=last, landscape=len(periods) > 6)
    add_findings_sheet(book, scheme, lang)
    return book.save(path)


def _slot_heading(scheme: Scheme, slot: str, lang: str) -> str:
    """第一季度, or 周记实·第一季度 (weight 20 %) for a period of a kind of routine assessment."""
    kind_id, _, period = slot.rpartition(":")
    kind = next((k for k in scheme.routine_kinds if k.id == kind_id), None)
    if kind is None:
        return period_label(slot, lang)
    return f"{name_of(kind, lang)}·{period_label(period, lang)}"


def _by_kind_formula(scheme: Scheme, row: int) -> str:
    """Each kind's mean weighted by its weight over the kinds that have a score (renormalised),
    as the engine's routine component."""
    from workbook_templates.formulas import lit
    from workbook_templates.sheetkit import col

    column, num, den = 5, [], []
    for kind in scheme.routine_kinds:
        cells = f"{col(column)}{row}:{col(column + len(kind.periods) - 1)}{row}"
        column += len(kind.periods)
        num.append(f"{lit(kind.weight)}*IF(COUNT({cells})>0,AVERAGE({cells}),0)")
        den.append(f"{lit(kind.weight)}*(COUNT({cells})>0)")
    return f'=IF(({"+".join(den)})=0,"",({"+".join(num)})/({"+".join(den)}))'


def build_ballots(scheme: Scheme, path: Path, lang: str = "zh",
                  generated_at: datetime | None = None) -> Path:
    """Write the conduct-ballot and satisfaction tallies."""
    from workbook_templates.sheetkit import Book

    book = Book(scheme, "ballots", lang, generated_at)
    book.instructions(instruction_lines("ballots", scheme, lang))
    _conduct_sheet(book)
    _satisfaction_sheet(book)
    return book.save(path)


def count_rule(sheet: SheetWriter, en: bool, most: int = 1000000) -> Any:
    """The data validation of a vote count: a whole number from 0 to `most`."""
    from workbook_templates.styles import number_rule

    return sheet.rule("count", lambda: number_rule(
        ("Votes", "A whole number of votes, 0 if none.") if en
        else ("票数", "请填写票数（整数），没有填 0。"),
        ("Whole numbers only", "Type a whole number such as 12.") if en
        else ("请输入整数", "票数只能是 0 或正整数，如 12。"), 0, most, integer=True))


def _points(points: float, lang: str) -> str:
    """A number of points as a heading shows it: "10分" or "10 pts"."""
    sep = " " if lang == "en" else ""
    return f"{points:g}{sep}{tr('unit.points', lang)}"


def _answer_heading(scheme: Scheme, answer: str, note: str, lang: str) -> str:
    """A ballot or survey answer over its column, with its points below:
    "好\n（10分）" or "Good\n(10 pts)" (the scheme's word when it has no English one)."""
    if lang == "en":
        return f"{word_en(answer, scheme.document)}\n({note})"
    return f"{answer}\n（{note}）"


def _weighted(name: str, weight: float, lang: str) -> str:
    """A rater group with its weight: "地直领导（0.3）" or "Prefecture leaders (0.3)"."""
    return f"{name} ({weight:g})" if lang == "en" else f"{name}（{weight:g}）"


def _conduct_sheet(book: Book) -> None:
    from workbook_templates.sheetkit import col
    from workbook_templates.styles import width_for

    scheme, lang = book.scheme, book.lang
    sheet = book.sheet("conduct", tr("sheet.conduct", lang))
    grades = list(scheme.ballot_grades.items())
    columns = [("no", tr("col.no", lang)), ("unit", tr("col.unit", lang)),
               ("rater_group", tr("col.rater", lang))]
    columns += [(f"count:{g}", _answer_heading(scheme, g, _points(p, lang), lang))
                for g, p in grades]
    columns += [("invalid", tr("col.invalid", lang)), ("valid", tr("col.valid", lang)),
                ("score", tr("col.score", lang)), ("raters", tr("col.raters", lang))]
    score = len(columns)  # the score column; the raters handed a ballot come after it
    last = score + 1
    register_top(book, sheet, tr("title.conduct", lang, year=scheme.year), last)
    _heads(sheet, lang, columns)
    dv = count_rule(sheet, lang == "en")
    row, n = _FIRST, 0
    for unit in scheme.units:
        start = row
        for rater in scheme.rater_groups:
            n += 1
            sheet.key_row(row, f"{unit.id}|{rater.id}")
            sheet.put(row, 2, n, "center")
            sheet.put(row, 3, name_of(unit, lang), "text")
            sheet.put(row, 4, _weighted(name_of(rater, lang), rater.weight, lang), "text")
            cells = [f"{col(5 + i)}{row}" for i in range(len(grades))]
            for i in range(len(grades) + 1):
                sheet.input(row, 5 + i, dv)
            sheet.formula(row, score - 1, f'=IF(COUNT({cells[0]}:{cells[-1]})=0,"",'
                                          f"SUM({cells[0]}:{cells[-1]}))", "center")
            sheet.formula(row, score, tally_formula(cells, [p for _, p in grades]))
            sheet.input(row, last, dv)
            row += 1
        if row - start > 1:
            sheet.merge(start, 3, row - 1, 3)
    raters = [_weighted(name_of(r, lang), r.weight, lang) for r in scheme.rater_groups]
    sheet.widths([5, _unit_width(scheme, lang), width_for(raters, 18)] + [8] * len(grades)
                 + [8, 8, 10, 9])
    sheet.finish(freeze=f"E{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}", last_row=row - 1,
                 last_col=last, landscape=False)


def _satisfaction_sheet(book: Book) -> None:
    from workbook_templates.sheetkit import col

    scheme, lang = book.scheme, book.lang
    sheet = book.sheet("satisfaction", tr("sheet.satisfaction", lang))
    counted = list(scheme.satisfaction_options.items())
    excluded = list(scheme.satisfaction_excluded)
    not_counted = "不计入" if lang != "en" else "not counted"
    channels = scheme.satisfaction_channels  # each survey channel a row of its own
    columns = [("no", tr("col.no", lang)),
               ("channel", "Channel" if lang == "en" else "调查渠道") if channels
               else ("group", tr("col.group", lang)), ("unit", tr("col.unit", lang))]
    columns += [(f"count:{o}", _answer_heading(scheme, o, _points(p, lang), lang))
                for o, p in counted]
    columns += [(f"count:{o}", _answer_heading(scheme, o, not_counted, lang)) for o in excluded]
    columns += [("answers", tr("col.answers", lang)), ("score", tr("col.sat_score", lang)),
                ("sample", tr("col.sample", lang))]
    score = len(columns)  # the score column; the people surveyed come after it
    last = score + 1
    register_top(book, sheet, tr("title.satisfaction", lang, year=scheme.year), last)
    _heads(sheet, lang, columns)
    dv = count_rule(sheet, lang == "en")
    rows = [(unit, channel) for unit in scheme.units for channel in (channels or (None,))]
    for n, (unit, channel) in enumerate(rows, start=1):
        row = _FIRST + n - 1
        sheet.key_row(row, f"{unit.id}|{channel.id}" if channel else unit.id)
        sheet.put(row, 2, n, "center")
        sheet.put(row, 3, _weighted(name_of(channel, lang), channel.weight, lang) if channel
                  else name_of(scheme.group(unit.group), lang), "center")
        sheet.put(row, 4, name_of(unit, lang), "text")
        for i in range(len(counted) + len(excluded)):
            sheet.input(row, 5 + i, dv)
        cells = [f"{col(5 + i)}{row}" for i in range(len(counted))]
        sheet.formula(row, score - 1, f'=IF(COUNT({cells[0]}:{cells[-1]})=0,"",'
                                      f"SUM({cells[0]}:{cells[-1]}))", "center")
        sheet.formula(row, score, tally_formula(cells, [p for _, p in counted]))
        sheet.input(row, last, dv)
    end = _FIRST + len(rows) - 1
    sheet.widths([5, _group_width(scheme, lang) + (6 if channels else 0),
                  _unit_width(scheme, lang)] + [9] * (len(counted) + len(excluded)) + [9, 10, 9])
    sheet.finish(freeze=f"E{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}", last_row=end,
                 last_col=last, landscape=False)


# -- reading and filling ---------------------------------------------------------------------


def _count(v: Any) -> Any:
    return parse_number(v, integer=True, low=0)


def blank_path(kind: str, unit_id: str, part: str = "") -> str:
    """The cell map's key of a score or row of `kind` left blank ($.blank.<kind>.<unit>
    [.<period or rater group>]): where the check that says so finds its cell (the path is
    not in the document)."""
    return format_json_path(("blank", kind, unit_id, *((part,) if part else ())))


def _first_count(grid: Grid) -> int:
    return min((c for k, c in grid.col_keys.items() if k.startswith("count:")), default=1)


def read_routine(ctx: Context) -> dict[str, Any]:
    """The routine document of a filled summary (findings go to ctx)."""
    grid = ctx.grid("routine")
    periods = [k for k in grid.col_keys if k not in ("no", "group", "unit", "average")]
    entries: list[dict[str, Any]] = []
    for row, unit_id in grid.row_keys:
        name = grid.value(row, 4) or unit_id
        for period in periods:
            column = grid.column(period) or 0
            if not grid.filled(row, column):  # (a formula is read: its finding says why)
                # Where a blank score is, for the check that says so (not in the document).
                ctx.cell_map[blank_path("routine", unit_id, period)] = (grid.sheet, a1(row, column))
                continue
            path = f"$.entries[{len(entries)}].score"
            score = ctx.read(grid, row, column, lambda v: parse_number(v, low=0, high=100),
                             json_path=path, field_name="score", label=f"{name}·{period}",
                             unit_id=unit_id)
            kind, _, label = period.rpartition(":")
            entries.append({"unit_id": unit_id, "period": label, "score": score}
                           | ({"kind": kind} if kind else {}))
    doc = {"kind": "routine", "scheme_id": ctx.meta.get("scheme_id"),
           "year": ctx.meta.get("year"), "entries": entries}
    findings = read_findings(ctx)
    if findings:
        doc["deductions"] = findings
    return doc


def _counts(ctx: Context, role: str, path: str, row: int, label: str,
            **where: Any) -> tuple[dict[str, Any], bool]:
    """Counts by option of one row (blank -> 0) and whether anything was filled."""
    grid = ctx.grid(role)
    counts: dict[str, Any] = {}
    filled = False
    for key, column in grid.col_keys.items():
        if key.startswith("count:"):
            option = key[len("count:"):]
            filled = filled or grid.value(row, column) is not None
            value = ctx.read(grid, row, column, _count, json_path=f"{path}.counts.{option}",
                             field_name="counts", label=f"{label}·{option}", **where)
            counts[option] = value if value is not None else 0
    return counts, filled


def read_ballots(ctx: Context) -> dict[str, Any]:
    """The ballots document of filled tallies (findings go to ctx)."""
    conduct: list[dict[str, Any]] = []
    grid = ctx.grid("conduct")
    invalid_col = grid.column("invalid") or 0
    for row, key in grid.row_keys:
        unit_id, _, rater = key.partition("|")
        if not any(grid.value(row, c) is not None for k, c in grid.col_keys.items()
                   if k.startswith("count:") or k == "invalid"):
            ctx.cell_map[blank_path("conduct", unit_id, rater)] = (
                grid.sheet, a1(row, _first_count(grid)))
            continue
        path = f"$.conduct[{len(conduct)}]"
        label = f"{grid.value(row, 3) or unit_id}·{grid.value(row, 4) or rater}"
        counts, _ = _counts(ctx, "conduct", path, row, label, unit_id=unit_id)
        invalid = ctx.read(grid, row, invalid_col, _count, json_path=f"{path}.invalid",
                           field_name="invalid", label=f"{label}·无效票", unit_id=unit_id)
        entry = {"unit_id": unit_id, "rater_group": rater, "counts": counts,
                 "invalid": invalid if invalid is not None else 0}
        conduct.append(_with_optional(ctx, grid, row, entry, "raters", f"{path}.raters",
                                      f"{label}·参评人数", unit_id))
    satisfaction: list[dict[str, Any]] = []
    grid = ctx.grid("satisfaction")
    answered: set[str] = set()
    for row, key in grid.row_keys:
        unit_id, _, channel = key.partition("|")
        path = f"$.satisfaction[{len(satisfaction)}]"
        counts, filled = _counts(ctx, "satisfaction", path, row,
                                 str(grid.value(row, 4) or unit_id), unit_id=unit_id)
        if filled:
            answered.add(unit_id)
            tally: dict[str, Any] = {"unit_id": unit_id, "counts": counts}
            if channel:
                tally["channel"] = channel
            satisfaction.append(_with_optional(
                ctx, grid, row, tally, "sample",
                f"{path}.sample", f"{grid.value(row, 4) or unit_id}·调查人数", unit_id))
        else:  # an empty row leaves no trace in the cell map but where it is blank
            for option in counts:
                ctx.cell_map.pop(f"{path}.counts.{option}", None)
            ctx.cell_map.setdefault(blank_path("satisfaction", unit_id), (
                grid.sheet, a1(row, _first_count(grid))))
    for unit_id in answered:  # a unit blank in one channel only is not a blank unit
        ctx.cell_map.pop(blank_path("satisfaction", unit_id), None)
    return {"kind": "ballots", "scheme_id": ctx.meta.get("scheme_id"),
            "year": ctx.meta.get("year"), "conduct": conduct, "satisfaction": satisfaction}


def _with_optional(ctx: Context, grid: Grid, row: int, entry: dict[str, Any], key: str,
                   path: str, label: str, unit_id: str) -> dict[str, Any]:
    """`entry` with the count in column `key` when the sheet has that column and it is
    filled (templates before it have no such column; a blank cell means not given)."""
    column = grid.column(key)
    if column:
        value = ctx.read(grid, row, column, _count, json_path=path, field_name=key,
                         label=label, unit_id=unit_id)
        if value is not None:
            entry[key] = value
        else:
            ctx.cell_map.pop(path, None)
    return entry


def routine_cells(doc: dict[str, Any], meta: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every input of a routine document."""
    for entry in doc.get("entries", []):
        if entry.get("score") is not None:
            slot = f"{entry['kind']}:{entry['period']}" if entry.get("kind") else entry["period"]
            yield "routine", entry["unit_id"], slot, entry["score"]
    yield from findings_cells(doc, meta)


def ballots_cells(doc: dict[str, Any], meta: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every input of a ballots document."""
    for entry in doc.get("conduct", []):
        key = f"{entry['unit_id']}|{entry['rater_group']}"
        for option, count in (entry.get("counts") or {}).items():
            yield "conduct", key, f"count:{option}", count
        if entry.get("invalid") is not None:
            yield "conduct", key, "invalid", entry["invalid"]
        if entry.get("raters") is not None:
            yield "conduct", key, "raters", entry["raters"]
    for entry in doc.get("satisfaction", []):
        key = (f"{entry['unit_id']}|{entry['channel']}" if entry.get("channel")
               else entry["unit_id"])
        for option, count in (entry.get("counts") or {}).items():
            yield "satisfaction", key, f"count:{option}", count
        if entry.get("sample") is not None:
            yield "satisfaction", key, "sample", entry["sample"]
