"""The demo: the whole path on the embedded scheme with synthetic data.

scheme → templates → filled by the synthetic generator (through the templates' machine keys)
→ validate → consolidate → results.xlsx, results.json, feedback, history (two earlier years,
publication, and an appeal re-run as a revision with its diff).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kaohe.engine import score
from kaohe.pipeline.demo_cadres import (
    earlier_cadre_section,
    fill_cadre_submissions,
    write_cadre_documents,
)
from kaohe.pipeline.documents import default_scheme_document, documents_from, scheme_from_document
from kaohe.pipeline.io import write_json
from kaohe.synth import scale_scheme, synthesize
from kaohe.synth_cadres import synthesize_cadres

__all__ = ["run_demo", "write_documents", "fill_submissions", "flatten", "leaders_paths"]

_CADRE_DIR = ("干部考核", "cadres")  # the people's forms, beside the others


def write_documents(docs: dict[str, Any], data_dir: Path) -> list[Path]:
    """Write generated documents as JSON files, one per document."""
    paths = []
    for unit_id, report in sorted(docs["unit_reports"].items()):
        paths.append(write_json(data_dir / "unit_reports" / f"{unit_id}.json", report))
    for sheet in docs["lead_scores"]:
        paths.append(write_json(data_dir / "lead_scores" / f"{sheet['lead_department']}.json",
                                sheet))
    for kind in ("adjustments", "routine", "ballots"):
        paths.append(write_json(data_dir / f"{kind}.json", docs[kind]))
    return paths


def flatten(generated: dict[str, Any]) -> list[dict[str, Any]]:
    """The generated documents as one list."""
    docs = list(generated["unit_reports"].values()) + list(generated["lead_scores"])
    return docs + [generated[k] for k in ("adjustments", "routine", "ballots")]


def fill_submissions(generated: dict[str, Any], templates: Path, out: Path,
                     lang: str = "zh") -> list[Path]:
    """Fill each generated document into its template, as a clerk would, into `out` (the
    templates found by their `_meta`, whatever they are called)."""
    from workbook_templates import fill_workbook

    jobs: list[tuple[str, str, dict[str, Any]]] = [
        ("unit_report", unit_id, doc) for unit_id, doc in sorted(generated["unit_reports"].items())]
    jobs += [("lead_scores", doc["lead_department"], doc) for doc in generated["lead_scores"]]
    jobs += [(kind, "", generated[kind]) for kind in ("adjustments", "routine", "ballots")]
    out.mkdir(parents=True, exist_ok=True)
    found = _templates_by_owner(templates)
    paths = []
    for kind, subject, doc in jobs:
        template = found[(kind, subject)]
        paths.append(fill_workbook(template, doc, out / template.name))
    return paths


def _templates_by_owner(folder: Path) -> dict[tuple[str, str], Path]:
    """(kind, owner id) -> the template file of a folder, by what its `_meta` says."""
    from validators.reading.xlsx_read import WorkbookFile
    from workbook_templates.meta import META_SHEET, parse_meta

    found = {}
    for path in sorted(folder.glob("*.xlsx")):
        book = WorkbookFile(path)
        if META_SHEET in book.names:
            meta = parse_meta(book.rows(META_SHEET))
            owner = meta.get("unit_id") or meta.get("lead_department") or ""
            found[(str(meta.get("kind") or ""), str(owner))] = path
    return found


def _previous_years(scheme_doc: dict[str, Any], db: Path, seed: int, years: int,
                    echo: Callable[[str], None], lang: str = "zh") -> None:
    """Score and publish earlier years from JSON, so history has something to compare."""
    from kaohe.store import open_store

    with open_store(db) as store:
        for back in range(years, 0, -1):
            doc = copy.deepcopy(scheme_doc)
            doc["year"] = scheme_doc["year"] - back
            scheme = scheme_from_document(doc)
            results = score(scheme, documents_from(flatten(synthesize(scheme,
                                                                      seed=seed - back))))
            section = earlier_cadre_section(scheme, results,
                                            synthesize_cadres(scheme, seed=seed - back))
            if section is not None:
                results["cadres"] = section
            record = store.record_run(doc, store.annotate(results), reason="示例历史数据",
                                      reason_en="illustrative history")
            store.publish(doc["year"], record.run_id)
            echo(_say(lang, f"历史：{doc['year']} 年结果已记录并发布",
                      f"history: {doc['year']} recorded and published"))


def _say(lang: str, zh: str, en: str) -> str:
    """The demo's console line in the user's language."""
    return en if lang == "en" else zh


def _appeal(generated: dict[str, Any], results: dict[str, Any],
            lang: str = "zh") -> tuple[dict[str, Any], str]:
    """An approved appeal against the largest counted deduction; returns (register, the unit's
    name in `lang`)."""
    register = copy.deepcopy(generated["adjustments"])
    decided = {d.get("event_id") for d in register.get("decisions", [])}
    units = {u["unit_id"]: u for u in results["units"]}
    names = {uid: u["unit_name"] for uid, u in units.items()}
    candidates = [e for e in register["events"] if e["type"] == "deduction"
                  and e["id"] not in decided and e["unit_id"] in names]

    def moves_up(event: dict[str, Any]) -> bool:
        unit = units[event["unit_id"]]
        above = [u["total"] for u in results["units"]
                 if u["group"] == unit["group"] and u["rank"] == unit["rank"] - 1]
        return bool(above) and unit["total"] + event["points"] > above[0]

    # Prefer an appeal that moves a rank, so the revision's diff has something to show.
    event = max(candidates, key=lambda e: (moves_up(e), e["points"], e["id"]))
    register.setdefault("decisions", []).append({
        "id": f"D{len(register['decisions']) + 1:04d}", "event_id": event["id"], "kind": "appeal",
        "outcome": "overturned", "points": None,
        "reason": "单位申诉：察访核验所涉问题已在期限内整改到位，经复核撤销扣分",
        "approver": "地区综考办主任会议", "date": f"{results['year'] + 1}-02-10"})
    unit = units[event["unit_id"]]
    return register, (unit["unit_name"] if lang == "zh"
                      else unit.get("unit_name_en") or unit["unit_id"])


def run_demo(out: Path, units: int | None = None, seed: int = 2016, lang: str = "zh",
             echo: Callable[[str], None] = print,
             progress: Callable[[int, int], None] = lambda n, total: None) -> dict[str, Any]:
    """Run the whole path into `out`; returns the published results."""
    from kaohe.pipeline.consolidate import run_consolidation
    from kaohe.store import open_store
    from workbook_templates import build_templates, fill_workbook, template_name

    out = Path(out)
    scheme_doc = default_scheme_document()
    if units:
        scheme_doc = scale_scheme(scheme_doc, units)
    scheme = scheme_from_document(scheme_doc)
    for stale in ("templates", "submissions", "submissions-appeal", "feedback", "data"):
        shutil.rmtree(out / stale, ignore_errors=True)
    (out / "history.sqlite").unlink(missing_ok=True)
    write_json(out / "scheme.json", scheme_doc)
    echo(_say(lang, f"方案：{scheme.name}（{len(scheme.units)} 个被考核单位）",
               f"scheme: {scheme.name} ({len(scheme.units)} units)"))
    stamp = datetime(scheme.year, 12, 1, 9, 0, 0)
    templates = build_templates(scheme, out / "templates", lang, generated_at=stamp)
    echo(_say(lang, f"模板：{len(templates)} 个 → {out / 'templates'}",
               f"templates: {len(templates)} → {out / 'templates'}"))
    generated = synthesize(scheme, seed=seed)
    write_documents(generated, out / "data")
    filled = fill_submissions(generated, out / "templates", out / "submissions", lang)
    people = synthesize_cadres(scheme, seed=seed)
    write_cadre_documents(people, out / "data")
    filled += fill_cadre_submissions(scheme, people, out / "templates" / _CADRE_DIR[lang == "en"],
                                     out / "submissions" / _CADRE_DIR[lang == "en"], lang, stamp)
    echo(_say(lang, f"模拟填报：{len(filled)} 个 → {out / 'submissions'}",
               f"filled by the synthetic clerks: {len(filled)} → {out / 'submissions'}"))
    db = out / "history.sqlite"
    _previous_years(scheme_doc, db, seed, 2, echo, lang)
    echo(_say(lang, "\n汇总 …", "\nconsolidating …"))
    notice, summary = leaders_paths(out, lang)
    code, results = run_consolidation(
        out / "submissions", scheme_path=out / "scheme.json", out=out / "results.xlsx",
        json_out=out / "results.json", db=str(db), feedback=out / "feedback", notice=notice,
        summary=summary, lang=lang, echo=echo, progress=progress)
    # Publishing rewrites what the consolidation wrote (it said 2016-r1，未发布) to say 已发布.
    from kaohe.pipeline.republish import rewrite_year_outputs

    with open_store(db) as store:
        store.publish(scheme.year)
        rewritten = rewrite_year_outputs(store, scheme.year)
    echo(_say(lang, f"发布：{scheme.year}", f"published: {scheme.year}"))
    if rewritten.failed:
        echo(rewritten.text(lang))
    from kaohe.pipeline.io import read_json

    results = read_json(out / "results.json")
    register, unit_name = _appeal(generated, results, lang)
    appeal_dir = out / "submissions-appeal"
    shutil.copytree(out / "submissions", appeal_dir)
    name = template_name("adjustments", lang)
    fill_workbook(out / "templates" / name, register, appeal_dir / name)
    echo(_say(lang, f"\n申诉：{unit_name} 的一项扣分经复核撤销，作为修订重新汇总 …",
               f"\nappeal: a deduction of {unit_name} overturned on review; "
               "consolidating again as a revision …"))
    code, revised = run_consolidation(
        appeal_dir, scheme_path=out / "scheme.json", json_out=out / "results-revision.json",
        db=str(db), reason=_say(lang, f"申诉复核：{unit_name}扣分撤销",
                               f"appeal upheld: a deduction of {unit_name} overturned"),
        lang=lang, echo=lambda *a, **k: None)
    with open_store(db) as store:
        echo(_revision_text(store, scheme.year, lang))
    echo(f"\n→ {out / 'results.xlsx'}\n→ {out / 'results.json'}\n→ {out / 'feedback'}\n"
         f"→ {summary}\n→ {notice}\n→ {db}")
    return results


def leaders_paths(out: Path, lang: str) -> tuple[Path, Path]:
    """Where the demo writes the notice and the one-page summary."""
    if lang == "en":
        return out / "notice.docx", out / "summary.docx"
    return out / "通报.docx", out / "综合考核结果汇总.docx"




def _revision_text(store: Any, year: int, lang: str) -> str:
    from kaohe.labels import grade_label
    from kaohe.textable import table

    runs = store.runs(year)
    latest, base = runs[-1], runs[-1].base_run_id
    changes = store.diff(base, latest.run_id) if base else []
    head = (["单位", "名次", "等次", "总分"] if lang == "zh"
            else ["unit", "rank", "grade", "total"])
    rows = [[c.unit_name if lang == "zh" else (c.unit_name_en or c.unit_id),
             f"{c.old_rank} → {c.new_rank}",
             f"{grade_label(c.old_grade, lang)} → {grade_label(c.new_grade, lang)}",
             f"{c.old_total} → {c.new_total}"] for c in changes]
    title = (f"修订 {latest.run_id}（基于 {base}）：{latest.reason}"
             if lang == "zh" else f"revision {latest.run_id} (against {base}): {latest.reason_en}")
    return title + "\n" + (table(head, rows) if rows else _say(lang, "（无变化）", "(no change)"))
