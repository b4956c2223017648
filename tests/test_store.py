"""The history database: real SQLite files and a real PostgreSQL server (tests/pg_server.py),
results documents made by the real engine. Tests taking `db` run once on each."""

from __future__ import annotations

import copy
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.engine import Scheme, score
from kaohe.errors import KaoheError
from kaohe.pipeline.documents import default_scheme_document, documents_from, load_scheme
from kaohe.store import (
    SCHEMA_VERSION,
    consecutive_top_years,
    content_hash,
    database_kind,
    open_store,
    results_hash,
    sqlite_path,
)
from kaohe.synth import synthesize
from outputs.feedback_book import write_feedback_workbook
from outputs.results_book import write_results_workbook
from validators.rules.json_schema import schema_problems

KAOHE = str(Path(sys.executable).with_name("kaohe"))
NOW = datetime(2017, 1, 15, 9, 30, tzinfo=UTC)
TOP = "好"
FILE = {"path": "submissions/单位自评表_富蕴县.xlsx", "sha256": "cd" * 32, "kind": "unit_report",
        "unit_id": "fuyun", "status": "accepted"}
DATA = Path(__file__).parent / "data"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty history database of each kind: a file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "h.db")
    return str(request.getfixturevalue("pg_server").create_database())


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture(scope="module")
def generated(scheme: Scheme) -> dict[str, Any]:
    return synthesize(scheme, seed=7)


def flatten(generated: dict[str, Any]) -> list[dict[str, Any]]:
    docs = list(generated["unit_reports"].values()) + list(generated["lead_scores"])
    return docs + [generated[k] for k in ("adjustments", "routine", "ballots")]


