"""The edges of a template's table: what was typed outside it, columns inserted into it, and
printed labels (indicator names, column headers, the title) that were edited.

Each is found from the cells the reader already has (the sheet's used range, its key row,
its formula cells), without a second pass over the workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from validators.messages import finding
from validators.reading.xlsx_read import WorkbookFile, col_letter, column_number
from validators.report import ERROR, WARNING, Issue
from workbook_templates.table_shape import (
    REGISTERS,
    SIGNATURE_GAP,
    SIGNED,
    heading_row,
    keyed_columns,
    last_key_column,
    table_end,
)
from workbook_templates.table_shape import inserted_columns as _inserted
from workbook_templates.values import show_number

__all__ = ["outside_issues", "inserted_columns", "label_issues", "LISTED_ROWS"]

#: Rows outside a table listed one by one; the rest are counted in one more finding.
LISTED_ROWS = 20


#: The columns a register's row is recognised by (an event or a decision typed under the
#: table is lost data; a name, a note or a mark there is not): by sheet role.
_RECORD_COLUMNS = {
    "events": frozenset({"id", "unit", "indicator_id", "type", "points", "date", "reason"}),
    "decisions": frozenset({"id", "event_id", "kind", "outcome", "points", "date", "reason"}),
}
#: The `kaohe templates` option that makes a register's sheet longer, by sheet role.
_LONGER = {"events": "--event-rows", "decisions": "--decision-rows"}


def _outside_cells(book: WorkbookFile, name: str, signed: bool,
                   record: frozenset[str] = frozenset()) -> dict[int, tuple[int, Any, bool]]:
    """Row -> (column, value, looks like a record) of the first non-empty cell outside the
    table in that row; a row under the table looks like a record when a column of `record`
    is filled in it.

    Nothing while columns are inserted: what they moved is reported as the inserted column.
    """
    rows = book.rows(name)
    end = table_end(rows)
    head = rows[0] if rows else []
    last = last_key_column(head)
    if not end or not last or _inserted(head):
        return {}
    signature = end + SIGNATURE_GAP if signed else 0
    keyed = [c for c, key in enumerate(head) if c > 0 and key in record]
    found: dict[int, tuple[int, Any, bool]] = {}
    for index in range(1, len(rows)):
        row = index + 1
        values = rows[index]
        first = 1 if row > end else last  # under the table: every column; else its right
        for column, value in enumerate(values[first:], start=first + 1):
            if value in ("", None) or (row == signature and column == 2):
                continue
            found[row] = (column, value, row > end and any(
                c < len(values) and values[c] not in ("", None) for c in keyed))
            break
        else:  # only the hidden column A (a key typed under the table)
            if row > end and values and values[0] not in ("", None):
                found[row] = (1, values[0], False)
    for cell, text in book.formula_cells(name).items():  # formulas without a saved value
        row, column = int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), column_number(cell)
        if row > 1 and (row > end or column > last) and not (row == signature and column == 2):
            at, value, like = found.get(row, (column, text, False))
            like = like or (row > end and column - 1 in keyed)
            found[row] = (column, text, like) if at >= column else (at, value, like)
    return found


def outside_issues(book: WorkbookFile, meta: Mapping[str, Any], file: str) -> Iterator[Issue]:
    """Anything under or right of a data sheet's table: it is not read. In a register a row
    under the table that looks like an event (or a decision) is an error — it would be lost;
    anything else (a signature, a note, a mark beside a row) is a warning."""
    kind = str(meta.get("kind") or "")
    register = kind in REGISTERS
    for role, spec in (meta.get("layout") or {}).get("sheets", {}).items():
        name = spec["name"]
        if name not in book.names:
            continue
        record = _RECORD_COLUMNS.get(role, frozenset()) if register else frozenset()
        found = _outside_cells(book, name, (kind, role) in SIGNED, record)
        if not found:
            continue
        rows = book.rows(name)
        end = table_end(rows)
        size = sum(1 for values in rows[1:end] if str(values[0] if values else "").startswith(
            ("event:", "decision:")))
        listed = sorted(found)
        for row in listed[:LISTED_ROWS]:
            column, value, like = found[row]
            cell = f"{col_letter(column)}{row}"
            shown = value if isinstance(value, str | int | float) else None
            where = {"file": file, "sheet": name, "cell": cell, "row_number": row,
                     "value": shown, "severity": ERROR if like else WARNING}
            if like:
                yield finding("outside-table", key="outside-register", **where,
                              params={"row": row, "rows": size,
                                      "option": _LONGER.get(role, "--event-rows")})
            elif column == 1:
                text = show_number(value) if isinstance(value, int | float) else str(value)
                yield finding("outside-table-hidden", **where,
                              params={"row": row, "shown": text if len(text) <= 30
                                      else text[:29] + "…"})
            elif register and row > end:
                yield finding("outside-table", key="outside-register-note", **where,
                              params={"cell": cell})
            elif register:
                yield finding("outside-table", key="outside-register-column", **where,
                              params={"cell": cell})
            else:
                yield finding("outside-table", **where, params={"cell": cell})
        if len(listed) > LISTED_ROWS:
            row = listed[LISTED_ROWS]
            column = found[row][0]
            lost = any(found[r][2] for r in listed[LISTED_ROWS:])
            yield finding("outside-table", key="outside-table-more", file=file, sheet=name,
                          cell=f"{col_letter(column)}{row}", row_number=row,
                          severity=ERROR if lost else WARNING,
                          params={"row": row, "listed": LISTED_ROWS,
                                  "count": len(listed) - LISTED_ROWS})


def inserted_columns(book: WorkbookFile, layout: Mapping[str, Any],
                     file: str) -> Iterator[Issue]:
    """A column without a key between keyed columns of a data sheet: a clerk inserted it
    (the fingerprint cannot see it: the keys and locked values are all still there)."""
    for spec in layout.get("sheets", {}).values():
        name = spec["name"]
        if name not in book.names:
            continue
        rows = book.rows(name)
        # at the column's heading, where a clerk sees it (row 1 holds the hidden keys)
        row = heading_row(rows) or 1
        for column in _inserted(rows[0] if rows else []):
            letter = col_letter(column)
            yield finding("column-inserted", file=file, sheet=name, cell=f"{letter}{row}",
                          column=letter, params={"column": letter})


# ---------------------------------------------------------------- printed labels


_Printed = tuple[tuple[str, str, str], ...]


def _cached(scheme: Any, key: tuple[Any, ...], build: Callable[[], Iterator[tuple[str, str, str]]]
            ) -> _Printed:
    """What `build` yields, built once per scheme and key."""
    from validators.reading.tables import scheme_table

    known = scheme_table(scheme, "printed labels", lambda: {"by_key": {}})["by_key"]
    if key not in known:
        known[key] = tuple(build())
    return known[key]  # type: ignore[no-any-return]


def _lang(meta: Mapping[str, Any]) -> str:
    return "en" if meta.get("lang") == "en" else "zh"


def _unit_report_labels(scheme: Any, meta: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    from workbook_templates.unit_report import printed_labels

    unit_id, lang = str(meta.get("unit_id") or ""), _lang(meta)
    printed = printed_labels(scheme, unit_id, lang)
    yield next(printed)  # the title names the unit; the rest is the same for its group
    yield from _cached(scheme, ("unit_report", scheme.unit(unit_id).group, lang),
                       lambda: printed)


def _lead_scores_labels(scheme: Any, meta: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    from workbook_templates.lead_scores import printed_labels

    dept, lang = str(meta.get("lead_department") or ""), _lang(meta)
    return iter(_cached(scheme, ("lead_scores", dept, lang),
                        lambda: printed_labels(scheme, dept, lang)))


def _adjustments_labels(role: str) -> Callable[[Any, Mapping[str, Any]],
                                               Iterator[tuple[str, str, str]]]:
    def labels(scheme: Any, meta: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
        from workbook_templates.adjustments import printed_labels

        lang = _lang(meta)
        return iter(_cached(scheme, ("adjustments", role, lang),
                            lambda: printed_labels(scheme, lang, role)))
    return labels


#: kind -> ((role, what the builder printed on that sheet: (row key or
#: "@title"/"@heading"/"@columns"/"@header:<what>", column key, text)), …). "@columns" is the
#: heading row just above the table's first row, "@heading" the one above it (a two-row
#: heading), "@header:<what>" a name in the first header row (keyed "@header"; the owner's
#: name there is owner_issues'), "#group:<id>" a group's heading row.
_LABELS: dict[str, tuple[tuple[str, Callable[[Any, Mapping[str, Any]],
                                             Iterator[tuple[str, str, str]]]], ...]] = {
    "unit_report": (("items", _unit_report_labels),),
    "lead_scores": (("scores", _lead_scores_labels),),
    "adjustments": (("events", _adjustments_labels("events")),
                    ("decisions", _adjustments_labels("decisions"))),
}
_WHAT = {"name": ("指标名称", "indicator name"), "@columns": ("栏目名称", "column heading"),
         "@title": ("表格标题", "title"), "unit": ("单位名称", "unit name"),
         "group": ("组别名称", "group name")}
_NAMED = ("unit", "group")  # labels that name a thing: "县市·组别名称"


def _what_key(row_key: str, column_key: str) -> str:
    """Which kind of label a printed label is: a key of _WHAT."""
    if row_key == "@heading":
        return "name" if "." in column_key else "@columns"  # an indicator's id and name
    if row_key.startswith("@header:"):
        return row_key.partition(":")[2]
    if row_key.startswith("#group:"):
        return "group"
    if row_key.startswith("@"):
        return row_key
    return column_key if column_key in _WHAT else "@columns"


def _plain(text: Any) -> str:
    return " ".join(str(text or "").split())


def _label(printed: Callable[[str], Mapping[tuple[str, str], str]], row_key: str,
           column_key: str) -> tuple[str, str]:
    """(label, label_en) of a printed label as a clerk knows it: "完成值（栏目名称）",
    "C05 一般公共预算收入·指标名称", "阿勒泰市·单位名称" — from what the builder prints in
    each language; none for the title (the message names it)."""
    what = _what_key(row_key, column_key)
    if what == "@title":
        return "", ""
    zh, en = printed("zh"), printed("en")
    zh_text, en_text = zh.get((row_key, column_key), ""), en.get((row_key, column_key), "")
    if what == "@columns":
        return f"{zh_text}（栏目名称）", f"{en_text} (column heading)"
    if what in _NAMED:
        return f"{zh_text}·{_WHAT[what][0]}", f"{en_text} · {_WHAT[what][1]}"
    if row_key == "@heading":  # the heading already starts with the indicator's id
        return f"{zh_text}·指标名称", f"{en_text} · indicator name"
    indicator = row_key.partition("@")[0]
    return f"{indicator} {zh_text}·指标名称", f"{indicator} {en_text} · indicator name"


def label_issues(book: WorkbookFile, meta: Mapping[str, Any], scheme: Any,
                 file: str) -> Iterator[Issue]:
    """Printed labels that differ from what the scheme says (a warning at the cell: they
    are not read, but a printed form must say what the scheme says). Only for a template
    of the scheme's own version: another version may name an indicator otherwise."""
    kind = str(meta.get("kind") or "")
    if kind not in _LABELS or str(meta.get("scheme_version")) != str(
            getattr(scheme, "version", "")):
        return
    for role, expected in _LABELS[kind]:
        spec = (meta.get("layout") or {}).get("sheets", {}).get(role)
        if spec and spec["name"] in book.names:
            yield from _sheet_labels(book, meta, scheme, file, spec["name"], expected)


