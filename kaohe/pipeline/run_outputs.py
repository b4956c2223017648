"""A consolidation's outputs, written as one unit of work: results.json, results.xlsx and
every feedback workbook go into the staging folders of an OutputSet (kaohe.pipeline.staging),
then into place together; with a history database, inside the transaction that records the
run, so that the database and the folder agree whatever happens.

>>> with output_set(json_out, out, feedback) as outputs:  # doctest: +SKIP
...     placing = RunPlacing(run, outputs, None, json_out=json_out, out=out, ...)
...     placing.finish()   # written, then moved into place
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kaohe.pipeline.background import Background, can_fork
from kaohe.pipeline.staging import LOCK_WAIT, Decide, OutputSet

__all__ = ["OutputsInProgress", "RunPlacing", "output_set", "committed_in"]


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


class OutputsInProgress:
    """Every output written into the staging folders, begun: the second core writes the
    results workbook (the longest single write) and every other feedback workbook, forked
    with the results as they are, from the start, while the caller may do other work (record
    the run); `finish()` writes the JSON and the other feedback workbooks here, waits for
    the second process and returns the names of the feedback workbooks the commit takes
    away (units no longer in the results); `abort()` only waits for it, so that nothing is
    still writing into the staging folders when they are cleared. Without fork, all is
    written here at finish()."""

    def __init__(self, results: Mapping[str, Any], outputs: OutputSet, *,
                 json_out: Path | None, out: Path | None, feedback: Path | None, lang: str,
                 scheme: Mapping[str, Any] | None, timings: dict[str, float] | None) -> None:
        self.results, self.outputs, self.lang, self.timings = results, outputs, lang, timings
        self.out, self.feedback = out, feedback
        self.split = 2 if feedback and can_fork() else 1
        self.staged_feedback = outputs.stage_folder(feedback) if feedback else None
        staged_out = outputs.stage(out) if out else None
        self.staged_json = outputs.stage(json_out) if json_out else None
        staged_feedback, split = self.staged_feedback, self.split

        def second() -> None:
            if staged_out is not None:
                from outputs.results_book import write_results_workbook

                write_results_workbook(results, staged_out, lang=lang,
                                       scheme=dict(scheme) if scheme is not None else None)
            if staged_feedback is not None and split == 2:
                from outputs.feedback_book import write_feedback_workbooks

                write_feedback_workbooks(results, staged_feedback, lang=lang, share=(1, 2))

        self.started = time.perf_counter()
        self.other = Background(second) if out or split == 2 else None

    def finish(self) -> list[str]:
        """Write this process's share, wait for the other's; the names of the feedback
        workbooks the commit takes away (units no longer in the results)."""
        from kaohe.pipeline.io import write_json

        try:
            if self.staged_json is not None:
                start = time.perf_counter()
                write_json(self.staged_json, self.results)
                _add(self.timings, "write_json", start)
            if self.staged_feedback is not None:
                from outputs.feedback_book import write_feedback_workbooks

                start = time.perf_counter()
                write_feedback_workbooks(self.results, self.staged_feedback, lang=self.lang,
                                         share=(0, self.split))
                _add(self.timings, "feedback", start)
        finally:
            self._wait()
        removed: list[str] = []
        if self.feedback:
            from outputs.feedback_folder import stale_feedback

            for path in stale_feedback(self.results, self.feedback, self.lang):
                self.outputs.remove(path)
                removed.append(path.name)
        return removed

    def abort(self) -> None:
        """Give up: the second process is waited for (its outcome no longer matters) or,
        where it never started, never runs; this process writes nothing."""
        if self.other is not None:
            other, self.other = self.other, None
            other.cancel()

    def _wait(self) -> None:
        if self.other is not None:
            other, self.other = self.other, None
            other.wait()
            if self.timings is not None:
                self.timings["write_xlsx" if self.out else "feedback"] = (
                    time.perf_counter() - self.started)


class RunPlacing:
    """A consolidation's outputs under way (`run`, a kaohe.pipeline.consolidate.Consolidation):
    started as soon as the run's number is known — record_run's before_commit — so that the
    results workbook is written by the second process while this one records the run;
    finished, and moved into place, once the run is written, before the commit; or given up
    when recording fails. Without a history database: RunPlacing(…).finish()."""

    def __init__(self, run: Any, outputs: OutputSet, store: Any, record: Any = None, *,
                 json_out: Path | None, out: Path | None, feedback: Path | None, lang: str,
                 scheme: Mapping[str, Any], timings: dict[str, float] | None) -> None:
        self.run, self.outputs = run, outputs
        shown = dict(run.results)  # the stored results do not say which run they are
        if record is not None:
            shown["run"] = record.summary()
            if record.published and store is not None:  # written again for the official run
                from kaohe.pipeline.republish import run_status_now

                shown["run"] = {**run_status_now(store, record.run_id),
                                "outputs_updated": False}
        self.shown = shown
        self.writing = OutputsInProgress(shown, outputs, json_out=json_out, out=out,
                                         feedback=feedback, lang=lang, scheme=scheme,
                                         timings=timings)

    def finish(self, record: Any = None) -> None:
        """Finish writing, then move the outputs into place (the journal names the run)."""
        token = {}
        if record is not None and record.recorded:
            token = {"run_id": record.run_id, "results_hash": record.results_hash}
        self.run.removed_feedback = self.writing.finish()
        self.run.results = self.shown
        self.outputs.commit(token)

    def abort(self) -> None:
        """Give up (recording failed): nothing is moved into place."""
        self.writing.abort()


def _add(timings: dict[str, float] | None, phase: str, start: float) -> None:
    if timings is not None:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - start
