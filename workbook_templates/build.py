"""build_templates: the whole set of clerk templates for one scheme, with deterministic names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kaohe.engine.model import Scheme
from workbook_templates.adjustments import build_adjustments
from workbook_templates.labels import KIND_FILES
from workbook_templates.lead_scores import build_lead_scores
from workbook_templates.scheme_book import export_scheme_workbook
from workbook_templates.tallies import build_ballots, build_routine
from workbook_templates.unit_report import build_unit_report

__all__ = ["build_one", "build_templates", "template_name"]


def template_name(kind: str, lang: str = "zh", subject: str = "") -> str:
    """The file name of a template, e.g. 单位自评表_altay_city.xlsx."""
    zh, en = KIND_FILES[kind]
    return (en if lang == "en" else zh).format(id=subject)


def build_templates(scheme: Scheme, out_dir: Path | str, lang: str = "zh",
                    generated_at: datetime | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    event_rows: int = 0, decision_rows: int = 0,
                    workers: int = 1) -> list[Path]:
    """Write every template of the scheme into out_dir; returns the paths in a fixed order.

    Order: 考核方案.xlsx, 单位自评表_<unit>.xlsx (scheme order), 牵头部门评分表_<dept>.xlsx
    (departments that score from their own sheet), 加扣分登记表, 平时考核汇总表,
    民主测评及满意度统计表. `progress(done, total)` is called after each file; `event_rows`
    (`decision_rows`) asks for at least that many rows in the register's 加扣分登记
    (申诉及容错纠错) sheet. With `workers` > 1 and many templates, they are built in that
    many processes (the same files); where processes cannot start (Pyodide), in this one.
    Every template of a set carries the same generation time.

    Example: ``build_templates(load_scheme(), "templates", workers=2)``
    """
    from workbook_templates.build_pool import build_jobs

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, str, Path]] = [("scheme", "", out / template_name("scheme", lang))]
    jobs += [("unit_report", unit.id, out / template_name("unit_report", lang, unit.id))
             for unit in scheme.units]
    jobs += [("lead_scores", dept.id, out / template_name("lead_scores", lang, dept.id))
             for dept in scheme.lead_departments if scheme.indicators_of(dept.id)]
    jobs += [(kind, "", out / template_name(kind, lang))
             for kind in ("adjustments", "routine", "ballots")]
    when = generated_at or datetime.now(UTC).replace(microsecond=0)
    return build_jobs(jobs, scheme, lang, when, event_rows=event_rows,
                      decision_rows=decision_rows, workers=workers,
                      progress=progress or (lambda done, total: None))


def build_one(kind: str, subject: str, path: Path, scheme: Scheme, lang: str,
              generated_at: datetime | None, event_rows: int = 0,
              decision_rows: int = 0) -> Path:
    """Write one template of the scheme (kind as in template_name); returns its path."""
    if kind == "scheme":
        return export_scheme_workbook(scheme.document, path, lang, generated_at)
    if kind == "unit_report":
        return build_unit_report(scheme, subject, path, lang, generated_at)
    if kind == "lead_scores":
        return build_lead_scores(scheme, subject, path, lang, generated_at)
    if kind == "adjustments":
        return build_adjustments(scheme, path, lang, generated_at, event_rows=event_rows,
                                 decision_rows=decision_rows)
    build = {"routine": build_routine, "ballots": build_ballots}[kind]
    return build(scheme, path, lang, generated_at)
