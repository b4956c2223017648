"""JSON Schemas of kaohe's seven documents and their validation with located problems.

Not the PyPI package called `validators`: this one lives in this repository.
"""

from validators.schema import (
    KINDS,
    SchemaProblem,
    UnknownKind,
    format_json_path,
    load_schema,
    schema_problems,
    validate_document,
)

__all__ = [
    "KINDS",
    "SchemaProblem",
    "UnknownKind",
    "format_json_path",
    "load_schema",
    "schema_problems",
    "validate_document",
]
