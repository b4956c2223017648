"""Store: scored runs, their inputs, publications and revisions in one database (SQLite or
PostgreSQL: see kaohe.store.backends)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from kaohe.errors import KaoheError
from kaohe.store.backends import Connection
from kaohe.store.people import (
    PersonYear,
    find_person,
    insert_person_rows,
    person_changes,
    person_grades,
    person_rows,
    person_years,
    same_people,
)
from kaohe.store.queries import (
    RUN_COLUMNS,
    latest_run_id,
    previous_run,
    publications_of,
    published_run_id,
    published_trends,
    run_info_of,
    same_run,
    unit_map,
)
from kaohe.store.records import (
    OutputRecord,
    Publication,
    RankChange,
    RunInfo,
    RunRecord,
    YearRow,
    consecutive_top_years,
    rank_changes,
)
from kaohe.store.rules import (
    INPUT_KEYS,
    check_documents,
    check_republish,
    decisions_text,
    find_unit,
    history_note,
    input_row,
    provisional_error,
    run_reason,
    unit_history,
    unit_rows,
)
from kaohe.store.texts import canonical as _canonical
from kaohe.store.texts import content_hash, packed_results, results_hash
from kaohe.store.texts import sha256_text as _sha256
from kaohe.store.trust import check_integrity, guarded_read, json_of, numbers_in, results_of

__all__ = ["Store", "content_hash", "results_hash"]


class Store:
    """The history database. Open it with kaohe.store.open_store(); close it (or use `with`)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.path = conn.path  # the SQLite file, None on a server
        self.where = conn.where  # the file or the URL (without password), for messages
        self.kind = conn.kind  # "sqlite" or "postgresql"

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @property
    def connection(self) -> Connection:
        """The open connection, for kaohe's own table beside the history (the examination
        cache, kaohe.pipeline.exam_cache)."""
        return self._conn

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """All or nothing, holding the write lock from the start, so revision numbers can't race.

        SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-level advisory lock.
        """
        with self._conn.transaction():
            yield self._conn

    # -- writing -------------------------------------------------------------------------

    def record_run(self, scheme_doc: Mapping[str, Any], results_doc: Mapping[str, Any],
                   inputs: Sequence[Mapping[str, Any]] = (), reason: str = "",
                   reason_en: str = "", now: datetime | None = None,
                   only_if_changed: bool = True,
                   before_commit: Callable[[RunRecord], Any] | None = None) -> RunRecord:
        """Store one scoring run as the year's next revision, in one transaction.

        If the year is published, the run is a new revision beside the frozen one and its
        diff is against the published run; otherwise against the year's previous run.
        A run equal to the year's latest (same scheme, input files, provisional or not, and
        every unit's group, rank, grade and total) is not stored again: the record names that
        run, with recorded=False (unless only_if_changed=False). Without a reason, the run
        records what is new since the run before it (rules.run_reason): "首次汇总", the new
        appeal decisions, the input files added, removed or changed, or "重新汇总".
        A provisional run (results["provisional"] not empty) never speaks for its year
        unless published: history and next year's comparison pass it over.

        `before_commit(record)` is called inside the transaction as soon as the run's number
        is known (the record then has no diff and no results hash yet). It may return an
        object with `finish(record)` and `abort()`: finish is called with the whole record
        once the run is written, before the commit (the outputs are moved into place
        there), abort if writing the run fails. If either raises, nothing is recorded. (The
        consolidation starts writing its outputs in the first call and records the run
        meanwhile.)

        >>> record = store.record_run(scheme_doc, results, reason="申诉改判")  # doctest: +SKIP
        >>> [(c.unit_id, c.old_rank, c.new_rank) for c in record.diff]  # doctest: +SKIP
        """
        year = check_documents(scheme_doc, results_doc)
        units = unit_rows(results_doc)
        input_rows = [input_row(i, item) for i, item in enumerate(inputs, 1)]
        # the scheme as canonical text (its hash says "the same scheme" across versions)
        scheme_text = _canonical(scheme_doc)
        scheme_hash = _sha256(scheme_text)
        grades = results_doc.get("grades") or [None]
        provisional = bool(results_doc.get("provisional"))
        created = _timestamp(now)
        try:
            with self.transaction() as conn:
                latest = latest_run_id(conn, year)
                people = person_rows(results_doc)
                if only_if_changed and latest and same_run(
                        conn, latest, scheme_hash, units, input_rows, provisional) and same_people(
                        conn, latest, people):
                    info = self._run_info(latest)
                    published = published_run_id(conn, year)
                    same = RunRecord(run_id=latest, year=year, revision=info.revision,
                                     published_year_frozen=published is not None,
                                     diff=[], base_run_id=info.base_run_id, recorded=False,
                                     published_run_id=published, provisional=info.provisional)
                    _finish(before_commit(same) if before_commit is not None else None, same)
                    return same
                if not (reason or reason_en):
                    reason, reason_en = run_reason(
                        previous_run(conn, latest, results_doc), results_doc, input_rows)
                revision = conn.execute("SELECT COALESCE(MAX(revision), 0) + 1 FROM runs "
                                        "WHERE year = ?", (year,)).fetchone()[0]
                published = published_run_id(conn, year)
                base = published or latest_run_id(conn, year)
                run_id = f"{year}-r{revision}"
                known = RunRecord(run_id=run_id, year=year, revision=revision,
                                  published_year_frozen=published is not None, diff=[],
                                  base_run_id=base, published_run_id=published,
                                  provisional=provisional)
                started = before_commit(known) if before_commit is not None else None
                try:
                    record = self._insert_run(
                        conn, known, scheme_doc, results_doc, scheme_text, scheme_hash,
                        reason, reason_en, created, grades[0], units, input_rows, people)
                except BaseException:
                    if started is not None and hasattr(started, "abort"):
                        started.abort()
                    raise
                _finish(started, record)
        except self._conn.errors as exc:
            raise _db_error(self.where, exc) from exc
        return record

    def _insert_run(self, conn: Connection, known: RunRecord, scheme_doc: Mapping[str, Any],
                    results_doc: Mapping[str, Any], scheme_text: str, scheme_hash: str,
                    reason: str, reason_en: str, created: str, top_grade: Any,
                    units: Sequence[Sequence[Any]], input_rows: Sequence[Sequence[Any]],
                    people: Any) -> RunRecord:
        """Write a new run's rows (record_run, inside its transaction); its whole record."""
        # the results, megabytes at a thousand units, as compact JSON, made a piece at a time
        content, results_hash = packed_results(results_doc)
        run_id, base = known.run_id, known.base_run_id
        conn.execute(
            "INSERT INTO schemes (hash, scheme_id, year, version, content) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
            (scheme_hash, scheme_doc["scheme_id"], int(scheme_doc["year"]),
             _text_or_none(scheme_doc.get("version")), scheme_text))
        conn.execute(
            "INSERT INTO runs (run_id, year, revision, scheme_hash, scheme_id, created_at,"
            " reason, reason_en, results_hash, top_grade, base_run_id,"
            " published_year_frozen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, known.year, known.revision, scheme_hash, results_doc["scheme_id"],
             created, reason, reason_en, results_hash, top_grade, base,
             known.published_year_frozen))
        conn.execute("INSERT INTO results_docs (run_id, content) VALUES (?, ?)",
                     (run_id, content))
        conn.execute("INSERT INTO run_decisions (run_id, content) VALUES (?, ?)",
                     (run_id, decisions_text(results_doc)))
        conn.executemany(
            "INSERT INTO unit_results (run_id, unit_id, unit_name, unit_name_en, group_id,"
            " group_size, total, rank, grade, top_grade_eligible, gates, components)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, *row) for row in units])
        conn.executemany(
            "INSERT INTO run_inputs (run_id, path, sha256, kind, unit_id, status, findings)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", [(run_id, *row) for row in input_rows])
        if known.provisional:
            conn.execute("INSERT INTO provisional_runs (run_id) VALUES (?)", (run_id,))
        insert_person_rows(conn, run_id, people)
        diff = rank_changes(unit_map(conn, base), unit_map(conn, run_id)) if base else []
        return dataclasses.replace(known, diff=diff, results_hash=results_hash)

    @guarded_read
    def has_run(self, run_id: str, results_hash: str) -> bool:
        """Whether run_id was committed with these results (a killed run's outputs ask)."""
        found = self._conn.execute("SELECT results_hash FROM runs WHERE run_id = ?", (run_id,))
        return (found.fetchone() or (None,))[0] == results_hash

    def publish(self, year: int, run_id: str | None = None, reason: str = "",
                reason_en: str = "", allow_provisional: bool = False,
                now: datetime | None = None) -> Publication:
        """Make one run (the year's latest by default) the year's official result.

        A published year can be published again on a later revision (an upheld appeal),
        with a reason: the earlier publication stays on record, the latest one counts
        (history, year-over-year change, the three-years rule). Publishing the same run
        again changes nothing. Results with missing or rejected inputs ("provisional") are
        refused unless allow_provisional; the publication then records that it was.

        >>> store.publish(2016)  # doctest: +SKIP
        >>> store.publish(2016, "2016-r2", reason="申诉复核：撤销扣分")  # doctest: +SKIP
        """
        if self.kind == "sqlite":  # a damaged file is not published from
            check_integrity(self._conn.raw, self.where)  # type: ignore[attr-defined]
        try:
            with self.transaction() as conn:
                target = run_id or latest_run_id(conn, year)
                if target is None:
                    raise KaoheError(f"{year} 年还没有任何计算结果，无法发布",
                                     f"no run recorded for {year}: nothing to publish")
                info = self._run_info(target)
                if info.year != year:
                    raise KaoheError(f"运行 {target} 属于 {info.year} 年，不是 {year} 年",
                                     f"run {target} belongs to {info.year}, not {year}")
                earlier = publications_of(conn, year)
                done = next((p for p in earlier if p.run_id == target), None)
                if done is not None and done is earlier[-1]:
                    return done
                if earlier:
                    check_republish(earlier[-1], info, reason)
                provisional = self._provisional(target)
                unit_map(conn, target)  # its rows read back whole: damage is refused here
                if provisional and not allow_provisional:
                    raise provisional_error(target, provisional)
                conn.execute(
                    "INSERT INTO publications (year, number, run_id, published_at, reason,"
                    " reason_en, provisional) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (year, len(earlier) + 1, target, _timestamp(now), reason,
                     reason_en or reason, bool(provisional)))
                return publications_of(conn, year)[-1]
        except self._conn.errors as exc:
            raise _db_error(self.where, exc) from exc

    def record_outputs(self, run_id: str, outputs: Sequence[tuple[str, str]], lang: str = "zh",
                       now: datetime | None = None) -> None:
        """Remember where a run's outputs were written: (kind, path) pairs, in `lang`."""
        try:
            with self.transaction() as conn:
                self._run_info(run_id)
                first = conn.execute("SELECT COALESCE(MAX(number), 0) FROM run_outputs"
                                     ).fetchone()[0]
                conn.executemany(
                    "INSERT INTO run_outputs (number, run_id, kind, path, lang, written_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(first + i, run_id, kind, str(path), lang, _timestamp(now))
                     for i, (kind, path) in enumerate(outputs, 1)])
        except self._conn.errors as exc:
            raise _db_error(self.where, exc) from exc

    @guarded_read
    def outputs(self, year: int) -> list[OutputRecord]:
        """The outputs that hold a year's results now: each path's latest write, when that
        was for one of the year's runs (a path written over for another year is not the
        year's any more)."""
        rows = self._conn.execute(
            "SELECT o.run_id, o.kind, o.path, o.lang, o.written_at, r.year FROM run_outputs o"
            " JOIN runs r ON r.run_id = o.run_id ORDER BY o.number").fetchall()
        latest = {row[2]: row for row in rows}
        return [OutputRecord(*row[:5]) for row in latest.values() if int(row[5]) == int(year)]

    # -- reading -------------------------------------------------------------------------

    @guarded_read
    def published_run(self, year: int) -> str | None:
        """The run_id a year was published on, or None."""
        return published_run_id(self._conn, year)

    @guarded_read
    def publications(self, year: int) -> list[Publication]:
        """A year's publications, first to latest (the latest is the official result)."""
        return publications_of(self._conn, year)

    @guarded_read
    def scheme(self, run_id: str) -> dict[str, Any]:
        """The scheme document a run was scored with (group names, grades …)."""
        row = self._conn.execute("SELECT s.content FROM runs r JOIN schemes s ON s.hash ="
                                 " r.scheme_hash WHERE r.run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise _unknown_run(run_id)
        return dict(json_of(row[0], run_id, "schemes.content"))

    @guarded_read
    def find_unit(self, text: str) -> str:
        """The unit_id of a unit named by its id or its name (Chinese or English).

        An unknown one is refused with the close names the database knows.

        >>> store.find_unit("阿勒泰市"), store.find_unit("Altay City")  # doctest: +SKIP
        ('altay', 'altay')
        """
        names: dict[str, tuple[str, str | None]] = {}
        for unit_id, name, name_en in self._conn.execute(
                "SELECT u.unit_id, u.unit_name, u.unit_name_en FROM unit_results u"
                " JOIN runs r ON r.run_id = u.run_id ORDER BY r.year, r.revision"):
            names[unit_id] = (name, name_en)  # the latest name of each unit
        return find_unit(text, names)

    @guarded_read
    def runs(self, year: int | None = None) -> list[RunInfo]:
        """Every run (of one year if given), by year then revision."""
        where, args = ("WHERE r.year = ?", (year,)) if year is not None else ("", ())
        rows = self._conn.execute(
            f"SELECT {RUN_COLUMNS} FROM runs r LEFT JOIN publications p ON p.run_id = r.run_id "
            f"{where} ORDER BY r.year, r.revision", args).fetchall()
        return [run_info_of(row) for row in rows]

    @guarded_read
    def trends(self, year: int, years: int = 5) -> dict[str, Any]:
        """Each unit's published total, rank and grade by year, for the `years` years up to
        `year` (published years only; a year published again on a revision is `revised`):
        {"years": [...], "units": {unit_id: [{"year", "total", "rank", "group_size",
        "grade", "group", "run_id", "revision", "revised"}, ...]}}."""
        return published_trends(self._conn, int(year), years)

    @guarded_read
    def run(self, run_id: str) -> RunInfo:
        """One run: its year, revision, reason, whether published or provisional."""
        return self._run_info(run_id)

    @guarded_read
    def results(self, run_id: str) -> dict[str, Any]:
        """The results document stored with a run."""
        row = self._conn.execute("SELECT content FROM results_docs WHERE run_id = ?",
                                 (run_id,)).fetchone()
        if row is None:
            raise _unknown_run(run_id)
        return results_of(row[0], run_id)

    @guarded_read
    def inputs(self, run_id: str) -> list[dict[str, Any]]:
        """The input files recorded with a run (path, sha256, kind, unit_id, status, findings)."""
        self._run_info(run_id)
        # sorted here, not by ORDER BY: a server's collation may not sort by code point
        rows = sorted(self._conn.execute(f"SELECT {', '.join(INPUT_KEYS)} FROM run_inputs "
                                         "WHERE run_id = ?", (run_id,)).fetchall(),
                      key=lambda row: str(row[0]))
        return [{**dict(zip(INPUT_KEYS, row, strict=True)), "findings": json_of(row[5], run_id,
                                                                          "run_inputs.findings")}
                for row in rows]

    @guarded_read
    def diff(self, run_a: str, run_b: str) -> list[RankChange]:
        """Units whose rank, grade or total differ from run_a to run_b (or that came or went)."""
        for run_id in (run_a, run_b):
            self._run_info(run_id)
        return rank_changes(unit_map(self._conn, run_a), unit_map(self._conn, run_b))

    @guarded_read
    def unit_history(self, unit_id: str) -> list[YearRow]:
        """A unit's years, each from the year's latest publication, else its latest run that
        is not provisional; a year with only provisional runs from its latest, not counted."""
        rows = self._conn.execute(
            "SELECT e.year, e.run_id, e.revision, u.unit_name, u.unit_name_en, u.group_id,"
            " u.total, u.rank, u.group_size, u.grade, u.grade = e.top_grade, e.published,"
            " e.provisional, (SELECT MAX(r.revision) FROM runs r WHERE r.year = e.year), 1"
            " FROM effective_runs e JOIN unit_results u ON u.run_id = e.run_id"
            " WHERE u.unit_id = ?", (unit_id,)).fetchall()
        rows += self._conn.execute(
            "SELECT r.year, r.run_id, r.revision, u.unit_name, u.unit_name_en, u.group_id,"
            " u.total, u.rank, u.group_size, u.grade, u.grade = r.top_grade, 0, 1,"
            " r.revision, 0 FROM runs r JOIN unit_results u ON u.run_id = r.run_id"
            " WHERE u.unit_id = ? AND r.year NOT IN (SELECT e.year FROM effective_runs e)"
            " AND r.revision = (SELECT MAX(r2.revision) FROM runs r2 WHERE r2.year = r.year)",
            (unit_id,)).fetchall()
        numbers_in(rows, 1, {6: "total", 7: "rank", 8: "group_size"})  # read back: damage?
        return [YearRow(year=r[0], run_id=r[1], revision=r[2], unit_name=r[3], unit_name_en=r[4],
                        group=r[5], total=r[6], rank=r[7], group_size=r[8], grade=r[9],
                        top_grade=bool(r[10]), published=bool(r[11]),
                        newer_run_id=f"{r[0]}-r{r[13]}" if r[13] > r[2] else None,
                        provisional=bool(r[12]), counted=bool(r[14]))
                for r in sorted(rows, key=lambda r: int(r[0]))]

    @guarded_read
    def person_history(self, text: str) -> list[PersonYear]:
        """A person's years (by person id or name), each from its year's effective run."""
        person_id = find_person(self._conn, text)
        return person_years(self._conn, person_id) if person_id else []

    @guarded_read
    def person_diff(self, run_a: str, run_b: str) -> list[dict[str, Any]]:
        """Cadres whose results differ from run_a to run_b (old_* and new_* of each)."""
        return person_changes(self._conn, run_a, run_b)

    @guarded_read
    def person_grades(self, person_ids: Iterable[str], before: int) -> dict[str, dict[int, Any]]:
        """{person: {year: grade}} of the years before `before` (for the merit rules)."""
        return person_grades(self._conn, person_ids, before)

    @guarded_read
    def annotate(self, results_doc: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of a results document with each unit's "history" from earlier years.

        Earlier years come from their latest publication, else their latest run that is not
        provisional; a year with only provisional runs is not compared with (the note says
        so). rank_change is positive when the unit moved up, None when it changed group.
        """
        # a copy of the document and of each unit, which gains "history"; what they hold is
        # shared with results_doc, never changed (a deep copy took 0.15 s at 1,000 units)
        doc = dict(results_doc)
        doc["units"] = [dict(unit) for unit in doc["units"]]
        year = int(doc["year"])
        top = (doc.get("grades") or [None])[0]
        past: dict[str, list[tuple[Any, ...]]] = {}
        years: dict[int, bool] = {}
        for row in self._conn.execute(
                "SELECT e.year, e.published, u.unit_id, u.group_id, u.total, u.rank, u.grade,"
                " u.grade = e.top_grade, e.run_id FROM effective_runs e JOIN unit_results u"
                " ON u.run_id = e.run_id WHERE e.year < ? ORDER BY e.year", (year,)):
            numbers_in([row], 8, {4: "total", 5: "rank"})
            past.setdefault(row[2], []).append(tuple(row[:8]))
            years[row[0]] = bool(row[1])
        for unit in doc["units"]:
            rows = past.get(unit["unit_id"], [])
            top_years = [r[0] for r in rows if r[7]] + ([year] if unit.get("grade") == top else [])
            streak = consecutive_top_years(top_years, year)
            unit["history"] = unit_history(unit, rows[-1] if rows else None, streak)
        provisional_only = [int(y) for (y,) in self._conn.execute(
            "SELECT DISTINCT year FROM runs WHERE year < ? AND year NOT IN"
            " (SELECT year FROM effective_runs)", (year,))]
        doc["history_note"], doc["history_note_en"] = history_note(year, years, top,
                                                                   provisional_only)
        return doc

    def _provisional(self, run_id: str) -> list[dict[str, Any]]:
        """The run's provisional list: one entry per whole input missing or rejected."""
        found = self.results(run_id).get("provisional") or []
        return [dict(item) for item in found if isinstance(item, Mapping)]

    def _run_info(self, run_id: str) -> RunInfo:
        row = self._conn.execute(
            f"SELECT {RUN_COLUMNS} FROM runs r LEFT JOIN publications p ON p.run_id = r.run_id "
            "WHERE r.run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise _unknown_run(run_id)
        return run_info_of(row)


# -- helpers ------------------------------------------------------------------------------

def _finish(started: Any, record: RunRecord) -> None:
    """Finish what record_run's before_commit started (when it returned something)."""
    if started is not None and hasattr(started, "finish"):
        started.finish(record)


def _timestamp(now: datetime | None) -> str:
    now = now or datetime.now(UTC)
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return now.isoformat(timespec="seconds")


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _unknown_run(run_id: str) -> KaoheError:
    return KaoheError(f"历史数据库中没有运行 {run_id}", f"no run {run_id} in the history database")


def _db_error(path: str, exc: Exception) -> KaoheError:
    return KaoheError(f"历史数据库 {path} 写入失败，未保存任何内容：{exc}",
                      f"writing the history database {path} failed; nothing was saved: {exc}")