def run_engine(scheme: Scheme, generated: dict[str, Any],
               events: Sequence[dict[str, Any]] = (), decisions: Sequence[dict[str, Any]] = (),
               year: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scheme document, results document), the year overridden in both if given."""
    gen = copy.deepcopy(generated)
    gen["adjustments"]["events"] += list(events)
    gen["adjustments"]["decisions"] += list(decisions)
    results = score(scheme, documents_from(flatten(gen)))
    scheme_doc = default_scheme_document()
    if year is not None:
        results["year"] = scheme_doc["year"] = year
    return scheme_doc, results


def deduction(unit_id: str, points: float, event_id: str = "E9001") -> dict[str, Any]:
    return {"id": event_id, "unit_id": unit_id, "date": "2016-06-01", "type": "deduction",
            "category": "察访核验", "points": points, "region_wide": False, "indicator_id": None,
            "reason": "察访核验发现问题（测试）", "evidence": "记录", "approver": "综考办"}


def overturn(event_id: str = "E9001") -> dict[str, Any]:
    return {"id": "D9001", "event_id": event_id, "kind": "appeal", "outcome": "overturned",
            "points": None, "reason": "申诉成立，撤销扣分", "approver": "综考办主任会议",
            "date": "2017-01-20"}


def by_id(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["unit_id"]: u for u in results["units"]}


def county_leader(results: dict[str, Any]) -> str:
    return next(u["unit_id"] for u in results["units"] if u["group"] == "county" and u["rank"] == 1)


def count(db: str | Path, table: str) -> int:
    with open_store(db, create=False) as store:
        return int(store._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


# -- opening ------------------------------------------------------------------------------

def test_open_creates_schema_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "history.db"
    with open_store(f"sqlite:///{db}") as store:
        assert store.path == db
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert {"schemes", "runs", "run_inputs", "unit_results", "results_docs", "publications",
            "schema_version", "effective_runs"} <= names
    open_store(db).close()  # reopening keeps the one version row
    assert count(db, "schema_version") == 1


@pytest.mark.parametrize("target, message", [
    ("mysql://x/y", "use SQLite (a file path or sqlite:///path) or PostgreSQL"),
    ("postgresql+asyncpg://kaohe@localhost/kaohe", "unsupported database"),
    ("sqlite://", "sqlite:///path"),
])
def test_other_databases_are_refused(target: str, message: str) -> None:
    with pytest.raises(KaoheError) as info:
        open_store(target)
    assert message in info.value.message_en
    assert "SQLite" in info.value.message


@pytest.mark.parametrize("target, kind", [
    ("h.db", "sqlite"), (Path("h.db"), "sqlite"), ("sqlite:///h.db", "sqlite"),
    ("postgresql://kaohe@localhost:5432/kaohe", "postgresql"),
    ("postgresql+psycopg://kaohe:pw@db/kaohe", "postgresql"),
    ("postgresql+psycopg2://kaohe@db/kaohe", "postgresql"),
    ("postgres://kaohe@/kaohe?host=/run/postgresql", "postgresql"),
])
def test_database_kinds(target: str | Path, kind: str) -> None:
    assert database_kind(target) == kind


def test_sqlite_urls_follow_sqlalchemy(tmp_path: Path) -> None:
    assert sqlite_path("sqlite:///rel/h.db") == Path("rel/h.db")
    assert sqlite_path(f"sqlite:///{tmp_path}/h.db") == tmp_path / "h.db"
    assert sqlite_path("plain.db") == Path("plain.db")


def test_missing_or_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(KaoheError, match="不存在"):
        open_store(tmp_path / "none.db", create=False)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all, just some text" * 20)
    with pytest.raises(KaoheError) as info:
        open_store(junk)
    assert "is not a usable history database" in info.value.message_en


def test_newer_schema_is_refused(db: str) -> None:
    with open_store(db) as store, store.transaction() as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    with pytest.raises(KaoheError) as info:
        open_store(db)
    assert "upgrade kaohe" in info.value.message_en


# -- recording ----------------------------------------------------------------------------

def test_record_and_read_back(db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    inputs: list[dict[str, Any]] = [
        {"path": "data/unit_reports/fuyun.json", "sha256": "ab" * 32, "kind": "unit_report",
         "unit_id": "fuyun", "status": "accepted",
         "findings": [{"cell": "E7", "rule": "not-a-number"}]},
        {"path": "data/routine.json", "kind": "routine"}]
    with open_store(db) as store:
        record = store.record_run(scheme_doc, results, inputs=inputs, reason="年终考核",
                                  reason_en="year-end", now=NOW)
        assert (record.run_id, record.year, record.revision) == ("2016-r1", 2016, 1)
        assert record.published_year_frozen is False and record.diff == []
        assert store.results("2016-r1") == results
        [info] = store.runs()
        assert info.created_at == "2017-01-15T09:30:00+00:00"
        assert (info.reason, info.reason_en, info.published) == ("年终考核", "year-end", False)
        assert info.scheme_hash == content_hash(scheme_doc)
        assert info.results_hash == results_hash(results)
        got = store.inputs("2016-r1")
        assert got[0]["path"] == "data/routine.json" and got[0]["findings"] == []
        assert got[1] == inputs[0]
        fuyun = by_id(results)["fuyun"]
        [row] = store.unit_history("fuyun")
        assert (row.year, row.total, row.rank, row.grade) == (
            2016, fuyun["total"], fuyun["rank"], fuyun["grade"])
        assert row.group_size == 7 and row.published is False
        assert store.runs(2015) == [] and store.published_run(2016) is None
    assert count(db, "unit_results") == len(results["units"])


def test_same_scheme_is_stored_once(db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    with open_store(db) as store:
        store.record_run(scheme_doc, results)
        second = store.record_run(scheme_doc, results, reason="重算", inputs=[FILE])
        assert second.revision == 2 and second.base_run_id == "2016-r1" and second.diff == []
    assert count(db, "schemes") == 1


@pytest.mark.parametrize("mutate, message", [
    (lambda s, r: r.update(kind="scheme"), "only a results document"),
    (lambda s, r: r.update(year="2016"), "year is invalid"),
    (lambda s, r: s.update(year=2015), "disagree on year"),
    (lambda s, r: r["units"][0].pop("rank"), "results unit #1"),
    (lambda s, r: r["units"][0].update(total=float("nan")), "not valid JSON"),
])
def test_bad_documents_are_refused(tmp_path: Path, scheme: Scheme, generated: dict[str, Any],
                                   mutate: Any, message: str) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    mutate(scheme_doc, results)
    with open_store(tmp_path / "h.db") as store:
        with pytest.raises(KaoheError) as info:
            store.record_run(scheme_doc, results)
        assert message in info.value.message_en
        assert store.runs() == []


def test_bad_inputs_are_refused(tmp_path: Path, scheme: Scheme, generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    with open_store(tmp_path / "h.db") as store:
        with pytest.raises(KaoheError, match="未知字段"):
            store.record_run(scheme_doc, results, inputs=[{"path": "a", "sha": "x"}])
        with pytest.raises(KaoheError, match="缺少 path"):
            store.record_run(scheme_doc, results, inputs=[{"kind": "routine"}])


def test_failure_mid_way_leaves_nothing(db: str, scheme: Scheme,
                                        generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    with open_store(db) as store:
        # the second input breaks the (run_id, path) key after the scheme, run, results
        # document and every unit row were written in the same transaction
        twice = [{"path": "same.json"}, {"path": "same.json"}]
        with pytest.raises(KaoheError) as info:
            store.record_run(scheme_doc, results, inputs=twice)
        assert "nothing was saved" in info.value.message_en
    for table in ("schemes", "runs", "results_docs", "unit_results", "run_inputs"):
        assert count(db, table) == 0, table
    with open_store(db) as store:  # and the next run is still revision 1
        assert store.record_run(scheme_doc, results).revision == 1


def test_failure_at_the_very_end_leaves_nothing(db: str, scheme: Scheme,
                                                generated: dict[str, Any],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    with open_store(db) as store:
        store.record_run(scheme_doc, results)

        def boom(*args: Any) -> Any:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr("kaohe.store.db.rank_changes", boom)  # runs after every insert
        with pytest.raises(RuntimeError):
            store.record_run(scheme_doc, results, inputs=[FILE])
        assert [r.run_id for r in store.runs()] == ["2016-r1"]
    assert count(db, "unit_results") == len(results["units"])
    assert count(db, "results_docs") == 1


def test_concurrent_runs_get_distinct_revisions(db: str, scheme: Scheme,
                                                generated: dict[str, Any]) -> None:
    """Four runs recorded at once, each through its own connection to a new database."""
    scheme_doc, results = run_engine(scheme, generated)
    n = 4
    start = threading.Barrier(n)
    records: list[Any] = []

    def record(i: int) -> None:
        try:
            start.wait(timeout=30)
            with open_store(db) as store:  # the first opens race to create the tables, too
                records.append(store.record_run(scheme_doc, results, reason=f"run {i}",
                                                inputs=[{**FILE, "sha256": str(i)}]))
        except Exception as exc:  # reported by the assertion below
            records.append(exc)

    threads = [threading.Thread(target=record, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not isinstance(r, Exception) for r in records), records
    assert all(r.recorded for r in records)
    assert sorted(r.revision for r in records) == list(range(1, n + 1))
    with open_store(db) as store:
        runs = store.runs(2016)
        assert [r.revision for r in runs] == list(range(1, n + 1))
        assert sorted(r.reason for r in runs) == [f"run {i}" for i in range(n)]
        # each revision's base is the one recorded just before it, whoever recorded it
        assert [r.base_run_id for r in runs] == [None, *(r.run_id for r in runs[:-1])]
    assert count(db, "unit_results") == n * len(results["units"])


def test_history_file_from_before_postgres(tmp_path: Path, scheme: Scheme,
                                           generated: dict[str, Any]) -> None:
    """A SQLite history file written by the SQLite-only store (kaohe at 6c80d2f) still works.

    2014 and 2015 recorded and published, then 2015-r2 recorded after an appeal.
    """
    db = tmp_path / "old.sqlite"
    db.write_bytes(gzip.decompress((DATA / "history-v1.sqlite.gz").read_bytes()))
    fresh = tmp_path / "new.sqlite"
    open_store(fresh).close()

    def tables(path: Path) -> list[tuple[str, str]]:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()

    before = tables(db)
    with open_store(db, create=False) as store:  # migrated to the current version on open
        assert tables(db) == tables(fresh) != before  # the same tables as new, byte for byte
        assert [(r.run_id, r.published, r.base_run_id) for r in store.runs()] == [
            ("2014-r1", True, None), ("2015-r1", True, None), ("2015-r2", False, "2015-r1")]
        [publication] = store.publications(2015)  # moved into the version 2 table
        assert (publication.run_id, publication.number, publication.reason) == ("2015-r1", 1, "")
        assert store.inputs("2015-r1")[0]["findings"] == [{"cell": "E7", "rule": "not-a-number"}]
        assert store.diff("2015-r1", "2015-r2") != []
        [h14, h15] = store.unit_history("fuyun")
        assert (h14.run_id, h15.run_id, h15.published) == ("2014-r1", "2015-r1", True)
        scheme_doc, results = run_engine(scheme, generated)
        record = store.record_run(scheme_doc, store.annotate(results), reason="年终考核")
        assert record.run_id == "2016-r1"
        assert store.results("2016-r1")["units"][0]["history"]["previous_year"] == 2015
        # and the appeal of 2015 can now be published
        store.publish(2015, "2015-r2", reason="申诉复核")
        assert store.unit_history("fuyun")[1].run_id == "2015-r2"
    with sqlite3.connect(db) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_version")]
        assert versions == [1, 2, 3, 4, 5, 6]


# -- publishing and revisions -------------------------------------------------------------

def test_publish_freezes_and_an_appeal_becomes_revision_2(
        db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    _, plain = run_engine(scheme, generated)
    leader = county_leader(plain)
    scheme_doc, first = run_engine(scheme, generated, events=[deduction(leader, 10)])
    _, appealed = run_engine(scheme, generated, events=[deduction(leader, 10)],
                             decisions=[overturn()])
    assert by_id(first)[leader]["rank"] > 1 and by_id(appealed)[leader]["rank"] == 1
    old, new = by_id(first), by_id(appealed)
    moved = {u for u in new if (old[u]["rank"], old[u]["grade"], old[u]["total"])
             != (new[u]["rank"], new[u]["grade"], new[u]["total"])}
    assert leader in moved and {new[u]["group"] for u in moved} == {"county"}

    with open_store(db) as store:
        store.record_run(scheme_doc, first, reason="年终考核")
        info = store.publish(2016)
        assert (info.run_id, info.number, info.replaces) == ("2016-r1", 1, None)
        assert store.publish(2016, "2016-r1") == info  # same run again: nothing changes
        record = store.record_run(scheme_doc, appealed, reason="申诉改判", now=NOW)
        assert (record.run_id, record.revision) == ("2016-r2", 2)
        assert record.published_year_frozen is True and record.base_run_id == "2016-r1"
        assert {c.unit_id for c in record.diff} == moved
        change = next(c for c in record.diff if c.unit_id == leader)
        assert (change.old_rank, change.new_rank) == (old[leader]["rank"], 1)
        assert change.new_total == pytest.approx((change.old_total or 0) + 10, abs=0.011)
        assert change.change == "changed"

        # the published run still speaks for 2016, and is not replaced without a reason
        assert store.published_run(2016) == "2016-r1"
        assert store.results("2016-r1") == first
        [row] = store.unit_history(leader)
        assert (row.rank, row.newer_run_id) == (old[leader]["rank"], "2016-r2")
        for run_id in (None, "2016-r2"):
            with pytest.raises(KaoheError, match="请说明原因"):
                store.publish(2016, run_id)
        # a third run is diffed against the published run, not against revision 2
        third = store.record_run(scheme_doc, appealed, reason="再次复核", inputs=[FILE])
        assert third.base_run_id == "2016-r1" and {c.unit_id for c in third.diff} == moved
        assert store.diff("2016-r2", "2016-r3") == []
        assert [(r.revision, r.published) for r in store.runs(2016)] == [
            (1, True), (2, False), (3, False)]


def test_diff_lists_added_and_removed_units(db: str, scheme: Scheme,
                                            generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    fewer = copy.deepcopy(results)
    gone = fewer["units"].pop()
    with open_store(db) as store:
        store.record_run(scheme_doc, fewer)
        record = store.record_run(scheme_doc, results)
        [added] = record.diff
        assert (added.unit_id, added.change, added.old_rank) == (gone["unit_id"], "added", None)
        [removed] = store.diff("2016-r2", "2016-r1")
        assert (removed.change, removed.new_grade) == ("removed", None)


def test_publish_errors(db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    with open_store(db) as store:
        with pytest.raises(KaoheError, match="还没有"):
            store.publish(2016)
        store.record_run(scheme_doc, results)
        with pytest.raises(KaoheError, match="没有运行"):
            store.publish(2016, "2016-r9")
        with pytest.raises(KaoheError, match="属于 2016"):
            store.publish(2015, "2016-r1")
        with pytest.raises(KaoheError, match="没有运行"):
            store.diff("2016-r1", "nope")
        assert store.published_run(2016) is None


# -- multi-year history -------------------------------------------------------------------

@pytest.fixture
def three_years(db: str, scheme: Scheme, generated: dict[str, Any]) -> tuple[str, str, str]:
    """2014–2016: `steady` is top grade every year; `gap` is top in 2014 and 2016, not 2015."""
    _, plain = run_engine(scheme, generated)
    tops = [u["unit_id"] for u in plain["units"] if u["grade"] == TOP]
    steady, gap = tops[0], tops[1]
    with open_store(db) as store:
        for year in (2014, 2015, 2016):
            events = [deduction(gap, 20)] if year == 2015 else []
            scheme_doc, results = run_engine(scheme, generated, events=events, year=year)
            store.record_run(scheme_doc, results, reason=f"{year} 年终考核")
            if year < 2016:
                store.publish(year)
    return db, steady, gap


def test_three_consecutive_top_grades(three_years: tuple[str, str, str]) -> None:
    db, steady, gap = three_years
    with open_store(db) as store:
        rows = store.unit_history(steady)
        assert [(r.year, r.grade, r.top_grade) for r in rows] == [
            (2014, TOP, True), (2015, TOP, True), (2016, TOP, True)]
        assert [r.published for r in rows] == [True, True, False]
        assert [r.top_grade for r in store.unit_history(gap)] == [True, False, True]
    assert consecutive_top_years([2014, 2015, 2016], 2016) == [2014, 2015, 2016]
    assert consecutive_top_years([2014, 2016], 2016) == [2016]
    assert consecutive_top_years([2014, 2015], 2016) == []


def test_annotate_adds_previous_year_and_streaks(three_years: tuple[str, str, str],
                                                 scheme: Scheme,
                                                 generated: dict[str, Any]) -> None:
    db, steady, gap = three_years
    _, current = run_engine(scheme, generated, year=2017)
    before = copy.deepcopy(current)
    with open_store(db) as store:
        out = store.annotate(current)
        last = by_id(store.results("2016-r1"))
    assert current == before  # no mutation
    units = by_id(out)
    h = units[steady]["history"]
    assert h["previous_year"] == 2016 and h["previous_grade"] == TOP
    assert h["top_grade_years"] == [2014, 2015, 2016, 2017] and h["three_consecutive_top"]
    assert units[gap]["history"]["top_grade_years"] == [2016, 2017]
    assert units[gap]["history"]["three_consecutive_top"] is False
    for unit_id, unit in units.items():
        prev = last[unit_id]
        assert unit["history"]["previous_rank"] == prev["rank"]
        assert unit["history"]["previous_total"] == prev["total"]
        assert unit["history"]["rank_change"] == prev["rank"] - unit["rank"]
        assert unit["history"]["total_change"] == pytest.approx(unit["total"] - prev["total"])
    assert "2014、2015、2016" in out["history_note"] and "2016 年尚未发布" in out["history_note"]
    assert schema_problems(out) == []  # still a valid results document


def test_annotate_2016_uses_only_earlier_years(three_years: tuple[str, str, str],
                                               scheme: Scheme, generated: dict[str, Any]) -> None:
    db, steady, gap = three_years
    _, current = run_engine(scheme, generated, year=2016)
    with open_store(db) as store:
        units = by_id(store.annotate(current))
    assert units[steady]["history"]["top_grade_years"] == [2014, 2015, 2016]
    assert units[steady]["history"]["three_consecutive_top"] is True
    assert units[gap]["history"]["top_grade_years"] == [2016]
    assert units[gap]["history"]["previous_year"] == 2015
    assert units[gap]["history"]["rank_change"] > 0  # back up after 2015's deduction


def test_annotate_without_history(db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    _, current = run_engine(scheme, generated)
    with open_store(db) as store:
        out = store.annotate(current)
    for unit in out["units"]:
        h = unit["history"]
        assert h["previous_year"] is h["previous_rank"] is h["rank_change"] is None
        assert h["three_consecutive_top"] is False
    assert "没有 2016 年以前" in out["history_note"]


# -- command line ---------------------------------------------------------------------------

def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_cli_history_flags_merit(three_years: tuple[str, str, str]) -> None:
    db, steady, gap = three_years
    result = invoke("history", steady, "--db", db)
    assert result.exit_code == 0, result.output
    assert "2014–2016 年连续 3 年获评“好”：建议记三等功" in result.output
    assert "名次/组内单位数" in result.output and "否（取最新计算）" in result.output
    url = db if "://" in db else f"sqlite:///{db}"
    english = invoke("--lang", "en", "history", steady, "--db", url)
    assert "third-class merit recommended" in english.output and "rank/size" in english.output
    other = invoke("history", gap, "--db", db)
    assert other.exit_code == 0 and "三等功" not in other.output


def test_cli_publish_and_revisions(db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    _, plain = run_engine(scheme, generated)
    leader = county_leader(plain)
    scheme_doc, first = run_engine(scheme, generated, events=[deduction(leader, 10)])
    _, appealed = run_engine(scheme, generated, events=[deduction(leader, 10)],
                             decisions=[overturn()])
    with open_store(db) as store:
        store.record_run(scheme_doc, first, reason="年终考核", reason_en="year-end")
    published = invoke("publish", "--db", db, "--year", "2016")
    assert published.exit_code == 0 and "已发布 2016 年结果：2016-r1" in published.output
    with open_store(db) as store:
        store.record_run(scheme_doc, appealed, reason="申诉改判", reason_en="appeal upheld")
    again = invoke("publish", "--db", db, "--year", "2016", "--run", "2016-r2")
    assert again.exit_code == 2 and "2016 年已发布 2016-r1" in again.output
    assert '--revision 2016-r2 --reason "' in again.output
    assert "Traceback" not in again.output

    result = invoke("revisions", "--db", db, "--year", "2016")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("已发布" in line and "年终考核" in line for line in lines)
    assert any("发布后修订" in line and "申诉改判" in line for line in lines)
    assert "第 2 版（2016-r2）相对 2016-r1 的变化：" in result.output
    name = by_id(first)[leader]["unit_name"]
    row = next(line for line in lines if line.startswith(name))
    assert f"{by_id(first)[leader]['rank']} → 1" in row
    english = invoke("--lang", "en", "revisions", "--db", db, "--year", "2016")
    assert "appeal upheld" in english.output and "revision after publication" in english.output


@pytest.mark.parametrize("args, message", [
    (["history", "nobody"], "没有单位 nobody"),
    (["revisions", "--year", "1999"], "没有 1999 年"),
    (["publish", "--year", "1999"], "1999 年还没有"),
])
def test_cli_errors_are_messages(db: str, tmp_path: Path, args: list[str], message: str) -> None:
    open_store(db).close()
    result = invoke(*args, "--db", db)
    assert result.exit_code == 2 and message in result.output
    missing = invoke(*args, "--db", str(tmp_path / "missing.db"))
    assert missing.exit_code == 2 and "历史数据库不存在" in missing.output
    assert not (tmp_path / "missing.db").exists()
    nowhere = f"postgresql://kaohe@/kaohe?host={tmp_path}"  # no server's socket there
    postgres = invoke("--lang", "en", *args, "--db", nowhere)
    assert postgres.exit_code == 2 and "cannot reach the server" in postgres.output
    other = invoke("--lang", "en", *args, "--db", "mysql://h/kaohe")
    assert other.exit_code == 2 and "unsupported database 'mysql://'" in other.output


@pytest.mark.parametrize("command", ["publish", "history", "revisions"])
def test_every_history_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example: kaohe " + command in result.output


def test_console_script_history(three_years: tuple[str, str, str]) -> None:
    db, steady, _ = three_years
    proc = subprocess.run([KAOHE, "history", steady, "--db", db], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "建议记三等功" in proc.stdout and "2016" in proc.stdout
    bad = subprocess.run([KAOHE, "history", steady, "--db", "postgresql://kaohe@127.0.0.1:1/k"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "无法连接服务器" in bad.stderr and "127.0.0.1" in bad.stderr


@pytest.mark.parametrize("command", [["revisions", "--year", "2016"], ["history", "fuyun"]])
def test_a_closed_pipe_ends_quietly(three_years: tuple[str, str, str], command: list[str]) -> None:
    """`kaohe revisions … | head`: the reader has gone; no "Broken pipe" error, exit 0."""
    db = three_years[0]
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line is written
    try:
        proc = subprocess.run([KAOHE, *command, "--db", db], stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert proc.returncode == 0 and proc.stderr == ""


# -- publishing again after an appeal -----------------------------------------------------

def _cell_texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
            if isinstance(v, str)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_decision_reads_the_same_in_the_history_the_results_and_the_feedback(
        lang: str, tmp_path: Path, scheme: Scheme, generated: dict[str, Any]) -> None:
    leader = county_leader(run_engine(scheme, generated)[1])
    scheme_doc, first = run_engine(scheme, generated, events=[deduction(leader, 10)])
    _, appealed = run_engine(scheme, generated, events=[deduction(leader, 10)],
                             decisions=[overturn()])
    with open_store(str(tmp_path / "h.db")) as store:
        store.record_run(scheme_doc, first, inputs=[FILE])
        store.record_run(scheme_doc, appealed, inputs=[FILE])
        run = store.runs(2016)[-1]
    en = lang == "en"
    results = _cell_texts(write_results_workbook(appealed, tmp_path / "r.xlsx", lang=lang))
    feedback = _cell_texts(write_feedback_workbook(appealed, leader, tmp_path / "f.xlsx",
                                                   lang=lang))
    said = "Appeal: overturned" if en else "申诉：撤销"
    assert said in results
    lines = [line for text in feedback for line in text.splitlines()]
    assert any(line.startswith(f"{said}, " if en else f"{said}，") for line in lines)
    assert (run.reason_en if en else run.reason).startswith(
        "new decisions: appeal D9001 on event E9001 (overturned)" if en
        else "新登记的决定：申诉 D9001（事项 E9001，撤销）")


@pytest.fixture
def appeal(db: str, scheme: Scheme, generated: dict[str, Any]) -> tuple[str, str, dict, dict]:
    """2016-r1 published with a deduction on the county leader; 2016-r2 overturns it."""
    _, plain = run_engine(scheme, generated)
    leader = county_leader(plain)
    scheme_doc, first = run_engine(scheme, generated, events=[deduction(leader, 10)])
    _, appealed = run_engine(scheme, generated, events=[deduction(leader, 10)],
                             decisions=[overturn()])
    with open_store(db) as store:
        store.record_run(scheme_doc, first, reason="年终考核", reason_en="year-end", now=NOW)
        store.publish(2016, now=NOW)
        store.record_run(scheme_doc, appealed, reason="申诉改判", reason_en="appeal upheld")
    return db, leader, by_id(first)[leader], by_id(appealed)[leader]


def test_an_upheld_appeal_is_published_again(appeal: tuple[str, str, dict, dict],
                                             scheme: Scheme, generated: dict[str, Any]) -> None:
    db, leader, before, after = appeal
    later = datetime(2017, 2, 1, 8, 0, tzinfo=UTC)
    with open_store(db) as store:
        with pytest.raises(KaoheError) as info:  # without a reason: refused, saying how
            store.publish(2016, "2016-r2")
        assert "--revision 2016-r2 --reason" in info.value.message
        assert "give a reason" in info.value.message_en
        done = store.publish(2016, "2016-r2", reason="申诉复核：撤销扣分",
                             reason_en="appeal upheld", now=later)
        assert (done.run_id, done.number, done.replaces, done.provisional) == (
            "2016-r2", 2, "2016-r1", False)
        # both publications stay on record, with their dates and reasons
        assert [(p.run_id, p.published_at, p.reason) for p in store.publications(2016)] == [
            ("2016-r1", NOW.isoformat(), ""),
            ("2016-r2", later.isoformat(), "申诉复核：撤销扣分")]
        assert [(r.run_id, r.published, r.superseded) for r in store.runs(2016)] == [
            ("2016-r1", False, True), ("2016-r2", True, False)]
        assert store.published_run(2016) == "2016-r2"
        # the latest publication is the year's result: history and next year's comparison
        [row] = store.unit_history(leader)
        assert (row.run_id, row.total, row.rank, row.newer_run_id) == (
            "2016-r2", after["total"], 1, None)
        _, next_year = run_engine(scheme, generated, year=2017)
        h = by_id(store.annotate(next_year))[leader]["history"]
        assert (h["previous_total"], h["previous_rank"]) == (after["total"], 1)
        # not back to the older run, and the same run again changes nothing
        with pytest.raises(KaoheError, match="不能改为更早的 2016-r1"):
            store.publish(2016, "2016-r1", reason="改回")
        assert store.publish(2016, "2016-r2") == done
        # a revision newer than the publication is shown as such
        scheme_doc, third = run_engine(scheme, generated, events=[deduction(leader, 3)])
        assert store.record_run(scheme_doc, third, reason="再次复核").recorded
        assert store.unit_history(leader)[0].newer_run_id == "2016-r3"
    assert count(db, "publications") == 2
    assert before["total"] != after["total"]


def test_a_republished_year_counts_for_the_three_years_rule(
        three_years: tuple[str, str, str], scheme: Scheme, generated: dict[str, Any]) -> None:
    db, _, gap = three_years  # gap lost the top grade in 2015 to a 20-point deduction
    scheme_doc, appealed = run_engine(scheme, generated, year=2015)  # … overturned on appeal
    with open_store(db) as store:
        assert [r.top_grade for r in store.unit_history(gap)] == [True, False, True]
        store.record_run(scheme_doc, appealed, reason="申诉成立")
        assert [r.top_grade for r in store.unit_history(gap)] == [True, False, True]
        store.publish(2015, "2015-r2", reason="申诉成立，撤销扣分")
        assert [r.top_grade for r in store.unit_history(gap)] == [True, True, True]
    result = invoke("history", gap, "--db", db)
    assert "2014–2016 年连续 3 年获评“好”：建议记三等功" in result.output


def test_cli_publish_again_and_history(appeal: tuple[str, str, dict, dict]) -> None:
    db, leader, before, after = appeal
    with open_store(db) as store:
        name = store.unit_history(leader)[0].unit_name
    marked = invoke("history", leader, "--db", db)
    assert "有未发布的修订 2016-r2" in marked.output and f"{before['total']:.2f}" in marked.output
    english = invoke("--lang", "en", "history", leader, "--db", db)
    assert "unpublished revision 2016-r2" in english.output
    refused = invoke("publish", "--db", db, "--year", "2016", "--revision", "2016-r2")
    assert refused.exit_code == 2 and "请说明原因" in refused.output
    done = invoke("publish", "--db", db, "--year", "2016", "--revision", "2016-r2",
                  "--reason", "申诉复核：撤销扣分", "--reason-en", "appeal upheld")
    assert done.exit_code == 0, done.output
    assert "已以 2016-r2（第 2 版）重新发布 2016 年结果，取代 2016-r1" in done.output
    history = invoke("history", name, "--db", db)
    assert history.exit_code == 0, history.output
    assert f"{after['total']:.2f}" in history.output and "2016-r2" in history.output
    assert "未发布的修订" not in history.output
    revisions = invoke("revisions", "--db", db, "--year", "2016")
    lines = revisions.output.splitlines()
    assert any("曾发布，已被取代" in line and "2016-r1" in line for line in lines)
    assert any(line.startswith("2 ") and "2016-r2" in line and "2016-r1" in line
               and "申诉复核：撤销扣分" in line for line in lines)
    english = invoke("--lang", "en", "revisions", "--db", db, "--year", "2016")
    assert "published before, replaced" in english.output and "appeal upheld" in english.output


# -- provisional results ------------------------------------------------------------------

PROVISIONAL = [{"reason": "缺少牵头部门评分表：组织部", "reason_en": "lead-department sheet "
                "missing: Organisation Department"},
               {"reason": "问题登记表被退回", "reason_en": "the adjustments register was rejected"}]


@pytest.mark.parametrize("provisional", [[], PROVISIONAL])
def test_provisional_results_need_allow_provisional(db: str, scheme: Scheme,
                                                    generated: dict[str, Any],
                                                    provisional: list[dict[str, str]]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    results["provisional"] = provisional
    with open_store(db) as store:
        store.record_run(scheme_doc, results)
    refused = invoke("publish", "--db", db, "--year", "2016")
    english = invoke("--lang", "en", "publish", "--db", db, "--year", "2016")
    if not provisional:  # complete results publish as ever
        assert refused.exit_code == 0 and "暂定" not in refused.output
        return
    assert refused.exit_code == 2 and english.exit_code == 2
    assert "2016-r1 的结果是暂定的" in refused.output and "--allow-provisional" in refused.output
    assert "缺少牵头部门评分表：组织部" in refused.output and "问题登记表被退回" in refused.output
    assert "lead-department sheet missing" in english.output and "provisional" in english.output
    with open_store(db) as store:
        assert store.publications(2016) == [] and store.published_run(2016) is None
    done = invoke("publish", "--db", db, "--year", "2016", "--allow-provisional")
    assert done.exit_code == 0 and "暂定结果" in done.output
    with open_store(db) as store:
        [publication] = store.publications(2016)
        assert publication.provisional is True
    revisions = invoke("revisions", "--db", db, "--year", "2016")
    assert any("2016-r1" in line and " 是 " in line for line in revisions.output.splitlines())


# -- the same run again -------------------------------------------------------------------

def test_the_same_run_again_adds_no_revision(db: str, scheme: Scheme,
                                             generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    _, other = run_engine(scheme, generated, events=[deduction(county_leader(results), 10)])
    with open_store(db) as store:
        store.record_run(scheme_doc, results, inputs=[FILE], reason="年终考核")
        store.publish(2016)
        again = store.record_run(scheme_doc, copy.deepcopy(results), inputs=[dict(FILE)],
                                 reason="已登记的决定（重复）")
        assert (again.recorded, again.run_id, again.revision, again.diff) == (
            False, "2016-r1", 1, [])
        assert again.unchanged_message()[0].startswith("与 2016-r1 相同")
        assert "no new revision recorded" in again.unchanged_message()[1]
        assert [r.reason for r in store.runs(2016)] == ["年终考核"]
        # a changed input file, or changed results, is a new revision
        new_file = store.record_run(scheme_doc, results, inputs=[{**FILE, "sha256": "ef" * 32}])
        assert (new_file.recorded, new_file.run_id) == (True, "2016-r2")
        changed = store.record_run(scheme_doc, other, inputs=[{**FILE, "sha256": "ef" * 32}])
        assert (changed.recorded, changed.run_id) == (True, "2016-r3")
        # compared with the latest run only: back to r1's results is a new revision
        back = store.record_run(scheme_doc, results, inputs=[FILE])
        assert (back.recorded, back.run_id) == (True, "2016-r4")
        forced = store.record_run(scheme_doc, results, inputs=[FILE], only_if_changed=False)
        assert forced.run_id == "2016-r5"


# -- units by name, English labels --------------------------------------------------------

def test_history_by_name_or_id(three_years: tuple[str, str, str]) -> None:
    db, steady, _ = three_years
    with open_store(db) as store:
        row = store.unit_history(steady)[-1]
        assert row.unit_name_en
        for text in (steady, row.unit_name, row.unit_name_en, row.unit_name_en.upper(),
                     f" {row.unit_name} "):
            assert store.find_unit(text) == steady, text
    by_name = invoke("history", row.unit_name, "--db", db)
    assert by_name.exit_code == 0 and f"{row.unit_name}（{steady}）" in by_name.output
    by_english = invoke("--lang", "en", "history", row.unit_name_en, "--db", db)
    assert by_english.exit_code == 0 and f"{row.unit_name_en} ({steady})" in by_english.output
    close = invoke("history", row.unit_name[:-1], "--db", db)
    assert close.exit_code == 2 and f"相近的单位：{row.unit_name}（{steady}）" in close.output
    close_en = invoke("--lang", "en", "history", row.unit_name_en[:-1] + "x", "--db", db)
    assert f"close names: {row.unit_name_en} ({steady})" in close_en.output


def test_english_and_group_names_in_history_and_revisions(appeal: tuple[str, str, dict, dict],
                                                          scheme: Scheme,
                                                          generated: dict[str, Any]) -> None:
    db, leader, before, after = appeal
    with open_store(db) as store:
        name_en = store.unit_history(leader)[0].unit_name_en
        assert name_en
    zh = invoke("revisions", "--db", db, "--year", "2016")
    row = next(line for line in zh.output.splitlines() if f"{before['total']:.2f} →" in line)
    assert "县市" in row and "county" not in row
    en = invoke("--lang", "en", "revisions", "--db", db, "--year", "2016")
    row = next(line for line in en.output.splitlines() if f"{before['total']:.2f} →" in line)
    assert name_en in row and "Counties and city" in row and leader not in row
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in row)  # no Chinese grade either
    history = invoke("--lang", "en", "history", leader, "--db", db)
    assert "Good" in history.output or "Fairly good" in history.output
    assert not any(g in history.output for g in ("好", "较好", "一般", "较差"))


def test_cli_merit_line_in_english(three_years: tuple[str, str, str]) -> None:
    db, steady, _ = three_years
    english = invoke("--lang", "en", "history", steady, "--db", db)
    assert "top grade 'Good' 3 years running (2014–2016)" in english.output


def test_history_note_in_english(three_years: tuple[str, str, str], scheme: Scheme,
                                 generated: dict[str, Any]) -> None:
    db = three_years[0]
    _, current = run_engine(scheme, generated, year=2017)
    with open_store(db) as store:
        out = store.annotate(current)
    assert out["history_note_en"].startswith("history from 2014, 2015, 2016")
    assert "2016 not yet published" in out["history_note_en"]
    assert "top grade 'Good' suggest a third-class merit" in out["history_note_en"]
    assert schema_problems(out) == []


# -- provisional runs never speak for their year unpublished ----------------------------------

@pytest.fixture
def provisional_2016(db: str, scheme: Scheme, generated: dict[str, Any]) -> tuple[str, str]:
    """2014 and 2015 published, complete; 2016 recorded once, provisional (routine missing):
    every unit's totals lower, `steady` (top grade every complete year) no longer top."""
    _, plain = run_engine(scheme, generated)
    steady = [u["unit_id"] for u in plain["units"] if u["grade"] == TOP][0]
    with open_store(db) as store:
        for year in (2014, 2015, 2016):
            scheme_doc, results = run_engine(scheme, generated, year=year)
            if year == 2016:  # scored without the routine assessment summary
                docs = [d for d in flatten(generated) if d is not generated["routine"]]
                results = dict(score(scheme, documents_from(copy.deepcopy(docs))), year=year,
                               provisional=PROVISIONAL)
            store.record_run(scheme_doc, store.annotate(results))
            if year < 2016:
                store.publish(year)
    return db, steady


