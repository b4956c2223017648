"""The history database on a real PostgreSQL server (tests/pg_server.py): what only a server
has — URLs, logins, missing databases, a missing driver — and the commands end to end.

The store's behaviour on both databases is tested in test_store.py (its `db` fixture).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.errors import KaoheError
from kaohe.pipeline.demo import fill_submissions
from kaohe.pipeline.documents import default_scheme_document, load_scheme
from kaohe.pipeline.io import write_json
from kaohe.store import SCHEMA_VERSION, display_url, open_store
from kaohe.synth import scale_scheme, synthesize
from tests.pg_server import PASSWORD, PASSWORD_USER

KAOHE = str(Path(sys.executable).with_name("kaohe"))
TABLES = {"schemes", "runs", "run_inputs", "unit_results", "results_docs", "publications",
          "schema_version"}


def kaohe(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script, as a user runs it."""
    return subprocess.run([KAOHE, *args], capture_output=True, text=True, timeout=300)


def invoke(*args: str) -> Any:
    """The command line in this process."""
    return CliRunner().invoke(main, list(args))


def tables(url: str) -> set[str]:
    with open_store(url) as store:
        rows = store._conn.execute("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = 'public'").fetchall()
    return {r[0] for r in rows}


def test_open_creates_the_tables_once(pg_server: Any) -> None:
    url = pg_server.create_database()
    with open_store(url) as store:
        assert (store.kind, store.path, store.where) == ("postgresql", None, url)
    assert TABLES | {"effective_runs"} <= tables(url)
    with open_store(url, create=False) as store:
        assert store._conn.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)]


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg",
                                    "postgresql+psycopg2"])
def test_sqlalchemy_url_spellings(pg_server: Any, scheme: str) -> None:
    url = pg_server.create_database().replace("postgresql://", f"{scheme}://", 1)
    with open_store(url) as store:
        assert store.runs() == []
        assert store.where == url


def test_password_login(pg_server: Any) -> None:
    url = pg_server.create_database(owner=PASSWORD_USER)
    name = url.partition("@/")[2].partition("?")[0]
    good = pg_server.url(name, PASSWORD_USER, PASSWORD)
    with open_store(good) as store:
        assert store.where == good.replace(PASSWORD, "***") and PASSWORD not in store.where
    with pytest.raises(KaoheError) as info:
        open_store(pg_server.url(name, PASSWORD_USER, "wrong"))
    assert "wrong user name or password" in info.value.message_en
    assert "用户名或密码错误" in info.value.message


def _unreachable(pg_server: Any, tmp_path: Path) -> str:
    return f"postgresql://kaohe@/kaohe?host={tmp_path}"


@pytest.mark.parametrize("make_url, zh, en", [
    (lambda s, tmp: s.url("no_such_db"), "服务器上没有数据库 “no_such_db”", "createdb no_such_db"),
    (lambda s, tmp: s.url("postgres", "nobody_here"), "用户名或密码错误",
     "wrong user name or password"),
    (lambda s, tmp: s.url("postgres", PASSWORD_USER), "用户名或密码错误", "wrong user name"),
    (_unreachable, "无法连接服务器", "cannot reach the server"),
    (lambda s, tmp: "postgresql://kaohe:secret@127.0.0.1:1/kaohe", "无法连接服务器",
     "cannot reach the server"),
    (lambda s, tmp: s.url("postgres") + "&bogus=1", "数据库地址无效", "URL is invalid"),
    (lambda s, tmp: "postgresql://kaohe:secret@[::1/kaohe", "数据库地址无效", "URL is invalid"),
])
def test_connection_errors_are_messages(pg_server: Any, tmp_path: Path, make_url: Any,
                                        zh: str, en: str) -> None:
    url = make_url(pg_server, tmp_path)
    with pytest.raises(KaoheError) as info:
        open_store(url)
    assert zh in info.value.message and en in info.value.message_en
    assert "secret" not in info.value.message + info.value.message_en  # no password shown


