"""Scoring methods: one pure function per rule type, in the explicit registry SCORERS.

Each method takes (inputs, params, full_score, direction) and returns Scored: the points
and a one-line explanation in Chinese and English. See docs/contracts.md for the rules.
"""

# The methods live by kind: kaohe.engine.measured (a measured value against its target, bounds
# or the group) and kaohe.engine.counted (counts, rating labels, votes), with the types and
# readers they share in kaohe.engine.method_base. This module keeps the registry and the names
# callers import from it, three private ones too: tests reset and compare _fmt's remembered
# texts (_FMT_SEEN), and the workbook formulas mirror methods._meets.

from __future__ import annotations

from kaohe.engine.counted import ballot, bonus, deduction, rating, satisfaction
from kaohe.engine.measured import (
    base_step,
    benchmark,
    completion,
    efficacy,
    pass_fail,
    rank_points,
    tiered,
)
from kaohe.engine.method_base import _FMT_SEEN as _FMT_SEEN
from kaohe.engine.method_base import Inputs, Scored, Scorer
from kaohe.engine.method_base import _fmt as _fmt
from kaohe.engine.method_base import _meets as _meets
from kaohe.errors import MissingInput

__all__ = ["Inputs", "Scored", "Scorer", "SCORERS", "GROUP_RELATIVE", "MissingInput",
           "completion", "base_step", "tiered", "efficacy", "benchmark", "rank_points",
           "pass_fail", "deduction", "bonus", "rating", "ballot", "satisfaction"]

SCORERS: dict[str, Scorer] = {
    "completion": completion, "base_step": base_step, "tiered": tiered, "efficacy": efficacy,
    "benchmark": benchmark, "rank_points": rank_points, "pass_fail": pass_fail,
    "deduction": deduction, "bonus": bonus, "rating": rating, "ballot": ballot,
    "satisfaction": satisfaction,
}
# Methods whose points depend on the other units of the group (they read Inputs.peers).
GROUP_RELATIVE: frozenset[str] = frozenset({"efficacy", "benchmark", "rank_points"})
