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
    from workbook_templates.build import template_names

    names = template_names(scheme, lang)
    out: dict[str, Any] = {}
    for unit_id, doc in docs["unit_reports"].items():
        out[names[("unit_report", unit_id)]] = doc
    for doc in docs["lead_scores"]:
        out[names[("lead_scores", doc["lead_department"])]] = doc
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


def filled_workbooks(scheme: Scheme, folder: Path, unit: str = "altay_city",
                     dept: str = "zfw") -> dict[str, Path]:
    """One filled workbook of each template kind (clean: validated without findings)."""
    from kaohe.synth import synthesize
    from workbook_templates import fill_workbook
    from workbook_templates.adjustments import build_adjustments
    from workbook_templates.lead_scores import build_lead_scores
    from workbook_templates.tallies import build_ballots, build_routine
    from workbook_templates.unit_report import build_unit_report

    docs = synthesize(scheme)
    # The synthetic tallies leave one rater group's row blank (to show the reweighting), which
    # is a warning (blank-conduct-rater): filled in here, so the clean files have no finding.
    conduct = docs["ballots"]["conduct"]
    given = {(c["unit_id"], c["rater_group"]) for c in conduct}
    conduct += [{"unit_id": u.id, "rater_group": r.id, "invalid": 0, "raters": 9,
                 "counts": {g: 2 for g in scheme.ballot_grades}}
                for u in scheme.units for r in scheme.rater_groups if (u.id, r.id) not in given]
    lead = next(d for d in docs["lead_scores"] if d["lead_department"] == dept)
    made = {
        "unit_report": (build_unit_report(scheme, unit, folder / "t_unit.xlsx"),
                        docs["unit_reports"][unit]),
        "lead_scores": (build_lead_scores(scheme, dept, folder / "t_lead.xlsx"), lead),
        "adjustments": (build_adjustments(scheme, folder / "t_adj.xlsx"), docs["adjustments"]),
        "routine": (build_routine(scheme, folder / "t_routine.xlsx"), docs["routine"]),
        "ballots": (build_ballots(scheme, folder / "t_ballots.xlsx"), docs["ballots"]),
    }
    return {kind: fill_workbook(template, doc, folder / f"{kind}.xlsx")
            for kind, (template, doc) in made.items()}
