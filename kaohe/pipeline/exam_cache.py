"""Examination results kept between runs: a re-run examines only new or changed files.

During collection the office consolidates again and again as files arrive; every run used
to examine every file although at most a few had changed. Each file's examination — its
kind, owner, document and findings — is now kept under the SHA-256 of its bytes and the
path it was examined at (a finding names its file), for one scheme (the SHA-256 of the
scheme document's canonical JSON) and one examiner (kaohe's version, python-calamine's,
and a digest of the code that examines: `examiner_fingerprint`). An entry of another
scheme or another examiner is never used; a changed, added or renamed file is examined
again; entries of files gone from the folder are dropped when the run ends.

Where: in the history database when ``--db`` is given (a table of its own, outside the
history's versioned schema: a cache, not history), else in ``.kaohe-cache.sqlite`` beside
the outputs. Either is safe to delete (the table: not the history database). An entry is
JSON text, deflated and in base64, with its own SHA-256 beside it: a damaged entry (or a
cache file that is not a database) is ignored with a note, and the file examined again.
An examination whose document or findings would not come back from JSON exactly as they
were (a value JSON has no type for) is simply not kept.

The results of a run with the cache are the same, byte for byte, as without it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from kaohe.engine import Scheme
from kaohe.pipeline.background import Background, can_fork
from kaohe.pipeline.consolidate import Submission, examine, file_sha256, file_time
from kaohe.pipeline.io import inflate
from validators.pool import PARALLEL_THRESHOLD, map_files
from validators.report import Issue, Report

__all__ = ["CACHE_NAME", "ExamCache", "checked", "encode_entry", "decode_entry", "entry_digest",
           "examiner_fingerprint", "open_exam_cache", "scheme_fingerprint"]

#: The cache file's name beside the outputs (hidden; `discover` skips dot-files).
CACHE_NAME = ".kaohe-cache.sqlite"

_TABLE = """CREATE TABLE IF NOT EXISTS exam_cache (
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        scheme TEXT NOT NULL,
        examiner TEXT NOT NULL,
        digest TEXT NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (path, sha256, scheme, examiner)
    )"""
_ISSUE_DEFAULTS = {f.name: f.default for f in fields(Issue)}
_MAX_ENTRY = 1 << 28  # an entry inflates to at most this (the cache file is not trusted)
_PACKAGES = ("kaohe", "validators", "workbook_templates")
#: With this many files kept, the few that changed are examined in a second process while
#: this one reads the kept ones back (a re-run at 1,000 units: 0.05 s of 0.15 s).
OVERLAP_FILES = 100


@cache
def examiner_fingerprint() -> str:
    """kaohe's version, python-calamine's, Python's, and a digest of the examining code.

    The code's digest (every .py and .json of the packages that examine a file, by content)
    makes a change of code without a change of version still a new examiner.
    """
    import importlib
    import importlib.metadata
    import sys

    import kaohe

    digest = hashlib.sha256()
    for package in _PACKAGES:
        root = Path(importlib.import_module(package).__file__ or "").parent
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".json")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    try:
        calamine = importlib.metadata.version("python-calamine")
    except importlib.metadata.PackageNotFoundError:
        calamine = "?"
    return (f"kaohe {kaohe.__version__}; calamine {calamine}; python {sys.version_info[:3]}; "
            f"code {digest.hexdigest()[:32]}")


def scheme_fingerprint(scheme: Scheme) -> str:
    """SHA-256 of the scheme document's canonical JSON."""
    from kaohe.pipeline.io import dump_json

    return hashlib.sha256(dump_json(dict(scheme.document)).encode("utf-8")).hexdigest()


def encode_entry(sub: Submission) -> str:
    """The examination of a file as JSON text, or "" when it would not come back exactly."""
    if not sub.sha256:
        return ""
    # every field of the Submission and its Report (a field added later is kept too; one
    # JSON cannot carry makes the examination not kept), but the run's own: sha256, stamp
    entry = {k: v for k, v in vars(sub).items() if k not in ("sha256", "stamp", "report")}
    entry["report"] = {k: v for k, v in vars(sub.report).items() if k != "issues"}
    entry["issues"] = [{k: v for k, v in vars(i).items() if v != _ISSUE_DEFAULTS[k]
                        or type(v) is not type(_ISSUE_DEFAULTS[k])}
                       for i in sub.report.issues]
    try:
        text = _pack(json.dumps(entry, ensure_ascii=False, separators=(",", ":"),
                                allow_nan=False))
        again = decode_entry(text, sub.sha256, sub.stamp)
    except (TypeError, ValueError):
        return ""
    return text if again == sub and _same_types(again, sub) else ""


