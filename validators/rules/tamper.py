"""Tampering: renamed sheets, changed locked content, deleted/inserted/moved rows, formulas
overwritten with typed values — each located at the cell.

The template's `_meta` records a fingerprint of its locked content (key row, key column,
locked columns). It is recomputed here from the values read back; when it differs, the
template is built again from the scheme and the two are compared cell by cell to say
*where*. Formulas are seen in the sheet XML itself (a reader of values cannot tell a
formula from a typed number). The table's keyed rows and columns, and the names a clerk
knows a row and a cell by, are `validators.reading.table_keys`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from validators.messages import finding
from validators.reading.table_keys import Owners, cell_label, header_text, keyed_columns, keyed_rows
from validators.reading.xlsx_read import KEY_MARK, WorkbookFile, col_letter, column_number
from validators.report import WARNING, Issue
from validators.rules.table_edges import inserted_columns, label_issues, outside_issues
from workbook_templates.table_shape import heading_row

__all__ = ["sheet_issues", "tamper_issues", "fingerprint_matches", "layout_diff"]

# ---------------------------------------------------------------- sheets

def sheet_issues(book: WorkbookFile, layout: Mapping[str, Any], file: str) -> list[Issue]:
    """Data sheets of the layout that are missing; a keyed sheet under another name is renamed."""
    wanted = {spec["name"] for spec in layout.get("sheets", {}).values()}
    if wanted <= set(book.names):
        return []  # (no other sheet need be read to find a renamed one)
    strangers = [n for n in book.names if n not in wanted and book.value(n, 1, 1) == KEY_MARK]
    issues = []
    for spec in layout.get("sheets", {}).values():
        if spec["name"] in book.names:
            continue
        if strangers:
            now = strangers.pop(0)
            issues.append(finding("sheet-renamed", file=file, sheet=now,
                                  params={"sheet": spec["name"], "now": now}))
        else:
            issues.append(finding("sheet-missing", file=file, params={"sheet": spec["name"]}))
    return issues


# ---------------------------------------------------------------- fingerprint and layout diff

def _locked_sheets(book: WorkbookFile, layout: Mapping[str, Any],
                   formulas: bool) -> dict[str, Any]:
    from workbook_templates.meta import locked_content

    return {role: locked_content(book.with_formulas(spec["name"]) if formulas
                                 else book.rows(spec["name"]), spec.get("locked", []))
            for role, spec in layout.get("sheets", {}).items()}


def fingerprint_matches(book: WorkbookFile, meta: Mapping[str, Any]) -> bool:
    """Whether the locked content read back hashes to the fingerprint in `_meta`.

    Tried on the values, then with formula text in place of formulas' (absent) cached
    values, as the template builder saw them.
    """
    from workbook_templates.meta import fingerprint

    layout = meta.get("layout") or {}
    return any(fingerprint(meta, _locked_sheets(book, layout, formulas)) == meta.get("fingerprint")
               for formulas in (False, True))


def _builders() -> dict[str, Callable[..., Path]]:
    from workbook_templates.adjustments import build_adjustments
    from workbook_templates.cadre_forms import build_cadre_ballots, build_roster
    from workbook_templates.lead_scores import build_lead_scores
    from workbook_templates.tallies import build_ballots, build_routine
    from workbook_templates.unit_report import build_unit_report

    return {
        "unit_report": lambda s, m, p, lang: build_unit_report(s, m["unit_id"], p, lang),
        "lead_scores": lambda s, m, p, lang: build_lead_scores(s, m["lead_department"], p, lang),
        # as many rows as the submitted register has (it may be a longer one)
        "adjustments": lambda s, m, p, lang: build_adjustments(
            s, p, lang, event_rows=int(m.get("event_rows") or 0),
            decision_rows=int(m.get("decision_rows") or 0)),
        "routine": lambda s, m, p, lang: build_routine(s, p, lang),
        "ballots": lambda s, m, p, lang: build_ballots(s, p, lang),
        "roster": lambda s, m, p, lang: build_roster(s, m["unit_id"], p, lang),
        "cadre_ballots": lambda s, m, p, lang: build_cadre_ballots(s, m["unit_id"], p, lang),
    }


def _rebuilt(scheme: Any, meta: Mapping[str, Any], folder: Path) -> WorkbookFile | None:
    """The template as the scheme makes it today, for a cell-by-cell comparison."""
    build = _builders().get(str(meta.get("kind")))
    if build is None:
        return None
    lang = "en" if meta.get("lang") == "en" else "zh"
    return WorkbookFile(build(scheme, meta, folder / "template.xlsx", lang))


def _register_rows(book: WorkbookFile, layout: Mapping[str, Any], role: str = "events") -> int:
    """The highest n of the `event:n` (`decision:n`) rows of a register's sheet of that
    role (0 for other templates)."""
    spec = layout.get("sheets", {}).get(role)
    if not spec or spec["name"] not in book.names:
        return 0
    prefix = "event:" if role == "events" else "decision:"
    return max((int(k[len(prefix):]) for _, k in keyed_rows(book.rows(spec["name"]))
                if k.startswith(prefix) and k[len(prefix):].isdigit()), default=0)


def _longest_in_order(positions: list[int]) -> set[int]:
    """Indices of a longest increasing subsequence (the rows that did not move)."""
    tails: list[int] = []
    links: list[int] = [-1] * len(positions)
    ends: list[int] = []
    for i, value in enumerate(positions):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(value)
            ends.append(i)
        else:
            tails[lo] = value
            ends[lo] = i
        links[i] = ends[lo - 1] if lo else -1
    keep, at = set(), ends[-1] if ends else -1
    while at >= 0:
        keep.add(at)
        at = links[at]
    return keep


def layout_diff(book: WorkbookFile, template: WorkbookFile, layout: Mapping[str, Any],
                file: str, owners: Owners) -> Iterator[Issue]:
    """Where a submitted workbook differs from its template in keys and locked columns."""
    from workbook_templates.meta import canon

    for spec in layout.get("sheets", {}).values():
        name = spec["name"]
        if name not in book.names or name not in template.names:
            continue
        got, want = book.with_formulas(name), template.with_formulas(name)
        got_cols, want_cols = keyed_columns(got), keyed_columns(want)
        for key, column in want_cols.items():
            if key not in got_cols:
                yield finding("column-deleted", file=file, sheet=name,
                              cell=f"{col_letter(column)}1", column=col_letter(column),
                              field=key, params={"what": header_text(template, name, column)})
        heading = heading_row(got) or 1  # (a clerk sees the column's heading, not row 1)
        for key, column in got_cols.items():
            if key not in want_cols:
                yield finding("column-inserted", file=file, sheet=name,
                              cell=f"{col_letter(column)}{heading}", column=col_letter(column),
                              params={"column": col_letter(column)})
        got_keys, want_keys = keyed_rows(got), keyed_rows(want)
        got_at = {k: r for r, k in got_keys}
        want_at = {k: r for r, k in want_keys}
        yield from _rows_diff(book, template, name, got_keys, want_keys, file, owners)
        for key in (k for _, k in want_keys if k in got_at):
            if key.startswith(("@", "#")):
                continue  # header, subtotal and heading rows: only their keys are locked
            for column_key in spec.get("locked", []):
                if column_key not in got_cols or column_key not in want_cols:
                    continue
                g_row, w_row = got_at[key], want_at[key]
                g_val = _at(got, g_row, got_cols[column_key])
                w_val = _at(want, w_row, want_cols[column_key])
                if canon(g_val) == canon(w_val):
                    continue
                cell = f"{col_letter(got_cols[column_key])}{g_row}"
                where = {"file": file, "sheet": name, "cell": cell, "row_number": g_row,
                         "field": column_key, "value": _plain(g_val),
                         **owners.where(key, column_key),
                         "label": cell_label(book, name, g_row, got_cols[column_key], key, owners)}
                if isinstance(w_val, str) and w_val.startswith("="):
                    if g_val is None:
                        yield finding("formula-deleted", **where)
                    elif not (isinstance(g_val, str) and g_val.startswith("=")):
                        yield finding("formula-replaced", **where, params={"shown": g_val})
                    continue  # a formula written differently (e.g. by Excel) is no change
                rule = "target-changed" if column_key == "target" else "locked-changed"
                yield finding(rule, **where, params=_got_want(g_val, w_val))


def _rows_diff(book: WorkbookFile, template: WorkbookFile, name: str,
               got_keys: list[tuple[int, str]], want_keys: list[tuple[int, str]],
               file: str, owners: Owners) -> Iterator[Issue]:
    got_at = {k: r for r, k in got_keys}
    want_index = {k: i for i, (_, k) in enumerate(want_keys)}
    for index, (w_row, key) in enumerate(want_keys):
        if key in got_at:
            continue
        following = next((got_at[k] for _, k in want_keys[index + 1:] if k in got_at), None)
        row = following if following is not None else (got_keys[-1][0] + 1 if got_keys
                                                        else w_row)
        yield finding("row-deleted", file=file, sheet=name, cell=f"B{row}", row_number=row,
                      **owners.where(key),
                      params={"what": owners.label(key, template, name, w_row),
                              "what_en": owners.label(key, template, name, w_row, "en")})
    common = [(r, k) for r, k in got_keys if k in want_index]
    keep = _longest_in_order([want_index[k] for _, k in common])
    for i, (row, key) in enumerate(common):
        if i not in keep:
            yield finding("row-moved", file=file, sheet=name, cell=f"B{row}", row_number=row,
                          **owners.where(key),
                          params={"what": owners.label(key, book, name, row),
                                  "what_en": owners.label(key, book, name, row, "en")})
    for row, key in got_keys:
        if key not in want_index:
            yield finding("row-inserted", file=file, sheet=name, cell=f"B{row}",
                          row_number=row, params={"row": row})


def _at(rows: Sequence[Sequence[Any]], row: int, column: int) -> Any:
    if row - 1 >= len(rows) or column - 1 >= len(rows[row - 1]):
        return None
    value = rows[row - 1][column - 1]
    return None if value == "" else value


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) else None


def _got_want(got: Any, want: Any) -> dict[str, str]:
    def show(value: Any, blank: str) -> str:
        if value is None or value == "":
            return blank
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return {"got": show(got, "空"), "got_en": show(got, "blank"), "want": show(want, "空"),
            "want_en": show(want, "blank")}


# ---------------------------------------------------------------- inserted rows, formulas

def inserted_rows(book: WorkbookFile, layout: Mapping[str, Any], file: str) -> Iterator[Issue]:
    """Rows without a key inside a block of keyed data rows (the template has none there)."""
    for spec in layout.get("sheets", {}).values():
        name = spec["name"]
        if name not in book.names:
            continue
        rows = book.rows(name)
        keyed = [(r, k) for r, k in keyed_rows(rows) if not k.startswith("@header")]
        for (row, _), (next_row, _) in zip(keyed, keyed[1:], strict=False):
            for gap in range(row + 1, next_row):
                values = rows[gap - 1] if gap - 1 < len(rows) else []
                filled = any(v not in ("", None) for v in values[1:])
                yield finding("row-inserted", file=file, sheet=name, cell=f"B{gap}",
                              row_number=gap, severity="error" if filled else WARNING,
                              params={"row": gap})


def formula_issues(book: WorkbookFile, layout: Mapping[str, Any], file: str,
                   owners: Owners | None = None, kind: str = "") -> Iterator[Issue]:
    """A typed value (or nothing) where the template has a formula.

    Which columns hold formulas is the template's fact (table_shape.FORMULA_COLUMNS), never
    read from the submission: a formula typed into an input cell is the reader's finding
    at that cell, and makes no other cell of its column a formula cell.
    """
    owners = owners or Owners(None)
    explicit = layout.get("formulas") or {}
    for role, spec in layout.get("sheets", {}).items():
        name = spec["name"]
        if name not in book.names:
            continue
        rows = book.rows(name)
        formulas = book.formula_cells(name)
        if role in explicit:  # the template says where its formulas are
            cells = [(cell, int("".join(ch for ch in cell if ch.isdigit())), "")
                     for cell in explicit[role]]
        else:
            cells = _formula_cells_by_key(rows, kind, role)
        row_keys = dict(keyed_rows(rows))
        for cell, row, key in cells:
            if cell in formulas:
                continue
            column = column_number(cell)
            value = book.value(name, row, column)
            where = {"file": file, "sheet": name, "cell": cell, "row_number": row,
                     "field": key, **owners.where(row_keys.get(row, ""), key),
                     "label": cell_label(book, name, row, column, row_keys.get(row, ""), owners)}
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                yield finding("formula-replaced", **where, value=value,
                              params={"shown": f"{value:g}"})
            elif value is None:
                yield finding("formula-deleted", **where)


def _formula_cells_by_key(rows: Sequence[Sequence[Any]], kind: str,
                          role: str) -> list[tuple[str, int, str]]:
    """Cells of data rows in the template's formula columns: text there (由考核办计算, —)
    is the template's own; and numbers in totals rows."""
    from workbook_templates.table_shape import formula_column

    data = [(row, key) for row, key in keyed_rows(rows)
            if not key.startswith(("@", "#")) and "@" not in key]
    columns = [(column, col_letter(column), key) for key, column in keyed_columns(rows).items()
               if formula_column(kind, role, key)]
    cells = []
    for row, _ in data:
        values = rows[row - 1]
        for column, letter, column_key in columns:
            raw = values[column - 1] if column - 1 < len(values) else ""
            if isinstance(raw, str) and raw:
                continue  # a label such as 由考核办计算 or —
            cells.append((f"{letter}{row}", row, column_key))
    # Totals rows (@subtotal …) hold labels and formulas only: a number there was typed.
    names = {c: k for k, c in keyed_columns(rows).items()}
    for row, key in keyed_rows(rows):
        if key.startswith("@") and not key.startswith("@header"):
            for column, raw in enumerate(rows[row - 1], start=1):
                if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                    cells.append((f"{col_letter(column)}{row}", row, names.get(column, "")))
    return cells


