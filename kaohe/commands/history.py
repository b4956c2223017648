"""History commands over the database of kaohe.store: publish a year, a unit's years, revisions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import click

__all__ = ["COMMANDS"]

_DB_HELP = ("History database: a SQLite file (or sqlite:///path), or a PostgreSQL URL such as "
            "postgresql://user:password@host:5432/kaohe. 历史数据库：SQLite 文件或 PostgreSQL 地址")


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """kaohe.cli.friendly, looked up when called: kaohe.cli imports this module while loading."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kaohe.cli import friendly

        return friendly(func)(*args, **kwargs)

    return wrapper


def _lang() -> str:
    from kaohe.cli import current_lang

    return current_lang()


def _say(zh: str, en: str) -> None:
    click.echo(en if _lang() == "en" else zh)


def _arrow(old: object, new: object, fmt: str = "{}") -> str:
    def show(v: object) -> str:
        return "—" if v is None else fmt.format(v)

    return show(old) if old == new else f"{show(old)} → {show(new)}"


@click.command("publish")
@click.option("--db", required=True, metavar="PATH|URL", help=_DB_HELP)
@click.option("--year", type=int, required=True, help="Year to publish. 发布的年度")
@click.option("--revision", "--run", "run_id", default=None, metavar="ID",
              help="Run to publish, e.g. 2016-r2 (default: the year's latest). 发布哪一版")
@click.option("--reason", default="", help="Why a published year is published again on a "
              "later revision (required then). 重新发布的原因")
@click.option("--reason-en", default="", help="The reason in English (default: --reason).")
@click.option("--allow-provisional", is_flag=True, help="Publish although inputs were missing "
              "or rejected; the publication records it as provisional. 允许发布暂定结果")
@_friendly
def publish_cmd(db: str, year: int, run_id: str | None, reason: str, reason_en: str,
                allow_provisional: bool) -> None:
    """Publish a year's results: that run becomes the year's official result.

    After an upheld appeal, publish the year again on the later revision with a reason;
    the earlier publication stays on record and the latest one counts for history.
    The year's results JSON and workbook, feedback, summary and notice (where a
    consolidation with --db wrote them) are rewritten to say 已发布 and which revision;
    any that cannot be (moved, open in Excel …) are named, and the exit code is 1.

    Example: kaohe publish --db history.db --year 2016
    (again: kaohe publish --db history.db --year 2016 --revision 2016-r2 --reason "申诉复核")
    """
    import sys

    from kaohe.pipeline.republish import rewrite_year_outputs
    from kaohe.store import open_store

    with open_store(db, create=False) as store:
        official = store.published_run(year)
        done = store.publish(year, run_id, reason=reason, reason_en=reason_en,
                             allow_provisional=allow_provisional)
        # what was written for the year says so now (or is named, with why it could not)
        rewritten = rewrite_year_outputs(store, year)
    if done.run_id == official:  # nothing recorded, the reason (if any) not kept
        _say(f"{done.run_id} 已是正式结果，未作更改",
             f"{done.run_id} is already the official result: nothing changed")
    else:
        zh_note = "（暂定结果）" if done.provisional else ""
        en_note = " (provisional results)" if done.provisional else ""
        if done.replaces:
            _say(f"已以 {done.run_id}（第 {done.revision} 版）重新发布 {year} 年结果，取代 "
                 f"{done.replaces}{zh_note}；原因：{done.reason}。原发布仍保留在记录中",
                 f"published {year} again: run {done.run_id} (revision {done.revision}) "
                 f"replaces {done.replaces}{en_note}; reason: {done.reason_en}. The earlier "
                 "publication stays on record")
        else:
            _say(f"已发布 {year} 年结果：{done.run_id}（第 {done.revision} 版）{zh_note}，"
                 "此后的计算只记为修订版本",
                 f"published {year}: run {done.run_id} (revision {done.revision}){en_note}; "
                 "later runs are recorded as revisions")
    if text := rewritten.text(_lang()):
        click.echo(text)
    if rewritten.failed:
        sys.exit(1)


