"""The people's part of a consolidation: rosters, cadre ballot tallies and the sanctions
register of the accepted files, checked across files, then teams and cadres assessed.

Across files: a person on two units' rosters (`person-in-two-units`, both rosters set
aside), a tally naming someone not on the unit's roster (`roster-ballots-mismatch`, the
tally set aside), a cadre of the roster without votes (`cadre-without-ballots`, a warning),
a sanction of someone on no roster (`unknown-person`, a warning). A unit whose roster or
tally is missing or set aside gets its team graded and its cadres listed as not assessed,
with the reason: nothing is scored from a rejected file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kaohe.engine.cadres import CadreRules, assess_cadres
from kaohe.engine.model import Scheme
from validators.messages import finding
from validators.report import WARNING, Issue, Report

__all__ = ["CADRE_KINDS", "cadre_section", "apply_history", "cadre_report", "cadre_json",
           "with_history"]

CADRE_KINDS = ("roster", "cadre_ballots", "sanctions")


def _at(sub: Any, path: str) -> dict[str, Any]:
    sheet, cell = (getattr(sub, "cells", None) or {}).get(path, ("", ""))
    return {"file": Path(sub.path).name, "sheet": sheet, "cell": cell, "json_path": path}


def _unit_name(scheme: Scheme, unit_id: str) -> tuple[str, str]:
    if not scheme.has_unit(unit_id):
        return unit_id, unit_id
    unit = scheme.unit(unit_id)
    return unit.name, unit.name_en or unit.name


def _two_units(scheme: Scheme, rosters: Mapping[str, Any]) -> tuple[list[Issue], set[str]]:
    """A person on two units' rosters: an error in each roster; both set aside."""
    where: dict[str, list[tuple[str, Any, int, str]]] = {}
    for unit_id, sub in rosters.items():
        for index, person in enumerate(sub.document.get("people", ())):
            where.setdefault(person["person_id"], []).append(
                (unit_id, sub, index, person.get("name", "")))
    issues: list[Issue] = []
    bad: set[str] = set()
    for pid, places in where.items():
        units = {u for u, _, _, _ in places}
        if len(units) < 2:
            continue
        for unit_id, sub, index, name in places:
            other = next(p for p in places if p[0] != unit_id)
            o_zh, o_en = _unit_name(scheme, other[0])
            loc = _at(other[1], f"$.people[{other[2]}].person_id")
            issues.append(finding("person-in-two-units", unit_id=unit_id, value=pid,
                                  params={"person": pid, "name": name, "other": o_zh,
                                          "other_en": o_en,
                                          "other_cell": f"{loc['file']} {loc['sheet']}!"
                                                        f"{loc['cell']}".strip(" !")},
                                  **_at(sub, f"$.people[{index}].person_id")))
            bad.add(unit_id)
    return issues, bad


def _mismatch(rosters: Mapping[str, Any], tallies: Mapping[str, Any]
              ) -> tuple[list[Issue], set[str]]:
    """Tally subjects not on the roster (errors: the tally is set aside); roster cadres
    without votes (warnings)."""
    issues: list[Issue] = []
    bad: set[str] = set()
    for unit_id, tally in tallies.items():
        roster = rosters.get(unit_id)
        if roster is None:
            continue
        listed = {p["person_id"]: (i, p.get("name", ""))
                  for i, p in enumerate(roster.document.get("people", ()))}
        voted: set[str] = set()
        for index, entry in enumerate(tally.document.get("entries", ())):
            subject = entry["subject"]
            if subject == "team" or subject in voted:
                continue
            voted.add(subject)
            if subject not in listed:
                issues.append(finding("roster-ballots-mismatch", unit_id=unit_id, value=subject,
                                      params={"person": subject},
                                      **_at(tally, f"$.entries[{index}].subject")))
                bad.add(unit_id)
        for pid, (index, name) in listed.items():
            if pid not in voted:
                issues.append(finding("cadre-without-ballots", severity=WARNING, unit_id=unit_id,
                                      value=pid, params={"person": pid, "name": name},
                                      **_at(roster, f"$.people[{index}].person_id")))
    return issues, bad


