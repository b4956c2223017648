"""The AHP hierarchy of a scheme: per block of groups that share indicators, its categories
and each category's indicators (the indicators' `category` field, in scheme order).

Groups that share an indicator are judged together (in the embedded scheme: the counties;
the four kinds of departments), so experts compare each pair once; `ahp_apply` composes
full scores that every group of the block can keep.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaohe.engine.model import Scheme

__all__ = ["Block", "hierarchy"]


@dataclass(frozen=True)
class Block:
    """One hierarchy: its groups, total, categories and their indicators (id, name)."""

    id: str
    groups: tuple[str, ...]
    total: float
    categories: tuple[str, ...]
    indicators: dict[str, tuple[tuple[str, str], ...]]


def hierarchy(scheme: Scheme) -> list[Block]:
    """The scheme's blocks in group order (indicators of a component of kind indicators)."""
    kinds = {c.id: c.kind for c in scheme.components}
    indicators = [i for i in scheme.indicators if kinds.get(i.component) == "indicators"]
    parent = {g.id: g.id for g in scheme.groups}

    def root(g: str) -> str:
        while parent[g] != g:
            g = parent[g]
        return g

    for ind in indicators:
        for g in ind.groups[1:]:
            parent[root(g)] = root(ind.groups[0])
    blocks = []
    for group in scheme.groups:
        if root(group.id) != group.id:
            continue
        members = tuple(g.id for g in scheme.groups if root(g.id) == group.id)
        own = [i for i in indicators if i.groups and root(i.groups[0]) == group.id]
        if not own:
            continue
        categories: dict[str, list[tuple[str, str]]] = {}
        for ind in own:
            categories.setdefault(ind.category or ind.id, []).append((ind.id, ind.name))
        blocks.append(Block(group.id, members, sum(i.full_score for i in own),
                            tuple(categories), {c: tuple(v) for c, v in categories.items()}))
    return blocks
