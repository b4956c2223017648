"""A consolidation's outputs, written as one unit of work: results.json, results.xlsx and
every feedback workbook go into the staging folders of an OutputSet (kaohe.pipeline.staging),
then into place together; with a history database, inside the transaction that records the
run, so that the database and the folder agree whatever happens.

>>> with output_set(json_out, out, feedback) as outputs:  # doctest: +SKIP
...     removed = write_outputs(results, outputs, json_out=json_out, out=out, ...)
...     outputs.commit()
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kaohe.pipeline.background import Background, can_fork
from kaohe.pipeline.staging import LOCK_WAIT, Decide, OutputSet

__all__ = ["output_set", "write_outputs", "committed_in"]


def output_set(json_out: Path | None, out: Path | None, feedback: Path | None, *,
               wait: float = LOCK_WAIT, decide: Decide | None = None) -> OutputSet:
    """The OutputSet of a consolidation's outputs (those given)."""
    return OutputSet([p for p in (json_out, out) if p], [feedback] if feedback else [],
                     wait=wait, decide=decide)


def committed_in(store: Any) -> Decide:
    """How a killed run's journal is settled: its outputs stay when the run they belong to
    was committed to this database (or nothing was pending), else the old ones come back."""

    def decide(token: Mapping[str, Any]) -> bool:
        if not token.get("run_id"):
            return True
        if store is None:
            return False
        return bool(store.has_run(str(token["run_id"]), str(token.get("results_hash") or "")))

    return decide


def write_outputs(results: Mapping[str, Any], outputs: OutputSet, *, json_out: Path | None,
                  out: Path | None, feedback: Path | None, lang: str,
                  scheme: Mapping[str, Any] | None = None,
                  timings: dict[str, float] | None = None) -> list[str]:
    """Write every output into the staging folders; the feedback workbooks of units no
    longer in the results are taken away with the commit. Returns their names.

    The second core writes the results workbook (the longest single write) and every other
    feedback workbook, forked with the results as they are; this process writes the JSON
    and the other feedback workbooks meanwhile. Without fork, all is written here.
    """
    from kaohe.pipeline.io import write_json

    split = 2 if feedback and can_fork() else 1
    staged_feedback = outputs.stage_folder(feedback) if feedback else None
    staged_out = outputs.stage(out) if out else None
    staged_json = outputs.stage(json_out) if json_out else None

    def second() -> None:
        if staged_out is not None:
            from outputs.results_book import write_results_workbook

            write_results_workbook(results, staged_out, lang=lang,
                                   scheme=dict(scheme) if scheme is not None else None)
        if staged_feedback is not None and split == 2:
            from outputs.feedback_book import write_feedback_workbooks

            write_feedback_workbooks(results, staged_feedback, lang=lang, share=(1, 2))

    started = time.perf_counter()
    other = Background(second) if out or split == 2 else None
    try:
        if staged_json is not None:
            start = time.perf_counter()
            write_json(staged_json, results)
            _add(timings, "write_json", start)
        if staged_feedback is not None:
            from outputs.feedback_book import write_feedback_workbooks

            start = time.perf_counter()
            write_feedback_workbooks(results, staged_feedback, lang=lang, share=(0, split))
            _add(timings, "feedback", start)
    finally:
        if other is not None:
            other.wait()
            if timings is not None:
                timings["write_xlsx" if out else "feedback"] = time.perf_counter() - started
    removed: list[str] = []
    if feedback:
        from outputs.feedback_folder import stale_feedback

        for path in stale_feedback(results, feedback, lang):
            outputs.remove(path)
            removed.append(path.name)
    return removed


def _add(timings: dict[str, float] | None, phase: str, start: float) -> None:
    if timings is not None:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - start
