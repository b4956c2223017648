"""build_templates: the whole set of clerk templates for one scheme, with deterministic names."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme
from workbook_templates.labels import KIND_FILES

__all__ = ["build_one", "build_templates", "build_cadre_templates", "cadre_template_name",
           "template_name", "template_names", "safe_file_name"]

# Characters no file name may hold on Windows (and "/" anywhere), and names Windows reserves.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)
_MAX_NAME = 80  # characters of the owner's part: paths stay short on Windows


def safe_file_name(text: str) -> str:
    """`text` made a safe part of a file name on Windows, macOS and Linux: forbidden and
    control characters as _, no leading or trailing dots or spaces, not a reserved device
    name, at most 80 characters.

    >>> safe_file_name('地区"发改委"/财政局.')
    '地区_发改委__财政局'
    """
    safe = _UNSAFE.sub("_", text).strip(" .")[:_MAX_NAME].strip(" .")
    return f"{safe}_" if _RESERVED.match(safe) else safe


def template_name(kind: str, lang: str = "zh", subject: str = "", name: str = "") -> str:
    """The file name of a template: 单位自评表_阿勒泰市.xlsx by the owner's `name` (made safe),
    单位自评表_altay_city.xlsx by its id when no name is given."""
    zh, en = KIND_FILES[kind]
    return (en if lang == "en" else zh).format(id=safe_file_name(name) or subject)


def template_names(scheme: Scheme, lang: str = "zh") -> dict[tuple[str, str], str]:
    """(kind, owner id) -> the file name of every owned template: named by the unit's or
    department's name in `lang`; by name and id where two owners of a kind share a name."""
    owners = [("unit_report", u.id, u.name, u.name_en) for u in scheme.units]
    owners += [("lead_scores", d.id, d.name, d.name_en) for d in scheme.lead_departments
               if scheme.indicators_of(d.id)]
    shown = {(kind, owner): (name_en or name) if lang == "en" else name
             for kind, owner, name, name_en in owners}
    taken = Counter((kind, safe_file_name(n).casefold()) for (kind, _), n in shown.items())
    return {(kind, owner): template_name(
        kind, lang, owner, name if taken[(kind, safe_file_name(name).casefold())] == 1 and name
        else f"{name}_{owner}") for (kind, owner), name in shown.items()}


def build_templates(scheme: Scheme, out_dir: Path | str, lang: str = "zh",
                    generated_at: datetime | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    event_rows: int = 0, decision_rows: int = 0,
                    workers: int = 1) -> list[Path]:
    """Write every template of the scheme into out_dir; returns the paths in a fixed order.

    Order: 考核方案.xlsx, 单位自评表_<unit name>.xlsx (scheme order), 牵头部门评分表_<name>.xlsx
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
    names = template_names(scheme, lang)
    jobs += [("unit_report", unit.id, out / names[("unit_report", unit.id)])
             for unit in scheme.units]
    jobs += [("lead_scores", dept.id, out / names[("lead_scores", dept.id)])
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
    # the builders are imported here: a template's name (validation asks for it) needs none
    from workbook_templates.adjustments import build_adjustments
    from workbook_templates.lead_scores import build_lead_scores
    from workbook_templates.scheme_book import export_scheme_workbook
    from workbook_templates.tallies import build_ballots, build_routine
    from workbook_templates.unit_report import build_unit_report

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


def cadre_template_name(kind: str, unit: Any, lang: str = "zh") -> str:
    """The file name of a unit's people's form: 领导班子成员名册_阿勒泰市_altay_city.xlsx
    (the unit's name for the clerk, its id so two units of one name never collide)."""
    name = (unit.name_en or unit.name) if lang == "en" else unit.name
    return template_name(kind, lang, unit.id, f"{name}_{unit.id}")


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
        for kind, build in (("roster", build_roster), ("cadre_ballots", build_cadre_ballots)):
            paths.append(build(scheme, unit.id, out / cadre_template_name(kind, unit, lang),
                               lang, generated_at))
    return paths
