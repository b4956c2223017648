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
@click.option("--run", "run_id", default=None, metavar="ID",
              help="Run to publish, e.g. 2016-r1 (default: the year's latest). 发布哪一次计算")
@_friendly
def publish_cmd(db: str, year: int, run_id: str | None) -> None:
    """Publish (freeze) a year's results; later runs of it become revisions beside it.

    Example: kaohe publish --db history.db --year 2016
    """
    from kaohe.store import open_store

    with open_store(db, create=False) as store:
        info = store.publish(year, run_id)
    _say(f"已发布 {year} 年结果：{info.run_id}（第 {info.revision} 版），此后的计算只记为修订版本",
         f"published {year}: run {info.run_id} (revision {info.revision}); later runs are "
         "recorded as revisions")


@click.command("history")
@click.argument("unit_id", metavar="UNIT")
@click.option("--db", required=True, metavar="PATH|URL", help=_DB_HELP)
@_friendly
def history_cmd(unit_id: str, db: str) -> None:
    """A unit's results year by year: total, rank in its group, grade, published or not.

    Each year comes from its published run, else its latest run. Three consecutive
    top-grade years are flagged (建议记三等功).

    Example: kaohe history fuyun --db history.db
    """
    from kaohe.errors import KaoheError
    from kaohe.store import merit_streaks, open_store
    from kaohe.textable import table

    with open_store(db, create=False) as store:
        rows = store.unit_history(unit_id)
    if not rows:
        raise KaoheError(f"历史数据库中没有单位 {unit_id} 的结果",
                         f"no results for unit {unit_id} in the history database")
    en = _lang() == "en"
    last = rows[-1]
    name = (last.unit_name_en or unit_id) if en else last.unit_name
    head = (["year", "total", "rank/size", "grade", "published", "run"] if en
            else ["年度", "总分", "名次/组内单位数", "等次", "已发布", "运行"])
    yes, no = ("yes", "no (latest run)") if en else ("是", "否（取最新计算）")
    body = [[r.year, f"{r.total:.2f}", f"{r.rank}/{r.group_size}", r.grade,
             yes if r.published else no, r.run_id] for r in rows]
    _say(f"{name}（{unit_id}）历年考核结果", f"{name} ({unit_id}): results by year")
    click.echo(table(head, body))
    grades = {r.year: r.grade for r in rows}
    for streak in merit_streaks(rows):
        span, grade = f"{streak[0]}–{streak[-1]}", grades[streak[-1]]
        _say(f"{span} 年连续 {len(streak)} 年获评“{grade}”：建议记三等功",
             f"top grade '{grade}' {len(streak)} years running ({span}): "
             "third-class merit recommended")


@click.command("revisions")
@click.option("--db", required=True, metavar="PATH|URL", help=_DB_HELP)
@click.option("--year", type=int, required=True, help="Year whose runs to list. 年度")
@_friendly
def revisions_cmd(db: str, year: int) -> None:
    """A year's runs (revisions) with their reasons, and what each moved against its base.

    The base of a revision is the published run if the year was published, else the
    revision before it.

    Example: kaohe revisions --db history.db --year 2016
    """
    from kaohe.errors import KaoheError
    from kaohe.store import open_store

    with open_store(db, create=False) as store:
        runs = store.runs(year)
        diffs = {r.run_id: store.diff(r.base_run_id, r.run_id) for r in runs if r.base_run_id}
    if not runs:
        raise KaoheError(f"历史数据库中没有 {year} 年的计算结果",
                         f"no runs for {year} in the history database")
    en = _lang() == "en"
    click.echo(_runs_table(runs, en))
    for run in runs:
        if run.base_run_id is None:
            continue
        changes = diffs[run.run_id]
        _say(f"\n第 {run.revision} 版（{run.run_id}）相对 {run.base_run_id} 的变化：",
             f"\nrevision {run.revision} ({run.run_id}) against {run.base_run_id}:")
        if changes:
            click.echo(_changes_table(changes, en))
        else:
            _say("名次、等次、总分均无变化", "no rank, grade or total changed")


def _runs_table(runs: Sequence[Any], en: bool) -> str:
    from kaohe.textable import table

    head = (["revision", "run", "recorded (UTC)", "base", "status", "reason"] if en
            else ["版本", "运行", "记录时间(UTC)", "对比基准", "状态", "原因"])
    status = (("published", "revision after publication", "not published") if en
              else ("已发布", "发布后修订", "未发布"))
    rows = []
    for r in runs:
        state = status[0] if r.published else status[1] if r.published_year_frozen else status[2]
        reason = (r.reason_en or r.reason) if en else (r.reason or r.reason_en)
        rows.append([r.revision, r.run_id, r.created_at[:16].replace("T", " "),
                     r.base_run_id or "—", state, reason or "—"])
    return table(head, rows)


def _changes_table(changes: Sequence[Any], en: bool) -> str:
    from kaohe.textable import table

    head = (["unit", "group", "rank", "grade", "total"] if en
            else ["单位", "组别", "名次", "等次", "总分"])
    rows = [[c.unit_id if en else c.unit_name, c.group, _arrow(c.old_rank, c.new_rank),
             _arrow(c.old_grade, c.new_grade), _arrow(c.old_total, c.new_total, "{:.2f}")]
            for c in changes]
    return table(head, rows)


COMMANDS = [publish_cmd, history_cmd, revisions_cmd]
