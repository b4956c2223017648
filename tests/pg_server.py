"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, then a
server listening only on a unix socket in that folder (no TCP port), stopped at the end.

initdb and pg_ctl refuse to run as root, and the tests run as root in CI: as root, they run
as the unprivileged ``postgres`` user (Debian's postgresql package creates it; else
``nobody``) through ``runuser``, and the folder is handed to that user. The server runs
without fsync: its data is thrown away. When it cannot be started, the tests that need it
fail with the reason (``make sysdeps`` installs Debian's ``postgresql``); they never skip.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["PASSWORD_USER", "PgServer", "PgUnavailable", "find_bindir", "running_server"]

SUPERUSER = "kaohe"
#: A role that must give its password (scram-sha-256); every other local role is trusted.
PASSWORD_USER, PASSWORD = "kaohe_pw", "right-password"

_SETTINGS = """
listen_addresses = ''
unix_socket_directories = '{socket_dir}'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 40
shared_buffers = 16MB
"""
_HBA = f"""local all {PASSWORD_USER} scram-sha-256
local all all trust
"""


class PgUnavailable(RuntimeError):
    """The test server could not be started; the message says why and what to install."""


def find_bindir() -> Path:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if versions:
        return Path(versions[-1]).parent
    raise PgUnavailable("PostgreSQL's initdb was not found (on PATH or under "
                        "/usr/lib/postgresql/*/bin): install Debian's postgresql package "
                        "(`make sysdeps` does)")


class PgServer:
    """A running server: URLs of its databases in SQLAlchemy's unix-socket form."""

    def __init__(self, folder: Path, bindir: Path, prefix: list[str]) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.bindir = bindir
        self._prefix = prefix
        self._names = itertools.count(1)

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """postgresql://user[:password]@/database?host=<socket folder>."""
        login = f"{user}:{password}" if password else user
        return f"postgresql://{login}@/{database}?host={self.folder}"

    def sql(self, *statements: str, database: str = "postgres") -> None:
        """Run statements as the superuser, each in its own transaction (CREATE DATABASE …)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement.encode())

    def create_database(self, owner: str = SUPERUSER) -> str:
        """A new, empty database; returns its URL."""
        name = f"kaohe_test_{os.getpid()}_{next(self._names)}"
        self.sql(f'CREATE DATABASE {name} OWNER "{owner}"')
        return self.url(name)

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """One of the server's programs, as the unprivileged user when we are root."""
        return subprocess.run([*self._prefix, str(self.bindir / tool), *args], cwd=self.folder,
                              capture_output=True, text=True, timeout=60, check=False)

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self) -> str:
        """The end of the server's log, for error messages."""
        try:
            return (self.folder / "server.log").read_text(errors="replace")[-1500:]
        except OSError:
            return ""


def _run_as() -> tuple[list[str], int | None, int | None]:
    """(command prefix, uid, gid): runuser to an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            user = pwd.getpwnam(name)
            if shutil.which("runuser") is None:
                raise PgUnavailable("running as root, and `runuser` (util-linux) is missing: "
                                    "initdb refuses to run as root")
            return ["runuser", "-u", name, "--"], user.pw_uid, user.pw_gid
    raise PgUnavailable("running as root and there is no 'postgres' or 'nobody' user to run "
                        "initdb as (install Debian's postgresql package)")


def _check(server: PgServer, proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode != 0:
        raise PgUnavailable(f"{what} failed (exit {proc.returncode}): "
                            f"{(proc.stderr or proc.stdout).strip()[-1500:]}\n{server.log_tail()}")


def start_server() -> PgServer:
    """initdb, configure, start, and create the password role; PgUnavailable if any step fails."""
    bindir = find_bindir()
    prefix, uid, gid = _run_as()
    # a short path: a unix socket's path must fit in 107 bytes
    folder = Path(tempfile.mkdtemp(prefix="kaohe-pg-"))
    if uid is not None and gid is not None:
        os.chown(folder, uid, gid)
    server = PgServer(folder, bindir, prefix)
    try:
        _check(server, server.run("initdb", "-D", str(server.data), "-U", SUPERUSER, "-A", "trust",
                                  "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"),
               "initdb")
        with open(server.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(_SETTINGS.format(socket_dir=folder))
        (server.data / "pg_hba.conf").write_text(_HBA, encoding="utf-8")
        _check(server, server.run("pg_ctl", "-D", str(server.data), "-l",
                                  str(folder / "server.log"), "-w", "-t", "30", "start"),
               "pg_ctl start")
        server.sql(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'")
    except BaseException:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    """A started server, stopped and removed on exit."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()
