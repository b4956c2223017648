"""Person-level history: each run's cadre results, one row per person, and the queries that
read a person's years (from each year's effective run: its latest publication, else its latest
run that is not provisional) — what the multi-year merit rules read across revisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kaohe.store.backends import Connection

__all__ = ["PERSON_RESULTS", "PersonYear", "person_rows", "insert_person_rows", "same_people",
           "person_changes",
           "person_years", "person_grades", "find_person", "to_version_4"]

PERSON_RESULTS = """CREATE TABLE person_results (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        unit_id TEXT NOT NULL,
        unit_name TEXT NOT NULL,
        role TEXT NOT NULL,
        post TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        grade TEXT,
        team_grade TEXT,
        merit TEXT,
        alerts TEXT NOT NULL,
        PRIMARY KEY (run_id, person_id)
    )"""
PERSON_INDEX = "CREATE INDEX person_results_by_person ON person_results (person_id)"


@dataclass(frozen=True)
class PersonYear:
    """One year of a person, from the year's effective run."""

    year: int
    run_id: str
    published: bool
    unit_id: str
    unit_name: str
    name: str
    role: str
    post: str
    score: float
    grade: str | None
    team_grade: str | None
    merit: str | None
    alerts: list[str]


def person_rows(results_doc: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The person_results rows of a results document (none without a cadres section)."""
    section = results_doc.get("cadres") or {}
    teams = {t["unit_id"]: t.get("grade") for t in section.get("teams", ())}
    return [(c["person_id"], c.get("name", ""), c["unit_id"], c.get("unit_name", ""),
             c.get("role", "member"), c.get("post") or "", float(c["score"]), c.get("grade"),
             teams.get(c["unit_id"]), (c.get("merit") or {}).get("merit"),
             json.dumps([a["alert"] for a in c.get("alerts") or ()]))
            for c in section.get("cadres", ())]


def insert_person_rows(conn: Connection, run_id: str, rows: Iterable[Sequence[Any]]) -> None:
    """Store a run's person rows."""
    conn.executemany(
        "INSERT INTO person_results (run_id, person_id, name, unit_id, unit_name, role, post,"
        " score, grade, team_grade, merit, alerts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, *row) for row in rows])


def to_version_4(conn: Connection) -> None:
    """Version 4 keeps cadre results per person: the table, filled from the stored results."""
    conn.execute(PERSON_RESULTS)
    conn.execute(PERSON_INDEX)
    run_ids = [row[0] for row in conn.execute("SELECT run_id FROM results_docs").fetchall()]
    for run_id in run_ids:  # one document at a time: each can be megabytes
        content = conn.execute("SELECT content FROM results_docs WHERE run_id = ?",
                               (run_id,)).fetchone()[0]
        insert_person_rows(conn, run_id, person_rows(json.loads(content)))


_YEARS = ("SELECT e.year, e.run_id, e.published, p.unit_id, p.unit_name, p.name, p.role,"
          " p.post, p.score, p.grade, p.team_grade, p.merit, p.alerts, p.person_id"
          " FROM effective_runs e JOIN person_results p ON p.run_id = e.run_id")


def person_years(conn: Connection, person_id: str) -> list[PersonYear]:
    """A person's years, each from its effective run, oldest first."""
    rows = conn.execute(_YEARS + " WHERE p.person_id = ?", (person_id,)).fetchall()
    return [PersonYear(int(r[0]), r[1], bool(r[2]), r[3], r[4], r[5], r[6], r[7], float(r[8]),
                       r[9], r[10], r[11], json.loads(r[12]))
            for r in sorted(rows, key=lambda r: int(r[0]))]


def person_grades(conn: Connection, person_ids: Iterable[str],
                  before: int) -> dict[str, dict[int, str | None]]:
    """{person: {year: grade}} of the years before `before`, from the effective runs."""
    wanted = set(person_ids)
    out: dict[str, dict[int, str | None]] = {}
    for row in conn.execute(_YEARS + " WHERE e.year < ?", (before,)).fetchall():
        if row[13] in wanted:
            out.setdefault(row[13], {})[int(row[0])] = row[9]
    return out


def find_person(conn: Connection, text: str) -> str | None:
    """The person id of a person named by id or by name (None when unknown or ambiguous)."""
    rows = conn.execute("SELECT DISTINCT person_id, name FROM person_results").fetchall()
    ids = {r[0] for r in rows}
    if text in ids:
        return text
    named = {r[0] for r in rows if r[1] == text}
    return named.pop() if len(named) == 1 else None


def _people_of(conn: Connection, run_id: str) -> dict[str, tuple[Any, ...]]:
    rows = conn.execute("SELECT person_id, unit_id, score, grade, team_grade, merit, alerts"
                        " FROM person_results WHERE run_id = ?", (run_id,)).fetchall()
    return {r[0]: (r[1], float(r[2]), r[3], r[4], r[5], r[6]) for r in rows}


def same_people(conn: Connection, run_id: str, rows: Sequence[Sequence[Any]]) -> bool:
    """Whether a run's stored cadre results equal `rows` (a cadre-only appeal is a change)."""
    new = {r[0]: (r[2], float(r[6]), r[7], r[8], r[9], r[10]) for r in rows}
    return _people_of(conn, run_id) == new


def person_changes(conn: Connection, run_a: str, run_b: str) -> list[dict[str, Any]]:
    """Cadres whose unit, score, grade, team grade or merit differ from run_a to run_b."""
    old, new = _people_of(conn, run_a), _people_of(conn, run_b)
    keys = ("unit_id", "score", "grade", "team_grade", "merit")
    return [{"person_id": pid, **{f"old_{k}": (old.get(pid) or (None,) * 6)[i] for i, k in
                                  enumerate(keys)},
             **{f"new_{k}": (new.get(pid) or (None,) * 6)[i] for i, k in enumerate(keys)}}
            for pid in sorted(set(old) | set(new))
            if (old.get(pid) or ())[:5] != (new.get(pid) or ())[:5]]