@click.command("history")
@click.argument("unit", metavar="UNIT")
@click.option("--db", required=True, metavar="PATH|URL", help=_DB_HELP)
@_friendly
def history_cmd(unit: str, db: str) -> None:
    """A unit's (or a cadre's) results year by year: total, rank, grade, published or not.

    UNIT is the unit's id or its name (Chinese or English), or a cadre's person id or
    name: then the cadre's unit, score, grade, team grade, merit and alerts by year.
    Each year comes from its latest publication, else its latest run that is not
    provisional; a year with a revision newer than that is marked. A year with only
    provisional (暂定) results is shown as such and not counted. Three consecutive
    top-grade years are flagged (建议记三等功).

    Example: kaohe history 阿勒泰市 --db history.db
    (a cadre: kaohe history P000101 --db history.db)
    """
    from kaohe.errors import KaoheError
    from kaohe.labels import grade_label
    from kaohe.store import merit_streaks, open_store
    from kaohe.textable import table

    with open_store(db, read_only=True) as store:
        try:
            unit_id = store.find_unit(unit)
        except KaoheError:
            if years := store.person_history(unit):  # a cadre, by person id or name
                from kaohe.commands.person_history import person_table

                scheme = store.scheme(years[-1].run_id)
                click.echo(person_table(years, scheme, _lang()))
                return
            raise
        rows = store.unit_history(unit_id)
        if not rows:  # only in revisions that no longer count
            raise KaoheError(f"历史数据库中没有单位 {unit} 的有效结果",
                             f"no current results for unit {unit} in the history database")
        scheme = store.scheme(rows[-1].run_id)
    lang = _lang()
    en = lang == "en"
    last = rows[-1]
    name = (last.unit_name_en or unit_id) if en else last.unit_name
    head = (["year", "total", "rank/size", "grade", "published", "run", "note"] if en
            else ["年度", "总分", "名次/组内单位数", "等次", "已发布", "运行", "说明"])
    body = [[r.year, f"{r.total:.2f}", f"{r.rank}/{r.group_size}", grade_label(r.grade, lang,
                                                                              scheme),
             _published_label(r, en), r.run_id, _newer(r, en)] for r in rows]
    if not any(r.newer_run_id for r in rows):
        head, body = head[:-1], [b[:-1] for b in body]
    _say(f"{name}（{unit_id}）历年考核结果", f"{name} ({unit_id}): results by year")
    click.echo(table(head, body))
    grades = {r.year: r.grade for r in rows}
    for streak in merit_streaks(rows):
        span, grade = f"{streak[0]}–{streak[-1]}", grades[streak[-1]]
        _say(f"{span} 年连续 {len(streak)} 年获评“{grade}”：建议记三等功",
             f"top grade '{grade_label(grade, 'en', scheme)}' {len(streak)} years running "
             f"({span}): third-class merit recommended")


def _published_label(row: Any, en: bool) -> str:
    """Published or not, and whether the year's result is provisional (暂定)."""
    if row.published:
        return ("yes (provisional)" if en else "是（暂定）") if row.provisional else (
            "yes" if en else "是")
    if not row.counted:
        return "no (provisional, not counted)" if en else "否（暂定，不计入）"
    if row.newer_run_id:  # the newer runs are provisional
        return "no (latest non-provisional run)" if en else "否（取最新非暂定计算）"
    return "no (latest run)" if en else "否（取最新计算）"


def _newer(row: Any, en: bool) -> str:
    run_id = row.newer_run_id
    if run_id is None:
        return ""
    if row.published:
        return f"unpublished revision {run_id}" if en else f"有未发布的修订 {run_id}"
    return (f"provisional revision {run_id} not counted" if en
            else f"有暂定的修订 {run_id}，未计入")


_TZ_HELP = ("Time zone to show times in, an IANA name (default: the scheme's time_zone, else "
            "Asia/Shanghai). 显示时间所用时区（默认方案规定的时区，否则北京时间）")


