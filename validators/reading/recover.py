"""A template's sheet copied into a new workbook: its hidden `_meta` is gone, but when the sheet
is still exactly one template of this scheme, that template's `_meta` is taken.

Clerks copy a sheet into a new workbook ("Move or Copy… → new book") and send that: every
cell sits where the template put it, only the hidden `_meta` sheet (and the instructions) stay
behind. `recover_meta` finds the template of the scheme the data sheets came from — the kind by
its sheet names, the owner by the unit or department named in the header — builds that
template afresh and takes its `_meta` when the copy's layout (key row and key column), titles
and locked content (its fingerprint) are exactly the template's. Anything else (two
candidates, or none that matches exactly) is no recovery: the file stays refused.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.labels import KIND_NAMES
from validators.messages import finding
from validators.reading.xlsx_read import WorkbookFile
from validators.report import WARNING, Report

__all__ = ["recover_meta", "recovered_meta", "KIND_SHEETS"]

#: The data sheets of each template kind (label keys of workbook_templates.labels).
KIND_SHEETS = {"unit_report": ("sheet.unit_report",), "lead_scores": ("sheet.lead_scores",),
               "adjustments": ("sheet.events", "sheet.decisions"),
               "routine": ("sheet.routine",), "ballots": ("sheet.conduct", "sheet.satisfaction")}
_HEADER_ROWS = 6  # the title and the header block (where the owner is named)
_TITLE_ROWS = 3  # the key row, the title and the subtitle (the header below holds inputs)


def recover_meta(book: WorkbookFile, scheme: Scheme) -> tuple[dict[str, Any], str, str] | None:
    """(the `_meta` of the one template the workbook's data sheets are an exact copy of, the
    owner's name, its English name) — None when there is not exactly one."""
    from workbook_templates.meta import fingerprint, locked_content, parse_meta

    found = []
    for kind, owner, lang, sheets in _candidates(book, scheme):
        with tempfile.TemporaryDirectory(prefix="kaohe-recover-") as folder:
            template = WorkbookFile(_build(scheme, kind, owner, lang, Path(folder)))
            meta = parse_meta(template.rows("_meta"))
            specs = (meta.get("layout") or {}).get("sheets") or {}
            if sorted(spec["name"] for spec in specs.values()) != sorted(sheets):
                continue
            if any(_top(book.rows(n)) != _top(template.rows(n)) for n in sheets):
                continue  # another title, header or key row
            copied = {role: locked_content(book.rows(spec["name"]), spec.get("locked", []))
                      for role, spec in specs.items()}
            if fingerprint(meta, copied) == meta.get("fingerprint"):
                found.append((meta, owner, lang))
    if len(found) != 1:
        return None
    meta, owner, _ = found[0]
    from validators.reading.file_names import owner_names

    name, name_en = owner_names(scheme).get(owner or "", ("", ""))
    return meta, name, name_en


def recovered_meta(book: WorkbookFile, scheme: Scheme, name: str,
               report: Report) -> dict[str, Any] | None:
    """The `_meta` of the one template a workbook without one is an exact copy of, said in
    `report` as `meta-missing-recovered` naming whose; None when there is none."""
    found = recover_meta(book, scheme)
    if found is None:
        return None
    meta, owner, owner_en = found
    kind = str(meta.get("kind") or "")
    what, what_en = KIND_NAMES.get(kind, (kind, kind))
    report.add(finding("meta-missing-recovered", severity=WARNING, file=name,
                       unit_id=str(meta.get("unit_id") or ""), params={
                           "whose": f"“{owner}”的" if owner else "", "what": what,
                           "whose_en": f"{owner_en}'s " if owner else "the ",
                           "what_en": what_en}))
    return {**meta, "file": name}


def _candidates(book: WorkbookFile, scheme: Scheme) -> Iterator[tuple[str, str, str,
                                                                       tuple[str, ...]]]:
    """(kind, owner, language, data sheet names) of the templates the workbook may be."""
    from workbook_templates.labels import tr

    for lang in ("zh", "en"):
        for kind, keys in KIND_SHEETS.items():
            sheets = tuple(tr(key, lang) for key in keys)
            if not all(name in book.names for name in sheets):
                continue
            if kind not in ("unit_report", "lead_scores"):
                yield kind, "", lang, sheets
                continue
            shown = {str(v).strip() for row in book.rows(sheets[0])[:_HEADER_ROWS] for v in row
                     if isinstance(v, str) and v}
            owners = (scheme.units if kind == "unit_report" else
                      [d for d in scheme.lead_departments if scheme.indicators_of(d.id)])
            for owner in owners:
                names = {owner.name, getattr(owner, "name_en", "") or owner.name}
                if names & shown:
                    yield kind, owner.id, lang, sheets


def _top(rows: list[list[Any]]) -> list[list[Any]]:
    """The key row, the title rows and the key column: what the template put there."""
    top = [[v for v in row if v not in ("", None)] for row in rows[:_TITLE_ROWS]]
    return [*top, [row[0] for row in rows if row and row[0] not in ("", None)]]


def _build(scheme: Scheme, kind: str, owner: str, lang: str, folder: Path) -> Path:
    from workbook_templates.adjustments import build_adjustments
    from workbook_templates.lead_scores import build_lead_scores
    from workbook_templates.tallies import build_ballots, build_routine
    from workbook_templates.unit_report import build_unit_report

    path = folder / f"{kind}.xlsx"
    if kind == "unit_report":
        return build_unit_report(scheme, owner, path, lang)
    if kind == "lead_scores":
        return build_lead_scores(scheme, owner, path, lang)
    return {"adjustments": build_adjustments, "routine": build_routine,
            "ballots": build_ballots}[kind](scheme, path, lang)
