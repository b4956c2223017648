"""Templates built on every core: one job per template, in worker processes when there are
many, in this process where processes cannot start (Pyodide) or fail to.

The largest templates (the scheme workbook, the registers, the lead departments' sheets)
go first, so they do not end the run on one core. Workers started by fork inherit the
scheme; elsewhere each builds its own from the scheme's document. A template's bytes do
not depend on the process that wrote it.

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> scheme = Scheme.from_document(default_scheme_document())
>>> build_jobs([], scheme, "zh", None, workers=2)
[]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme

__all__ = ["build_jobs", "PARALLEL_THRESHOLD"]

#: Below this many templates, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 24
_CHUNK = 8
_LARGE_FIRST = {"scheme": 0, "adjustments": 0, "routine": 0, "ballots": 0, "lead_scores": 1}

Job = tuple[str, str, Path]  # (kind, subject, path)
_STATE: tuple[Scheme, str, datetime | None, int, int] | None = None


def build_jobs(jobs: Sequence[Job], scheme: Scheme, lang: str, generated_at: datetime | None,
               *, event_rows: int = 0, decision_rows: int = 0, workers: int = 1,
               progress: Callable[[int, int], None] = lambda done, total: None,
               threshold: int | None = None, context: Any = None) -> list[Path]:
    """Build each (kind, subject, path) template; returns the paths in the jobs' order."""
    global _STATE
    from workbook_templates.build import build_one

    state = (scheme, lang, generated_at, event_rows, decision_rows)
    found: list[Path | None] = [None] * len(jobs)
    limit = PARALLEL_THRESHOLD if threshold is None else threshold
    done = 0
    if workers > 1 and len(jobs) >= limit:
        _STATE = state
        try:
            for index, path in _in_processes(jobs, state, workers, context):
                found[index] = path
                done += 1
                progress(done, len(jobs))
        except (ImportError, NotImplementedError, OSError, BrokenProcessPool):
            pass  # no processes here (Pyodide), or they died: this process builds the rest
        finally:
            _STATE = None
    for index, (kind, subject, path) in enumerate(jobs):
        if found[index] is None:
            found[index] = build_one(kind, subject, path, *state)
            done += 1
            progress(done, len(jobs))
    return [path for path in found if path is not None]


def _in_processes(jobs: Sequence[Job], state: tuple[Any, ...], workers: int,
                  context: Any) -> Any:
    """(index, path) of each job as worker processes finish it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = context or multiprocessing.get_context()
    initializer: Callable[..., None] | None = None
    initargs: tuple[Any, ...] = ()
    if context.get_start_method() != "fork":  # a spawned worker builds the scheme itself
        scheme, *rest = state
        initializer, initargs = _init_worker, (dict(scheme.document), *rest)
    order = sorted(range(len(jobs)), key=lambda i: (_LARGE_FIRST.get(jobs[i][0], 2), i))
    chunk = max(1, min(_CHUNK, len(jobs) // (workers * 16)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        results = pool.map(_run, [jobs[i] for i in order], chunksize=chunk)
        for index, path in zip(order, results, strict=True):
            yield index, Path(path)


def _init_worker(document: dict[str, Any], *rest: Any) -> None:
    global _STATE
    _STATE = (Scheme.from_document(document), *rest)


def _run(job: Job) -> str:
    from workbook_templates.build import build_one

    assert _STATE is not None
    kind, subject, path = job
    return str(build_one(kind, subject, path, *_STATE))