def _sheet_labels(book: WorkbookFile, meta: Mapping[str, Any], scheme: Any, file: str,
                  name: str, expected: Callable[[Any, Mapping[str, Any]],
                                                Iterator[tuple[str, str, str]]]
                  ) -> Iterator[Issue]:
    rows = book.rows(name)
    end = table_end(rows)
    if _inserted(rows[0] if rows else []):
        return  # every label moved with the inserted column: that column is the finding
    keyed: dict[str, int] = {}  # row key -> its first row (a header may take two rows)
    for r, v in enumerate(rows[:end]):
        if r > 0 and v and v[0]:
            keyed.setdefault(str(v[0]), r + 1)
    columns = keyed_columns(rows)
    heading = heading_row(rows)
    heading_rows = {"@columns": heading, "@heading": heading - 1}

    def printed(lang: str) -> Mapping[tuple[str, str], str]:  # only asked when one changed
        return {(r, c): text for r, c, text in expected(scheme, {**meta, "lang": lang})}

    for row_key, column_key, want in expected(scheme, meta):
        if row_key == "@title":
            row, column = 2, 2
        else:
            keyed_as = "@header" if row_key.startswith("@header:") else row_key
            row = heading_rows.get(row_key) or keyed.get(keyed_as, 0)
            column = columns.get(column_key, 0)
        if row < 2 or not column:
            continue  # a deleted row or column is reported as such
        got = book.value(name, row, column)
        if _plain(got) == _plain(want):
            continue
        kind_of = _what_key(row_key, column_key)
        what, what_en = _WHAT[kind_of]
        label, label_en = _label(printed, row_key, column_key)
        indicator, unit = "", ""
        if kind_of == "name" and row_key == "@heading":
            indicator = column_key.partition(".")[0]
        elif kind_of == "name":
            indicator = row_key.partition("@")[0]
        elif not row_key.startswith(("@", "#")):
            unit = row_key  # a unit's row: its name or its group
        yield finding("label-changed", file=file, sheet=name, severity=WARNING,
                      cell=f"{col_letter(column)}{row}", row_number=row, field=column_key,
                      label=label, label_en=label_en, indicator_id=indicator, unit_id=unit,
                      value=got if isinstance(got, str | int | float) else None,
                      params={"what": what, "what_en": what_en, "want": want})
