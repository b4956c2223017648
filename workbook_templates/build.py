"""build_templates: the whole set of clerk templates for one scheme, with deterministic names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kaohe.engine.model import Scheme
from workbook_templates.adjustments import build_adjustments
from workbook_templates.labels import KIND_FILES
from workbook_templates.lead_scores import build_lead_scores
from workbook_templates.scheme_book import export_scheme_workbook
from workbook_templates.tallies import build_ballots, build_routine
from workbook_templates.unit_report import build_unit_report

__all__ = ["build_templates", "template_name"]


def template_name(kind: str, lang: str = "zh", subject: str = "") -> str:
    """The file name of a template, e.g. 单位自评表_altay_city.xlsx."""
    zh, en = KIND_FILES[kind]
    return (en if lang == "en" else zh).format(id=subject)


def build_templates(scheme: Scheme, out_dir: Path | str, lang: str = "zh",
                    generated_at: datetime | None = None) -> list[Path]:
    """Write every template of the scheme into out_dir; returns the paths in a fixed order.

    Example: ``build_templates(load_scheme(), "templates")`` → 考核方案.xlsx, 单位自评表_*.xlsx, …
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [export_scheme_workbook(scheme.document, out / template_name("scheme", lang), lang,
                                    generated_at)]
    for unit in scheme.units:
        paths.append(build_unit_report(scheme, unit.id,
                                       out / template_name("unit_report", lang, unit.id),
                                       lang, generated_at))
    for dept in scheme.lead_departments:
        if scheme.indicators_of(dept.id):
            paths.append(build_lead_scores(scheme, dept.id,
                                           out / template_name("lead_scores", lang, dept.id),
                                           lang, generated_at))
    paths.append(build_adjustments(scheme, out / template_name("adjustments", lang), lang,
                                   generated_at))
    paths.append(build_routine(scheme, out / template_name("routine", lang), lang, generated_at))
    paths.append(build_ballots(scheme, out / template_name("ballots", lang), lang, generated_at))
    return paths