def _pack(text: str) -> str:
    """JSON text deflated, in base64: a fifth of the memory a run holds them in (5,000
    registers' and reports' entries pass through the first run's parent process)."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def decode_entry(text: str, sha256: str, stamp: str) -> Submission:
    """A Submission from an entry as kept; ValueError when the entry is not one."""
    try:
        entry = json.loads(inflate(base64.b64decode(text, validate=True), _MAX_ENTRY))
    except zlib.error as exc:
        raise ValueError(f"not an examination entry: {exc}") from exc
    try:
        issues = [Issue(**item) for item in entry.pop("issues")]
        report = Report(**entry.pop("report"), issues=issues)
        sub = Submission(**entry, sha256=sha256, stamp=stamp, report=report)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an examination entry: {exc}") from exc
    if not (isinstance(sub.document, dict | None) and isinstance(sub.filled, str)
            and isinstance(sub.path, str)
            and isinstance(report.file, str) and all(isinstance(i.rule, str) for i in issues)):
        raise ValueError("not an examination entry")
    return sub


def entry_digest(text: str) -> str:
    """The SHA-256 a kept entry's text is kept with (its UTF-8 bytes', hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def checked(digest: str, text: str) -> str:
    """A kept entry's text when it still has the SHA-256 it was kept with; ValueError if not."""
    if entry_digest(text) != digest:
        raise ValueError("the entry's digest does not match")
    return text


