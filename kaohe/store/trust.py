"""The history database is read back, so it is untrusted: a SQLite file that is not kaohe's is
refused untouched, a damaged file is refused before publishing, and a row that does not hold
what kaohe wrote (a results document that is not JSON, a total stored as text) is a clear
error naming the run, never a traceback.

>>> number_of("91.5", "2016-r2", "total")
91.5
>>> number_of("abc", "2016-r2", "total")  # doctest: +SKIP
KaoheError: 历史数据库中运行 2016-r2 的记录已损坏：total 应为数字，实为 'abc'，请从备份恢复…
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from kaohe.errors import KaoheError

__all__ = ["KAOHE_TABLES", "check_ours", "check_integrity", "json_of", "number_of",
           "numbers_in", "damaged_row", "guarded_read", "results_of"]

#: Tables every kaohe history database has (besides schema_version).
KAOHE_TABLES = frozenset({"schemes", "runs", "results_docs", "unit_results", "run_inputs"})


def check_ours(raw: sqlite3.Connection, where: str) -> None:
    """Refuse a SQLite file that holds tables but is not a kaohe history database (before
    anything is written to it: no table created, no journal mode changed)."""
    tables = {row[0] for row in raw.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    tables = {t for t in tables if not t.startswith("sqlite_")}
    if not tables or ("schema_version" in tables and KAOHE_TABLES <= tables):
        return
    if "schema_version" in tables and not (tables - {"schema_version"}):
        return  # a kaohe database whose first open was cut short: its tables are made now
    shown = "、".join(sorted(tables)[:5]) + ("…" if len(tables) > 5 else "")
    raise KaoheError(
        f"{where} 不是 kaohe 的历史数据库（其中是其他程序的表：{shown}），未作任何改动："
        "请换一个文件名，或指定 kaohe 的历史数据库",
        f"{where} is not a kaohe history database (it holds another program's tables: "
        f"{', '.join(sorted(tables)[:5])}); nothing was changed: name another file or "
        "kaohe's history database")


def check_integrity(raw: sqlite3.Connection, where: str) -> None:
    """Refuse a SQLite file that fails PRAGMA integrity_check (damaged on disk)."""
    try:
        found = [str(row[0]) for row in raw.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    if found != ["ok"]:
        detail = "; ".join(found)[:300]
        raise KaoheError(
            f"历史数据库 {where} 已损坏，未发布（完整性检查：{detail}）：请从备份恢复该文件",
            f"the history database {where} is damaged; nothing was published (integrity "
            f"check: {detail}): restore the file from a backup")


def damaged_row(run_id: Any, what: str, detail: str) -> KaoheError:
    """The error for a row that does not hold what kaohe wrote."""
    return KaoheError(
        f"历史数据库中运行 {run_id} 的记录已损坏：{what} {detail}，"
        "请从备份恢复数据库或重新汇总该年度",
        f"the history database's record of run {run_id} is damaged: {what} {detail}; restore "
        "the database from a backup or consolidate the year again")


def json_of(text: Any, run_id: Any, what: str, want: type | None = None) -> Any:
    """A JSON column's document (of type `want` when given), or damaged_row naming the run."""
    try:
        document = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise damaged_row(run_id, what, f"不是有效的 JSON（{type(exc).__name__}）") from None
    if want is not None and not isinstance(document, want):
        raise damaged_row(run_id, what, f"应为 {want.__name__}，实为 {type(document).__name__}")
    return document


def results_of(content: Any, run_id: Any) -> dict[str, Any]:
    """A results_docs row's document (packed or plain JSON), or damaged_row naming the run."""
    from kaohe.store.texts import unpack_results

    try:
        text = unpack_results(content)
    except ValueError as exc:
        raise damaged_row(run_id, "results_docs.content", str(exc)) from None
    return dict(json_of(text, run_id, "results_docs.content", want=dict))


def numbers_in(rows: Any, run_column: int, columns: dict[int, str]) -> None:
    """Every unit_results row's numeric columns are numbers (number_of), else damaged_row."""
    for row in rows:
        for index, name in columns.items():
            number_of(row[index], row[run_column], f"unit_results.{name}")


def number_of(value: Any, run_id: Any, what: str) -> float:
    """A numeric column's value as a finite float, or damaged_row naming the run."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise damaged_row(run_id, what, f"应为数字，实为 {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise damaged_row(run_id, what, f"应为数字，实为 {value!r}") from None
    if not math.isfinite(number):
        raise damaged_row(run_id, what, f"应为数字，实为 {value!r}")
    return number


_P = ParamSpec("_P")
_R = TypeVar("_R")


def guarded_read(method: Callable[Concatenate[Any, _P], _R]) -> Callable[Concatenate[Any, _P], _R]:
    """A Store read whose database error (a server gone away, say) or damaged row (not what
    kaohe wrote, where json_of/number_of did not already name the run) becomes a clean
    KaoheError, never a traceback."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except self._conn.errors as exc:
            raise KaoheError(f"读取历史数据库 {self.where} 失败：{exc}",
                             f"reading the history database {self.where} failed: {exc}") from exc
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            raise KaoheError(f"历史数据库 {self.where} 中有损坏的记录，无法读取：{exc}",
                             f"the history database {self.where} holds damaged records: "
                             f"{exc}") from exc

    return wrapper
