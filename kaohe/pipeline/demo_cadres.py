"""The demo's people: synthetic teams filled into the rosters and ballot tallies as clerks
would, the sanctions register as JSON, earlier years' cadre grades for the history, and the
per-group printout of team grades and flagged cadres."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.pipeline.io import write_json

__all__ = ["fill_cadre_submissions", "write_cadre_documents", "earlier_cadre_section",
           "cadre_report", "SANCTIONS_FILE"]

SANCTIONS_FILE = ("干部处分登记表.json", "cadre_sanctions.json")


def fill_cadre_submissions(scheme: Scheme, people: Mapping[str, Any], templates: Path,
                           out: Path, lang: str = "zh",
                           generated_at: datetime | None = None) -> list[Path]:
    """Build the people's forms into `templates`, fill each unit's into `out`, and write the
    sanctions register there; returns the files written to `out`."""
    from workbook_templates import fill_workbook, template_name
    from workbook_templates.build import build_cadre_templates

    if not people:
        return []
    build_cadre_templates(scheme, templates, lang, generated_at)
    raters = [r["id"] for r in scheme.document["cadres"]["rater_groups"]]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in scheme.units:
        roster = people["rosters"][unit.id]
        name = template_name("roster", lang, unit.id)
        paths.append(fill_workbook(templates / name, roster, out / name))
        names = {p["person_id"]: p["name"] for p in roster["people"]}
        name = template_name("cadre_ballots", lang, unit.id)
        paths.append(fill_workbook(templates / name, {**people["cadre_ballots"][unit.id],
                                                      "_names": names, "_raters": raters},
                                   out / name))
    paths.append(write_json(out / SANCTIONS_FILE[lang == "en"], people["sanctions"]))
    return paths


def write_cadre_documents(people: Mapping[str, Any], data_dir: Path) -> list[Path]:
    """The people's documents as JSON (data/cadres/…), beside the other generated ones."""
    paths = []
    for kind in ("rosters", "cadre_ballots"):
        for unit_id, doc in sorted((people.get(kind) or {}).items()):
            paths.append(write_json(data_dir / "cadres" / kind / f"{unit_id}.json", doc))
    if people.get("sanctions"):
        paths.append(write_json(data_dir / "cadres" / "sanctions.json", people["sanctions"]))
    return paths


def earlier_cadre_section(scheme: Scheme, results: Mapping[str, Any],
                          people: Mapping[str, Any]) -> dict[str, Any] | None:
    """An earlier year's people results straight from the documents (no files)."""
    from kaohe.engine.cadres import CadreRules, assess_cadres

    rules = CadreRules.from_document(scheme.document)
    if rules is None or not people:
        return None
    section = assess_cadres(rules, results["units"], people["rosters"], people["cadre_ballots"],
                            [people["sanctions"]], scheme.year, list(results["grades"]))
    section.update(year=scheme.year, grades=list(rules.grades),
                   team_grades=list(rules.team_grades))
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
