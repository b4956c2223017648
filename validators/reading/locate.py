"""From a document path to a cell: one function, used by every check.

A reader's cell map says where each value of a document came from:
``{"$.items[3].actual": ("单位自评表", "H9")}``. A path with no cell of its own (a
missing field, an object) is located at its nearest ancestor that has one.

>>> locate(("items", 3, "evidence"), {"$.items[3]": ("单位自评表", "A9")})
('单位自评表', 'A9')
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from validators.report import Issue

__all__ = ["CellMap", "format_json_path", "locate", "locate_issue", "parse_json_path"]

CellMap = Mapping[str, tuple[str, str]]
_PLAIN_KEY = re.compile(r"[^\W\d][\w-]*")


def format_json_path(path: Iterable[str | int]) -> str:
    """A document path as JSONPath text: ("indicators", 3, "cap") → "$.indicators[3].cap"."""
    text = "$"
    for key in path:
        if isinstance(key, int):
            text += f"[{key}]"
        elif _PLAIN_KEY.fullmatch(key):
            text += f".{key}"
        else:
            text += f"[{json.dumps(key, ensure_ascii=False)}]"
    return text


def locate(path: Sequence[str | int], cell_map: CellMap | None) -> tuple[str, str]:
    """(sheet, cell) of a document path; else of its first located part (a group's weights
    start at its first weight); else of its nearest located ancestor — or, when that is a
    row without a cell of its own, of the row's first located cell (a missing field at its
    parent's cell, or in its row); ("", "") if none."""
    if not cell_map:
        return "", ""
    for end in range(len(path), -1, -1):
        text = format_json_path(path[:end])
        where = cell_map.get(text)
        if where:
            return where[0], where[1]
        # The path itself, or a row (…[3]) of an ancestor: its first located part.
        if end and (end == len(path) or isinstance(path[end - 1], int)):
            spot = _first_parts(cell_map).get(text)
            if spot:
                return spot[0], spot[1]
    return "", ""


# The index of the last cell maps seen (a few, each with the map itself so that its id
# stays its own): one pass over a map, then every finding is located in constant time
# (a scan of the whole map per finding took 82 s for 4,999 findings of one register).
_INDEXES: list[tuple[CellMap, dict[str, tuple[str, str]]]] = []


def _first_parts(cell_map: CellMap) -> dict[str, tuple[str, str]]:
    """Every path that has located parts -> its first located part's (sheet, cell), in the
    map's order: what `key.startswith(path + "." or path + "[")` finds first."""
    for seen, made in _INDEXES:
        if seen is cell_map and _same_size(seen, made):
            return made
    index: dict[str, tuple[str, str]] = {}
    for key, spot in cell_map.items():
        for cut in range(1, len(key)):
            if key[cut] in ".[":
                index.setdefault(key[:cut], spot)
    index[_SIZE] = ("", str(len(cell_map)))
    _INDEXES.insert(0, (cell_map, index))
    del _INDEXES[4:]
    return index


_SIZE = "\0size"  # (a key no JSON path has) the size of the map the index was made from


def _same_size(cell_map: CellMap, index: dict[str, tuple[str, str]]) -> bool:
    """A map added to since its index was made is indexed again."""
    return index.get(_SIZE, ("", ""))[1] == str(len(cell_map))


def parse_json_path(text: str) -> tuple[str | int, ...]:
    """The inverse of format_json_path for the paths our checks write ($.a[3].b, $["x y"])."""
    import json
    import re

    parts: list[str | int] = []
    for match in re.finditer(r"\.([^.\[]+)|\[(\d+)\]|\[(\"(?:[^\"\\]|\\.)*\")\]", text[1:]):
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(json.loads(quoted))
    return tuple(parts)


def locate_issue(issue: Issue, cell_map: CellMap | None, **more: Any) -> Issue:
    """The issue with sheet and cell filled from its json_path (unless it has a cell already)."""
    if issue.cell or not cell_map or not issue.json_path:
        return issue.located(**more) if more else issue
    sheet, cell = locate(parse_json_path(issue.json_path), cell_map)
    return issue.located(sheet=sheet or issue.sheet, cell=cell, **more)
