"""Reading (and, for demos and tests, filling) the people's forms of one unit.

The reader computes what the forms' self-check formulas show (`tally_check`), so a test can
compare LibreOffice's recalculated values with the reader's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from workbook_templates.cadre_forms import LABELS, ROLES
from workbook_templates.grid import Context, Grid, a1
from workbook_templates.labels import choice_lookup
from workbook_templates.values import Parsed, parse_choice, parse_number, parse_text

__all__ = ["read_roster", "read_cadre_ballots", "roster_cells", "cadre_ballots_cells",
           "tally_check", "tally_valid"]


def _count(v: Any) -> Parsed:
    return parse_number(v, integer=True, low=0)


def _score(v: Any) -> Parsed:
    return parse_number(v, low=0, high=100)


def tally_valid(counts: Mapping[str, Any]) -> int | None:
    """What the 有效票 formula shows: the sum of the counts, None while none is typed."""
    values = [v for v in counts.values() if v is not None]
    return int(sum(values)) if values else None


def tally_check(counts: Mapping[str, Any], invalid: Any, raters: Any,
                lang: str = "zh") -> str:
    """What the 核对 formula shows: "" (nothing to check), "✓", or 超出参评人数."""
    values = [v for v in (*counts.values(), invalid) if v is not None]
    if not values or raters is None:
        return ""
    ok, over = LABELS["check.ok"], LABELS["check.over"]
    return (ok if sum(values) <= raters else over)[lang == "en"]


def read_roster(ctx: Context) -> dict[str, Any]:
    """The roster document of a filled roster (findings go to ctx)."""
    grid = ctx.grid("people")
    roles = dict(choice_lookup(ROLES))
    shown = [v[0] for v in ROLES.values()]
    shown_en = [v[1] for v in ROLES.values()]
    people: list[dict[str, Any]] = []
    fields = (("person_id", parse_text, "干部编号"), ("name", parse_text, "姓名"),
              ("post", parse_text, "职务"),
              ("role", lambda v: parse_choice(v, roles, shown, shown_en), "班子角色"),
              ("remarks", parse_text, "备注"))
    for row, key in grid.row_keys:
        if not key.startswith("person:"):
            continue
        if not any(grid.filled(row, grid.column(k) or 0) for k, _, _ in fields):
            continue
        path = f"$.people[{len(people)}]"
        person: dict[str, Any] = {}
        for name, parse, label in fields:
            value = ctx.read(grid, row, grid.column(name) or 0, parse, json_path=f"{path}.{name}",
                             field_name=name, label=f"第{row}行·{label}")
            if name in ("post", "remarks"):
                person[name] = value or None
            elif value not in (None, ""):
                person[name] = value
        people.append(person)
        ctx.cell_map[path] = (grid.sheet, a1(row, grid.column("person_id") or 3))
    return {"kind": "roster", "scheme_id": ctx.meta.get("scheme_id"),
            "year": ctx.meta.get("year"), "unit_id": ctx.meta.get("unit_id"), "people": people}


def _tally(ctx: Context, grid: Grid, row: int, path: str, label: str) -> dict[str, Any] | None:
    """Counts, invalid and raters of one row; None when the row is blank."""
    keys = [k for k in grid.col_keys if k.startswith("count:")] + ["invalid", "raters"]
    if not any(grid.filled(row, grid.column(k) or 0) for k in keys):
        return None
    counts: dict[str, int] = {}
    for key in keys[:-2]:
        grade = key[len("count:"):]
        value = ctx.read(grid, row, grid.column(key) or 0, _count,
                         json_path=f"{path}.counts.{grade}", field_name="counts",
                         label=f"{label}·{grade}")
        counts[grade] = value if value is not None else 0
    invalid = ctx.read(grid, row, grid.column("invalid") or 0, _count,
                       json_path=f"{path}.invalid", field_name="invalid", label=f"{label}·无效票")
    raters = ctx.read(grid, row, grid.column("raters") or 0, _count,
                      json_path=f"{path}.raters", field_name="raters", label=f"{label}·参评人数")
    entry: dict[str, Any] = {"counts": counts, "invalid": invalid or 0}
    if raters is not None:
        entry["raters"] = raters
    else:
        ctx.cell_map.pop(f"{path}.raters", None)
    return entry


def read_cadre_ballots(ctx: Context) -> dict[str, Any]:
    """The cadre_ballots document of a filled tally (findings go to ctx)."""
    entries: list[dict[str, Any]] = []
    grid = ctx.grid("team")
    for row, rater in grid.row_keys:
        path = f"$.entries[{len(entries)}]"
        tally = _tally(ctx, grid, row, path, f"班子·{grid.value(row, 3) or rater}")
        if tally is not None:
            entries.append({"subject": "team", "rater_group": rater, **tally})
    grid = ctx.grid("cadres")
    people: dict[str, str] = {}  # slot p<n> -> person id
    for row, key in grid.row_keys:
        slot, _, rater = key.partition("|")
        if slot not in people and grid.column("person_id"):
            pid = ctx.read(grid, row, grid.column("person_id") or 0, parse_text,
                           json_path=f"$.slots.{slot}.person_id", field_name="person_id",
                           label=f"第{row}行·干部编号")
            people[slot] = pid or ""
            ctx.cell_map[f"$.slots.{slot}"] = (grid.sheet, a1(row, grid.column("person_id") or 3))
        path = f"$.entries[{len(entries)}]"
        tally = _tally(ctx, grid, row, path, f"{people.get(slot) or slot}·{rater}")
        if tally is None:
            continue
        if not people.get(slot):
            ctx.add("missing-person-id", f"第{row}行填写了票数，但本组未填写干部编号",
                    f"row {row} has votes but its block has no person ID",
                    sheet=grid.sheet, cell=ctx.cell_map[f"$.slots.{slot}"][1], row_number=row,
                    field="person_id", hint="请在该组第一行填写干部编号（与名册一致）",
                    hint_en="type the person ID on the block's first row, as in the roster")
            continue
        entries.append({"subject": people[slot], "rater_group": rater, **tally})
        ctx.cell_map[f"{path}.subject"] = ctx.cell_map[f"$.slots.{slot}"]
    routine: list[dict[str, Any]] = []
    grid = ctx.grid("routine")
    periods = [k for k in grid.col_keys if k not in ("no", "person", "average")]
    for row, slot in grid.row_keys:
        for period in periods:
            column = grid.column(period) or 0
            if not grid.filled(row, column) or not people.get(slot):
                continue
            path = f"$.routine[{len(routine)}]"
            score = ctx.read(grid, row, column, _score, json_path=f"{path}.score",
                             field_name="score", label=f"{people[slot]}·{period}")
            if score is not None:
                routine.append({"person_id": people[slot], "period": period, "score": score})
                ctx.cell_map[f"{path}.person_id"] = ctx.cell_map[f"$.slots.{slot}"]
    return {"kind": "cadre_ballots", "scheme_id": ctx.meta.get("scheme_id"),
            "year": ctx.meta.get("year"), "unit_id": ctx.meta.get("unit_id"),
            "entries": entries, "routine": routine}


def roster_cells(doc: dict[str, Any], meta: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every input of a roster document."""
    lang = 1 if meta.get("lang") == "en" else 0
    for n, person in enumerate(doc.get("people", []), start=1):
        for key in ("person_id", "name", "post", "remarks"):
            if person.get(key) not in (None, ""):
                yield "people", f"person:{n}", key, person[key]
        if person.get("role") in ROLES:
            yield "people", f"person:{n}", "role", ROLES[person["role"]][lang]


