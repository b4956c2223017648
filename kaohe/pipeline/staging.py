"""A run's outputs as one unit of work: staged beside their targets, then moved into place
together, under a lock on every folder they go to, with a journal the next run finishes or
undoes.

Every output (results.json, results.xlsx, each feedback workbook) is first written into a
hidden staging folder ``.kaohe-staging-<random>`` in the folder its target is in (the same
disk, so that moving it is a rename). Only when every file is complete is a journal written
(``journal.json``: each move, whether its target existed, a token), then each old file is
moved aside into the staging folder and each new one into place. A run that fails before
the journal (a full disk, an error, a kill) leaves the old set untouched; the next run
removes its staging folder. A run killed while moving leaves the journal: the next run
finishes the moves or undoes them (``decide(token)``: with a history database, whether the
database committed the run the outputs belong to), so the folders hold the complete old set
or the complete new set, and the database agrees.

The lock is ``.kaohe.lock`` in each such folder (an OS file lock, released by the system
when its process dies): a second run waits for it up to ``wait`` seconds, then refuses.

What is fsynced (power loss): every staged file and the journal before the first move, and
each folder after the moves. Without that, a file system that reorders writes could show,
after a power cut, a renamed output whose content never reached the disk.

>>> with OutputSet([Path("out/results.json")]) as outputs:  # doctest: +SKIP
...     write_json(outputs.stage(Path("out/results.json")), results)
...     outputs.commit()
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from kaohe.errors import KaoheError

__all__ = ["OutputSet", "OutputBusy", "LOCK_NAME", "STAGE_PREFIX", "folder_lock",
           "recover_folder"]

LOCK_NAME = ".kaohe.lock"
STAGE_PREFIX = ".kaohe-staging-"
_JOURNAL = "journal.json"
# write_atomic's temporaries (tempfile.mkstemp: ".<stem>.<8 characters><suffix>.tmp")
_TEMPORARY = re.compile(r"^\..*\.[A-Za-z0-9_]{8}\.(?:xlsx|xlsm|json)\.tmp$")
#: Seconds a run waits for another run's lock on its output folder before it refuses.
LOCK_WAIT = 60.0

Decide = Callable[[Mapping[str, Any]], bool]


class OutputBusy(KaoheError):
    """Another run holds the lock on an output folder."""

    def __init__(self, folder: Path, waited: float) -> None:
        self.folder = folder
        super().__init__(
            f"另一次运行正在写入 {_shown(folder)}（已等待 {waited:.0f} 秒）：请等它结束后再试",
            f"another run is writing into {_shown(folder)} (waited {waited:.0f} s): try again "
            "when it has finished")


def _shown(path: Path) -> str:
    """A path fit for a message, whatever the encoding of its name."""
    return os.fsencode(path).decode("utf-8", "replace")


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the lock file of one output folder (created if need be); OutputBusy after `wait`."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        start = time.monotonic()
        while not _try_lock(fd):
            if time.monotonic() - start >= wait:
                raise OutputBusy(folder, time.monotonic() - start)
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _try_lock(fd: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def recover_folder(folder: Path, decide: Decide | None = None) -> list[Path]:
    """Finish or undo what a killed run left in `folder` (call it holding the folder's lock):
    a journal's moves (forward when decide(token) says so, else back), staging folders
    without a journal and write_atomic's temporaries are removed. Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name.startswith(STAGE_PREFIX) and entry.is_dir() and not entry.is_symlink():
            journal = _read_journal(entry / _JOURNAL)
            if journal is not None:
                _settle(journal, decide)
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
        elif _TEMPORARY.match(entry.name) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed


def _read_journal(path: Path) -> dict[str, Any] | None:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return journal if isinstance(journal, dict) and journal.get("version") == 1 else None


def _settle(journal: Mapping[str, Any], decide: Decide | None) -> None:
    """Bring a journal's moves to an end: all done, or all undone."""
    primary = Path(journal["primary"]) / _JOURNAL
    moves = [dict(m) for m in journal.get("moves") or []]
    if primary.exists():  # the primary copy is written last: without it no move was made
        token = journal.get("token") or {}
        if decide is None or decide(token):
            _forward(moves)
        else:
            _back(moves)
    for staging in journal.get("staging") or []:
        shutil.rmtree(staging, ignore_errors=True)


def _forward(moves: Sequence[Mapping[str, Any]]) -> None:
    for move in moves:
        staged, target, backup = (Path(move[k]) if move[k] else None
                                  for k in ("staged", "target", "backup"))
        assert target is not None and backup is not None
        if move["existed"] and not backup.exists() and (staged is None or staged.exists()):
            with contextlib.suppress(FileNotFoundError):
                os.replace(target, backup)
        if staged is not None and staged.exists():
            os.replace(staged, target)


def _back(moves: Sequence[Mapping[str, Any]]) -> None:
    for move in reversed(moves):
        staged, target, backup = (Path(move[k]) if move[k] else None
                                  for k in ("staged", "target", "backup"))
        assert target is not None and backup is not None
        if staged is not None and not staged.exists() and target.exists():
            os.unlink(target)  # the new file was placed: take it away
        if backup.exists():
            os.replace(backup, target)


class OutputSet:
    """The outputs of one run, written together or not at all (see the module's note).

    `files` are output files, `folders` output folders (feedback); `decide(token)` settles a
    journal a killed run left (True: finish its moves; default True).
    """

    def __init__(self, files: Sequence[Path] = (), folders: Sequence[Path] = (), *,
                 wait: float = LOCK_WAIT, decide: Decide | None = None) -> None:
        self.files = [Path(os.path.abspath(f)) for f in files]
        self.folders = [Path(os.path.abspath(f)) for f in folders]
        self.wait = wait
        self.decide = decide
        places = {f.parent for f in self.files} | {f.parent for f in self.folders}
        self.places = sorted(places, key=os.fsencode)
        self.staging: dict[Path, Path] = {}
        self.removed: list[Path] = []  # what recovery cleaned away
        self._moves: list[dict[str, Any]] = []
        self._exits = contextlib.ExitStack()
        self.committed = False

    def __enter__(self) -> OutputSet:
        try:
            for place in self.places:
                self._exits.enter_context(folder_lock(place, self.wait))
            for place in self.places:
                self.removed += recover_folder(place, self.decide)
            for folder in self.folders:
                if folder.is_dir():
                    self.removed += [p for p in recover_folder(folder) if p.suffix == ".tmp"]
            for place in self.places:
                staging = place / f"{STAGE_PREFIX}{secrets.token_hex(6)}"
                staging.mkdir()
                self.staging[place] = staging
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if self.committed and kind is not None:
                self.undo()  # the run failed after the moves (its database refused the commit)
            elif self.committed:
                self.finish()
        finally:
            self._discard()

    def undo(self) -> None:
        """Put the old files back (after a commit, before finish): the run did not happen."""
        _back(self._moves)
        self.committed = False

    def _discard(self) -> None:
        try:
            if not self.committed:
                for staging in self.staging.values():
                    shutil.rmtree(staging, ignore_errors=True)
        finally:
            self._exits.close()

    def stage(self, target: Path) -> Path:
        """Where to write the output file `target` (one of `files`)."""
        target = Path(os.path.abspath(target))
        staged = self.staging[target.parent] / f"f{len(self._moves)}{target.suffix}"
        self._moves.append({"staged": str(staged), "target": str(target)})
        return staged

    def stage_folder(self, folder: Path) -> Path:
        """A staging folder for the files of the output folder `folder` (one of `folders`)."""
        folder = Path(os.path.abspath(folder))
        staged = self.staging[folder.parent] / f"d{self.folders.index(folder)}"
        staged.mkdir(exist_ok=True)
        return staged

    def remove(self, path: Path) -> None:
        """Take `path` (in one of `folders`) away with the commit: the new set does not have it."""
        self._moves.append({"staged": "", "target": str(Path(os.path.abspath(path)))})

    def commit(self, token: Mapping[str, Any] | None = None) -> None:
        """Move every staged file into place (old ones aside first); undone if a move fails."""
        for number, folder in enumerate(self.folders):
            staged = self.staging[folder.parent] / f"d{number}"
            folder.mkdir(parents=True, exist_ok=True)
            if staged.is_dir():
                for path in sorted(staged.iterdir()):
                    self._moves.append({"staged": str(path), "target": str(folder / path.name)})
        self._moves = [m for m in self._moves if not m["staged"] or os.path.exists(m["staged"])]
        for number, move in enumerate(self._moves):
            target = Path(move["target"])
            if target.is_dir() and not target.is_symlink():  # never moved aside with the old
                from kaohe.pipeline.io import OutputError

                raise OutputError(target, IsADirectoryError(errno.EISDIR, "Is a directory"))
            move["backup"] = str(self.staging[self._place(target)] / f"old{number}")
            move["existed"] = os.path.lexists(target)
        _sync_files([Path(m["staged"]) for m in self._moves if m["staged"]])
        primary = self.staging[self.places[0]]
        journal = {"version": 1, "token": dict(token or {}), "primary": str(primary),
                   "staging": [str(s) for s in self.staging.values()], "moves": self._moves}
        text = json.dumps(journal, ensure_ascii=True, indent=1)
        for staging in [s for s in self.staging.values() if s != primary] + [primary]:
            _write_synced(staging / _JOURNAL, text)  # the primary copy last: the decision
        try:
            _forward(self._moves)
        except OSError:
            _back(self._moves)
            (primary / _JOURNAL).unlink(missing_ok=True)
            raise
        for place in self.places + self.folders:
            _fsync_folder(place)
        self.committed = True

    def finish(self) -> None:
        """After the commit (and the database's): the old files and the journal go."""
        for staging in self.staging.values():
            shutil.rmtree(staging, ignore_errors=True)

    def _place(self, target: Path) -> Path:
        """The locked folder whose staging folder holds target's backup."""
        for place in (target.parent, target.parent.parent):
            if place in self.staging:
                return place
        raise KeyError(str(target))


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_files(paths: Sequence[Path]) -> None:
    """Every file's content on the disk: one syncfs() per file system where Linux has it (a
    thousand fsyncs cost seconds on a spinning disk), else an fsync per file."""
    if not paths:
        return
    syncfs = _syncfs()
    if syncfs is not None:
        devices: dict[int, Path] = {}
        for path in paths:
            devices.setdefault(os.stat(path).st_dev, path)
        for path in devices.values():
            fd = os.open(path, os.O_RDONLY)
            try:
                if syncfs(fd) == 0:
                    continue
            finally:
                os.close(fd)
            break
        else:
            return
    for path in paths:
        _fsync(path)


def _syncfs() -> Callable[[int], int] | None:
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return None
    try:
        import ctypes

        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return function


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder
        return
    with contextlib.suppress(OSError):
        _fsync(folder)
