"""The demo's people: synthetic teams filled into the rosters and ballot tallies as clerks
would, the sanctions register as JSON, and earlier years' cadre grades for the history (the
per-group printout of team grades and flagged cadres is kaohe.pipeline.cadres.cadre_report)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.pipeline.io import write_json

__all__ = ["fill_cadre_submissions", "write_cadre_documents", "earlier_cadre_section",
           "SANCTIONS_FILE"]

SANCTIONS_FILE = ("干部处分登记表.json", "cadre_sanctions.json")


def fill_cadre_submissions(scheme: Scheme, people: Mapping[str, Any], templates: Path,
                           out: Path, lang: str = "zh",
                           generated_at: datetime | None = None) -> list[Path]:
    """Build the people's forms into `templates`, fill each unit's into `out`, and write the
    sanctions register there; returns the files written to `out`."""
    from workbook_templates import fill_workbook
    from workbook_templates.build import build_cadre_templates, cadre_template_name

    if not people:
        return []
    build_cadre_templates(scheme, templates, lang, generated_at)
    raters = [r["id"] for r in scheme.document["cadres"]["rater_groups"]]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in scheme.units:
        roster = people["rosters"][unit.id]
        name = cadre_template_name("roster", unit, lang)
        paths.append(fill_workbook(templates / name, roster, out / name))
        names = {p["person_id"]: p["name"] for p in roster["people"]}
        name = cadre_template_name("cadre_ballots", unit, lang)
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
