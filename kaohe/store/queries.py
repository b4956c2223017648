"""The store's reads of runs and publications inside a connection (or a transaction): the
year's latest and published run, a run's units, whether a new run equals a stored one.
kaohe.store.db's Store calls them; they raise nothing of their own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.store.backends import Connection
from kaohe.store.records import Publication, RunInfo
from kaohe.store.trust import damaged_row, number_of, results_of

__all__ = ["RUN_COLUMNS", "latest_run_id", "previous_run", "publications_of", "published_run_id",
           "run_info_of", "same_run", "unit_map", "published_trends", "TREND_YEARS"]

#: The columns of a RunInfo, from runs r LEFT JOIN publications p (see run_info_of).
RUN_COLUMNS = ("r.run_id, r.year, r.revision, r.created_at, r.reason, r.reason_en, r.scheme_id, "
               "r.scheme_hash, r.results_hash, r.base_run_id, r.published_year_frozen, "
               "p.number, (SELECT MAX(p3.number) FROM publications p3 WHERE p3.year = r.year), "
               "(SELECT COUNT(*) FROM provisional_runs v WHERE v.run_id = r.run_id)")
_PUBLICATION_COLUMNS = ("p.year, p.number, p.run_id, r.revision, p.published_at, p.reason, "
                        "p.reason_en, p.provisional")


def published_run_id(conn: Connection, year: int) -> str | None:
    """The run of the year's latest publication: its official result."""
    row = conn.execute("SELECT run_id FROM publications WHERE year = ? ORDER BY number DESC "
                       "LIMIT 1", (year,)).fetchone()
    return None if row is None else str(row[0])


def latest_run_id(conn: Connection, year: int) -> str | None:
    """The year's latest run (highest revision), published or not."""
    row = conn.execute("SELECT run_id FROM runs WHERE year = ? ORDER BY revision DESC LIMIT 1",
                       (year,)).fetchone()
    return None if row is None else str(row[0])


def same_run(conn: Connection, run_id: str, scheme_hash: str, units: Sequence[Sequence[Any]],
             input_rows: Sequence[Sequence[Any]], provisional: bool) -> bool:
    """Whether a stored run has this scheme, these input files and these results."""
    row = conn.execute("SELECT scheme_hash, (SELECT COUNT(*) FROM provisional_runs v WHERE"
                       " v.run_id = r.run_id) FROM runs r WHERE r.run_id = ?",
                       (run_id,)).fetchone()
    if row is None or row[0] != scheme_hash or bool(row[1]) != provisional:
        return False
    stored = {u: (r["group"], r["rank"], r["grade"], r["total"])
              for u, r in unit_map(conn, run_id).items()}
    if stored != {u[0]: (u[3], u[6], u[7], u[5]) for u in units}:
        return False
    files = conn.execute("SELECT sha256, status FROM run_inputs WHERE run_id = ?",
                         (run_id,)).fetchall()
    return (sorted((str(h or ""), str(s or "")) for h, s in files)
            == sorted((str(r[1] or ""), str(r[4] or "")) for r in input_rows))


def previous_run(conn: Connection, run_id: str | None, results_doc: Mapping[str, Any]
                 ) -> tuple[Mapping[str, Any], list[tuple[Any, ...]]] | None:
    """The run before a new one, for its reason: its decisions (read only when the new
    results apply decisions, to tell the new ones: from run_decisions, kept apart from the
    results since schema 6) and its input files (path, sha256)."""
    from kaohe.store.rules import decisions, decisions_of_text

    if run_id is None:
        return None
    known: Mapping[str, Any] = {}
    if any(a.get("decision") for u in results_doc.get("units") or []
           for a in u.get("adjustments") or [] if isinstance(a, Mapping)):
        row = conn.execute("SELECT content FROM run_decisions WHERE run_id = ?",
                           (run_id,)).fetchone()
        if row is not None:
            found = decisions_of_text(row[0])
            if found is None:
                raise damaged_row(run_id, "run_decisions.content", "不是决定的列表")
            known = found
        else:  # a run recorded without them (none is, since schema 6): its results say
            row = conn.execute("SELECT content FROM results_docs WHERE run_id = ?",
                               (run_id,)).fetchone()
            known = decisions(results_of(row[0], run_id)) if row else {}
    files = conn.execute("SELECT path, sha256 FROM run_inputs WHERE run_id = ?",
                         (run_id,)).fetchall()
    return known, [tuple(f) for f in files]


