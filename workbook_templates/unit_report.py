"""单位任务书及自评表: one workbook per unit — build, read back, fill.

Sheet `items` (单位自评表): one row per applicable indicator, keyed by its id in column A
(``C04``; rows the lead department scores are keyed ``C01@lead_department`` and have no
input cells). Column keys: no, category, name, method, measure_unit, target, full_score
(locked), actual, evidence, remarks, not_applicable (inputs), points (formula). Header
inputs contact, phone and date are single cells named in the layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import COUNT_UNITS, Indicator, Scheme
from workbook_templates.describe import describe
from workbook_templates.formulas import Refs, points_formula
from workbook_templates.grid import Context
from workbook_templates.instructions import instruction_lines
from workbook_templates.labels import NO, YES, tr
from workbook_templates.self_check import guarded
from workbook_templates.values import parse_fill_date, parse_number, parse_text, parse_yes_no

if TYPE_CHECKING:  # the builders import openpyxl when they run; readers never do
    from workbook_templates.sheetkit import Book, SheetWriter

__all__ = ["build_unit_report", "read_unit_report", "unit_report_cells", "name_of",
           "printed_labels", "COUNT_UNITS"]

_COLUMNS = ("no", "category", "name", "method", "measure_unit", "target", "full_score",
            "actual", "evidence", "remarks", "not_applicable", "points")
_HEADERS = ("col.no", "col.category", "col.indicator", "col.method", "col.measure",
            "col.target", "col.full", "col.actual", "col.evidence", "col.remarks", "col.na",
            "col.points")
_WIDTHS = (5, 10, 20, 36, 7, 10, 7, 11, 20, 14, 7, 10)
_C = {key: i + 2 for i, key in enumerate(_COLUMNS)}  # column index by key (B = 2)
_HEADER_ROW = 7
_FIRST_ROW = 8


def name_of(item: Any, lang: str) -> str:
    """An object's name in the template's language (English falls back to Chinese)."""
    if lang == "en":
        return str(getattr(item, "name_en", "") or item.name)
    return str(item.name)


def _actual_rule(sheet: SheetWriter, ind: Indicator, year: int, lang: str) -> Any:
    from workbook_templates.styles import number_rule

    unit = ind.measure_unit or ""
    count = not ind.negative_allowed  # the scheme's bounds (Indicator.negative_allowed)
    low = 0.0 if count else -1e9
    if lang == "en":
        prompt = ("Actual", f"The value achieved in {year}{f' ({unit})' if unit else ''}. "
                  "Numbers only, e.g. 7.5. If the item does not apply, choose Yes under N/A.")
        error = ("Numbers only", "Type a number such as 12.3 — no words, units or % signs.")
    else:
        shown = f"（单位：{unit}）" if unit else ""
        prompt = ("填写完成值", f"请填写{year}年实际完成值{shown}，只填数字，如 7.5。"
                  "本单位不承担该项任务的，请在“不适用”栏选择“是”。")
        error = ("请输入数字", "此处只能填写数字，如 12.3；不要输入文字、单位、% 号或“约”等字。"
                 + ("不能为负数。" if count else ""))
    return sheet.rule(f"actual:{unit}:{count}", lambda: number_rule(prompt, error, low, 1e12))


def _text_rule(sheet: SheetWriter, name: str, lang: str, zh: str, en: str,
               length: int = 500) -> Any:
    from workbook_templates.styles import text_rule

    prompt = (("Text", en) if lang == "en" else ("填写说明", zh))
    error = (("Too long", f"At most {length} characters.") if lang == "en"
             else ("内容过长", f"最多 {length} 个字，详细材料请作为附件报送。"))
    return sheet.rule(name, lambda: text_rule(prompt, error, length))


def build_unit_report(scheme: Scheme, unit_id: str, path: Path, lang: str = "zh",
                      generated_at: datetime | None = None) -> Path:
    """Write the task list / self-report workbook of one unit; returns the path."""
    from workbook_templates.sheetkit import Book

    unit = scheme.unit(unit_id)
    group = scheme.group(unit.group)
    book = Book(scheme, "unit_report", lang, generated_at, unit_id=unit.id)
    book.instructions(instruction_lines("unit_report", scheme, lang, name_of(unit, lang)))
    sheet = book.sheet("items", tr("sheet.unit_report", lang), locked=["target", "full_score"])
    last = _C["points"]
    for key, column in _C.items():
        sheet.key_col(column, key)
    sheet.span(2, 2, last, tr("title.unit_report", lang, year=scheme.year,
                              unit=name_of(unit, lang)), "title")
    sheet.ws.row_dimensions[2].height = 30
    scheme_name = scheme.name if lang != "en" else (scheme.document.get("name_en") or scheme.name)
    sheet.span(3, 2, last, tr("hdr.scheme", lang, name=scheme_name), "subtitle")
    _header_block(book, sheet, name_of(unit, lang), name_of(group, lang))
    sheet.span(6, 2, last, tr("hdr.legend", lang), "note")
    for key, label in zip(_COLUMNS, _HEADERS, strict=True):
        sheet.put(_HEADER_ROW, _C[key], tr(label, lang), "header")
    sheet.ws.row_dimensions[_HEADER_ROW].height = 30
    row = _FIRST_ROW
    indicators = scheme.indicators_for(unit.group)
    estimated = []  # rows whose points the sheet estimates
    for number, ind in enumerate(indicators, start=1):
        if _indicator_row(sheet, ind, row, number, ind.target_for(unit.id), scheme.year, lang):
            estimated.append(row)
        row += 1
    _merge_categories(sheet, indicators)
    _subtotal(sheet, row, estimated, indicators, lang)
    _self_check(sheet, indicators, lang)
    sheet.span(row + 2, 2, last, tr("row.sign", lang), "plain")
    sheet.widths(_WIDTHS)
    sheet.finish(freeze=f"E{_FIRST_ROW}", title_rows=f"{_HEADER_ROW}:{_HEADER_ROW}",
                 last_row=row + 2, last_col=last, one_page=len(indicators) <= 20)
    return book.save(path)


def _subtotal(sheet: SheetWriter, row: int, estimated: list[int],
              indicators: tuple[Indicator, ...], lang: str) -> None:
    """预估 43.78 / 46.00: the points the sheet estimates against the full score of those
    rows (less the ones marked N/A), and what the office adds (the other rows' full score)."""
    yes = YES[lang == "en"]
    others = [ind for r, ind in enumerate(indicators, start=_FIRST_ROW) if r not in estimated]
    sheet.key_row(row, "@subtotal")
    sheet.span(row, 2, _C["target"], tr("row.subtotal", lang, n=len(estimated), k=len(others),
                                        full=f"{sum(i.full_score for i in others):.2f}"),
               "header")
    full = "+".join(f'(L{r}<>"{yes}")*H{r}' for r in estimated) or "0"
    sheet.formula(row, _C["full_score"], f"={full}", "total")
    sheet.span(row, _C["actual"], _C["not_applicable"], None, "header")
    sheet.formula(row, _C["actual"], f'="{tr("cell.estimate", lang)}"&TEXT(M{row},"0.00")'
                  f'&" / "&TEXT(H{row},"0.00")', "header")
    end = _FIRST_ROW + len(indicators) - 1
    sheet.formula(row, _C["points"], f"=SUM(M{_FIRST_ROW}:M{end})", "total")
    sheet.ws.row_dimensions[row].height = 45


def _self_check(sheet: SheetWriter, indicators: tuple[Indicator, ...], lang: str) -> None:
    """自查 at the top (J5:M5) and the actual cells flagged where validation would speak."""
    from workbook_templates.self_check import highlight_actuals, self_check_formula

    actuals = [(r, ind.negative_allowed) for r, ind in enumerate(indicators, start=_FIRST_ROW)
               if ind.input == "unit_report"]
    end, yes = _FIRST_ROW + len(indicators) - 1, YES[lang == "en"]
    sheet.span(5, 10, _C["points"], None, "label")
    sheet.formula(5, 10, self_check_formula(actuals, _FIRST_ROW, end, na_yes=yes, lang=lang),
                  "label")
    highlight_actuals(sheet.ws, actuals, _FIRST_ROW, end, na_yes=yes)


def _header_block(book: Book, sheet: SheetWriter, unit_name: str, group_name: str) -> None:
    from workbook_templates.styles import date_rule

    lang = book.lang
    sheet.key_row(4, "@header")
    sheet.key_row(5, "@header")
    sheet.span(4, 2, 3, tr("hdr.unit", lang), "label")
    sheet.span(4, 4, 5, unit_name, "plain")
    sheet.span(4, 6, 7, tr("hdr.group", lang), "label")
    sheet.span(4, 8, 9, group_name, "plain")
    sheet.span(4, 10, 10, tr("hdr.date", lang), "label")
    year = book.scheme.year
    en = lang == "en"
    date_dv = sheet.rule("date", lambda: date_rule(
        ("Date", f"Date of filling in, e.g. {year + 1}-01-10.") if en
        else ("填报日期", f"请输入填报日期，如 {year + 1}-01-10。"),
        ("Not a date", f"Type a date between {year}-01-01 and {year + 1}-12-31.") if en
        else ("日期有误", f"请输入 {year}-01-01 至 {year + 1}-12-31 之间的日期。"),
        date(year, 1, 1), date(year + 1, 12, 31)))
    sheet.input(4, 11, date_dv, "input_date")
    book.cell("date", "items", "K4")
    sheet.span(5, 2, 3, tr("hdr.contact", lang), "label")
    contact_dv = _text_rule(sheet, "contact", lang, "请填写填报联系人姓名。", "Contact person.", 30)
    sheet.input(5, 4, contact_dv, "input_text")
    sheet.span(5, 5, 5, None, "plain")
    book.cell("contact", "items", "D5")
    sheet.span(5, 6, 7, tr("hdr.phone", lang), "label")
    phone_dv = _text_rule(sheet, "phone", lang, "请填写联系电话，如 0906-1234567。",
                          "Phone, e.g. 0906-1234567.", 30)
    sheet.input(5, 8, phone_dv, "input_text")
    sheet.put(5, 9, None, "input_text")
    sheet.ws.merge_cells("H5:I5")
    book.cell("phone", "items", "H5")
    for r in (4, 5):
        sheet.ws.row_dimensions[r].height = 22


def _indicator_row(sheet: SheetWriter, ind: Indicator, row: int, number: int,
                   target: float | None, year: int, lang: str) -> bool:
    """One indicator's row; whether the sheet estimates its points (a formula)."""
    from workbook_templates.styles import list_rule

    c = _C
    own = ind.input == "unit_report"
    sheet.key_row(row, ind.id if own else f"{ind.id}@lead_department")
    sheet.put(row, c["no"], number, "center")
    sheet.put(row, c["category"], ind.category or "", "center")
    sheet.put(row, c["name"], name_of(ind, lang), "text")
    text = describe(ind, lang)
    sheet.put(row, c["method"], text, "text")
    sheet.put(row, c["measure_unit"], ind.measure_unit or "", "center")
    sheet.put(row, c["target"], target, "number")
    sheet.put(row, c["full_score"], ind.full_score, "number")
    chars = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    sheet.ws.row_dimensions[row].height = max(30, 14 * -(-chars // 34) + 6)
    if not own:
        sheet.span(row, c["actual"], c["not_applicable"], tr("cell.by_lead", lang), "muted")
        sheet.put(row, c["points"], None, "muted")
        return False
    sheet.input(row, c["actual"], _actual_rule(sheet, ind, year, lang))
    over = ind.evidence_required_over
    zh = "请填写佐证材料名称、文号或页码，如“统计公报第3页”。"
    en = "Evidence: document names or pages."
    if over is not None:
        zh += f"完成值超过目标值的 {over * 100:g}% 时必须填写。"
        en += f" Required above {over * 100:g}% of the target."
    sheet.input(row, c["evidence"], _text_rule(sheet, f"evidence:{over}", lang, zh, en),
                "input_text")
    sheet.input(row, c["remarks"], _text_rule(sheet, "remarks", lang, "需要说明的情况。",
                                              "Anything to explain."), "input_text")
    yes, no = YES[lang == "en"], NO[lang == "en"]
    na_dv = sheet.rule("na", lambda: list_rule(
        ("N/A", "Choose Yes only if the task does not apply to your unit.") if lang == "en"
        else ("是否不适用", "本单位不承担该项任务的选择“是”，并在备注中说明理由。"),
        ("Choose from the list", "Choose Yes or No.") if lang == "en"
        else ("请从列表选择", "请选择“是”或“否”。"), [yes, no]))
    sheet.input(row, c["not_applicable"], na_dv)
    refs = Refs(actual=f"I{row}", target=f"G{row}", full=f"H{row}")
    formula = points_formula(ind.method, refs, ind.params, ind.full_score, ind.direction,
                             target, na_cell=f"L{row}", na_yes=yes,
                             na_text=tr("cell.na_value", lang))
    if formula is None:
        sheet.put(row, c["points"], tr("cell.by_office", lang), "muted")
        return False
    sheet.formula(row, c["points"], guarded(formula, f"I{row}", lang))
    return True


def _merge_categories(sheet: SheetWriter, indicators: tuple[Indicator, ...]) -> None:
    """Merge runs of the same category in the category column, as printed forms do."""
    start = 0
    for i in range(1, len(indicators) + 1):
        if i == len(indicators) or indicators[i].category != indicators[start].category:
            if i - start > 1:
                sheet.ws.merge_cells(start_row=_FIRST_ROW + start, start_column=_C["category"],
                                     end_row=_FIRST_ROW + i - 1, end_column=_C["category"])
            start = i


def printed_labels(scheme: Scheme, unit_id: str,
                   lang: str = "zh") -> Iterator[tuple[str, str, str]]:
    """What build_unit_report prints that a clerk should not change: (row key, column key,
    text) — the title ("@title"; it names the unit, the rest is the same for every unit of
    its group), the group's name in the header ("@header:group"), the column headings
    ("@columns") and indicator names. (The unit's name in the header is checked as the
    file's owner: validators.workbook.owner_issues.)"""
    unit = scheme.unit(unit_id)
    yield "@title", "", tr("title.unit_report", lang, year=scheme.year, unit=name_of(unit, lang))
    yield "@header:group", "full_score", name_of(scheme.group(unit.group), lang)  # H4
    for key, label in zip(_COLUMNS, _HEADERS, strict=True):
        yield "@columns", key, tr(label, lang)
    for ind in scheme.indicators_for(unit.group):
        own = ind.input == "unit_report"
        yield (ind.id if own else f"{ind.id}@lead_department"), "name", name_of(ind, lang)


# -- reading and filling ---------------------------------------------------------------------


def read_unit_report(ctx: Context) -> dict[str, Any]:
    """The unit_report document of a filled workbook (findings go to ctx)."""
    meta = ctx.meta
    unit_id = str(meta.get("unit_id") or "")
    doc: dict[str, Any] = {"kind": "unit_report", "scheme_id": meta.get("scheme_id"),
                           "year": meta.get("year"), "unit_id": unit_id}
    for name, parse, label in (("contact", parse_text, "填报联系人"),
                               ("phone", parse_text, "联系电话"),
                               ("date", parse_fill_date, "填报日期")):
        spot = ctx.single(name)
        if spot is not None:
            doc[name] = ctx.read(*spot, parse, json_path=f"$.{name}", field_name=name,
                                 label=label, unit_id=unit_id)
    grid = ctx.grid("items")
    col = {key: grid.column(key) or 0 for key in _COLUMNS}
    items: list[dict[str, Any]] = []
    for row, key in grid.row_keys:
        if "@" in key:
            continue
        path = f"$.items[{len(items)}]"
        name = str(grid.value(row, col["name"]) or key)
        percent = grid.value(row, col["measure_unit"]) == "%"
        where = {"unit_id": unit_id, "indicator_id": key}
        target = ctx.read(grid, row, col["target"], parse_number, json_path=f"{path}.target",
                          field_name="target", label=f"{name}·目标值", **where)
        actual = ctx.read(grid, row, col["actual"], partial(parse_number, percent=percent),
                          json_path=f"{path}.actual", field_name="actual",
                          label=f"{name}·完成值", **where)
        evidence = ctx.read(grid, row, col["evidence"], parse_text,
                            json_path=f"{path}.evidence", field_name="evidence",
                            label=f"{name}·佐证材料", **where)
        remarks = ctx.read(grid, row, col["remarks"], parse_text, json_path=f"{path}.remarks",
                           field_name="remarks", label=f"{name}·备注", **where)
        na = ctx.read(grid, row, col["not_applicable"], parse_yes_no,
                      json_path=f"{path}.not_applicable", field_name="not_applicable",
                      label=f"{name}·不适用", **where)
        if actual is None and not na and grid.value(row, col["actual"]) is None:
            sheet, cell = ctx.cell_map[f"{path}.actual"]
            ctx.add("blank-actual", "未填写完成值，将按 0 分计", "no actual value; it will score 0",
                    "warning", sheet=sheet,
                    cell=cell, row_number=row, field="actual", label=f"{name}·完成值",
                    hint="请填写完成值；不承担该项任务的请在“不适用”栏选择“是”",
                    hint_en="type the actual value, or choose Yes under N/A",
                    json_path=f"{path}.actual", **where)
        items.append({"indicator_id": key, "target": target, "actual": actual,
                      "evidence": evidence, "remarks": remarks, "not_applicable": bool(na)})
    doc["items"] = items
    return doc


def unit_report_cells(doc: dict[str, Any],
                      meta: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every input of a unit_report document."""
    lang = str(meta.get("lang") or "zh")
    for name in ("contact", "phone", "date"):
        value = doc.get(name)
        if value not in (None, ""):
            yield "@cell", name, "", date.fromisoformat(value) if name == "date" else value
    yes = YES[lang == "en"]
    for item in doc.get("items", []):
        key = item["indicator_id"]
        for field in ("actual", "evidence", "remarks"):
            if item.get(field) not in (None, ""):
                yield "items", key, field, item[field]
        if item.get("not_applicable"):
            yield "items", key, "not_applicable", yes
