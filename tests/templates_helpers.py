"""Shared helpers of the test_templates_* files: build, fill and locate template workbooks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl

from kaohe.engine.model import Scheme
from workbook_templates.build import template_name

GENERATED = datetime(2016, 12, 1, 9, 30, tzinfo=UTC)
FORBIDDEN = ("LET(", "XLOOKUP(", "FILTER(", "IFS(", "SWITCH(", "TEXTJOIN(", "CONCAT(",
             "_XLFN", "LAMBDA(", "UNIQUE(", "SORT(", "SEQUENCE(")


def documents_by_file(scheme: Scheme, docs: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """Template file name -> the synthetic document that fills it."""
    out: dict[str, Any] = {}
    for unit_id, doc in docs["unit_reports"].items():
        out[template_name("unit_report", lang, unit_id)] = doc
    for doc in docs["lead_scores"]:
        out[template_name("lead_scores", lang, doc["lead_department"])] = doc
    for kind in ("adjustments", "routine", "ballots"):
        out[template_name(kind, lang)] = docs[kind]
    return out


def data_sheets(path: Path) -> tuple[openpyxl.Workbook, dict[str, Any]]:
    """The workbook (openpyxl) and its data sheets by role, from `_meta`'s layout."""
    from workbook_templates.meta import parse_meta

    wb = openpyxl.load_workbook(path)
    meta = parse_meta(list(wb["_meta"].iter_rows(values_only=True)))
    sheets = {role: wb[spec["name"]] for role, spec in meta["layout"]["sheets"].items()}
    return wb, sheets


def covered(ws: Any, coordinate: str) -> list[Any]:
    """The data validations of a sheet that cover one cell."""
    return [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]


def key_cell(ws: Any, row_key: str, col_key: str) -> Any:
    """The openpyxl cell at a row key (column A) and a column key (row 1)."""
    col = next(c.column for c in ws[1] if c.value == col_key)
    row = next(c.row for c in ws["A"] if c.value == row_key)
    return ws.cell(row, col)
