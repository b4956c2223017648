"""考核方案.xlsx: the scheme as an editable workbook, and back to a validated scheme document.

`export_scheme_workbook` writes one sheet per table of scheme_spec (plus 方案信息 for the
single values); `import_scheme_workbook` reads it back with python-calamine and checks it
(JSON Schema, then validators.scheme.checks), every problem located at its sheet and cell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import Scheme
from validators.reading.locate import format_json_path
from validators.report import ERROR, Issue
from workbook_templates.grid import Context, Grid
from workbook_templates.instructions import instruction_lines
from workbook_templates.labels import NO, YES
from workbook_templates.scheme_spec import INFO, PARAM_KEYS, TABLES, Col, Table, empties, restore
from workbook_templates.values import Finding, Parsed, parse_number, parse_text, parse_yes_no

if TYPE_CHECKING:  # the builders import openpyxl when they run; readers never do
    from workbook_templates.sheetkit import Book, SheetWriter

__all__ = ["export_scheme_workbook", "read_scheme", "import_scheme_workbook"]

_HEADER, _FIRST = 3, 4
_MISSING = object()
_DOC_ORDER = ("kind", "scheme_id", "version", "year", "name", "name_en", "illustrative",
              "description", "template_password", "rounding", "groups", "units",
              "lead_departments", "components", "component_weights", "indicators", "ballot",
              "rater_groups", "satisfaction", "routine", "adjustments", "gates", "grading",
              "tie_breakers", "cadres")
_IND_ORDER = ("id", "name", "name_en", "category", "component", "full_score", "method",
              "params", "direction", "groups", "lead_department", "source", "input",
              "region_assigned", "constraint", "measure_unit", "target", "targets",
              "evidence_required_over", "may_be_negative")


def _get(obj: Mapping[str, Any], key: str) -> Any:
    if key == "params.*":
        params = obj.get("params") or {}
        extra = {k: v for k, v in params.items() if k not in PARAM_KEYS}
        return extra or _MISSING
    node: Any = obj
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _shown(value: Any, column: Col, lang: str) -> Any:
    """A document value as the cell shows it."""
    if value is _MISSING or value is None:
        return None
    if column.kind == "bool":
        return (YES if value else NO)[lang == "en"] if isinstance(value, bool) else str(value)
    if column.kind == "list" and isinstance(value, list):
        return (", " if lang == "en" else "、").join(str(v) for v in value)
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value) if not isinstance(value, int | float) else value
    return value


_ERRORS = {  # (Chinese, English) error title and text by column kind
    "bool": (("请从列表选择", "请选择“是”或“否”。"), ("Choose from the list", "Yes or No.")),
    "choice": (("请从列表选择", "请从下拉列表中选择。"), ("Choose from the list", "Pick a value.")),
    "number": (("请输入数字", "此处只能填写数字，如 0.5。"),
               ("Numbers only", "A number, e.g. 0.5.")),
    "text": (("内容过长", "内容过长，请精简。"), ("Too long", "The text is too long.")),
}


def _rule(sheet: SheetWriter, column: Col, lang: str) -> Any:
    from workbook_templates.styles import list_rule, number_rule, text_rule

    en = lang == "en"
    title = (column.en if en else column.zh)[:32]
    prompt = (title, (column.note_en or column.en) if en else (column.note or f"填写{column.zh}"))
    kind = {"integer": "number", "id": "text", "list": "text", "json": "text"}.get(
        column.kind, column.kind)
    error = _ERRORS[kind][en]
    if kind == "bool":
        options = [YES[en], NO[en]]
        return sheet.rule(f"bool:{column.key}", lambda: list_rule(prompt, error, options))
    if kind == "choice":
        source = f"kh_ids_{column.ref}" if column.ref else None
        return sheet.rule(f"choice:{column.key}", lambda: list_rule(
            prompt, error, list(column.options), source=source))
    if kind == "number":
        return sheet.rule(f"num:{column.key}", lambda: number_rule(
            prompt, error, -1e12, 1e12, integer=column.kind == "integer"))
    length = 8000 if column.kind == "json" else 2000
    return sheet.rule(f"text:{column.key}", lambda: text_rule(prompt, error, length))


def _style(column: Col) -> str:
    return "input_text" if column.kind in ("id", "text", "list", "json") else "input"


def _rows(doc: Mapping[str, Any], table: Table) -> list[list[Any]]:
    """The table's rows (document values per column) in document order."""
    node: Any = doc
    for part in table.path:
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    keys = [c.key for c in table.cols]
    if table.shape == "list":
        return [[_get(item, k) for k in keys] for item in node or []]
    if table.shape == "map" and table.keys == 2:
        return [[g, c, w] for g, inner in (node or {}).items() for c, w in inner.items()]
    if table.shape == "map":
        return [[k, v] for k, v in (node or {}).items()]
    if table.shape == "grouped":
        return [[g, *(_get(item, k) for k in keys[1:])] for g, items in (node or {}).items()
                for item in items]
    return [[ind["id"], unit, target] for ind in node or []
            for unit, target in (ind.get("targets") or {}).items()]