def cadre_section(scheme: Scheme, results: Mapping[str, Any],
                  accepted: Sequence[Any]) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The results' `cadres` section from the accepted submissions, and the cross-file
    findings; None when the scheme has no people rules or no people's file was accepted."""
    rules = CadreRules.from_document(scheme.document)
    if rules is None:
        return None, []
    rosters = {s.owner: s for s in accepted if s.kind == "roster" and s.document}
    tallies = {s.owner: s for s in accepted if s.kind == "cadre_ballots" and s.document}
    registers = [s for s in accepted if s.kind == "sanctions" and s.document]
    if not (rosters or tallies or registers):  # no people's files this year: nothing to say
        return None, []
    issues, two = _two_units(scheme, rosters)
    more, mismatched = _mismatch(rosters, tallies)
    issues += more
    listed = {p["person_id"] for s in rosters.values() for p in s.document.get("people", ())}
    for sub in registers:
        for index, entry in enumerate(sub.document.get("entries", ())):
            if entry["person_id"] not in listed:
                issues.append(finding("unknown-person", severity=WARNING, value=entry["person_id"],
                                      params={"person": entry["person_id"]},
                                      **_at(sub, f"$.entries[{index}].person_id")))
    why: dict[str, tuple[str, str]] = {}
    for unit_id in two:
        why[unit_id] = ("名册中有干部同时列在其他单位的名册中，名册未采用",
                        "a person on the roster is also on another unit's roster: roster set aside")
    for unit_id in mismatched - two:
        why[unit_id] = ("测评统计表与名册不一致，测评统计表未采用",
                        "the ballot tally does not match the roster: tally set aside")
    for unit_id in set(rosters) - set(tallies) - two:
        why[unit_id] = ("未收到可用的干部民主测评统计表", "no usable cadre ballot tally received")
    usable_rosters = {u: s.document for u, s in rosters.items() if u not in why}
    usable_tallies = {u: s.document for u, s in tallies.items() if u not in mismatched}
    section = assess_cadres(rules, results.get("units", ()), usable_rosters, usable_tallies,
                            [s.document for s in registers], int(results["year"]),
                            list(results.get("grades") or ()))
    for entry in section["not_assessed"]:
        if entry["unit_id"] in why:
            entry["reason"], entry["reason_en"] = why[entry["unit_id"]]
    section["grades"] = list(rules.grades)
    section["team_grades"] = list(rules.team_grades)
    return section, issues


def cadre_json(path: Path, report: Report) -> dict[str, Any] | None:
    """A valid JSON document of the people's kinds (the sanctions register is kept as JSON);
    other JSON documents are validated only, as before."""
    if path.suffix.lower() != ".json" or not report.valid or report.kind not in CADRE_KINDS:
        return None
    import json

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def with_history(store: Any, results: dict[str, Any], scheme: Scheme) -> None:
    """The results' cadres' merits and runs again, with their earlier years from `store`."""
    section = results.get("cadres")
    if section:
        earlier = store.person_grades([c["person_id"] for c in section["cadres"]], scheme.year)
        apply_history(section, scheme.document, earlier)


def apply_history(section: dict[str, Any], scheme_document: Mapping[str, Any],
                  history: Mapping[str, Mapping[int, str | None]]) -> dict[str, Any]:
    """The merits and runs of the section again, with the persons' earlier published grades."""
    from kaohe.engine.cadres import follow_ups, merit

    rules = CadreRules.from_document(scheme_document)
    if rules is None:
        return section
    year = int(section.get("year") or 0)
    for cadre in section["cadres"]:
        grades = {int(y): g for y, g in (history.get(cadre["person_id"]) or {}).items()
                  if int(y) < year}
        grades[year] = cadre["grade"]
        cadre["merit"] = merit(grades, year, rules)
    section["follow_ups"] = follow_ups(section["cadres"], rules)
    return section


def cadre_report(results: Mapping[str, Any], lang: str = "zh") -> str:
    """Per group: the team grades, then the cadres flagged for merit, alerts and bonus."""
    from kaohe.labels import grade_label
    from kaohe.textable import table

    section = results.get("cadres")
    if not section:
        return ""
    en = lang == "en"
    lines = ["\n领导班子和领导干部" if not en else "\nLeadership teams and cadres"]
    follow = section.get("follow_ups", [])
    for group in results.get("groups", []):
        teams = [t for t in section["teams"] if t["group"] == group["id"]]
        if not teams:
            continue
        lines.append(str(group.get("name_en") if en else group.get("name")) or group["id"])
        rows = [[t["unit_name"] if not en else t["unit_id"], grade_label(t["unit_grade"], lang),
                 f"{t['score']:.2f}", grade_label(t["grade"], lang),
                 "；".join(t.get("notes_en" if en else "notes") or ()) or "—"] for t in teams]
        lines.append(table(["单位", "单位等次", "班子得分", "班子等次", "说明"] if not en
                           else ["unit", "unit grade", "team score", "team grade", "notes"], rows))
        units = {t["unit_id"] for t in teams}
        base = {f["action"] for f in follow if f["kind"] == "merit" and f.get("run") == 1}
        flagged = [f for f in follow if f["unit_id"] in units
                   and (f["kind"] != "merit" or f["action"] not in base)]
        for f in flagged:
            who = (f"{f['unit_id']} {f['name']} ({f['person_id']}): " if en
                   else f"{f['unit_name']} {f['name']}（{f['person_id']}）：")
            lines.append(f"  {who}{f['action_en' if en else 'action']} — "
                         f"{f['reason_en' if en else 'reason']}")
        single = [f for f in follow if f["unit_id"] in units and f["kind"] == "merit"
                  and f["action"] in base]
        if single:
            lines.append(f"  {single[0]['action']}（当年{section['grades'][0]}）：{len(single)} 人"
                         if not en else f"  {single[0]['action_en']} ({section['grades'][0]} "
                         f"this year): {len(single)}")
    missing = section.get("not_assessed") or []
    if missing:
        if en:
            lines.append("cadres not assessed: " + "; ".join(
                f"{m['unit_id']} ({m['reason_en']})" for m in missing))
        else:
            lines.append("干部未评价：" + "；".join(
                f"{m['unit_name']}（{m['reason']}）" for m in missing))
    return "\n".join(lines)
