"""Everything that writes or reads .xlsx: clerk templates (built from a scheme, filled, read back
exactly), the scheme workbook, and result workbooks.

The public API is imported lazily, so ``import workbook_templates.recalc`` stays light:

>>> from workbook_templates import build_templates, read_workbook  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "build_templates", "template_name", "template_names", "build_unit_report", "build_lead_scores",
    "build_adjustments", "build_routine", "build_ballots", "export_scheme_workbook",
    "import_scheme_workbook", "read_workbook", "WorkbookRead", "fill_workbook",
    "FORMULAS", "points_formula",
]

_WHERE = {
    "build_templates": "build", "template_name": "build", "template_names": "build",
    "build_unit_report": "unit_report", "build_lead_scores": "lead_scores",
    "build_adjustments": "adjustments", "build_routine": "tallies", "build_ballots": "tallies",
    "export_scheme_workbook": "scheme_book", "import_scheme_workbook": "scheme_book",
    "read_workbook": "reader", "WorkbookRead": "reader", "fill_workbook": "fill",
    "FORMULAS": "formulas", "points_formula": "formulas",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        module = importlib.import_module(f"workbook_templates.{_WHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'workbook_templates' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