def cadre_ballots_cells(doc: dict[str, Any],
                        meta: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every input of a cadre_ballots document;
    cadres take the blocks in their order of first appearance. Optional `_names` (person id
    -> name) and `_raters` (the scheme's cadre rater groups in order: a block's person id is
    typed on its first group's row) help the filler only; they are not in the document."""
    slots: dict[str, int] = {}
    names: Mapping[str, str] = doc.get("_names") or {}
    for entry in doc.get("entries", []):
        subject = entry["subject"]
        if subject == "team":
            role, key = "team", entry["rater_group"]
        else:
            if subject not in slots:
                slots[subject] = len(slots) + 1
                head = (doc.get("_raters") or [entry["rater_group"]])[0]
                first = f"p{slots[subject]}|{head}"
                yield "cadres", first, "person_id", subject
                if names.get(subject):
                    yield "cadres", first, "name", names[subject]
            role, key = "cadres", f"p{slots[subject]}|{entry['rater_group']}"
        for grade, count in (entry.get("counts") or {}).items():
            yield role, key, f"count:{grade}", count
        for field in ("invalid", "raters"):
            if entry.get(field) is not None:
                yield role, key, field, entry[field]
    for entry in doc.get("routine", []) or ():
        if entry["person_id"] in slots:
            yield "routine", f"p{slots[entry['person_id']]}", entry["period"], entry["score"]
