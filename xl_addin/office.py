"""The office's cycle behind the console's buttons, without xlwings: hand out templates, track
what came in, return what is wrong, publish, feed back, appeals, a unit's history.

Each task takes the console's Settings and returns what the console shows: summary lines (and
for the tracker a table). The work is kaohe.pipeline's; this module picks the folders and words
the summary in the console's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaohe.errors import KaoheError
from xl_addin.tasks import Settings, _existing_folder, _output_folder, consolidate, load_scheme_for

__all__ = ["Outcome", "distribute", "track", "returns", "publish", "feedback", "appeals",
           "history", "database", "results_of"]

DB_FILE = "history.sqlite"
NO_DECISIONS = ("（复核决定登记在加扣分登记表“申诉及容错纠错”表，重新汇总后生成告知书）",
                "(record decisions in the register's Decisions sheet and consolidate again; "
                "the notices follow)")
FOLDERS = {"parcels": ("分发", "to send"), "returned": ("退回通知", "returned"),
           "feedback": ("反馈", "feedback"), "appeals": ("申诉", "appeals")}


@dataclass
class Outcome:
    """What a task shows: summary lines, and a table for a sheet of its own (may be empty)."""

    lines: list[str]
    table: list[list[Any]] = field(default_factory=list)


def _say(settings: Settings, zh: str, en: str) -> str:
    return en if settings.lang == "en" else zh


def _folder(settings: Settings, key: str) -> Path:
    zh, en = FOLDERS[key]
    return _output_folder(settings) / (en if settings.lang == "en" else zh)


def _listed(paths: Sequence[Path], limit: int = 40) -> list[str]:
    shown = [f"  {p.name}" for p in paths[:limit]]
    return shown + ([f"  … (+{len(paths) - limit})"] if len(paths) > limit else [])


def database(settings: Settings) -> Path:
    """The history database: the console's cell, else history.sqlite in the output folder."""
    return settings.path("db") or _output_folder(settings) / DB_FILE


def results_of(settings: Settings) -> dict[str, Any]:
    """results.json of the output folder (written by 汇总)."""
    from kaohe.pipeline.io import read_json

    path = _output_folder(settings) / "results.json"
    if not path.is_file():
        raise KaoheError(f"输出文件夹中还没有汇总结果（{path}）：请先按“汇总”",
                         f"there are no results in the output folder yet ({path}): "
                         "press Consolidate first")
    return dict(read_json(path))


def distribute(settings: Settings) -> Outcome:
    """分发模板: the template set, and one zip per unit and department named by its name."""
    from kaohe.pipeline.distribute import distribute_templates

    scheme = load_scheme_for(settings.path("scheme"))
    out = _folder(settings, "parcels")
    parcels = distribute_templates(scheme, out, settings.lang)
    head = _say(settings, f"{scheme.name}：已为 {len(parcels)} 个单位和部门生成模板压缩包",
                f"{scheme.name}: {len(parcels)} zips, one per unit and department")
    return Outcome([head, f"→ {out}", *_listed([p.path for p in parcels])])


def track(settings: Settings) -> Outcome:
    """收集情况: the status of every expected submission, and whom to chase."""
    from kaohe.pipeline.tracker import status_label, to_chase, track, tracker_rows

    scheme = load_scheme_for(settings.path("scheme"))
    folder = _existing_folder(settings, "folder")
    results = _results_if_any(settings)
    kept = _exam_cache(settings, scheme)
    try:
        rows = track(folder, scheme, results, cache=kept)
    finally:
        if kept is not None:
            kept.close()
    counts = {key: sum(1 for r in rows if r.status == key)
              for key in ("missing", "returned", "received", "used")}
    head = "，".join(f"{status_label(k, 'zh')} {n}" for k, n in counts.items()) \
        if settings.lang != "en" else ", ".join(f"{status_label(k, 'en')} {n}"
                                                for k, n in counts.items())
    chase = to_chase(rows)
    lines = [head, _say(settings, f"催报（{len(chase)}）：", f"to chase ({len(chase)}):")]
    en = settings.lang == "en"
    lines += [f"  {r.name_en if en else r.name}  {status_label(r.status, settings.lang)}"
              + (f"  {r.contact} {r.phone}".rstrip() if r.contact or r.phone else "")
              for r in chase]
    return Outcome(lines, tracker_rows(rows, settings.lang))


