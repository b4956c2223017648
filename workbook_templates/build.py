"""build_templates: the whole set of clerk templates for one scheme, with deterministic names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from kaohe.engine.model import Scheme
from workbook_templates.adjustments import build_adjustments
from workbook_templates.labels import KIND_FILES
from workbook_templates.lead_scores import build_lead_scores
from workbook_templates.scheme_book import export_scheme_workbook
from workbook_templates.tallies import build_ballots, build_routine
from workbook_templates.unit_report import build_unit_report

__all__ = ["build_templates", "build_cadre_templates", "template_name"]


def template_name(kind: str, lang: str = "zh", subject: str = "") -> str:
    """The file name of a template, e.g. 单位自评表_altay_city.xlsx."""
    zh, en = KIND_FILES[kind]
    return (en if lang == "en" else zh).format(id=subject)


def build_templates(scheme: Scheme, out_dir: Path | str, lang: str = "zh",
                    generated_at: datetime | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    event_rows: int = 0, decision_rows: int = 0) -> list[Path]:
    """Write every template of the scheme into out_dir; returns the paths in a fixed order.

    Order: 考核方案.xlsx, 单位自评表_<unit>.xlsx (scheme order), 牵头部门评分表_<dept>.xlsx
    (departments that score from their own sheet), 加扣分登记表, 平时考核汇总表,
    民主测评及满意度统计表. `progress(done, total)` is called after each file; `event_rows`
    (`decision_rows`) asks for at least that many rows in the register's 加扣分登记
    (申诉及容错纠错) sheet.

    Example: ``build_templates(load_scheme(), "templates")``
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[Callable[..., Path], Path]] = [
        (partial(export_scheme_workbook, scheme.document), out / template_name("scheme", lang))]
    jobs += [(partial(build_unit_report, scheme, unit.id),
              out / template_name("unit_report", lang, unit.id)) for unit in scheme.units]
    jobs += [(partial(build_lead_scores, scheme, dept.id),
              out / template_name("lead_scores", lang, dept.id))
             for dept in scheme.lead_departments if scheme.indicators_of(dept.id)]
    jobs += [(partial(build_adjustments, scheme, event_rows=event_rows,
                      decision_rows=decision_rows),
              out / template_name("adjustments", lang))]
    jobs += [(partial(build, scheme), out / template_name(kind, lang))
             for build, kind in ((build_routine, "routine"), (build_ballots, "ballots"))]
    paths = []
    for done, (build, path) in enumerate(jobs, start=1):
        paths.append(build(path, lang, generated_at))
        if progress is not None:
            progress(done, len(jobs))
    return paths


def build_cadre_templates(scheme: Scheme, out_dir: Path | str, lang: str = "zh",
                          generated_at: datetime | None = None) -> list[Path]:
    """The people's forms of every unit (领导班子成员名册_<unit>, 干部民主测评统计表_<unit>) into
    out_dir; none when the scheme has no people rules.

    Example: ``build_cadre_templates(load_scheme(), "templates/干部考核")``
    """
    from workbook_templates.cadre_forms import build_cadre_ballots, build_roster

    if not scheme.document.get("cadres"):
        return []
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in scheme.units:
        paths.append(build_roster(scheme, unit.id, out / template_name("roster", lang, unit.id),
                                  lang, generated_at))
        paths.append(build_cadre_ballots(scheme, unit.id,
                                         out / template_name("cadre_ballots", lang, unit.id),
                                         lang, generated_at))
    return paths
