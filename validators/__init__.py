"""JSON Schemas of kaohe's seven documents and their validation with located problems.

Not the PyPI package called `validators`: this one lives in this repository.

Validation of files (imported lazily, so ``import validators`` stays light):

>>> from validators import validate_workbook, validate_batch, check_scheme  # doctest: +SKIP
"""

import importlib
from typing import Any

__all__ = [
    "KINDS",
    "SchemaProblem",
    "UnknownKind",
    "format_json_path",
    "load_schema",
    "schema_problems",
    "validate_document",
    "Issue",
    "Report",
    "Limits",
    "inspect_file",
    "validate_workbook",
    "examine_workbook",
    "validate_batch",
    "BatchReport",
    "check_scheme",
    "annotate_workbook",
    "CHECKS",
    "SCHEME_CHECKS",
]

_WHERE = {
    "KINDS": "rules.json_schema", "SchemaProblem": "rules.json_schema",
    "UnknownKind": "rules.json_schema", "format_json_path": "rules.json_schema",
    "load_schema": "rules.json_schema", "schema_problems": "rules.json_schema",
    "validate_document": "rules.json_schema",
    "Issue": "report", "Report": "report",
    "Limits": "container.files", "inspect_file": "container.files",
    "validate_workbook": "workbook", "examine_workbook": "workbook",
    "validate_batch": "batch", "BatchReport": "batch", "check_scheme": "scheme.checks",
    "annotate_workbook": "annotate", "CHECKS": "rules.values", "SCHEME_CHECKS": "scheme.checks",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"validators.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'validators' has no attribute {name!r}")