def _exam_cache(settings: Settings, scheme: Any) -> Any:
    """The consolidation's examination cache (in its history database), once there is one:
    the tracker then examines only new or changed files, and keeps them for 汇总."""
    db = database(settings)
    if not db.is_file():
        return None
    from kaohe.pipeline.exam_cache import open_exam_cache

    kept, _ = open_exam_cache(scheme, db=str(db))
    return kept


def _results_if_any(settings: Settings) -> dict[str, Any] | None:
    path = settings.path("output")
    if path is None or not (path / "results.json").is_file():
        return None
    return results_of(settings)


def returns(settings: Settings) -> Outcome:
    """退回通知: a notice and an annotated copy for each submission with errors."""
    from kaohe.pipeline.notices import return_notices

    scheme = load_scheme_for(settings.path("scheme"))
    folder = _existing_folder(settings, "folder")
    out = _folder(settings, "returned")
    notices = return_notices(folder, scheme, out, settings.lang)
    if not notices:
        return Outcome([_say(settings, "没有需要退回的文件", "no submission to return")])
    head = _say(settings, f"退回 {len(notices)} 个文件，已写出退回通知和批注文件",
                f"{len(notices)} submissions returned: notices and annotated copies written")
    lines = [head, f"→ {out}"]
    for n in notices:
        lines.append(f"  {n.name}: {n.path.name}" + (f" + {n.annotated.name}" if n.annotated
                                                      else ""))
    return Outcome(lines)


def publish(settings: Settings) -> Outcome:
    """发布: the year's latest run becomes its official result; the outputs say so. A later
    revision (after an appeal) is published again only with the console's 发布原因."""
    from kaohe.store import open_store

    scheme = load_scheme_for(settings.path("scheme"))
    db = database(settings)
    if not db.is_file():
        raise KaoheError(f"还没有历史数据库（{db}）：请先按“汇总”",
                         f"there is no history database yet ({db}): press Consolidate first")
    _refuse_provisional(_results_if_any(settings))
    reason = "" if settings.get("reason") is None else str(settings.get("reason")).strip()
    with open_store(db, create=False) as store:
        before = store.published_run(scheme.year)
        runs = store.runs(scheme.year)
        if before and runs and runs[-1].run_id != before and not reason:
            raise KaoheError(f"{scheme.year} 年已发布 {before}；要以修订 {runs[-1].run_id} 取代它，"
                             "请在控制台“发布原因”中写明原因（如“申诉复核：撤销扣分”）再按“发布”",
                             f"{scheme.year} is published as {before}; to publish revision "
                             f"{runs[-1].run_id} in its place, give the reason to publish again "
                             "in the console (e.g. 'appeal upheld') and press Publish again")
        done = store.publish(scheme.year, reason=reason, reason_en=reason)
    if done.run_id == before:
        return Outcome([_say(settings, f"{done.run_id} 已是 {scheme.year} 年的正式结果，未作更改",
                             f"{done.run_id} is already the official result of "
                             f"{scheme.year}: nothing changed")])
    lines = [_say(settings, f"已发布 {scheme.year} 年结果：{done.run_id}（第 {done.revision} 版）",
                  f"published {scheme.year}: run {done.run_id} (revision {done.revision})")]
    if done.replaces:
        lines.append(_say(settings,
                          f"取代 {done.replaces}，原因：{done.reason}；原发布仍保留在记录中",
                          f"replaces {done.replaces}, reason: {done.reason_en}; the earlier "
                          "publication stays on record"))
    if settings.path("folder") is not None:  # rewrite the outputs, now marked published
        consolidate(settings, db)
        lines.append(_say(settings, "结果工作簿已更新为“已发布”",
                          "results workbook marked published"))
    return Outcome(lines)


