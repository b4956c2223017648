"""One job in a second process while this one goes on: the results workbook is written on
the second core while the first writes the JSON, the history and the feedback.

Where processes are forked (Linux, macOS with fork) the child inherits the results as they
are — nothing is copied or pickled — runs the job, and reports only failure, as the
exception itself when it pickles. Elsewhere (Windows) the job runs in this process at
`wait()`, so the caller's code is the same and its outcome too.

>>> job = Background(lambda: None)
>>> job.wait()
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Background", "BackgroundError", "can_fork", "side_by_side"]

_MAX_REPORT = 32 * 1024


def can_fork() -> bool:
    """Whether this platform forks processes (os.fork exists and multiprocessing uses it)."""
    import multiprocessing

    return hasattr(os, "fork") and multiprocessing.get_context().get_start_method() == "fork"


class Background:
    """Run `job` in a forked child (or at `wait()` where there is no fork). With
    `returns=True` the job's value (JSON: lists, dicts, text, numbers) comes back from
    `wait()`, as JSON gives it back; with `pickled=True` too, it comes back pickled, as the
    same Python objects (the child is this program's own fork: nothing else writes the pipe).
    """

    def __init__(self, job: Callable[[], Any], returns: bool = False,
                 pickled: bool = False) -> None:
        self._job: Callable[[], Any] | None = job
        self._returns = returns
        self._pickled = pickled
        self._pid = 0
        self._read = -1
        if not can_fork():
            return
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # or the child would write the parent's buffered text again
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, report a failure, leave without any cleanup of ours
            os.close(read)
            code = 0
            try:
                value = job()
                if returns:
                    _write_all(write, pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if pickled
                               else json.dumps(value, allow_nan=False).encode("utf-8"))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent as it is
                code = 1
                os.write(write, _report(exc))
            os._exit(code)
        os.close(write)
        self._pid, self._read, self._job = pid, read, None

    def wait(self) -> Any:
        """Wait for the job; raise what it raised; its value (with returns=True)."""
        if self._job is not None:
            job, self._job = self._job, None
            value = job()
            if not self._returns:
                return None
            return value if self._pickled else json.loads(json.dumps(value, allow_nan=False))
        if not self._pid:
            return None
        chunks = []
        with os.fdopen(self._read, "rb") as pipe:
            while chunk := pipe.read(65536):
                chunks.append(chunk)
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if os.waitstatus_to_exitcode(status) == 0:
            if not self._returns:
                return None
            data = b"".join(chunks)
            return pickle.loads(data) if self._pickled else json.loads(data)
        report = b"".join(chunks)
        try:
            exc = pickle.loads(report)
        except Exception:  # noqa: BLE001 - whatever came back, say it
            exc = BackgroundError(report.decode("utf-8", "replace") or
                                  f"exit status {os.waitstatus_to_exitcode(status)}")
        raise exc

    def cancel(self) -> None:
        """Give the job up: where it has not run (no fork) it never will; a child is waited
        for and its outcome ignored (nothing of it is still running afterwards)."""
        if self._job is not None:
            self._job = None
            return
        try:
            self.wait()
        except Exception:  # noqa: BLE001 - given up: whatever it did no longer matters
            pass


def side_by_side(here: Callable[[], Any], there: Callable[[], Any], *,
                 pickled: bool = False) -> tuple[Any, Any]:
    """(here(), there()): `there` run in a forked process (its value sent back, as
    Background's `returns` and `pickled` say) while `here` runs in this one. Should `here`
    fail, the other is waited for and given up, and the failure raised; should `there`
    fail, its failure is raised once `here` has ended."""
    other = Background(there, returns=True, pickled=pickled)
    try:
        mine = here()
    except BaseException:
        other.cancel()
        raise
    return mine, other.wait()


class BackgroundError(RuntimeError):
    """The job failed in a way that could not be sent back as its own exception."""


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte (a pipe takes 64 KiB at a time; the parent reads at wait())."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _report(exc: BaseException) -> bytes:
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # an exception that cannot be rebuilt is sent as text
    except Exception:  # noqa: BLE001
        data = f"{type(exc).__name__}: {exc}".encode()
    if len(data) > _MAX_REPORT:  # (a pipe holds 64 KiB: the child never waits on it)
        data = f"{type(exc).__name__}: {exc}".encode()[:_MAX_REPORT]
    return data
