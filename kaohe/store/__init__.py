"""The history database: every scoring run, its inputs, publications and revisions, by year.

A real database: a SQLite file (stdlib ``sqlite3``) by default, or a PostgreSQL server
(psycopg 3, ``pip install 'kaohe[postgres]'``), named by a path or an SQLAlchemy-style URL:
``history.db``, ``sqlite:///history.db``, ``postgresql://user:password@host:5432/kaohe``,
``postgresql+psycopg://…``, or a unix socket: ``postgresql://user@/kaohe?host=/run/postgresql``.
No ORM. Each ``record_run`` is one transaction and becomes the year's next revision (run ids
``2016-r1``, ``2016-r2`` …), unless it equals the year's latest run (then nothing is added).
``publish`` makes one run the year's official result: later runs of that year are kept as
revisions beside it and are diffed against it, never written over it. After an upheld
appeal the year is published again on the later revision, with a reason; every publication
stays on record and the latest counts. History (``unit_history``, ``annotate``) reads each
year from its latest publication, else its latest run that is not provisional (a year with
only provisional runs is not compared with); three consecutive top-grade years suggest a
third-class merit (三等功). Older databases are migrated on open (schema.py).

The schema is portable (plain SQL types: TEXT, INTEGER, BOOLEAN, DOUBLE PRECISION; keys,
UNIQUE, CHECK and a plain view; JSON as TEXT): the same tables on both. What differs (PRAGMAs,
``BEGIN IMMEDIATE`` or an advisory lock, placeholders) lives in ``kaohe.store.backends``.

>>> from kaohe.store import open_store
>>> with open_store("history.db") as store:  # doctest: +SKIP
...     record = store.record_run(scheme_doc, results, reason="年终考核")
...     store.publish(record.year)
"""

from __future__ import annotations

from pathlib import Path

from kaohe.errors import KaoheError
from kaohe.store.backends import connect, database_kind, display_url, sqlite_path
from kaohe.store.db import Store, content_hash, results_hash
from kaohe.store.records import (
    MERIT_YEARS,
    OutputRecord,
    Publication,
    RankChange,
    RunInfo,
    RunRecord,
    YearRow,
    consecutive_top_years,
    merit_streaks,
    rank_changes,
)
from kaohe.store.schema import SCHEMA_VERSION, check_version, create_schema

__all__ = ["MERIT_YEARS", "SCHEMA_VERSION", "OutputRecord", "Publication", "RankChange", "RunInfo",
           "RunRecord",
           "Store", "YearRow", "consecutive_top_years", "content_hash", "database_kind",
           "display_url", "merit_streaks", "open_store", "rank_changes", "results_hash",
           "sqlite_path"]


def open_store(target: str | Path, create: bool = True, read_only: bool = False) -> Store:
    """Open the history database at a path, ``sqlite:///`` or PostgreSQL URL; create its tables.

    SQLite: foreign keys on, WAL journal, the file created unless create=False; `read_only`
    (the commands that only read: history, revisions) creates and changes nothing, and
    works on read-only media. PostgreSQL:
    the database must exist; its tables are created on first open. The schema version is
    checked on every open. Connection problems become a KaoheError that says what is wrong.

    >>> store = open_store("sqlite:///history.db")  # doctest: +SKIP
    >>> store = open_store("postgresql://kaohe@localhost/kaohe")  # doctest: +SKIP
    """
    conn = connect(target, create=create, read_only=read_only)
    try:
        store = Store(conn)
        if read_only and check_version(conn):
            pass  # kaohe's tables, of this version: read them as they are
        elif read_only:  # an older kaohe database: brought up to date first (its data kept)
            conn.close()
            return open_store(target, create=False)
        else:
            with store.transaction():
                create_schema(conn)
    except conn.errors as exc:
        conn.close()
        raise KaoheError(f"{conn.where} 不是可用的历史数据库：{exc}",
                         f"{conn.where} is not a usable history database: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    return store
