"""Indicators scored by ballot or satisfaction in a lead department's sheet: one count column
per grade or option (and the invalid ballots), read into the entry's `counts` and `invalid`.

Without params the scheme's ballot grades / satisfaction options apply, as in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kaohe.engine.model import Indicator, Scheme

__all__ = ["VOTED", "with_default_tables", "vote_table", "vote_inputs"]

VOTED = ("ballot", "satisfaction")


def with_default_tables(scheme: Scheme, ind: Indicator) -> Indicator:
    """The indicator with the scheme's ballot grades / satisfaction options as its params when
    it names none (the engine's default)."""
    params = dict(ind.params)
    if ind.method == "ballot" and not params.get("grades"):
        params["grades"] = dict(scheme.ballot_grades)
    elif ind.method == "satisfaction" and not params.get("options"):
        params["options"] = dict(scheme.satisfaction_options)
        params.setdefault("excluded", list(scheme.satisfaction_excluded))
    else:
        return ind
    return replace(ind, params=params)


def vote_table(ind: Indicator) -> tuple[list[tuple[str, float]], list[str]]:
    """(label, points) counted, and the labels left out (不了解), of a voted indicator."""
    spec: Any = ind.params.get("grades" if ind.method == "ballot" else "options") or {}
    items = ([{"label": k, "points": v} for k, v in spec.items()] if isinstance(spec, Mapping)
             else [x for x in spec if isinstance(x, Mapping)])
    left_out = {str(x) for x in ind.params.get("excluded") or ()}
    counted = [(str(x["label"]), float(x.get("points") or 0)) for x in items
               if not x.get("excluded") and str(x["label"]) not in left_out]
    excluded = list(dict.fromkeys([*(str(x["label"]) for x in items if x.get("excluded")
                                     or str(x["label"]) in left_out),
                                   *(str(x) for x in ind.params.get("excluded") or ())]))
    return counted, excluded


def vote_inputs(ind: Indicator) -> list[tuple[str, str]]:
    """(column key, field) of a voted indicator's count columns, then its invalid ballots."""
    counted, excluded = vote_table(ind)
    columns = [(f"{ind.id}.counts:{label}", f"counts:{label}")
               for label in [*(label for label, _ in counted), *excluded]]
    if ind.method == "ballot":
        columns.append((f"{ind.id}.invalid", "invalid"))
    return columns
