"""牵头部门评分表: one workbook per lead department that scores indicators — build, read, fill.

Sheet `scores`: one row per unit (keyed by unit id; group heading rows keyed ``#group:<id>``),
three columns per indicator keyed ``<indicator>.<input>`` (input = rating, count or value,
as the method needs), ``<indicator>.points`` (formula) and ``<indicator>.remarks``. Cells of
units an indicator does not apply to are locked and listed in the layout (``skip``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import Indicator, Scheme
from workbook_templates.formulas import METHOD_INPUT, Refs, lit, points_formula
from workbook_templates.grid import Context
from workbook_templates.instructions import instruction_lines
from workbook_templates.labels import tr
from workbook_templates.unit_report import name_of
from workbook_templates.values import parse_choice, parse_number, parse_text

if TYPE_CHECKING:  # the builders import openpyxl when they run; readers never do
    from workbook_templates.sheetkit import SheetWriter

__all__ = ["build_lead_scores", "read_lead_scores", "lead_scores_cells", "input_field",
           "printed_labels"]

_HEAD1, _HEAD2, _FIRST = 6, 7, 8
_FIRST_IND_COL = 5
_FIELD_LABEL = {"rating": "col.rating", "count": "col.count_ded", "value": "col.value"}
_FIXED = (("no", 2, "col.no"), ("group", 3, "col.group"), ("unit", 4, "col.unit"))


def input_field(ind: Indicator) -> str:
    """What a lead department types for an indicator: rating, count or value."""
    needs = METHOD_INPUT.get(ind.method, "actual")
    return needs if needs in ("rating", "count") else "value"


def _rule(sheet: SheetWriter, ind: Indicator, field: str, lang: str) -> Any:
    from workbook_templates.styles import list_rule, number_rule

    en = lang == "en"
    if field == "rating":
        labels = [str(k) for k in ind.params.get("ratings", {})]
        return sheet.rule(f"rating:{'|'.join(labels)}", lambda: list_rule(
            ("Rating", "Choose a rating from the list.") if en
            else ("评定等次", "请从下拉列表选择评定等次：" + "、".join(labels) + "。"),
            ("Not in the list", "Choose one of: " + ", ".join(labels)) if en
            else ("请从列表选择", "只能选择：" + "、".join(labels) + "。"), labels))
    if field == "count":
        what = "扣分次数" if ind.method == "deduction" else "加分项数"
        return sheet.rule(f"count:{ind.method}", lambda: number_rule(
            ("Count", "A whole number, 0 if none.") if en
            else (what, f"请填写{what}（整数），没有填 0。"),
            ("Whole numbers only", "Type a whole number such as 0, 1, 2.") if en
            else ("请输入整数", "只能填写 0 或正整数，如 2。"), 0, 10000, integer=True))
    low = -1e9 if ind.negative_allowed else 0.0  # the scheme's bounds, as the validators'
    return sheet.rule(f"value:{low}", lambda: number_rule(
        ("Verified value", "The verified actual value, numbers only.") if en
        else ("核定完成值", "请填写核定的完成值，只填数字，如 7.5。"),
        ("Numbers only", "Type a number such as 12.3.") if en
        else ("请输入数字", "只能填写数字，如 12.3；不要输入文字、单位或 % 号。"
              + ("" if low else "不能为负数。")), low, 1e12))


def build_lead_scores(scheme: Scheme, dept_id: str, path: Path, lang: str = "zh",
                      generated_at: datetime | None = None) -> Path:
    """Write the scoring sheet of one lead department (its indicators × the units)."""
    from workbook_templates.sheetkit import Book
    from workbook_templates.styles import width_for

    dept = scheme.lead_department(dept_id)
    owned = scheme.indicators_of(dept.id)
    if not owned:
        raise ValueError(f"lead department {dept.id!r} scores no indicators from its own sheet")
    book = Book(scheme, "lead_scores", lang, generated_at, lead_department=dept.id)
    book.instructions(instruction_lines("lead_scores", scheme, lang, name_of(dept, lang)))
    sheet = book.sheet("scores", tr("sheet.lead_scores", lang))
    last = _FIRST_IND_COL + 3 * len(owned) - 1
    for key, column, _ in _FIXED:
        sheet.key_col(column, key)
    sheet.span(2, 2, last, tr("title.lead_scores", lang, year=scheme.year), "title")
    sheet.ws.row_dimensions[2].height = 30
    name = scheme.name if lang != "en" else (scheme.document.get("name_en") or scheme.name)
    sheet.span(3, 2, last, tr("hdr.scheme", lang, name=name), "subtitle")
    sheet.key_row(4, "@header")
    sheet.span(4, 2, 3, tr("hdr.dept", lang), "label")
    sheet.span(4, 4, last, name_of(dept, lang), "plain")
    sheet.span(5, 2, last, tr("hdr.legend", lang), "note")
    for _, column, label in _FIXED:
        sheet.put(_HEAD1, column, tr(label, lang), "header")
        sheet.put(_HEAD2, column, None, "header")
        sheet.ws.merge_cells(start_row=_HEAD1, start_column=column, end_row=_HEAD2,
                             end_column=column)
    for i, ind in enumerate(owned):
        first = _FIRST_IND_COL + 3 * i
        field = input_field(ind)
        sheet.key_col(first, f"{ind.id}.{field}")
        sheet.key_col(first + 1, f"{ind.id}.points")
        sheet.key_col(first + 2, f"{ind.id}.remarks")
        sheet.span(_HEAD1, first, first + 2, _heading(ind, lang), "header")
        for offset, (_, key) in enumerate(_sub_headings(ind)):
            sheet.put(_HEAD2, first + offset, tr(key, lang), "header")
        if field == "rating":
            book.choices(f"{ind.id}.rating", {str(k): str(k) for k in ind.params["ratings"]})
    sheet.ws.row_dimensions[_HEAD1].height = 34
    sheet.ws.row_dimensions[_HEAD2].height = 22
    row, number, skip = _FIRST, 0, []
    for group in scheme.groups:
        applies = [ind for ind in owned if ind.applies_to(group.id)]
        units = scheme.units_in(group.id)
        if not applies or not units:
            continue
        sheet.key_row(row, f"#group:{group.id}")
        sheet.span(row, 2, last, _group_heading(name_of(group, lang), len(units), lang), "group")
        row += 1
        for unit in units:
            number += 1
            skip += _unit_row(sheet, owned, unit.id, row, number, name_of(unit, lang),
                              name_of(group, lang), group.id, lang)
            row += 1
    book.layout["skip"] = skip
    sheet.span(row + 1, 2, last, tr("row.sign_dept", lang), "plain")
    names = [name_of(u, lang) for u in scheme.units]
    groups = [name_of(g, lang) for g in scheme.groups]
    sheet.widths([5, width_for(groups, 10), width_for(names, 18)] + [11, 8, 14] * len(owned))
    sheet.finish(freeze=f"E{_FIRST}", title_rows=f"{_HEAD1}:{_HEAD2}", last_row=row + 1,
                 last_col=last, landscape=len(owned) > 2)
    return book.save(path)


def _heading(ind: Indicator, lang: str) -> str:
    """The heading over an indicator's three columns: id, name and full score,
    "C01 社会稳定（满分 12）" or "C01 Social stability (full score 12)"."""
    full = lit(ind.full_score)
    if lang == "en":
        return f"{ind.id} {name_of(ind, lang)} (full score {full})"
    return f"{ind.id} {name_of(ind, lang)}（{tr('col.full', lang)} {full}）"


def _group_heading(name: str, count: int, lang: str) -> str:
    """The row over a group's units: "县市（7）" or "Counties (7)"."""
    return f"{name} ({count})" if lang == "en" else f"{name}（{count}）"


