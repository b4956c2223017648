"""The pure scoring engine: scheme model, methods, scoring, gates, ranking and grading.

>>> from kaohe.engine import Scheme, Documents, score
>>> results = score(scheme, Documents(unit_reports=..., lead_scores=...))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kaohe.engine.methods import SCORERS, Inputs, Scored
    from kaohe.engine.model import Indicator, Scheme
    from kaohe.engine.numbers import round_score
    from kaohe.engine.scoring import Documents

__all__ = ["SCORERS", "Documents", "Indicator", "Inputs", "Scheme", "Scored", "round_score",
           "score", "score_groups"]

RESULTS_FORMAT = 1

# Imported when first asked for: validating a workbook needs the scheme model, not the
# scoring methods (``import kaohe.engine.model`` runs this file first).
_WHERE = {"SCORERS": "methods", "Inputs": "methods", "Scored": "methods", "Indicator": "model",
          "Scheme": "model", "round_score": "numbers", "Documents": "scoring"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"kaohe.engine.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'kaohe.engine' has no attribute {name!r}")


def score_groups(scheme: Scheme, docs: Documents,
                 groups: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The units of the `groups` named (default: all), scored and gated, in the scheme's
    order: what `score` rounds, ranks and grades. Groups are scored independently, so the
    units of several calls, put back in the scheme's order, are those of one call."""
    from kaohe.engine.ranking import apply_gates
    from kaohe.engine.scoring import score_units

    units = score_units(scheme, docs, groups)
    for unit in units:
        apply_gates(scheme, unit)
    return units


def score(scheme: Scheme, docs: Documents,
          scored: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Score, gate, round, rank and grade every unit; returns a `results` document.

    `scored`: every unit as `score_groups` gives it, when already scored (the consolidation
    scores the groups in two processes: kaohe.pipeline.sharing)."""
    from kaohe.engine.ranking import rank_and_grade

    units = score_groups(scheme, docs) if scored is None else scored
    ranked = rank_and_grade(scheme, units)
    for unit in ranked:
        unit.pop("events", None)
        unit.pop("veto", None)
        unit.pop("gate_decisions", None)
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