def export_scheme_workbook(scheme_doc: Mapping[str, Any], path: Path, lang: str = "zh",
                           generated_at: datetime | None = None) -> Path:
    """Write the scheme workbook (考核方案.xlsx) of a scheme document; returns the path."""
    from workbook_templates.sheetkit import Book

    scheme = Scheme.from_document(scheme_doc)
    book = Book(scheme, "scheme", lang, generated_at)
    book.instructions(instruction_lines("scheme", scheme, lang))
    en = lang == "en"
    _info_sheet(book, scheme_doc)
    for table in TABLES:
        sheet = book.sheet(table.role, table.en if en else table.zh)
        rows = _rows(scheme_doc, table)
        last = len(table.cols) + 1
        sheet.span(2, 2, last, (table.en if en else table.zh), "title")
        sheet.key_row(_HEADER, "@header")
        for i, column in enumerate(table.cols, start=2):
            sheet.key_col(i, column.key)
            sheet.put(_HEADER, i, column.en if en else column.zh, "header")
        end = _FIRST + len(rows) + table.spare - 1
        for r in range(_FIRST, end + 1):
            values = rows[r - _FIRST] if r - _FIRST < len(rows) else [None] * len(table.cols)
            for i, (column, value) in enumerate(zip(table.cols, values, strict=True), start=2):
                sheet.input(r, i, _rule(sheet, column, lang), _style(column),
                            _shown(value, column, lang))
        if table.shape == "list" and table.cols[0].key == "id":
            ref = f"'{sheet.ws.title}'!$B${_FIRST}:$B${end}"
            from openpyxl.workbook.defined_name import DefinedName

            name = f"kh_ids_{table.role}"
            book.wb.defined_names[name] = DefinedName(name, attr_text=ref)
        sheet.ws.row_dimensions[_HEADER].height = 36
        sheet.widths([c.width for c in table.cols])
        sheet.finish(freeze=f"C{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}", last_row=end,
                     last_col=last, landscape=len(table.cols) > 6)
        sheet.ws.protection.insertRows = False  # the office may add and remove rows
        sheet.ws.protection.deleteRows = False
    book.layout["blanks"] = list(empties(scheme_doc))
    return book.save(path)


def _info_sheet(book: Book, doc: Mapping[str, Any]) -> None:
    lang = book.lang
    en = lang == "en"
    sheet = book.sheet("info", "Scheme" if en else "方案信息")
    for key, column in (("label", 2), ("value", 3), ("note", 4)):
        sheet.key_col(column, key)
    sheet.span(2, 2, 4, "Scheme" if en else "方案信息", "title")
    sheet.key_row(_HEADER, "@header")
    for column, text in ((2, ("项目", "Item")), (3, ("内容", "Value")), (4, ("说明", "Note"))):
        sheet.put(_HEADER, column, text[en], "header")
    for row, field in enumerate(INFO, start=_FIRST):
        sheet.key_row(row, field.key)
        sheet.put(row, 2, field.en if en else field.zh, "text")
        sheet.input(row, 3, _rule(sheet, field, lang), _style(field),
                    _shown(_get(doc, field.key), field, lang))
        sheet.put(row, 4, field.note_en if en else field.note, "text")
        sheet.ws.row_dimensions[row].height = 22
    sheet.widths([30, 50, 44])
    sheet.finish(freeze=None, title_rows=None, last_row=_FIRST + len(INFO) - 1, last_col=4,
                 landscape=False)


