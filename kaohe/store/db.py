"""Store: scored runs, their inputs, publications and revisions in one database (SQLite or
PostgreSQL: see kaohe.store.backends)."""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, TypeVar

from kaohe.errors import KaoheError
from kaohe.pipeline.io import dump_json
from kaohe.store.backends import Connection
from kaohe.store.records import (
    RankChange,
    RunInfo,
    RunRecord,
    YearRow,
    consecutive_top_years,
    rank_changes,
)

__all__ = ["Store", "content_hash"]

_INPUT_KEYS = ("path", "sha256", "kind", "unit_id", "status", "findings")
_RUN_COLUMNS = ("r.run_id, r.year, r.revision, r.created_at, r.reason, r.reason_en, r.scheme_id, "
                "r.scheme_hash, r.results_hash, r.base_run_id, r.published_year_frozen, "
                "CASE WHEN p.run_id IS NULL THEN 0 ELSE 1 END")


def content_hash(document: Any) -> str:
    """sha256 (hex) of a document's canonical JSON text."""
    return hashlib.sha256(_canonical(document).encode("utf-8")).hexdigest()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _reading(method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """A read whose database error (a server gone away, say) becomes a clean KaoheError."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except self._conn.errors as exc:
            raise KaoheError(f"读取历史数据库 {self.where} 失败：{exc}",
                             f"reading the history database {self.where} failed: {exc}") from exc

    return wrapper


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
                   reason_en: str = "", now: datetime | None = None) -> RunRecord:
        """Store one scoring run as the year's next revision, in one transaction.

        If the year is published, the run is a new revision beside the frozen one and its
        diff is against the published run; otherwise against the year's previous run.

        >>> record = store.record_run(scheme_doc, results, reason="申诉改判")  # doctest: +SKIP
        >>> [(c.unit_id, c.old_rank, c.new_rank) for c in record.diff]  # doctest: +SKIP
        """
        year = _check_documents(scheme_doc, results_doc)
        units = _unit_rows(results_doc)
        input_rows = [_input_row(i, item) for i, item in enumerate(inputs, 1)]
        scheme_text, results_text = _canonical(scheme_doc), _canonical(results_doc)
        scheme_hash = _sha256(scheme_text)
        grades = results_doc.get("grades") or [None]
        created = _timestamp(now)
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO schemes (hash, scheme_id, year, version, content) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
                    (scheme_hash, scheme_doc["scheme_id"], int(scheme_doc["year"]),
                     _text_or_none(scheme_doc.get("version")), scheme_text))
                revision = conn.execute("SELECT COALESCE(MAX(revision), 0) + 1 FROM runs "
                                        "WHERE year = ?", (year,)).fetchone()[0]
                published = _published(conn, year)
                base = published or _latest(conn, year)
                run_id = f"{year}-r{revision}"
                conn.execute(
                    "INSERT INTO runs (run_id, year, revision, scheme_hash, scheme_id, created_at,"
                    " reason, reason_en, results_hash, top_grade, base_run_id,"
                    " published_year_frozen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (run_id, year, revision, scheme_hash, results_doc["scheme_id"], created,
                     reason, reason_en, _sha256(results_text), grades[0], base,
                     published is not None))
                conn.execute("INSERT INTO results_docs (run_id, content) VALUES (?, ?)",
                             (run_id, results_text))
                conn.executemany(
                    "INSERT INTO unit_results (run_id, unit_id, unit_name, unit_name_en, group_id,"
                    " group_size, total, rank, grade, top_grade_eligible, gates, components)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(run_id, *row) for row in units])
                conn.executemany(
                    "INSERT INTO run_inputs (run_id, path, sha256, kind, unit_id, status, findings)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", [(run_id, *row) for row in input_rows])
                diff = rank_changes(_unit_map(conn, base), _unit_map(conn, run_id)) if base else []
        except self._conn.errors as exc:
            raise _db_error(self.where, exc) from exc
        return RunRecord(run_id=run_id, year=year, revision=revision,
                         published_year_frozen=published is not None, diff=diff,
                         base_run_id=base)

    def publish(self, year: int, run_id: str | None = None,
                now: datetime | None = None) -> RunInfo:
        """Freeze a year on one run (its latest by default); a second, different run is refused.

        >>> store.publish(2016)  # doctest: +SKIP
        """
        try:
            with self.transaction() as conn:
                target = run_id or _latest(conn, year)
                if target is None:
                    raise KaoheError(f"{year} 年还没有任何计算结果，无法发布",
                                     f"no run recorded for {year}: nothing to publish")
                info = self._run_info(target)
                if info.year != year:
                    raise KaoheError(f"运行 {target} 属于 {info.year} 年，不是 {year} 年",
                                     f"run {target} belongs to {info.year}, not {year}")
                current = _published(conn, year)
                if current == target:
                    return info
                if current is not None:
                    raise KaoheError(
                        f"{year} 年已发布运行 {current}，发布后不可更改（修订请另行记录为新版本）",
                        f"{year} is already published as run {current} and is frozen "
                        "(record corrections as new revisions)")
                conn.execute("INSERT INTO publications (year, run_id, published_at) "
                             "VALUES (?, ?, ?)", (year, target, _timestamp(now)))
        except self._conn.errors as exc:
            raise _db_error(self.where, exc) from exc
        return self._run_info(target)

    # -- reading -------------------------------------------------------------------------

    @_reading
    def published_run(self, year: int) -> str | None:
        """The run_id a year was published on, or None."""
        return _published(self._conn, year)

    @_reading
    def runs(self, year: int | None = None) -> list[RunInfo]:
        """Every run (of one year if given), by year then revision."""
        where, args = ("WHERE r.year = ?", (year,)) if year is not None else ("", ())
        rows = self._conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs r LEFT JOIN publications p ON p.run_id = r.run_id "
            f"{where} ORDER BY r.year, r.revision", args).fetchall()
        return [_run_info(row) for row in rows]

    @_reading
    def results(self, run_id: str) -> dict[str, Any]:
        """The results document stored with a run."""
        row = self._conn.execute("SELECT content FROM results_docs WHERE run_id = ?",
                                 (run_id,)).fetchone()
        if row is None:
            raise _unknown_run(run_id)
        return dict(json.loads(row[0]))

    @_reading
    def inputs(self, run_id: str) -> list[dict[str, Any]]:
        """The input files recorded with a run (path, sha256, kind, unit_id, status, findings)."""
        self._run_info(run_id)
        # sorted here, not by ORDER BY: a server's collation may not sort by code point
        rows = sorted(self._conn.execute(f"SELECT {', '.join(_INPUT_KEYS)} FROM run_inputs "
                                         "WHERE run_id = ?", (run_id,)).fetchall(),
                      key=lambda row: str(row[0]))
        return [{**dict(zip(_INPUT_KEYS, row, strict=True)), "findings": json.loads(row[5])}
                for row in rows]

    @_reading
    def diff(self, run_a: str, run_b: str) -> list[RankChange]:
        """Units whose rank, grade or total differ from run_a to run_b (or that came or went)."""
        for run_id in (run_a, run_b):
            self._run_info(run_id)
        return rank_changes(_unit_map(self._conn, run_a), _unit_map(self._conn, run_b))

    @_reading
    def unit_history(self, unit_id: str) -> list[YearRow]:
        """A unit's years, each from the year's published run, else its latest run."""
        rows = self._conn.execute(
            "SELECT e.year, e.run_id, e.revision, u.unit_name, u.unit_name_en, u.group_id,"
            " u.total, u.rank, u.group_size, u.grade, u.grade = e.top_grade, e.published"
            " FROM effective_runs e JOIN unit_results u ON u.run_id = e.run_id"
            " WHERE u.unit_id = ? ORDER BY e.year", (unit_id,)).fetchall()
        return [YearRow(year=r[0], run_id=r[1], revision=r[2], unit_name=r[3], unit_name_en=r[4],
                        group=r[5], total=r[6], rank=r[7], group_size=r[8], grade=r[9],
                        top_grade=bool(r[10]), published=bool(r[11])) for r in rows]

    @_reading
    def annotate(self, results_doc: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of a results document with each unit's "history" from earlier years.

        Earlier years come from their published run, else their latest. rank_change is
        positive when the unit moved up, None when it changed group.
        """
        doc = copy.deepcopy(dict(results_doc))
        year = int(doc["year"])
        top = (doc.get("grades") or [None])[0]
        past: dict[str, list[tuple[Any, ...]]] = {}
        years: dict[int, bool] = {}
        for row in self._conn.execute(
                "SELECT e.year, e.published, u.unit_id, u.group_id, u.total, u.rank, u.grade,"
                " u.grade = e.top_grade FROM effective_runs e JOIN unit_results u"
                " ON u.run_id = e.run_id WHERE e.year < ? ORDER BY e.year", (year,)):
            past.setdefault(row[2], []).append(row)
            years[row[0]] = bool(row[1])
        for unit in doc["units"]:
            rows = past.get(unit["unit_id"], [])
            top_years = [r[0] for r in rows if r[7]] + ([year] if unit.get("grade") == top else [])
            streak = consecutive_top_years(top_years, year)
            unit["history"] = _history(unit, rows[-1] if rows else None, streak)
        # the results schema has no history_note_en (yet): the English text is not stored
        doc["history_note"] = _history_note(year, years, top)[0]
        return doc

    def _run_info(self, run_id: str) -> RunInfo:
        row = self._conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs r LEFT JOIN publications p ON p.run_id = r.run_id "
            "WHERE r.run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise _unknown_run(run_id)
        return _run_info(row)


# -- helpers ------------------------------------------------------------------------------

def _canonical(document: Any) -> str:
    try:
        return dump_json(document)
    except (TypeError, ValueError) as exc:
        raise KaoheError(f"文档无法写成 JSON：{exc}", f"document is not valid JSON: {exc}") from exc


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _timestamp(now: datetime | None) -> str:
    now = now or datetime.now(UTC)
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return now.isoformat(timespec="seconds")


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _check_documents(scheme_doc: Mapping[str, Any], results_doc: Mapping[str, Any]) -> int:
    if results_doc.get("kind") != "results" or not isinstance(results_doc.get("units"), list):
        raise KaoheError("只能记录 results 结果文档", "only a results document can be recorded")
    year = results_doc.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise KaoheError(f"结果文档的年度无效：{year!r}",
                         f"results document year is invalid: {year!r}")
    for key in ("scheme_id", "year"):
        if scheme_doc.get(key) != results_doc.get(key):
            raise KaoheError(
                f"方案与结果不一致：{key} 为 {scheme_doc.get(key)!r} 与 {results_doc.get(key)!r}",
                f"scheme and results disagree on {key}: "
                f"{scheme_doc.get(key)!r} vs {results_doc.get(key)!r}")
    return year


def _unit_rows(results_doc: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    sizes = {g.get("id"): g.get("units") for g in results_doc.get("groups", [])}
    rows = []
    for i, unit in enumerate(results_doc["units"], 1):
        try:
            size = unit.get("group_size") or sizes.get(unit["group"]) or sum(
                1 for u in results_doc["units"] if u.get("group") == unit["group"])
            rows.append((unit["unit_id"], unit["unit_name"], unit.get("unit_name_en"),
                         unit["group"], size, float(unit["total"]), int(unit["rank"]),
                         unit["grade"], bool(unit.get("top_grade_eligible", True)),
                         json.dumps(unit.get("gates", []), ensure_ascii=False),
                         json.dumps(unit.get("components", {}), ensure_ascii=False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise KaoheError(f"结果文档第 {i} 个单位缺少或有无效字段：{exc}",
                             f"results unit #{i} has a missing or invalid field: {exc}") from exc
    return rows


def _input_row(number: int, item: Mapping[str, Any]) -> tuple[Any, ...]:
    unknown = sorted(set(item) - set(_INPUT_KEYS))
    if unknown or not isinstance(item.get("path"), str):
        what = f"未知字段 {unknown}" if unknown else "缺少 path"
        what_en = f"unknown fields {unknown}" if unknown else "no path"
        raise KaoheError(f"第 {number} 个输入文件记录{what}（允许：{'、'.join(_INPUT_KEYS)}）",
                         f"input #{number}: {what_en} (allowed: {', '.join(_INPUT_KEYS)})")
    return (item["path"], *(item.get(k) for k in _INPUT_KEYS[1:5]),
            json.dumps(item.get("findings") or [], ensure_ascii=False))


def _published(conn: Connection, year: int) -> str | None:
    row = conn.execute("SELECT run_id FROM publications WHERE year = ?", (year,)).fetchone()
    return None if row is None else str(row[0])


def _latest(conn: Connection, year: int) -> str | None:
    row = conn.execute("SELECT run_id FROM runs WHERE year = ? ORDER BY revision DESC LIMIT 1",
                       (year,)).fetchone()
    return None if row is None else str(row[0])


def _unit_map(conn: Connection, run_id: str) -> dict[str, dict[str, Any]]:
    rows = conn.execute("SELECT unit_id, unit_name, group_id, rank, grade, total FROM unit_results"
                        " WHERE run_id = ?", (run_id,)).fetchall()
    keys = ("unit_name", "group", "rank", "grade", "total")
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}


def _run_info(row: Sequence[Any]) -> RunInfo:
    (run_id, year, revision, created_at, reason, reason_en, scheme_id, scheme_hash, results_hash,
     base_run_id, frozen, published) = row
    return RunInfo(run_id=run_id, year=year, revision=revision, created_at=created_at,
                   reason=reason, reason_en=reason_en, scheme_id=scheme_id,
                   scheme_hash=scheme_hash, results_hash=results_hash, base_run_id=base_run_id,
                   published_year_frozen=bool(frozen), published=bool(published))


def _history(unit: Mapping[str, Any], prev: Sequence[Any] | None,
             streak: list[int]) -> dict[str, Any]:
    base: dict[str, Any] = {"previous_year": None, "previous_total": None, "previous_rank": None,
                            "previous_grade": None, "total_change": None, "rank_change": None}
    if prev is not None:
        p_year, _, _, p_group, p_total, p_rank, p_grade, _ = prev
        base.update(previous_year=p_year, previous_total=p_total, previous_rank=p_rank,
                    previous_grade=p_grade)
        if unit.get("total") is not None:  # exact decimal difference of two rounded totals
            base["total_change"] = float(Decimal(repr(float(unit["total"])))
                                         - Decimal(repr(float(p_total))))
        if unit.get("rank") is not None and p_group == unit.get("group"):
            base["rank_change"] = p_rank - unit["rank"]
    return {**base, "top_grade_years": streak, "three_consecutive_top": len(streak) >= 3}


def _history_note(year: int, years: Mapping[int, bool], top: str | None) -> tuple[str, str]:
    if not years:
        return (f"历史数据库中没有 {year} 年以前的结果，无历年对比",
                f"no results before {year} in the history database: no comparison")
    listed = "、".join(str(y) for y in sorted(years))
    draft = [str(y) for y, published in sorted(years.items()) if not published]
    zh = f"历年对比取自 {listed} 年的结果（已发布的取发布版本，否则取最新一次计算）"
    en = (f"history from {', '.join(str(y) for y in sorted(years))} (published runs, else the "
          "latest run)")
    if draft:
        zh += f"；{'、'.join(draft)} 年尚未发布"
        en += f"; {', '.join(draft)} not yet published"
    return (zh + f"；连续三年获评“{top}”建议记三等功",
            en + f"; three consecutive years of '{top}' suggest a third-class merit")


def _unknown_run(run_id: str) -> KaoheError:
    return KaoheError(f"历史数据库中没有运行 {run_id}", f"no run {run_id} in the history database")


def _db_error(path: str, exc: Exception) -> KaoheError:
    return KaoheError(f"历史数据库 {path} 写入失败，未保存任何内容：{exc}",
                      f"writing the history database {path} failed; nothing was saved: {exc}")