def _sub_headings(ind: Indicator) -> tuple[tuple[str, str], ...]:
    """(column key, label key) of an indicator's three columns."""
    field = input_field(ind)
    label = "col.count_bonus" if ind.method == "bonus" else _FIELD_LABEL[field]
    return ((f"{ind.id}.{field}", label), (f"{ind.id}.points", "col.entry_points"),
            (f"{ind.id}.remarks", "col.remarks"))


def printed_labels(scheme: Scheme, dept_id: str,
                   lang: str = "zh") -> Iterator[tuple[str, str, str]]:
    """What build_lead_scores prints that a clerk should not change: (row key, column key,
    text) — the title ("@title"), the upper heading row ("@heading": the first columns and
    each indicator's id, name and full score), the column headings ("@columns"), each
    group's heading row ("#group:<id>") and each unit's name and group (row key the unit id,
    column key "unit" or "group"). The department's name in the header is checked as the
    file's owner (validators.workbook.owner_issues)."""
    owned = scheme.indicators_of(dept_id)
    yield "@title", "", tr("title.lead_scores", lang, year=scheme.year)
    for key, _, label in _FIXED:
        yield "@heading", key, tr(label, lang)
    for ind in owned:
        yield "@heading", f"{ind.id}.{input_field(ind)}", _heading(ind, lang)
        for key, label in _sub_headings(ind):
            yield "@columns", key, tr(label, lang)
    for group in scheme.groups:
        units = scheme.units_in(group.id)
        if not units or not any(ind.applies_to(group.id) for ind in owned):
            continue
        group_name = name_of(group, lang)
        yield f"#group:{group.id}", "no", _group_heading(group_name, len(units), lang)
        for unit in units:
            yield unit.id, "unit", name_of(unit, lang)
            yield unit.id, "group", group_name