# -- reading ---------------------------------------------------------------------------------

_SPLIT = re.compile(r"[、,，;；\s]+")


def _parser(column: Col) -> Any:
    if column.kind in ("number", "integer"):
        integer = column.kind == "integer"
        return lambda v: _tidy(parse_number(v, integer=integer))
    if column.kind == "bool":
        return parse_yes_no
    if column.kind == "list":
        return lambda v: Parsed([p for p in _SPLIT.split(parse_text(v).value) if p] or None)
    if column.kind == "json":
        return _parse_json
    return lambda v: Parsed(parse_text(v).value or None)


def _tidy(parsed: Parsed) -> Parsed:
    value = parsed.value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return Parsed(int(value), parsed.finding)
    return parsed


def _parse_json(raw: Any) -> Parsed:
    text = parse_text(raw).value
    if not text:
        return Parsed(None)
    try:
        return Parsed(json.loads(text))
    except ValueError as exc:
        return Parsed(None, Finding("invalid-json", ERROR, f"“{text[:40]}” 不是有效的 JSON：{exc}",
                                    f"{text[:40]!r} is not valid JSON: {exc}",
                                    '请检查括号、引号和逗号，如 [{"min": 0.8, "points": 4}]',
                                    'check brackets, quotes and commas, e.g. [{"min": 0.8}]'))


def _put(obj: dict[str, Any], key: str, value: Any) -> None:
    if key == "params.*":
        if isinstance(value, dict):
            obj.setdefault("params", {}).update(value)
        return
    *parents, last = key.split(".")
    for part in parents:
        obj = obj.setdefault(part, {})
    obj[last] = value


def _read_row(ctx: Context, grid: Grid, row: int, cols: tuple[Col, ...],
              path: str) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for column in cols:
        number = grid.column(column.key) or 0
        where = path if column.key == "params.*" else f"{path}.{column.key}"
        value = ctx.read(grid, row, number, _parser(column), json_path=where,
                         field_name=column.key, label=f"{grid.sheet}·{column.zh}")
        if value is not None:
            _put(obj, column.key, value)
    return obj


def _filled(grid: Grid) -> list[int]:
    keyed = list(grid.col_keys.values())
    return [r for r in range(_FIRST, len(grid.rows) + 1)
            if any(grid.value(r, c) is not None for c in keyed)]


def read_scheme(ctx: Context) -> dict[str, Any]:
    """The scheme document of a scheme workbook (parse findings go to ctx; no validation)."""
    doc: dict[str, Any] = {"kind": "scheme"}
    info = ctx.grid("info")
    for row, key in info.row_keys:
        column = next((c for c in INFO if c.key == key), None)
        if column is None:
            continue
        value = ctx.read(info, row, 3, _parser(column), json_path=format_json_path(
            tuple(key.split("."))), field_name=key, label=column.zh)
        if value is not None:
            _put(doc, key, value)
    for table in TABLES:
        _read_table(ctx, doc, table)
    restore(doc, (ctx.layout or {}).get("blanks", []))
    doc["indicators"] = [{k: ind[k] for k in sorted(ind, key=_rank(_IND_ORDER))}
                         for ind in doc.get("indicators", [])]
    return {k: doc[k] for k in sorted(doc, key=_rank(_DOC_ORDER))}


def _rank(order: tuple[str, ...]) -> Any:
    return lambda key: order.index(key) if key in order else len(order)


def _parent(doc: dict[str, Any], table: Table) -> dict[str, Any]:
    node = doc
    for part in table.path[:-1]:
        node = node.setdefault(part, {})
    return node


