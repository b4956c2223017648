"""The history database's tables, as portable SQL, and the code that creates them on open.

Only types and clauses that SQLite and PostgreSQL both accept: TEXT, INTEGER, BOOLEAN,
DOUBLE PRECISION (not REAL, which is single precision in PostgreSQL), PRIMARY/FOREIGN KEY,
UNIQUE, CHECK, a plain view. JSON is kept as TEXT; timestamps as ISO 8601 UTC text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from kaohe.errors import KaoheError
from kaohe.store.backends import Connection
from kaohe.store.people import PERSON_INDEX, PERSON_RESULTS, to_version_4

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TABLES", "check_version", "create_schema"]

SCHEMA_VERSION = 6

# Since version 2 a year can be published again on a later revision (an upheld appeal),
# with a reason: each publication is a row of its own, numbered within its year, never
# updated or deleted. The year's latest publication is its official result.
PUBLICATIONS = """CREATE TABLE publications (
        year INTEGER NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        run_id TEXT NOT NULL UNIQUE REFERENCES runs (run_id),
        published_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        reason_en TEXT NOT NULL,
        provisional BOOLEAN NOT NULL,
        PRIMARY KEY (year, number)
    )"""

# Since version 3 the runs whose results are provisional (an input missing or rejected, a
# unit not scored …: not final) are listed here, so that the view below can pass them over.
PROVISIONAL_RUNS = """CREATE TABLE provisional_runs (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE
    )"""

# The run that speaks for a year: its latest publication, else its latest run that is not
# provisional; a year with only provisional runs has none (it is not compared with).
EFFECTIVE_RUNS = """CREATE VIEW effective_runs AS
    SELECT r.year, r.run_id, r.revision, r.top_grade,
           CASE WHEN p.run_id IS NULL THEN 0 ELSE 1 END AS published,
           CASE WHEN v.run_id IS NULL THEN 0 ELSE 1 END AS provisional
    FROM runs r LEFT JOIN publications p ON p.run_id = r.run_id
         LEFT JOIN provisional_runs v ON v.run_id = r.run_id
    WHERE r.run_id = COALESCE(
        (SELECT p2.run_id FROM publications p2 WHERE p2.year = r.year
         ORDER BY p2.number DESC LIMIT 1),
        (SELECT r2.run_id FROM runs r2 WHERE r2.year = r.year AND r2.run_id NOT IN
         (SELECT v2.run_id FROM provisional_runs v2) ORDER BY r2.revision DESC LIMIT 1))"""


# Since version 5 the store knows where each run's outputs were written (results JSON and
# workbook, feedback folder, summary, notice), so publishing can rewrite them to say so.
# One row per path and run; `number` orders the writes (the latest write of a path counts).
RUN_OUTPUTS = """CREATE TABLE run_outputs (
        number INTEGER NOT NULL PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        lang TEXT NOT NULL,
        written_at TEXT NOT NULL
    )"""

# Since version 6 each run's appeal and fault-tolerance decisions are kept apart from its
# results, as JSON (decision id → [the event it decided, the decision]): a new run tells
# which decisions are new without reading back the megabytes of the run before it.
RUN_DECISIONS = """CREATE TABLE run_decisions (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
        content TEXT NOT NULL
    )"""

# One statement per item: sqlite3.executescript() would commit behind our back, and
# psycopg sends one statement per execute() when it has parameters.
TABLES: tuple[str, ...] = (
    """CREATE TABLE schemes (
        hash TEXT PRIMARY KEY,
        scheme_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        version TEXT,
        content TEXT NOT NULL
    )""",
    """CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        year INTEGER NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        scheme_hash TEXT NOT NULL REFERENCES schemes (hash),
        scheme_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        reason_en TEXT NOT NULL,
        results_hash TEXT NOT NULL,
        top_grade TEXT,
        base_run_id TEXT REFERENCES runs (run_id),
        published_year_frozen BOOLEAN NOT NULL,
        UNIQUE (year, revision)
    )""",
    """CREATE TABLE results_docs (
        run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
        content TEXT NOT NULL
    )""",
    """CREATE TABLE unit_results (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        unit_id TEXT NOT NULL,
        unit_name TEXT NOT NULL,
        unit_name_en TEXT,
        group_id TEXT NOT NULL,
        group_size INTEGER NOT NULL,
        total DOUBLE PRECISION NOT NULL,
        rank INTEGER NOT NULL,
        grade TEXT NOT NULL,
        top_grade_eligible BOOLEAN NOT NULL,
        gates TEXT NOT NULL,
        components TEXT NOT NULL,
        PRIMARY KEY (run_id, unit_id)
    )""",
    "CREATE INDEX unit_results_by_unit ON unit_results (unit_id)",
    """CREATE TABLE run_inputs (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        sha256 TEXT,
        kind TEXT,
        unit_id TEXT,
        status TEXT,
        findings TEXT NOT NULL,
        PRIMARY KEY (run_id, path)
    )""",
    PUBLICATIONS,
    PROVISIONAL_RUNS,
    EFFECTIVE_RUNS,
    PERSON_RESULTS,
    PERSON_INDEX,
    RUN_OUTPUTS,
    RUN_DECISIONS,
)

def _to_version_2(conn: Connection) -> None:
    """Version 1 kept one publication per year (year was the key): move its rows, as each
    year's publication number 1 without a reason, into the version 2 table."""
    rows = conn.execute("SELECT year, run_id, published_at FROM publications").fetchall()
    conn.execute("DROP VIEW effective_runs")
    conn.execute("DROP TABLE publications")
    conn.execute(PUBLICATIONS)
    conn.execute(_EFFECTIVE_RUNS_2)
    conn.executemany("INSERT INTO publications (year, number, run_id, published_at, reason,"
                     " reason_en, provisional) VALUES (?, 1, ?, ?, '', '', ?)",
                     [(year, run_id, published_at, False) for year, run_id, published_at in rows])