def _refuse_provisional(results: dict[str, Any] | None) -> None:
    """Provisional results (inputs missing or rejected) are not published from the console."""
    if not results or not results.get("run", {}).get("provisional"):
        return
    items = results.get("provisional") or []
    zh = "\n".join(f"  - {i.get('reason') or i.get('reason_en')}" for i in items)
    en = "\n".join(f"  - {i.get('reason_en') or i.get('reason')}" for i in items)
    run = results["run"].get("run_id", "")
    raise KaoheError(f"{run} 的结果是暂定的，不能发布：\n{zh}\n请按“收集情况”催报、按“退回通知”"
                     "退回有错的文件，收齐改好后重新“汇总”，再按“发布”",
                     f"the results of {run} are provisional and cannot be published:\n{en}\n"
                     "Chase and return with Who has sent what and Return notices, consolidate "
                     "again when all is in, then Publish")


def feedback(settings: Settings) -> Outcome:
    """反馈: one feedback workbook per unit from the last results."""
    from outputs.feedback_book import write_feedback_workbooks
    from outputs.feedback_folder import check_feedback_folder

    results = results_of(settings)
    out = _folder(settings, "feedback")
    check_feedback_folder(out, settings.lang)
    paths = write_feedback_workbooks(results, out, lang=settings.lang)
    return Outcome([_say(settings, f"已写出 {len(paths)} 份结果反馈",
                         f"{len(paths)} feedback workbooks written"), f"→ {out}",
                    *_listed(paths)])


def appeals(settings: Settings) -> Outcome:
    """申诉: an appeal form per unit; a review notice per decision recorded in the register."""
    from kaohe.pipeline.appeals import appeal_forms, review_notices

    results = results_of(settings)
    out = _folder(settings, "appeals")
    forms = appeal_forms(results, out, settings.lang)
    notices = review_notices(results, out, settings.lang)
    lines = [_say(settings, f"申诉表 {len(forms)} 份；复核结果告知书 {len(notices)} 份",
                  f"{len(forms)} appeal forms; {len(notices)} review notices"), f"→ {out}"]
    if not notices:
        lines.append(_say(settings, NO_DECISIONS[0], NO_DECISIONS[1]))
    return Outcome(lines + _listed(notices))


def history(settings: Settings) -> Outcome:
    """历史: the unit's results year by year from the history database."""
    from kaohe.store import open_store

    unit = settings.get("unit")
    if unit is None or not str(unit).strip():
        raise KaoheError("请在控制台“单位”中填写单位名称或编号（名称 kaohe_unit）",
                         "fill in the unit's name or id in the console (name kaohe_unit)")
    db = database(settings)
    if not db.is_file():
        raise KaoheError(f"还没有历史数据库（{db}）：请先按“汇总”",
                         f"there is no history database yet ({db}): press Consolidate first")
    with open_store(db, create=False) as store:
        rows = store.unit_history(store.find_unit(str(unit).strip()))
    en = settings.lang == "en"
    if not rows:
        return Outcome([_say(settings, f"历史数据库中没有 {unit} 的有效结果",
                             f"no current results for {unit} in the history database")])
    name = (rows[-1].unit_name_en or str(unit)) if en else rows[-1].unit_name
    head = (["Year", "Total", "Rank", "Grade", "Published", "Run"] if en else
            ["年度", "总分", "名次", "等次", "已发布", "运行"])
    yes, no = ("yes", "no") if en else ("是", "否")
    table = [head] + [[r.year, round(r.total, 2), f"{r.rank}/{r.group_size}", r.grade,
                       yes if r.published else no, r.run_id] for r in rows]
    return Outcome([_say(settings, f"{name}：{len(rows)} 个年度", f"{name}: {len(rows)} years")],
                   table)


TASKS: dict[str, Callable[[Settings], Outcome]] = {
    "distribute": distribute, "track": track, "returns": returns, "publish": publish,
    "feedback": feedback, "appeals": appeals, "history": history}