def test_without_the_driver_a_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg → ImportError
    with pytest.raises(KaoheError) as info:
        open_store("postgresql://kaohe@localhost/kaohe")
    assert "pip install 'kaohe[postgres]'" in info.value.message
    assert "psycopg driver" in info.value.message_en


def test_display_url_hides_the_password() -> None:
    assert display_url("postgresql://u:p%40ss@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert display_url("postgresql://u@/db?host=/run/pg") == "postgresql://u@/db?host=/run/pg"


def test_a_lost_server_is_a_message(pg_server: Any) -> None:
    url = pg_server.create_database()
    with open_store(url) as store:
        store._conn.raw.close()  # as if the server had gone away
        with pytest.raises(KaoheError) as info:
            store.runs()
    assert "读取历史数据库" in info.value.message
    assert "reading the history database" in info.value.message_en


@pytest.mark.parametrize("args", [["history", "fuyun"], ["revisions", "--year", "2016"],
                                  ["publish", "--year", "2016"]])
def test_cli_connection_errors(pg_server: Any, args: list[str]) -> None:
    missing = pg_server.url("no_such_db")
    for lang, text in (("zh", "服务器上没有数据库"), ("en", "the server has no database")):
        result = invoke("--lang", lang, *args, "--db", missing)
        assert result.exit_code == 2 and text in result.output, result.output
        assert "Traceback" not in result.output


# -- end to end: consolidate a folder into PostgreSQL, then the history commands -------------

@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(scheme.json, folder): the demo's path at 6 units: templates filled by synthetic clerks."""
    from workbook_templates import build_templates

    root = tmp_path_factory.mktemp("pg-e2e")
    doc = scale_scheme(default_scheme_document(), 6)
    write_json(root / "scheme.json", doc)
    scheme = Scheme.from_document(doc)
    build_templates(scheme, root / "templates")
    fill_submissions(synthesize(scheme, seed=11), root / "templates", root / "submissions")
    return root / "scheme.json", root / "submissions"


def test_consolidate_then_history_on_postgres(pg_server: Any, submissions: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    url = pg_server.create_database()
    scheme, folder = submissions
    year = str(load_scheme(scheme).year)
    common = [str(folder), "--scheme", str(scheme), "--db", url, "--year", year]
    proc = kaohe("consolidate", *common, "--json", str(tmp_path / "results.json"))
    assert proc.returncode == 0, proc.stderr
    with open_store(url, create=False) as store:
        [run] = store.runs()
        unit_id = store.results(run.run_id)["units"][0]["unit_id"]
        assert len(store.inputs(run.run_id)) == len(list(folder.iterdir()))  # hashes, findings
    history = kaohe("history", unit_id, "--db", url)
    assert history.returncode == 0, history.stderr
    assert year in history.stdout and f"{year}-r1" in history.stdout
    # then in this process: publish, a second consolidation (a revision), the revisions
    published = invoke("publish", "--db", url, "--year", year)
    assert published.exit_code == 0 and f"{year}-r1" in published.output, published.output
    again = invoke("consolidate", *common, "--reason", "复核", "--json", str(tmp_path / "2.json"))
    assert again.exit_code == 0, again.output
    # the same files give the same results: no revision is added, and the run says so
    assert f"与 {year}-r1 相同" in again.output and "未新增修订" in again.output
    assert "名次" in again.output  # the results are still printed
    # the examinations and the rank-stability draws were kept in the server's database
    assert "复用了" in again.output and "名次稳定性：复用了" in again.output, again.output
    with open_store(url, create=False) as store:
        assert [r.run_id for r in store.runs()] == [f"{year}-r1"]
    revisions = invoke("--lang", "en", "revisions", "--db", url, "--year", year)
    assert revisions.exit_code == 0, revisions.output
    assert "published" in revisions.output and "publications (the latest" in revisions.output
