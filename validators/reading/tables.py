"""Read-only lookup tables derived from a scheme, built once per scheme object: the readers,
the rules and the messages all look units, indicators and owners up through them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["scheme_table"]

_TABLES: dict[tuple[int, str], tuple[Any, Mapping[str, Any]]] = {}


def scheme_table(scheme: Any, what: str, build: Callable[[], Mapping[str, Any]]) -> Any:
    """A read-only lookup table derived from the scheme, built once per scheme object.

    >>> class S: ...
    >>> s = S()
    >>> scheme_table(s, "ids", lambda: {"a": 1}) is scheme_table(s, "ids", lambda: {})
    True
    """
    hit = _TABLES.get((id(scheme), what))
    if hit is None or hit[0] is not scheme:
        if len(_TABLES) >= 16:
            _TABLES.clear()
        hit = _TABLES[(id(scheme), what)] = (scheme, MappingProxyType(build()))
    return hit[1]
