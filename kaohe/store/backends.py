"""Where the history database lives: a SQLite file or a PostgreSQL server, behind one small
connection type (the store's only dialect layer).

The store writes plain SQL with ``?`` placeholders that both databases accept. What differs
is here: SQLite gets its PRAGMAs and ``BEGIN IMMEDIATE`` (the write lock first, so two runs
cannot take the same revision number); PostgreSQL (psycopg 3) gets ``%s`` placeholders and a
transaction-level advisory lock taken first in every writing transaction, which serialises
writers the same way. Reads run outside transactions (autocommit) on both.

>>> database_kind("sqlite:///history.db"), database_kind("postgresql+psycopg://u@h/kaohe")
('sqlite', 'postgresql')
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from kaohe.errors import KaoheError

__all__ = ["Connection", "Rows", "connect", "database_kind", "display_url", "sqlite_path"]

#: SQLAlchemy's spellings of a PostgreSQL URL that we accept; the driver is always psycopg 3.
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")
#: The key of the advisory lock every writing transaction takes ("kaohe" in ASCII).
_LOCK_KEY = 0x6B616F6865
_INSTALL = "pip install 'kaohe[postgres]'"


class Rows(Protocol):
    """What execute() returns: a cursor of both drivers (fetchone, fetchall, iteration)."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection:
    """One open database: execute, executemany, a writing transaction, close."""

    #: "sqlite" or "postgresql"
    kind = ""
    #: The driver's exception base, for the store to turn into a clean message.
    errors: tuple[type[Exception], ...] = ()

    def __init__(self, where: str, path: Path | None) -> None:
        self.where = where  # for messages: the file, or the URL without its password
        self.path = path  # the SQLite file; None for a server

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement with ``?`` placeholders."""
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters."""
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """All or nothing, holding the database's write lock from the start."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection."""
        raise NotImplementedError


_SQLITE_TIMEOUT = 10.0  # seconds a connection waits for another's write lock


def _journal_wal(raw: sqlite3.Connection) -> None:
    """Switch the file to WAL. SQLite answers "database is locked" at once, without waiting
    as for other statements, while another connection holds the file (two first opens of a
    new database at the same moment): try again until the usual timeout."""
    deadline = time.monotonic() + _SQLITE_TIMEOUT
    while True:
        try:
            raw.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _open_sqlite(path: Path, read_only: bool) -> sqlite3.Connection:
    """A connection; read-only ones never write (no journal switch, no table), and on
    read-only media (where even a WAL file's shared memory cannot be made) open the file as
    immutable."""
    if not read_only:
        return sqlite3.connect(path, timeout=_SQLITE_TIMEOUT, isolation_level=None)
    uri = Path(path).resolve().as_uri()
    raw = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=_SQLITE_TIMEOUT,
                          isolation_level=None)
    try:
        raw.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        raw.close()
        raw = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=_SQLITE_TIMEOUT,
                              isolation_level=None)
    return raw