def _unit_row(sheet: SheetWriter, owned: tuple[Indicator, ...], unit_id: str, row: int,
              number: int, unit_name: str, group_name: str, group_id: str,
              lang: str) -> list[list[str]]:
    from workbook_templates.sheetkit import col
    from workbook_templates.styles import text_rule

    sheet.key_row(row, unit_id)
    sheet.put(row, 2, number, "center")
    sheet.put(row, 3, group_name, "center")
    sheet.put(row, 4, unit_name, "text")
    skipped = []
    for i, ind in enumerate(owned):
        first = _FIRST_IND_COL + 3 * i
        if not ind.applies_to(group_id):
            for offset in range(3):
                sheet.put(row, first + offset, "—", "muted")
            skipped.append([unit_id, ind.id])
            continue
        field = input_field(ind)
        sheet.input(row, first, _rule(sheet, ind, field, lang))
        ref = f"{col(first)}{row}"
        target = ind.target_for(unit_id)
        refs = Refs(actual=ref, rating=ref, count=ref, full=lit(ind.full_score),
                    target=lit(target) if target is not None else "")
        formula = points_formula(ind.method, refs, ind.params, ind.full_score, ind.direction,
                                 target)
        if formula is None:
            sheet.put(row, first + 1, tr("cell.by_office", lang), "muted")
        else:
            sheet.formula(row, first + 1, formula)
        remarks = sheet.rule("remarks", lambda: text_rule(
            ("Remarks", "Basis of the score (optional).") if lang == "en"
            else ("备注", "可填写评分依据。"),
            ("Too long", "At most 300 characters.") if lang == "en"
            else ("内容过长", "最多 300 个字。"), 300))
        sheet.input(row, first + 2, remarks, "input_text")
    return skipped


# -- reading and filling ---------------------------------------------------------------------


def read_lead_scores(ctx: Context) -> dict[str, Any]:
    """The lead_scores document of a filled scoring sheet (findings go to ctx)."""
    meta = ctx.meta
    grid = ctx.grid("scores")
    skip = {(u, i) for u, i in ctx.layout.get("skip", [])}
    units = [(row, key) for row, key in grid.row_keys if not key.startswith(("#", "@"))]
    entries: list[dict[str, Any]] = []
    for key, column in grid.col_keys.items():
        ind_id, _, field = key.rpartition(".")
        if field not in ("rating", "count", "value"):
            continue
        remarks_col = grid.column(f"{ind_id}.remarks")
        options = dict(ctx.choices.get(key, {}))
        for row, unit_id in units:
            if (unit_id, ind_id) in skip:
                _typed_over_dash(ctx, grid, row, (column, remarks_col or 0), unit_id, ind_id)
                continue
            path = f"$.entries[{len(entries)}]"
            where = {"unit_id": unit_id, "indicator_id": ind_id}
            label = f"{grid.value(row, 4) or unit_id}·{ind_id}"
            if field == "rating":
                value = ctx.read(grid, row, column,
                                 partial(parse_choice, options=options, shown=list(options)),
                                 json_path=f"{path}.rating", field_name="rating", label=label,
                                 **where)
            else:
                value = ctx.read(grid, row, column,
                                 partial(parse_number, integer=field == "count",
                                         low=0 if field == "count" else None),
                                 json_path=f"{path}.{field}", field_name=field, label=label,
                                 **where)
            remarks = ""
            if remarks_col:
                remarks = ctx.read(grid, row, remarks_col, parse_text,
                                   json_path=f"{path}.remarks", field_name="remarks",
                                   label=label, **where)
            if value is None and grid.value(row, column) is None:
                sheet, cell = ctx.cell_map[f"{path}.{field}"]
                ctx.add("blank-score", "未评分，将按 0 分计", "no score; it will count as 0",
                        "warning",
                        sheet=sheet, cell=cell, row_number=row, field=field, label=label,
                        hint="请填写后再报送", hint_en="fill it in before returning", **where)
            entry = {"unit_id": unit_id, "indicator_id": ind_id, "value": None,
                     "rating": None, "count": None, "remarks": remarks}
            entry[field] = value
            entries.append(entry)
    return {"kind": "lead_scores", "scheme_id": meta.get("scheme_id"), "year": meta.get("year"),
            "lead_department": str(meta.get("lead_department") or ""), "entries": entries}


def _typed_over_dash(ctx: Context, grid: Any, row: int, columns: tuple[int, ...],
                     unit_id: str, ind_id: str) -> None:
    """A warning where something was typed over the "—" of a unit the indicator does not
    apply to: it is not read (the cell is locked; someone unprotected the sheet)."""
    from validators.messages import finding
    from validators.report import WARNING
    from workbook_templates.grid import a1

    for column in columns:
        value = grid.value(row, column) if column else None
        if value is None or (isinstance(value, str) and value.strip() in ("—", "-", "")):
            continue
        ctx.issues.append(finding(
            "not-assessed-cell", severity=WARNING, file=ctx.file, sheet=grid.sheet,
            cell=a1(row, column), row_number=row, unit_id=unit_id, indicator_id=ind_id,
            label=f"{grid.value(row, 4) or unit_id}·{ind_id}",
            value=value if isinstance(value, str | int | float) else None))


def lead_scores_cells(doc: dict[str, Any],
                      meta: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every input of a lead_scores document."""
    for entry in doc.get("entries", []):
        for field in ("rating", "count", "value"):
            if entry.get(field) is not None:
                yield "scores", entry["unit_id"], f"{entry['indicator_id']}.{field}", entry[field]
        if entry.get("remarks"):
            yield "scores", entry["unit_id"], f"{entry['indicator_id']}.remarks", entry["remarks"]
