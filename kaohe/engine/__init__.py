"""The pure scoring engine: scheme model, methods, scoring, gates, ranking and grading.

>>> from kaohe.engine import Scheme, Documents, score
>>> results = score(scheme, Documents(unit_reports=..., lead_scores=...))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kaohe.engine.methods import SCORERS, Inputs, Scored
    from kaohe.engine.model import Indicator, Scheme
    from kaohe.engine.numbers import round_score
    from kaohe.engine.scoring import Documents

__all__ = ["SCORERS", "Documents", "Indicator", "Inputs", "Scheme", "Scored", "round_score",
           "score"]

RESULTS_FORMAT = 1

# Imported when first asked for: validating a workbook needs the scheme model, not the
# scoring methods (``import kaohe.engine.model`` runs this file first).
_WHERE = {"SCORERS": "methods", "Inputs": "methods", "Scored": "methods", "Indicator": "model",
          "Scheme": "model", "round_score": "numbers", "Documents": "scoring"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"kaohe.engine.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'kaohe.engine' has no attribute {name!r}")


def score(scheme: Scheme, docs: Documents) -> dict[str, Any]:
    """Score, gate, round, rank and grade every unit; returns a `results` document."""
    from kaohe.engine.ranking import apply_gates, rank_and_grade
    from kaohe.engine.scoring import score_units

    units = score_units(scheme, docs)
    for unit in units:
        apply_gates(scheme, unit)
    ranked = rank_and_grade(scheme, units)
    for unit in ranked:
        unit.pop("events", None)
        unit.pop("veto", None)
    return {
        "kind": "results",
        "format": RESULTS_FORMAT,
        "scheme_id": scheme.scheme_id,
        "scheme_version": scheme.version,
        "year": scheme.year,
        "illustrative": scheme.illustrative,
        "grades": list(scheme.grades),
        "groups": [{"id": g.id, "name": g.name, "name_en": g.name_en,
                    "units": len(scheme.units_in(g.id))} for g in scheme.groups],
        "components": [{"id": c.id, "name": c.name, "name_en": c.name_en,
                        "weights": {g.id: scheme.component_weights[g.id].get(c.id, 0.0)
                                    for g in scheme.groups}} for c in scheme.components],
        "units": ranked,
    }