def unit_map(conn: Connection, run_id: str) -> dict[str, dict[str, Any]]:
    """unit_id -> the unit's name, group, rank, grade and total in a run."""
    rows = conn.execute("SELECT unit_id, unit_name, group_id, rank, grade, total, unit_name_en"
                        " FROM unit_results WHERE run_id = ?", (run_id,)).fetchall()
    keys = ("unit_name", "group", "rank", "grade", "total", "unit_name_en")
    found = {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}
    for unit in found.values():  # read back: a total or rank that is not a number is damage
        number_of(unit["total"], run_id, "unit_results.total")
        number_of(unit["rank"], run_id, "unit_results.rank")
    return found


def run_info_of(row: Sequence[Any]) -> RunInfo:
    """A RunInfo from a row of RUN_COLUMNS."""
    (run_id, year, revision, created_at, reason, reason_en, scheme_id, scheme_hash, results_hash,
     base_run_id, frozen, number, last_number, provisional) = row
    return RunInfo(run_id=run_id, year=year, revision=revision, created_at=created_at,
                   reason=reason, reason_en=reason_en, scheme_id=scheme_id,
                   scheme_hash=scheme_hash, results_hash=results_hash, base_run_id=base_run_id,
                   published_year_frozen=bool(frozen),
                   published=number is not None and number == last_number,
                   superseded=number is not None and number != last_number,
                   provisional=bool(provisional))


def publications_of(conn: Connection, year: int) -> list[Publication]:
    """A year's publications, first to latest, each naming the run it replaced."""
    rows = conn.execute(f"SELECT {_PUBLICATION_COLUMNS} FROM publications p JOIN runs r"
                        " ON r.run_id = p.run_id WHERE p.year = ? ORDER BY p.number",
                        (year,)).fetchall()
    out: list[Publication] = []
    for year_, number, run_id, revision, at, reason, reason_en, provisional in rows:
        out.append(Publication(year=year_, number=number, run_id=run_id, revision=revision,
                               published_at=at, reason=reason, reason_en=reason_en,
                               provisional=bool(provisional),
                               replaces=out[-1].run_id if out else None))
    return out


#: How many years a trend table shows (the assessed year and the ones before it).
TREND_YEARS = 5


def published_trends(conn: Connection, last_year: int, years: int = TREND_YEARS
                     ) -> dict[str, Any]:
    """Each unit's published results of the `years` years up to last_year, from each year's
    latest publication; a year published again on a later revision is marked `revised`."""
    rows = conn.execute(
        "SELECT p.year, p.run_id, r.revision, p.number, u.unit_id, u.total, u.rank,"
        " u.group_size, u.grade, u.group_id FROM publications p JOIN runs r ON r.run_id ="
        " p.run_id JOIN unit_results u ON u.run_id = p.run_id"
        " WHERE p.year > ? AND p.year <= ? AND p.number = (SELECT MAX(p2.number)"
        " FROM publications p2 WHERE p2.year = p.year)",
        (last_year - years, last_year)).fetchall()
    units: dict[str, list[dict[str, Any]]] = {}
    found = set()
    for year, run_id, revision, number, unit_id, total, rank, size, grade, group in sorted(
            rows, key=lambda r: (str(r[4]), int(r[0]))):
        found.add(int(year))
        units.setdefault(str(unit_id), []).append({
            "year": int(year), "run_id": str(run_id), "revision": int(revision),
            "total": float(total), "rank": int(rank), "group_size": int(size),
            "grade": str(grade), "group": str(group), "revised": int(number) > 1})
    return {"years": sorted(found), "units": units}
