"""The history database: every scoring run, its inputs, publications and revisions, by year.

A real SQLite database (stdlib ``sqlite3``, no ORM). Each ``record_run`` is one
transaction and becomes the year's next revision (run ids ``2016-r1``, ``2016-r2`` …).
``publish`` freezes a year on one run: later runs of that year are kept as revisions
beside it (after an appeal, say) and are diffed against it, never written over it.
History (``unit_history``, ``annotate``) reads each year from its published run, else
its latest run; three consecutive top-grade years suggest a third-class merit (三等功).

Only SQLite is supported in this version. The schema is kept portable (plain SQL types:
TEXT, INTEGER, BOOLEAN, DOUBLE PRECISION; keys, UNIQUE, CHECK and a plain view; JSON as
TEXT) so that a PostgreSQL backend can be added later; what is SQLite-only lives in the
connection setup (PRAGMAs, ``BEGIN IMMEDIATE``, ``?`` placeholders), not in the tables.

>>> from kaohe.store import open_store
>>> with open_store("history.db") as store:  # doctest: +SKIP
...     record = store.record_run(scheme_doc, results, reason="年终考核")
...     store.publish(record.year)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kaohe.errors import KaoheError
from kaohe.store.db import Store, content_hash
from kaohe.store.records import (
    MERIT_YEARS,
    RankChange,
    RunInfo,
    RunRecord,
    YearRow,
    consecutive_top_years,
    merit_streaks,
    rank_changes,
)
from kaohe.store.schema import SCHEMA_VERSION, create_schema

__all__ = ["MERIT_YEARS", "SCHEMA_VERSION", "RankChange", "RunInfo", "RunRecord", "Store",
           "YearRow", "consecutive_top_years", "content_hash", "merit_streaks", "open_store",
           "rank_changes", "sqlite_path"]


def sqlite_path(target: str | Path) -> Path:
    """The database file of a path or a ``sqlite:///`` URL (SQLAlchemy's spelling).

    ``sqlite:///rel/h.db`` is relative, ``sqlite:////abs/h.db`` absolute; other schemes
    (``postgresql://`` …) are refused: only SQLite is supported in this version.

    >>> sqlite_path("sqlite:///data/history.db").as_posix()
    'data/history.db'
    """
    if isinstance(target, Path):
        return target
    scheme, sep, rest = str(target).partition("://")
    if not sep:
        return Path(str(target))
    if scheme.lower() != "sqlite":
        raise KaoheError(
            f"不支持的数据库 “{scheme}://”：本版本只支持 SQLite（文件路径或 sqlite:///路径）",
            f"unsupported database '{scheme}://': only SQLite is supported in this version "
            "(a file path or sqlite:///path)")
    if not rest.startswith("/") or len(rest) < 2:
        raise KaoheError(f"SQLite 地址应写作 sqlite:///路径，而不是 {target}",
                         f"a SQLite URL reads sqlite:///path, not {target}")
    return Path(rest[1:])


def open_store(target: str | Path, create: bool = True) -> Store:
    """Open (and, if new, create) the history database at a path or ``sqlite:///`` URL.

    Foreign keys on, WAL journal; the schema is created on first open and its version
    checked on every open. With create=False a missing file is an error.

    >>> store = open_store("sqlite:///history.db")  # doctest: +SKIP
    """
    path = sqlite_path(target)
    if not path.exists():
        if not create:
            raise KaoheError(f"历史数据库不存在：{path}", f"no history database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        store = Store(conn, path)
        with store.transaction():
            create_schema(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise KaoheError(f"{path} 不是可用的历史数据库：{exc}",
                         f"{path} is not a usable history database: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return store