def test_a_year_with_only_provisional_runs_is_not_compared(
        provisional_2016: tuple[str, str], scheme: Scheme, generated: dict[str, Any]) -> None:
    db, steady = provisional_2016
    _, current = run_engine(scheme, generated, year=2017)
    with open_store(db) as store:
        draft = by_id(store.results("2016-r1"))[steady]
        assert draft["grade"] != TOP  # what the provisional run would have compared
        out = store.annotate(current)
        h = by_id(out)[steady]["history"]
        assert (h["previous_year"], h["previous_grade"]) == (2015, TOP)
        assert h["top_grade_years"] == [2017] and h["three_consecutive_top"] is False
        rows = store.unit_history(steady)
        assert [(r.year, r.provisional, r.counted) for r in rows] == [
            (2014, False, True), (2015, False, True), (2016, True, False)]
        [run] = store.runs(2016)
        assert run.provisional is True and run.published is False
    assert "2016 年只有暂定结果，未作比较" in out["history_note"]
    assert "2016 has only provisional results: not compared" in out["history_note_en"]
    assert "2014、2015 年" in out["history_note"] and "2016 年尚未发布" not in out["history_note"]
    assert schema_problems(out) == []
    history = invoke("history", steady, "--db", db)
    assert history.exit_code == 0, history.output
    assert any(line.startswith("2016") and "否（暂定，不计入）" in line
               for line in history.output.splitlines())
    english = invoke("--lang", "en", "history", steady, "--db", db)
    assert "no (provisional, not counted)" in english.output
    revisions = invoke("revisions", "--db", db, "--year", "2016")
    assert "未发布（暂定）" in revisions.output
    english = invoke("--lang", "en", "revisions", "--db", db, "--year", "2016")
    assert "not published (provisional)" in english.output