def _same_types(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (1 == 1.0 == True for Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Submission | Report | Issue):
        return all(_same_types(v, getattr(b, k)) for k, v in vars(a).items())
    return True


@dataclass
class ExamCache:
    """The kept examinations of one scheme and examiner, and what this run did with them."""

    conn: Any  # a sqlite3.Connection or a kaohe.store.backends.Connection
    where: str
    scheme: str
    examiner: str
    in_database: bool = False  # the history database's table, not a file of its own
    reused: int = 0
    examined: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)
    _rows: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _damaged: list[tuple[str, str]] = field(default_factory=list)
    _errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def examine(self, paths: Sequence[Path], scheme: Scheme, *, workers: int = 2,
                progress: Callable[[int, int], None] = lambda n, total: None,
                threshold: int = PARALLEL_THRESHOLD, context: Any = None) -> list[Submission]:
        """Every file's Submission: from the cache where its bytes were examined before,
        else examined (in worker processes when there are many) and kept. A few new or
        changed files among many kept ones are examined in a second process while this one
        reads the kept examinations back."""
        digests = [_digest(path) if self._rows else None for path in paths]
        todo = [i for i, (path, sha) in enumerate(zip(paths, digests, strict=True))
                if sha is None or (_key(path), sha) not in self._rows]
        meanwhile = None
        if (0 < len(todo) < threshold and workers > 1
                and len(paths) - len(todo) >= OVERLAP_FILES and can_fork()):
            changed = [paths[i] for i in todo]
            meanwhile = Background(lambda: map_files(examine_entry, changed, scheme, workers=1),
                                   returns=True, pickled=True)
        found: list[Submission | None] = [None] * len(paths)
        damaged = []
        try:
            for index in sorted(set(range(len(paths))) - set(todo)):
                found[index] = self._lookup(paths[index], digests[index] or "")
                if found[index] is None:
                    damaged.append(index)
        except BaseException:  # nothing of the second process left running
            if meanwhile is not None:
                meanwhile.cancel()
            raise
        self.reused = len(paths) - len(todo) - len(damaged)
        if self.reused:
            progress(self.reused, len(paths))
        fresh: list[tuple[Submission, str]] = []
        if meanwhile is not None:
            try:
                fresh = meanwhile.wait()
            except Exception:  # noqa: BLE001 - examined again below, in this process
                meanwhile = None
            else:
                progress(self.reused + len(fresh), len(paths))
        if meanwhile is None:
            fresh = map_files(examine_entry, [paths[i] for i in todo], scheme, workers=workers,
                              progress=lambda n, total: progress(self.reused + n, len(paths)),
                              threshold=threshold, context=context)
        todo += damaged
        fresh += map_files(examine_entry, [paths[i] for i in damaged], scheme, workers=workers,
                           progress=lambda n, total: progress(len(paths) - len(damaged) + n,
                                                              len(paths)),
                           threshold=threshold, context=context)
        self.examined = len(todo)
        for index, (sub, _) in zip(todo, fresh, strict=True):
            found[index] = sub
        # each entry under the path as found and the hash of the bytes examined
        self._keep([(_key(paths[i]), sub.sha256, text)
                    for i, (sub, text) in zip(todo, fresh, strict=True) if text],
                   {(_key(path), sub.sha256) for path, sub in zip(paths, found, strict=True)
                    if sub is not None})
        return [sub for sub in found if sub is not None]

    def _lookup(self, path: Path, sha: str) -> Submission | None:
        """The kept examination of the file whose bytes have the SHA-256 `sha`; None (and the
        entry dropped) when the entry is damaged."""
        try:
            sub = decode_entry(checked(*self._rows[(_key(path), sha)]), sha, "")
            sub.stamp = sub.filled or file_time(path)
        except (ValueError, OSError):
            self._rows.pop((_key(path), sha))
            self._damaged.append((_key(path), sha))
            return None
        self._rows[(_key(path), sha)] = ("", "")  # used: kept
        return sub

    def _keep(self, fresh: Sequence[tuple[str, str, str]],
              used: set[tuple[str, str]]) -> None:
        """Store the new (path, sha256, entry)s; drop those of files gone, changed or renamed."""
        stale = [key for key in self._rows if key not in used] + self._damaged
        rows = [(path, sha, self.scheme, self.examiner,
                 entry_digest(text), text)
                for path, sha, text in fresh if (path, sha) not in self._rows]
        if not (rows or stale):
            return
        try:
            with _transaction(self.conn):
                self.conn.execute("DELETE FROM exam_cache WHERE examiner <> ?", (self.examiner,))
                self.conn.executemany(
                    "DELETE FROM exam_cache WHERE path = ? AND sha256 = ? AND scheme = ? AND "
                    "examiner = ?", [(*key, self.scheme, self.examiner) for key in stale])
                self.conn.executemany(
                    "DELETE FROM exam_cache WHERE path = ? AND sha256 = ? AND scheme = ? AND "
                    "examiner = ?", [row[:4] for row in rows])
                self.conn.executemany(
                    "INSERT INTO exam_cache (path, sha256, scheme, examiner, digest, entry) "
                    "VALUES (?, ?, ?, ?, ?, ?)", rows)
        except self._errors as exc:
            self.notes.append((f"检查结果缓存 {self.where} 未能更新（{exc}），本次结果不受影响",
                               f"the examination cache {self.where} was not updated ({exc}); "
                               "this run's results are not affected"))

    def summary(self) -> tuple[str, str]:
        """What the run says of the cache (zh, en)."""
        if self.in_database:  # the history itself is not to be deleted: only the table
            kept = (f"缓存：{self.where} 中的 exam_cache 表，可随时清空",
                    f"cache: the exam_cache table of {self.where}, safe to empty")
        else:
            kept = (f"缓存：{self.where}，可随时删除", f"cache: {self.where}, safe to delete")
        if self.reused:
            zh = (f"复用了 {self.reused} 个未改动文件的检查结果，检查了 {self.examined} 个"
                  f"新的或改动的文件（{kept[0]}）")
            en = (f"reused the examination of {self.reused} unchanged files, examined "
                  f"{self.examined} new or changed ({kept[1]})")
        else:
            zh = (f"检查了 {self.examined} 个文件，检查结果已保存，下次只检查新的或改动的文件"
                  f"（{kept[0]}）")
            en = (f"examined {self.examined} files and kept their examination: the next run "
                  f"examines only new or changed files ({kept[1]})")
        if self._damaged:
            zh += f"；缓存中有 {len(self._damaged)} 条记录已损坏，已忽略并重新检查"
            en += (f"; {len(self._damaged)} damaged cache entries were ignored and examined "
                   "again")
        return zh, en

    def close(self) -> None:
        """Close the connection."""
        try:
            self.conn.close()
        except self._errors:
            pass