def _to_version_3(conn: Connection) -> None:
    """Version 2 let a provisional run speak for its year when nothing was published: list
    the provisional runs (from their stored results) and pass them over in the view."""
    conn.execute("DROP VIEW effective_runs")
    conn.execute(PROVISIONAL_RUNS)
    conn.execute(EFFECTIVE_RUNS)
    run_ids = [row[0] for row in conn.execute("SELECT run_id FROM results_docs").fetchall()]
    for run_id in run_ids:  # one document at a time: each can be megabytes
        content = conn.execute("SELECT content FROM results_docs WHERE run_id = ?",
                               (run_id,)).fetchone()[0]
        if json.loads(content).get("provisional"):
            conn.execute("INSERT INTO provisional_runs (run_id) VALUES (?)", (run_id,))


def _to_version_5(conn: Connection) -> None:
    """Version 4 did not record where outputs were written: add the (empty) table."""
    conn.execute(RUN_OUTPUTS)


def _to_version_6(conn: Connection) -> None:
    """Version 5 kept the decisions only inside each run's results: list them apart."""
    from kaohe.store.rules import decisions_text
    from kaohe.store.texts import unpack_results

    conn.execute(RUN_DECISIONS)
    run_ids = [row[0] for row in conn.execute("SELECT run_id FROM results_docs").fetchall()]
    for run_id in run_ids:  # one document at a time: each can be megabytes
        content = conn.execute("SELECT content FROM results_docs WHERE run_id = ?",
                               (run_id,)).fetchone()[0]
        try:
            document = json.loads(unpack_results(content))
        except ValueError:  # damaged: its run says so when read; no decisions listed
            continue
        if isinstance(document, dict):
            conn.execute("INSERT INTO run_decisions (run_id, content) VALUES (?, ?)",
                         (run_id, decisions_text(document)))


# The view as version 2 defined it: what the step to version 2 creates.
_EFFECTIVE_RUNS_2 = """CREATE VIEW effective_runs AS
    SELECT r.year, r.run_id, r.revision, r.top_grade,
           CASE WHEN p.run_id IS NULL THEN 0 ELSE 1 END AS published
    FROM runs r LEFT JOIN publications p ON p.run_id = r.run_id
    WHERE r.run_id = COALESCE(
        (SELECT p2.run_id FROM publications p2 WHERE p2.year = r.year
         ORDER BY p2.number DESC LIMIT 1),
        (SELECT r2.run_id FROM runs r2 WHERE r2.year = r.year
         ORDER BY r2.revision DESC LIMIT 1))"""


#: version → the step that brings a database from the version before up to it
MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _to_version_2, 3: _to_version_3,
                                                      4: to_version_4, 5: _to_version_5,
                                                      6: _to_version_6}


def create_schema(conn: Connection) -> None:
    """Create the tables on a new database, bring an older one up to date (its data kept),
    refuse one written by a newer kaohe.

    Runs inside the caller's transaction, which on PostgreSQL holds the writers' lock:
    two first opens of an empty database cannot both create (or migrate) the tables.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                 "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
    found = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    if found is None:
        for statement in TABLES:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                     (SCHEMA_VERSION, datetime.now(UTC).isoformat(timespec="seconds")))
    elif found < SCHEMA_VERSION:
        for version in range(found + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
            conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                         (version, datetime.now(UTC).isoformat(timespec="seconds")))
    elif found > SCHEMA_VERSION:
        raise KaoheError(
            f"历史数据库的结构版本为 {found}，本程序只支持到 {SCHEMA_VERSION}，请升级 kaohe",
            f"the history database has schema version {found}; this kaohe supports up to "
            f"{SCHEMA_VERSION}: upgrade kaohe")


def check_version(conn: Connection) -> bool:
    """For a read-only open: True when the tables are this version's; False when they are an
    older kaohe's (to be migrated); a database without kaohe's tables or written by a newer
    kaohe is refused."""
    try:
        found = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    except conn.errors:
        found = None
    if found is None:
        raise KaoheError(f"{conn.where} 中没有 kaohe 的历史记录",
                         f"{conn.where} holds no kaohe history")
    if found > SCHEMA_VERSION:
        raise KaoheError(
            f"历史数据库的结构版本为 {found}，本程序只支持到 {SCHEMA_VERSION}，请升级 kaohe",
            f"the history database has schema version {found}; this kaohe supports up to "
            f"{SCHEMA_VERSION}: upgrade kaohe")
    return bool(found == SCHEMA_VERSION)