def tamper_issues(book: WorkbookFile, meta: Mapping[str, Any], scheme: Any,
                  file: str, *, formulas: bool = True) -> list[Issue]:
    """Every tampering finding: layout diff when the fingerprint differs, inserted rows,
    formulas replaced."""
    layout = meta.get("layout") or {}
    issues: list[Issue] = []
    if not fingerprint_matches(book, meta):
        located: list[Issue] = []
        try:
            with tempfile.TemporaryDirectory(prefix="kaohe-check-") as folder:
                rows = {"event_rows": _register_rows(book, layout, "events"),
                        "decision_rows": _register_rows(book, layout, "decisions")}
                template = _rebuilt(scheme, {**meta, **rows}, Path(folder))
                if template is not None:
                    located = list(layout_diff(book, template, layout, file, Owners(scheme)))
        except Exception:  # noqa: BLE001 - the generic finding below still says it
            located = []
        issues.extend(located or [finding("fingerprint-mismatch", file=file)])
    issues.extend(inserted_rows(book, layout, file))
    issues.extend(inserted_columns(book, layout, file))
    issues.extend(outside_issues(book, meta, file))
    issues.extend(label_issues(book, meta, scheme, file))
    if formulas:
        issues.extend(formula_issues(book, layout, file, Owners(scheme),
                                     str(meta.get("kind") or "")))
    return issues