def _read_table(ctx: Context, doc: dict[str, Any], table: Table) -> None:
    from workbook_templates.sheetkit import col

    grid = ctx.grid(table.role)
    last = table.path[-1]
    for row in _filled(grid):
        if table.shape == "list":
            items = _parent(doc, table).setdefault(last, [])
            path = format_json_path((*table.path, len(items)))
            ctx.cell_map[path] = (grid.sheet, f"B{row}")
            items.append(_read_row(ctx, grid, row, table.cols, path))
            continue
        keys = [ctx.read(grid, row, i, _parser(c), json_path=format_json_path(table.path),
                         field_name=c.key, label=f"{grid.sheet}·{c.zh}")
                for i, c in enumerate(table.cols[:table.keys], start=2)]
        if any(k is None for k in keys):
            continue  # a row without its keys has nowhere to go in the document
        keys = [str(k) for k in keys]
        rest = table.cols[table.keys:]
        for depth in range(table.keys if table.shape != "targets" else 0):
            # "$.component_weights.county" -> the first row of that group
            where = (grid.sheet, f"{col(1 + max(depth, 1))}{row}")
            ctx.cell_map.setdefault(format_json_path((*table.path, *keys[:depth])) + "~", where)
        if table.shape == "targets":
            _target(ctx, doc, grid, row, keys, rest)
        elif table.shape == "map":
            node = _parent(doc, table).setdefault(last, {})
            for key in keys[:-1]:
                node = node.setdefault(key, {})
            path = format_json_path((*table.path, *keys))
            node[keys[-1]] = ctx.read(grid, row, 2 + table.keys, _parser(rest[0]),
                                      json_path=path, field_name=rest[0].key,
                                      label=f"{grid.sheet}·{rest[0].zh}")
        else:  # grouped: group -> list of objects
            items = _parent(doc, table).setdefault(last, {}).setdefault(keys[0], [])
            path = format_json_path((*table.path, keys[0], len(items)))
            ctx.cell_map[path] = (grid.sheet, f"B{row}")
            items.append(_read_row(ctx, grid, row, rest, path))
    for marked in [k for k in ctx.cell_map if k.endswith("~")]:
        ctx.cell_map[marked[:-1]] = ctx.cell_map.pop(marked)


def _target(ctx: Context, doc: dict[str, Any], grid: Grid, row: int, keys: list[str],
            rest: tuple[Col, ...]) -> None:
    ids = [ind.get("id") for ind in doc.get("indicators", [])]
    ind_id, unit = keys
    if ind_id not in ids:
        ctx.add("unknown-indicator", f"指标编号 {ind_id} 不在“考核指标”表中",
                f"indicator {ind_id!r} is not in the indicators sheet", sheet=grid.sheet,
                cell=f"B{row}", row_number=row, field="indicator_id", value=ind_id,
                hint="请填写“考核指标”表中已有的指标编号",
                hint_en="use an ID from the indicators sheet")
        return
    index = ids.index(ind_id)
    path = format_json_path(("indicators", index, "targets", unit))
    value = ctx.read(grid, row, 4, _parser(rest[0]), json_path=path, field_name="target",
                     label=f"{grid.sheet}·{rest[0].zh}")
    doc["indicators"][index].setdefault("targets", {})[unit] = value


def import_scheme_workbook(path: Path | str) -> tuple[dict[str, Any], list[Issue]]:
    """Read a scheme workbook back into a scheme document, with every problem located."""
    from validators.scheme.checks import check_scheme
    from workbook_templates.reader import read_workbook

    read = read_workbook(path, check_schema=False)
    issues = list(read.issues)
    if read.kind != "scheme" or not read.document:  # (a damaged one: its finding says it)
        if read.kind not in ("", "scheme") and not any(i.severity == ERROR for i in issues):
            issues.append(Issue("not-a-scheme-workbook",
                                f"这不是考核方案工作簿（而是 {read.kind}）",
                                f"this is not a scheme workbook (it is {read.kind})",
                                file=str(path)))
        return read.document, issues
    report = check_scheme(read.document, read.cell_map, file=str(path))
    # A value refused while reading is blank in the document: its schema echo adds nothing.
    taken = {(i.sheet, i.cell) for i in issues if i.severity == ERROR and i.cell}
    return read.document, issues + [i if i.file else i.located(file=str(path))
                                    for i in report.issues if (i.sheet, i.cell) not in taken]