def _digest(path: Path) -> str | None:
    """The SHA-256 of the file's bytes (None when it cannot be read: it is examined, and
    the examination says why)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def _key(path: Path) -> str:
    """The path as the cache keeps it: its text, or for a name that is not UTF-8 (GBK from a
    Windows zip) its bytes in hex — a database's text cannot hold the raw bytes."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "bytes:" + os.fsencode(path).hex()
    return text


def examine_entry(path: Path, scheme: Scheme) -> tuple[Submission, str]:
    """(A worker's job) examine a file and encode its examination for the cache."""
    sub = examine(path, scheme)
    return sub, encode_entry(sub)


class _transaction:
    """BEGIN … COMMIT on a plain sqlite3 connection, or the store connection's own."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.inner: Any = None

    def __enter__(self) -> None:
        if isinstance(self.conn, sqlite3.Connection):
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.inner = self.conn.transaction()
            self.inner.__enter__()

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if self.inner is not None:
            self.inner.__exit__(kind, exc, tb)
        elif kind is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def open_exam_cache(scheme: Scheme, *, db: str | None = None,
                    beside: Path | None = None) -> tuple[ExamCache | None, list[tuple[str, str]]]:
    """The cache for this scheme (in the history database `db`, else a file in the folder of
    `beside`), and notes (zh, en) on what could not be used. Never raises for the cache."""
    notes: list[tuple[str, str]] = []
    if db:
        opened = _open_db(db, notes)
    elif beside is not None:
        opened = _open_file(Path(beside).parent / CACHE_NAME, notes)
    else:
        return None, notes
    if opened is None:
        return None, notes
    conn, where, errors = opened
    cache_ = ExamCache(conn, where, scheme_fingerprint(scheme), examiner_fingerprint(),
                       in_database=bool(db), _errors=errors)
    try:
        rows = conn.execute("SELECT path, sha256, digest, entry FROM exam_cache WHERE scheme = ?"
                            " AND examiner = ?", (cache_.scheme, cache_.examiner)).fetchall()
    except errors as exc:
        notes.append(_unusable(where, exc))
        cache_.close()
        return None, notes
    cache_._rows = {(str(p), str(s)): (str(d), str(e)) for p, s, d, e in rows}
    return cache_, notes


def _open_file(path: Path, notes: list[tuple[str, str]]
               ) -> tuple[Any, str, tuple[type[Exception], ...]] | None:
    for attempt in (1, 2):
        conn = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
            conn.execute(_TABLE)
            return conn, str(path), (sqlite3.Error,)
        except (sqlite3.Error, OSError) as exc:
            if conn is not None:
                conn.close()
            if attempt == 2 or not isinstance(exc, sqlite3.DatabaseError) or not path.is_file():
                notes.append(_unusable(str(path), exc))
                return None
            # not a database (damaged): it is only a cache, start it again
            notes.append(_unusable(str(path), exc, again=True))
            try:
                path.unlink()
            except OSError:
                return None
    return None


def _open_db(db: str, notes: list[tuple[str, str]]
             ) -> tuple[Any, str, tuple[type[Exception], ...]] | None:
    from kaohe.errors import KaoheError
    from kaohe.store import open_store

    try:  # the history's own checks first: a file not kaohe's is refused, never written
        conn = open_store(db).connection
    except KaoheError as exc:
        notes.append(_unusable(db, exc))
        return None
    try:
        with conn.transaction():
            conn.execute(_TABLE)
    except conn.errors as exc:
        conn.close()
        notes.append(_unusable(conn.where, exc))
        return None
    return conn, conn.where, conn.errors


def _unusable(where: str, exc: BaseException, again: bool = False) -> tuple[str, str]:
    if again:
        return (f"检查结果缓存 {where} 已损坏（{exc}），已删除并重新建立",
                f"the examination cache {where} was damaged ({exc}): started again")
    return (f"检查结果缓存 {where} 无法使用（{exc}），本次检查全部文件",
            f"the examination cache {where} cannot be used ({exc}): every file is examined")
