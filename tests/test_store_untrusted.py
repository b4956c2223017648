"""The history database is read back, so it is untrusted (kaohe.store.trust): a foreign
SQLite file is left untouched, read-only commands write nothing (and work on read-only
media), damaged rows are clear errors naming the run, a damaged file is not published from,
and text PostgreSQL cannot store (a NUL) is stored escaped instead of failing the run."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.pipeline.consolidate import run_consolidation


@pytest.fixture(scope="module")
def recorded(clean_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kaohe history database holding one run (2016-r1) of the clean folder."""
    db = tmp_path_factory.mktemp("recorded") / "history.sqlite"
    run_consolidation(clean_folder, json_out=db.parent / "r.json", db=str(db),
                      echo=lambda text: None)
    return db


def _copy(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "history.sqlite"
    shutil.copy(db, target)
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_foreign_sqlite_file_is_left_untouched(clean_folder: Path, tmp_path: Path) -> None:
    # `kaohe revisions` and `kaohe history` added kaohe's tables to another application's
    # SQLite file and switched it to WAL; consolidate recorded into it.
    other = tmp_path / "crm.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers (name) VALUES ('张三')")
    db.close()
    before = _digest(other)
    for args in (["revisions", "--db", str(other), "--year", "2016"],
                 ["history", "fuyun", "--db", str(other)],
                 ["publish", "--db", str(other), "--year", "2016"],
                 ["consolidate", str(clean_folder), "--db", str(other), "--json",
                  str(tmp_path / "r.json")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code != 0, (args, result.output)
        assert "不是 kaohe 的历史数据库" in result.output and "customers" in result.output
        assert "Traceback" not in result.output
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.db"]  # no -wal, no results
    with sqlite3.connect(other) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_read_only_commands_create_nothing(recorded: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["revisions", "--db", str(empty), "--year", "2016"])
    assert result.exit_code != 0 and "没有 kaohe 的历史记录" in result.output
    assert empty.read_bytes() == b""
    db = _copy(recorded, tmp_path)
    before = _digest(db)
    listed = CliRunner().invoke(main, ["revisions", "--db", str(db), "--year", "2016"])
    assert listed.exit_code == 0 and "2016-r1" in listed.output
    assert _digest(db) == before


def test_a_database_on_read_only_media_can_be_read(recorded: Path, tmp_path: Path) -> None:
    # "unable to open database file": a WAL database could not even be read there.
    media = tmp_path / "media"
    media.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(media)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr!r}")
    try:
        shutil.copy(recorded, media / "history.sqlite")
        subprocess.run(["mount", "-o", "remount,ro", str(media)], check=True)
        for args in (["revisions", "--db", str(media / "history.sqlite"), "--year", "2016"],
                     ["history", "富蕴县", "--db", str(media / "history.sqlite")]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            assert "2016" in result.output
    finally:
        subprocess.run(["umount", "-l", str(media)], check=False)


@pytest.mark.parametrize("tamper, commands", [
    ("UPDATE results_docs SET content = '{not json'", ["publish"]),
    ("UPDATE unit_results SET total = 'abc' WHERE unit_id = 'fuyun'",
     ["history", "consolidate", "publish"]),
])
def test_damaged_rows_are_refused_naming_the_run(recorded: Path, clean_folder: Path,
                                                 tmp_path: Path, tamper: str,
                                                 commands: list[str]) -> None:
    # A results row that is not JSON, or a total stored as text, crashed publish,
    # consolidate and history with a traceback.
    db = _copy(recorded, tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute(tamper)
    conn.close()
    args = {"publish": ["publish", "--db", str(db), "--year", "2016", "--allow-provisional"],
            "history": ["history", "fuyun", "--db", str(db)],
            "consolidate": ["consolidate", str(clean_folder), "--db", str(db), "--json",
                            str(tmp_path / "r.json")]}
    for name in commands:
        result = CliRunner().invoke(main, args[name])
        assert result.exit_code == 2, (name, result.output)
        assert "2016-r1" in result.output and "已损坏" in result.output, (name, result.output)
        assert "Traceback" not in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM publications").fetchone()[0] == 0


def test_a_damaged_file_is_not_published_from(recorded: Path, tmp_path: Path) -> None:
    # Publish exited 0 on a database that failed integrity_check.
    db = _copy(recorded, tmp_path)
    with sqlite3.connect(db) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name ="
                            " 'unit_results_by_unit'").fetchone()[0]
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    with open(db, "r+b") as handle:  # the unit index's root page: zeros after its header
        handle.seek((root - 1) * page + 8)
        handle.write(b"\0" * (page - 8))
    result = CliRunner().invoke(main, ["publish", "--db", str(db), "--year", "2016",
                                       "--allow-provisional"])
    assert result.exit_code != 0, result.output
    assert "已损坏" in result.output or "不是可用的历史数据库" in result.output
    assert "Traceback" not in result.output


def test_a_nul_in_a_refused_workbook_does_not_fail_postgresql(clean_folder: Path,
                                                              tmp_path: Path,
                                                              pg_server: Any) -> None:
    # A _meta unit id holding an escaped NUL (_x0000_) failed the whole consolidation on
    # PostgreSQL ("text fields cannot contain NUL"), nothing saved, the file not named.
    folder = tmp_path / "sub"
    shutil.copytree(clean_folder, folder)
    report = next(p for p in sorted(folder.glob("*.xlsx")) if "单位自评表" in p.name)
    wb = openpyxl.load_workbook(report)
    wb["_meta"]["B6"].value = "fuyun_x0000_"
    wb.save(report)
    url = pg_server.create_database()
    said: list[str] = []
    code, results = run_consolidation(folder, json_out=tmp_path / "r.json", db=url,
                                      echo=said.append)
    assert code == 1, "\n".join(said)
    assert results["run"]["run_id"] == "2016-r1"
    from kaohe.store import open_store

    with open_store(url) as store:
        rows = store.inputs("2016-r1")
    refused = [r for r in rows if r["status"] == "rejected"]
    assert [Path(r["path"]).name for r in refused] == [report.name]
    assert "\x00" not in str(refused[0]) and "\\x00" in str(refused[0]["unit_id"])
