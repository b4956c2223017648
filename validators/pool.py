"""Examining many files on every core: one job per file, in worker processes when there are many.

Used by `kaohe consolidate` (examine → Submission) and `kaohe validate` (validate_one →
FileResult). The largest files go first, in chunks of at most 8, so the registers (each the
work of a hundred unit reports) start at once on both cores instead of ending the run on
one. Workers started by fork inherit the scheme; elsewhere each builds its own from the
scheme's document (the model holds read-only mappings that do not pickle).

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> scheme = Scheme.from_document(default_scheme_document())
>>> map_files(lambda path, scheme: path.name, [Path("a.xlsx")], scheme, workers=1)
['a.xlsx']
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from kaohe.engine.model import Scheme

__all__ = ["map_files", "PARALLEL_THRESHOLD", "processes_available"]

#: Below this many files the start-up of worker processes costs more than it saves.
PARALLEL_THRESHOLD = 24
_CHUNK = 8

Result = TypeVar("Result")
_WORKER: tuple[Callable[..., Any], Scheme, tuple[Any, ...]] | None = None


def map_files(job: Callable[..., Result], paths: Sequence[Path], scheme: Scheme, *,
              workers: int = 2, extra: tuple[Any, ...] = (),
              progress: Callable[[int, int], None] = lambda done, total: None,
              threshold: int | None = None, context: Any = None) -> list[Result]:
    """[job(path, scheme, *extra) for path in paths], in `workers` processes when there are
    at least `threshold` files (PARALLEL_THRESHOLD). `job` must be a module-level function
    (a spawned worker imports it); `progress(done, total)` follows the files as they end.
    """
    limit = PARALLEL_THRESHOLD if threshold is None else threshold
    if workers <= 1 or len(paths) < limit or not processes_available():
        out = []
        for n, path in enumerate(paths, 1):
            out.append(job(path, scheme, *extra))
            progress(n, len(paths))
        return out
    global _WORKER
    import multiprocessing  # (0.02 s: not for one file)
    from concurrent.futures import ProcessPoolExecutor

    order = sorted(range(len(paths)), key=lambda i: (-_size(paths[i]), i))
    chunk = max(1, min(_CHUNK, len(paths) // (workers * 16)))
    found: list[Any] = [None] * len(paths)
    context = context or multiprocessing.get_context()
    initargs: tuple[Any, ...] = (os.getpid(), None)
    if context.get_start_method() == "fork":  # workers inherit the scheme itself
        _WORKER = (job, scheme, extra)
    else:
        initargs = (os.getpid(), (job, dict(scheme.document), extra))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=_init_worker, initargs=initargs) as pool:
            results = pool.map(_run, [paths[i] for i in order], chunksize=chunk)
            for n, (index, result) in enumerate(zip(order, results, strict=True), 1):
                found[index] = result
                progress(n, len(paths))
    finally:
        _WORKER = None
    return found


def processes_available() -> bool:
    """Whether worker processes can start here: not under Pyodide / xlwings Lite (WebAssembly
    has no fork, and its Python lacks multiprocessing.synchronize), where work runs serially."""
    if sys.platform in ("emscripten", "wasi"):
        return False
    try:
        import multiprocessing.synchronize  # noqa: F401 - fails where there are no semaphores
    except ImportError:
        return False
    return True


def _init_worker(parent: int, payload: tuple[Callable[..., Any], dict[str, Any],
                                             tuple[Any, ...]] | None) -> None:
    global _WORKER
    _leave_with(parent)
    if payload is not None:
        job, document, extra = payload
        _WORKER = (job, Scheme.from_document(document), extra)


def _leave_with(parent: int) -> None:
    """End this worker when the process that started it dies (killed, say): a pool's
    workers otherwise wait on their queue forever. Linux is told to send SIGKILL at once;
    everywhere a thread also checks every half second that the parent is still there."""
    import threading
    import time

    with contextlib.suppress(Exception):  # Linux only: prctl(PR_SET_PDEATHSIG, SIGKILL)
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)

    def watch() -> None:
        while True:
            if os.getppid() != parent and not _alive(parent):
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="kaohe-parent-watch", daemon=True).start()
    if os.getppid() != parent and not _alive(parent):  # it died before the watch began
        os._exit(1)


def _alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - the parent's pid is not ours to signal there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(path: Path) -> Any:
    assert _WORKER is not None
    job, scheme, extra = _WORKER
    return job(path, scheme, *extra)


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