@click.command("revisions")
@click.option("--db", required=True, metavar="PATH|URL", help=_DB_HELP)
@click.option("--year", type=int, required=True, help="Year whose runs to list. 年度")
@click.option("--tz", "zone", default=None, metavar="ZONE", help=_TZ_HELP)
@_friendly
def revisions_cmd(db: str, year: int, zone: str | None) -> None:
    """A year's runs (revisions) and publications with their reasons, and what each moved.

    The base of a revision is the year's published run (its latest publication) if it was
    published, else the revision before it. Provisional runs (暂定: inputs missing or
    rejected, units not scored …) are marked; unpublished, they count for nothing.

    Times are shown in the office's time zone (stored as UTC), the zone named.

    Example: kaohe revisions --db history.db --year 2016
    """
    from kaohe.clock import check_zone, zone_of
    from kaohe.errors import KaoheError
    from kaohe.store import open_store

    with open_store(db, read_only=True) as store:
        runs = store.runs(year)
        if not runs:
            raise KaoheError(f"历史数据库中没有 {year} 年的计算结果",
                             f"no runs for {year} in the history database")
        publications = store.publications(year)
        diffs = {r.run_id: store.diff(r.base_run_id, r.run_id) for r in runs if r.base_run_id}
        people = {r.run_id: store.person_diff(r.base_run_id, r.run_id)
                  for r in runs if r.base_run_id}
        scheme = store.scheme(runs[-1].run_id)
    lang = _lang()
    en = lang == "en"
    zone = zone_of(zone, scheme)
    check_zone(zone)
    click.echo(_runs_table(runs, en, zone))
    if publications:
        _say("\n发布记录（最新一次为正式结果）：",
             "\npublications (the latest is the official result):")
        click.echo(_publications_table(publications, en, zone))
    for run in runs:
        if run.base_run_id is None:
            continue
        changes = diffs[run.run_id]
        _say(f"\n第 {run.revision} 版（{run.run_id}）相对 {run.base_run_id} 的变化：",
             f"\nrevision {run.revision} ({run.run_id}) against {run.base_run_id}:")
        if changes:
            click.echo(_changes_table(changes, lang, scheme))
        else:
            _say("名次、等次、总分均无变化", "no rank, grade or total changed")
        if people[run.run_id]:
            from kaohe.commands.person_history import person_changes_table

            click.echo(person_changes_table(people[run.run_id], lang))


def _runs_table(runs: Sequence[Any], en: bool, zone: str) -> str:
    from kaohe.clock import zone_label
    from kaohe.textable import table

    label = zone_label(zone, "en" if en else "zh")
    head = (["revision", "run", f"recorded ({label})", "base", "status", "reason"] if en
            else ["版本", "运行", f"记录时间（{label}）", "对比基准", "状态", "原因"])
    status = (("published", "published before, replaced", "revision after publication",
               "not published") if en
              else ("已发布", "曾发布，已被取代", "发布后修订", "未发布"))
    rows = []
    for r in runs:
        state = (status[0] if r.published else status[1] if r.superseded
                 else status[2] if r.published_year_frozen else status[3])
        if r.provisional:
            state += " (provisional)" if en else "（暂定）"
        reason = (r.reason_en or r.reason) if en else (r.reason or r.reason_en)
        rows.append([r.revision, r.run_id, _when(r.created_at, zone), r.base_run_id or "—", state,
                     reason or "—"])
    return table(head, rows)


def _publications_table(publications: Sequence[Any], en: bool, zone: str) -> str:
    from kaohe.clock import zone_label
    from kaohe.textable import table

    label = zone_label(zone, "en" if en else "zh")
    head = (["#", "run", f"published ({label})", "replaces", "provisional", "reason"] if en
            else ["次序", "运行", f"发布时间（{label}）", "取代", "暂定", "原因"])
    yes, no = ("yes", "no") if en else ("是", "否")
    rows = [[p.number, p.run_id, _when(p.published_at, zone), p.replaces or "—",
             yes if p.provisional else no,
             ((p.reason_en or p.reason) if en else (p.reason or p.reason_en)) or "—"]
            for p in publications]
    return table(head, rows)


def _when(timestamp: str, zone: str) -> str:
    """A stored UTC time in the office's zone, to the minute (the zone is in the header)."""
    from kaohe.clock import local_time

    text = local_time(timestamp, zone)
    return text.split("（")[0] if "（" in text else text.split(" (")[0]


def _changes_table(changes: Sequence[Any], lang: str, scheme: dict[str, Any]) -> str:
    from kaohe.labels import grade_label, group_label
    from kaohe.textable import table

    en = lang == "en"
    head = (["unit", "group", "rank", "grade", "total"] if en
            else ["单位", "组别", "名次", "等次", "总分"])
    rows = [[(c.unit_name_en or c.unit_id) if en else c.unit_name,
             group_label(c.group, lang, scheme), _arrow(c.old_rank, c.new_rank),
             _arrow(grade_label(c.old_grade, lang, scheme) or None,
                    grade_label(c.new_grade, lang, scheme) or None),
             _arrow(c.old_total, c.new_total, "{:.2f}")]
            for c in changes]
    return table(head, rows)


COMMANDS = [publish_cmd, history_cmd, revisions_cmd]
