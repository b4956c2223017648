"""Value checks of the people's forms, one file at a time (cross-file checks: kaohe.pipeline
.cadre_checks): persons once per file, one principal leader, votes within the raters, known
sanction kinds and checklist situations.

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> scheme = Scheme.from_document(default_scheme_document())
>>> doc = {"kind": "roster", "people": [{"person_id": "P1", "role": "principal"},
...                                     {"person_id": "P1", "role": "member"}]}
>>> [i.rule for i in roster_people(doc, {}, scheme)]
['duplicate-person']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kaohe.engine.model import Scheme
from validators.reading.locate import CellMap
from validators.report import WARNING, Issue
from validators.rules.common import as_number, counts_of, finding_at, rows_of, show

__all__ = ["roster_people", "cadre_tallies", "sanction_records"]


def _where(cell_map: CellMap, path: tuple[str | int, ...]) -> str:
    from validators.reading.locate import locate

    sheet, cell = locate(path, cell_map)
    return f"{sheet}!{cell}" if cell else f"第 {int(path[1]) + 1} 条"


def roster_people(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """A person once per roster; exactly one principal leader; someone listed at all."""
    unit_id = str(doc.get("unit_id") or "")
    seen: dict[str, int] = {}
    principals = []
    for index, person in rows_of(doc, "people"):
        pid = person.get("person_id")
        if isinstance(pid, str) and pid:
            if pid in seen:
                yield finding_at("duplicate-person", ("people", index, "person_id"), cell_map,
                                 value=pid, unit_id=unit_id, person=pid,
                                 first=_where(cell_map, ("people", seen[pid], "person_id")))
            seen.setdefault(pid, index)
        if person.get("role") == "principal":
            principals.append(index)
    if not seen and not list(rows_of(doc, "people")):
        yield finding_at("roster-empty", (), cell_map, unit_id=unit_id)
    elif len(principals) != 1:
        at = principals[1] if len(principals) > 1 else 0
        yield finding_at("roster-principal", ("people", at, "role"), cell_map, severity=WARNING,
                         unit_id=unit_id, count=len(principals))


def cadre_tallies(doc: Mapping[str, Any], cell_map: CellMap, scheme: Scheme) -> Iterator[Issue]:
    """Votes plus invalid ballots within the raters; one block per person."""
    unit_id = str(doc.get("unit_id") or "")
    blocks: dict[str, tuple[str, str]] = {}
    for index, tally in rows_of(doc, "entries"):
        cast = sum(n for n in (as_number(v) for v in counts_of(tally).values())
                   if n is not None) + (as_number(tally.get("invalid")) or 0)
        limit = as_number(tally.get("raters"))
        if limit is not None and cast > limit:
            yield finding_at("ballots-exceed-raters", ("entries", index, "raters"), cell_map,
                             value=limit, unit_id=unit_id, cast=show(cast), raters=show(limit))
        subject = tally.get("subject")
        where = cell_map.get(f"$.entries[{index}].subject")
        if isinstance(subject, str) and subject != "team" and where is not None:
            first = blocks.setdefault(subject, where)
            if first != where:
                yield finding_at("duplicate-person", ("entries", index, "subject"), cell_map,
                                 value=subject, unit_id=unit_id, person=subject,
                                 first=f"{first[0]}!{first[1]}")
                blocks[subject] = where  # said once per extra block


def sanction_records(doc: Mapping[str, Any], cell_map: CellMap,
                     scheme: Scheme) -> Iterator[Issue]:
    """Sanction kinds and checklist situations the scheme knows; record ids unique."""
    people = scheme.document.get("cadres") or {}
    kinds = [s["id"] for s in people.get("sanctions") or ()]
    items = {c["id"] for c in people.get("bonus_cancellation") or ()}
    for index, entry in rows_of(doc, "entries"):
        kind = entry.get("sanction")
        if isinstance(kind, str) and kind not in kinds:
            yield finding_at("unknown-sanction", ("entries", index, "sanction"), cell_map,
                             value=kind, shown=kind, allowed="、".join(kinds),
                             allowed_en=", ".join(kinds))
    for index, fact in rows_of(doc, "bonus_facts"):
        item = fact.get("situation")
        if isinstance(item, str) and item not in items:
            yield finding_at("unknown-situation", ("bonus_facts", index, "situation"), cell_map,
                             value=item, shown=item)