def test_the_latest_complete_run_speaks_for_its_year_until_published(
        provisional_2016: tuple[str, str], scheme: Scheme, generated: dict[str, Any]) -> None:
    db, steady = provisional_2016
    scheme_doc, complete = run_engine(scheme, generated, year=2016)
    with open_store(db) as store:
        assert store.record_run(scheme_doc, complete).run_id == "2016-r2"
        again = copy.deepcopy(complete)
        again["provisional"] = PROVISIONAL  # a later run missing something again
        record = store.record_run(scheme_doc, again)
        assert (record.run_id, record.provisional) == ("2016-r3", True)
        row = store.unit_history(steady)[-1]
        assert (row.run_id, row.counted, row.newer_run_id) == ("2016-r2", True, "2016-r3")
        _, current = run_engine(scheme, generated, year=2017)
        out = store.annotate(current)
        assert by_id(out)[steady]["history"]["top_grade_years"] == [2014, 2015, 2016, 2017]
        assert "2016 年尚未发布" in out["history_note"] and "只有暂定" not in out["history_note"]
        # published with --allow-provisional, a provisional run is the year's result
        store.publish(2016, "2016-r3", allow_provisional=True)
        row = store.unit_history(steady)[-1]
        assert (row.run_id, row.published, row.provisional, row.counted) == (
            "2016-r3", True, True, True)
    history = invoke("history", steady, "--db", db)
    assert any(line.startswith("2016") and "是（暂定）" in line
               for line in history.output.splitlines())