class SqliteConnection(Connection):
    """A SQLite file: foreign keys on, WAL journal, BEGIN IMMEDIATE transactions."""

    kind = "sqlite"
    errors = (sqlite3.Error,)

    def __init__(self, path: Path, read_only: bool = False) -> None:
        super().__init__(str(path), path)
        self.read_only = read_only
        self.raw = _open_sqlite(path, read_only)
        try:
            from kaohe.store.trust import check_ours

            check_ours(self.raw, self.where)  # before anything is written to a foreign file
            self.raw.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                _journal_wal(self.raw)
        except BaseException:
            self.raw.close()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement with ``?`` placeholders."""
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters."""
        self.raw.executemany(sql, rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """IMMEDIATE takes the write lock first, so revision numbers can't race."""
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.raw.execute("COMMIT")
        except BaseException:
            if self.raw.in_transaction:  # also when COMMIT itself failed
                self.raw.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


class PostgresConnection(Connection):
    """A PostgreSQL database through psycopg 3: autocommit reads, locked writing transactions."""

    kind = "postgresql"

    def __init__(self, url: str, psycopg: Any) -> None:
        super().__init__(display_url(url), None)
        self.errors = (psycopg.Error,)
        extra = {} if re.search(r"[?&]connect_timeout=", url) else {"connect_timeout": 10}
        self.raw = psycopg.connect(_conninfo(url), autocommit=True, application_name="kaohe",
                                   **extra)
        # the lock is taken by the transaction's first statement: each later statement must
        # see what the previous lock holder committed, as READ COMMITTED guarantees
        self.raw.isolation_level = psycopg.IsolationLevel.READ_COMMITTED

    @staticmethod
    def _sql(sql: str) -> str:
        # the store's SQL has no literal "?" or "%", so this is a plain placeholder swap
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement with ``?`` placeholders."""
        cursor: Rows = self.raw.execute(self._sql(sql), params)
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters."""
        with self.raw.cursor() as cursor:
            cursor.executemany(self._sql(sql), list(rows))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction holding the advisory lock all writers take: one writer at a time."""
        with self.raw.transaction():
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            yield

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()


def database_kind(target: str | Path) -> str:
    """"sqlite" for a path or ``sqlite:///`` URL, "postgresql" for a PostgreSQL URL.

    Any other URL scheme is refused with a message naming the two forms.
    """
    if isinstance(target, Path) or "://" not in str(target):
        return "sqlite"
    scheme = str(target).partition("://")[0].lower()
    if scheme == "sqlite":
        return "sqlite"
    if scheme in _POSTGRES_SCHEMES:
        return "postgresql"
    raise KaoheError(
        f"不支持的数据库 “{scheme}://”：请用 SQLite（文件路径或 sqlite:///路径）或 PostgreSQL"
        "（postgresql://用户@主机:端口/数据库）",
        f"unsupported database '{scheme}://': use SQLite (a file path or sqlite:///path) or "
        "PostgreSQL (postgresql://user@host:port/database)")


def sqlite_path(target: str | Path) -> Path:
    """The database file of a path or a ``sqlite:///`` URL (SQLAlchemy's spelling).

    ``sqlite:///rel/h.db`` is relative, ``sqlite:////abs/h.db`` absolute.

    >>> sqlite_path("sqlite:///data/history.db").as_posix()
    'data/history.db'
    """
    if isinstance(target, Path):
        return target
    scheme, sep, rest = str(target).partition("://")
    if not sep:
        return Path(str(target))
    if scheme.lower() != "sqlite":
        raise KaoheError(f"{display_url(str(target))} 不是 SQLite 地址",
                         f"{display_url(str(target))} is not a SQLite URL")
    if not rest.startswith("/") or len(rest) < 2:
        raise KaoheError(f"SQLite 地址应写作 sqlite:///路径，而不是 {target}",
                         f"a SQLite URL reads sqlite:///path, not {target}")
    return Path(rest[1:])


def display_url(url: str) -> str:
    """A URL fit for a message: the password, if any, replaced by ***.

    >>> display_url("postgresql://kaohe:secret@db.example:5432/kaohe")
    'postgresql://kaohe:***@db.example:5432/kaohe'
    """
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    except ValueError:  # a malformed port: say nothing of what follows "//"
        return url.partition("://")[0] + "://…"


def connect(target: str | Path, create: bool = True, read_only: bool = False) -> Connection:
    """Open a path, ``sqlite:///`` URL or PostgreSQL URL; errors become clean KaoheErrors.

    A SQLite file (and its folder) is created unless create=False; a PostgreSQL database
    must already exist (its tables are created by the store). `read_only` opens a SQLite
    file so that nothing can be written (read-only media work); a SQLite file that holds
    another program's tables is refused untouched (kaohe.store.trust).
    """
    if database_kind(target) == "postgresql":
        return _connect_postgres(str(target))
    path = sqlite_path(target)
    if not path.exists():
        if not create or read_only:
            raise KaoheError(f"历史数据库不存在：{path}", f"no history database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return SqliteConnection(path, read_only)
    except sqlite3.DatabaseError as exc:
        raise KaoheError(f"{path} 不是可用的历史数据库：{exc}",
                         f"{path} is not a usable history database: {exc}") from exc


def _connect_postgres(url: str) -> PostgresConnection:
    try:
        import psycopg
    except ImportError as exc:
        raise KaoheError(f"使用 PostgreSQL 历史数据库需要安装驱动 psycopg：{_INSTALL}",
                         f"a PostgreSQL history database needs the psycopg driver: {_INSTALL}"
                         ) from exc
    try:
        return PostgresConnection(url, psycopg)
    except psycopg.Error as exc:
        raise connect_error(url, exc) from exc


def connect_error(url: str, exc: Exception) -> KaoheError:
    """A connection failure, said plainly: no such database, wrong login, or no server."""
    where = display_url(url)
    # libpq quotes a malformed URI whole, password and all
    detail = " ".join(str(exc).replace(url, where).replace(_conninfo(url), where).split())
    database = unquote(url.partition("://")[2].partition("/")[2].partition("?")[0])
    if re.search(r'database "[^"]*" does not exist', detail):
        zh = f"服务器上没有数据库 “{database}”，请先创建（如 createdb {database}）"
        en = f"the server has no database '{database}': create it first (e.g. createdb {database})"
    elif re.search(r"password|authentication|role \"[^\"]*\" does not exist", detail):
        zh, en = "用户名或密码错误", "wrong user name or password"
    elif re.search(r"URI|invalid (connection option|integer value|port)", detail):
        zh, en = "数据库地址无效", "the database URL is invalid"
    else:
        zh = "无法连接服务器，请检查主机、端口（或套接字目录）以及服务器是否已启动"
        en = ("cannot reach the server: check the host and port (or socket folder) and that the "
              "server is running")
    return KaoheError(f"无法打开 PostgreSQL 历史数据库 {where}：{zh}（详情：{detail}）",
                      f"cannot open the PostgreSQL history database {where}: {en} "
                      f"(details: {detail})")


def _conninfo(url: str) -> str:
    """The URL as libpq takes it: SQLAlchemy's "+driver" dropped."""
    return "postgresql://" + url.partition("://")[2]