def _copy_into_postgres(sqlite_file: Path, url: str) -> None:
    """A SQLite history file's tables, as its kaohe created them, and its rows, on a server."""
    from kaohe.store.backends import connect

    with sqlite3.connect(sqlite_file) as old:
        ddl = [sql for (sql,) in old.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"
                                             " ORDER BY rowid")]
        tables = [name for (name,) in old.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
        data = {}
        for table in tables:
            kinds = [c[2] for c in old.execute(f"PRAGMA table_info({table})")]
            data[table] = [tuple(bool(v) if k == "BOOLEAN" and v is not None else v
                                 for k, v in zip(kinds, row, strict=True))
                           for row in old.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    conn = connect(url)
    try:
        with conn.transaction():
            for statement in ddl:
                conn.execute(statement)
            for table, rows in data.items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    finally:
        conn.close()


def test_a_history_file_from_before_provisional_runs_were_kept_apart(
        db: str, tmp_path: Path) -> None:
    """A database kaohe at 5af1806 wrote (tests/data/make_history_v2.py): 2014 and 2015
    published; 2016-r1 complete and 2016-r2 provisional; 2017-r1 provisional only."""
    old = tmp_path / "v2.sqlite"
    old.write_bytes(gzip.decompress((DATA / "history-v2.sqlite.gz").read_bytes()))
    if database_kind(db) == "postgresql":
        _copy_into_postgres(old, db)
    else:
        db = str(old)
    with open_store(db, create=False) as store:  # migrated on open
        versions = [v for (v,) in store._conn.execute("SELECT version FROM schema_version")]
        assert sorted(versions) == [2, 3, 4, 5, 6] and SCHEMA_VERSION == 6
        assert store.outputs(2016) == []   # version 5: no outputs were recorded before
        assert [(r.run_id, r.provisional) for r in store.runs()] == [
            ("2014-r1", False), ("2015-r1", False), ("2016-r1", False), ("2016-r2", True),
            ("2017-r1", True)]
        rows = store.unit_history("fuyun")
        assert [(r.run_id, r.counted) for r in rows] == [
            ("2014-r1", True), ("2015-r1", True), ("2016-r1", True), ("2017-r1", False)]
        assert rows[2].newer_run_id == "2016-r2"
        note = store.annotate(store.results("2016-r1") | {"year": 2018})["history_note"]
        assert "2014、2015、2016 年" in note and "2017 年只有暂定结果，未作比较" in note
    if database_kind(db) == "sqlite":
        fresh = tmp_path / "new.sqlite"
        open_store(fresh).close()
        with sqlite3.connect(db) as a, sqlite3.connect(fresh) as b:
            query = "SELECT name, sql FROM sqlite_master ORDER BY name"
            assert a.execute(query).fetchall() == b.execute(query).fetchall()



# -- what a run records when no reason is given -----------------------------------------------

def test_a_run_without_a_reason_records_what_is_new_since_the_run_before(
        db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    leader = county_leader(run_engine(scheme, generated)[1])
    scheme_doc, first = run_engine(scheme, generated, events=[deduction(leader, 10)],
                                   decisions=[dict(overturn(), id="D0001", outcome="upheld")])
    _, appealed = run_engine(scheme, generated, events=[deduction(leader, 10),
                                                        deduction(leader, 2, "E9002")],
                             decisions=[dict(overturn(), id="D0001", outcome="upheld"),
                                        overturn("E9002")])
    routine = {"path": "in/平时考核汇总表.xlsx", "sha256": "01" * 32, "kind": "routine"}
    fuyun = dict(FILE, path="in/单位自评表_富蕴县.xlsx")
    with open_store(db) as store:
        store.record_run(scheme_doc, first, inputs=[fuyun])
        store.record_run(scheme_doc, first, inputs=[fuyun, routine], only_if_changed=False)
        store.record_run(scheme_doc, first, inputs=[dict(fuyun, sha256="ef" * 32)],
                         only_if_changed=False)
        store.record_run(scheme_doc, appealed, inputs=[fuyun])
        store.record_run(scheme_doc, appealed, inputs=[fuyun], only_if_changed=False)
        store.record_run(scheme_doc, first, inputs=[fuyun], reason="申诉复核", reason_en="appeal",
                         only_if_changed=False)
        runs = store.runs(2016)
    assert [r.reason for r in runs] == [
        "首次汇总",
        "输入变化：新增 平时考核汇总表.xlsx",
        "输入变化：删除 平时考核汇总表.xlsx；更改 单位自评表_富蕴县.xlsx",
        "新登记的决定：申诉 D9001（事项 E9002，撤销）：申诉成立，撤销扣分",  # not D0001 again
        "重新汇总",
        "申诉复核"]
    assert [r.reason_en for r in runs] == [
        "first consolidation",
        "inputs changed: added 平时考核汇总表.xlsx",
        "inputs changed: removed 平时考核汇总表.xlsx; changed 单位自评表_富蕴县.xlsx",
        "new decisions: appeal D9001 on event E9002 (overturned)",
        "consolidated again",
        "appeal"]


def _two_appeal_runs(scheme: Scheme, generated: dict[str, Any]
                     ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(scheme, a run upholding D0001, a run that also overturns E9002 by D9001)."""
    leader = county_leader(run_engine(scheme, generated)[1])
    upheld = dict(overturn(), id="D0001", outcome="upheld")
    scheme_doc, first = run_engine(scheme, generated, events=[deduction(leader, 10)],
                                   decisions=[upheld])
    _, appealed = run_engine(scheme, generated, events=[deduction(leader, 10),
                                                        deduction(leader, 2, "E9002")],
                             decisions=[upheld, overturn("E9002")])
    return scheme_doc, first, appealed


def test_the_decisions_are_kept_apart_from_the_results(tmp_path: Path, scheme: Scheme,
                                                       generated: dict[str, Any]) -> None:
    """A new run tells its new decisions from the run before's decisions alone: the
    megabytes of that run's results are not read back (here they are damaged, unread)."""
    from kaohe.store.rules import decisions_text

    scheme_doc, first, appealed = _two_appeal_runs(scheme, generated)
    db = tmp_path / "h.sqlite"
    with open_store(db) as store:
        store.record_run(scheme_doc, first, inputs=[FILE])
    with sqlite3.connect(db) as conn:
        [(kept,)] = conn.execute("SELECT content FROM run_decisions WHERE run_id = '2016-r1'")
        assert kept == decisions_text(first) and '"D0001"' in kept
        conn.execute("UPDATE results_docs SET content = 'not json' WHERE run_id = '2016-r1'")
    with open_store(db) as store:
        record = store.record_run(scheme_doc, appealed, inputs=[FILE], only_if_changed=False)
        assert store.run(record.run_id).reason == (
            "新登记的决定：申诉 D9001（事项 E9002，撤销）：申诉成立，撤销扣分")
    with sqlite3.connect(db) as conn:  # damaged decisions are named by their run
        conn.execute("UPDATE run_decisions SET content = '[1]' WHERE run_id = '2016-r2'")
    with open_store(db) as store, pytest.raises(KaoheError, match="2016-r2.*run_decisions"):
        store.record_run(scheme_doc, first, inputs=[FILE], only_if_changed=False)


def test_stored_results_are_deflated_and_plain_ones_still_read(
        tmp_path: Path, scheme: Scheme, generated: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Since schema 6 a run's results are kept deflated (a quarter of the text or less); a
    plain JSON row, as earlier versions wrote, reads the same; a damaged one names its run."""
    from kaohe.store import texts
    from kaohe.store.texts import compact, packed_results, unpack_results

    scheme_doc, results = run_engine(scheme, generated)
    db = tmp_path / "h.sqlite"
    with open_store(db) as store:
        record = store.record_run(scheme_doc, results, inputs=[FILE])
        stored = store.results(record.run_id)
    assert stored == json.loads(compact(results))
    with sqlite3.connect(db) as conn:
        [(content,)] = conn.execute("SELECT content FROM results_docs")
        assert content.startswith("deflate:") and len(content) * 4 < len(compact(results))
        assert unpack_results(content) == compact(results)
        conn.execute("UPDATE results_docs SET content = ?", (compact(results),))
    with open_store(db) as store:
        assert store.results(record.run_id) == stored
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE results_docs SET content = 'deflate:AAAA'")
    with open_store(db) as store, pytest.raises(KaoheError, match="2016-r1.*无法解压"):
        store.results(record.run_id)
    # the database is not trusted: a row that would inflate past the bound is refused, not
    # inflated (here the bound is lowered to the document's own size, less one byte)
    monkeypatch.setattr(texts, "MAX_RESULTS_TEXT", len(compact(results).encode()) - 1)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE results_docs SET content = ?", (packed_results(results)[0],))
    with open_store(db) as store, pytest.raises(KaoheError, match="2016-r1.*解压后超过"):
        store.results(record.run_id)


def test_a_version_5_history_lists_its_decisions_apart_on_open(
        tmp_path: Path, scheme: Scheme, generated: dict[str, Any]) -> None:
    """Schema 6 adds run_decisions: opening a version 5 database fills it from each run's
    stored results, and the next run's reason names only what is new."""
    from kaohe.store.rules import decisions_text

    scheme_doc, first, appealed = _two_appeal_runs(scheme, generated)
    db = tmp_path / "v5.sqlite"
    with open_store(db) as store:
        store.record_run(scheme_doc, first, inputs=[FILE])
    with sqlite3.connect(db) as conn:  # as kaohe at schema 5 left it
        conn.execute("DROP TABLE run_decisions")
        conn.execute("UPDATE schema_version SET version = 5")
    with open_store(db) as store:
        versions = [v for (v,) in store._conn.execute("SELECT version FROM schema_version")]
        assert versions[-1] == 6
        record = store.record_run(scheme_doc, appealed, inputs=[FILE], only_if_changed=False)
        assert store.run(record.run_id).reason_en == (
            "new decisions: appeal D9001 on event E9002 (overturned)")
    with sqlite3.connect(db) as conn:
        assert dict(conn.execute("SELECT run_id, content FROM run_decisions")) == {
            "2016-r1": decisions_text(first), "2016-r2": decisions_text(appealed)}


def test_many_changed_files_are_counted_not_all_named(db: str, scheme: Scheme,
                                                      generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    files = [dict(FILE, path=f"x/submissions/单位自评表_{i:02d}.xlsx") for i in range(8)]
    with open_store(db) as store:
        store.record_run(scheme_doc, results, inputs=files[:1])
        store.record_run(scheme_doc, results, inputs=files)
        [_, run] = store.runs(2016)
    assert run.reason == ("输入变化：新增 单位自评表_01.xlsx、单位自评表_02.xlsx、"
                          "单位自评表_03.xlsx、单位自评表_04.xlsx、单位自评表_05.xlsx"
                          "等（另 2 个）")
    assert run.reason_en.endswith("单位自评表_05.xlsx and 2 more")


# -- publishing the official result again, what record_run says of the year -------------------

def test_publishing_the_official_revision_again_changes_nothing(
        appeal: tuple[str, str, dict, dict]) -> None:
    db = appeal[0]
    for _ in range(2):  # r1, the official result, then r2 once it is
        run_id = "2016-r1" if count(db, "publications") == 1 else "2016-r2"
        same = invoke("publish", "--db", db, "--year", "2016", "--revision", run_id,
                      "--reason", "x")
        assert same.exit_code == 0, same.output
        assert same.output.strip() == f"{run_id} 已是正式结果，未作更改"
        english = invoke("--lang", "en", "publish", "--db", db, "--year", "2016")
        if run_id == "2016-r1":  # the latest run is r2: published again needs a reason
            assert english.exit_code == 2 and "give a reason" in english.output
            assert invoke("publish", "--db", db, "--year", "2016", "--reason", "申诉复核"
                          ).exit_code == 0
        else:
            assert english.output.strip() == "2016-r2 is already the official result: nothing " \
                                              "changed"
    with open_store(db) as store:
        assert [(p.run_id, p.reason) for p in store.publications(2016)] == [
            ("2016-r1", ""), ("2016-r2", "申诉复核")]


def test_a_recorded_run_says_its_revision_and_the_years_publication(
        db: str, scheme: Scheme, generated: dict[str, Any]) -> None:
    scheme_doc, results = run_engine(scheme, generated)
    _, other = run_engine(scheme, generated, events=[deduction(county_leader(results), 10)])
    with open_store(db) as store:
        first = store.record_run(scheme_doc, dict(results, provisional=PROVISIONAL))
        assert first.summary() == {"run_id": "2016-r1", "revision": 1, "published": False,
                                   "published_revision": None, "provisional": True}
        second = store.record_run(scheme_doc, results)
        store.publish(2016)
        same = store.record_run(scheme_doc, results)  # nothing new: the official result
        assert (same.recorded, second.provisional) == (False, False)
        assert same.summary() == {"run_id": "2016-r2", "revision": 2, "published": True,
                                  "published_revision": "2016-r2", "provisional": False}
        third = store.record_run(scheme_doc, other)
        assert third.summary() == {"run_id": "2016-r3", "revision": 3, "published": False,
                                   "published_revision": "2016-r2", "provisional": False}
