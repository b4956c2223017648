"""Consolidation: a folder of filled workbooks → validated documents → ranked, explained results.

One bad workbook never stops the others: every file is examined on its own (in two worker
processes when there are many), and a file with errors is left out of scoring and listed
with its findings. Outputs are written atomically; inputs are only read.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kaohe.engine import Documents, Scheme, score
from kaohe.pipeline.cadres import CADRE_KINDS, cadre_json, cadre_section, with_history
from kaohe.pipeline.completeness import (
    blank_units,
    owner_names,
    provisional,
    resolve_duplicates,
    submissions_record,
)
from kaohe.pipeline.documents import documents_from
from kaohe.pipeline.sharing import score_shared
from validators.pool import PARALLEL_THRESHOLD, map_files  # (a name tests may lower)
from validators.reading.file_names import owner_names as _names
from validators.reading.file_names import shown_path, shown_report
from validators.report import ERROR, Issue, Report

__all__ = ["Submission", "Consolidation", "examine", "discover", "consolidate_folder",
           "file_time", "run_consolidation"]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv"}


@dataclass
class Submission:
    """One examined file: small and picklable, so workers send back only this."""

    path: str
    sha256: str
    kind: str | None
    owner: str | None  # unit id or lead department id
    document: dict[str, Any] | None
    report: Report
    stamp: str = ""  # the date the clerk gave, else the file's modification time
    superseded_by: str = ""
    filled: str = ""  # the date the clerk gave ("" when none)
    #: document path -> (sheet, cell), kept for the people's forms only (their cross-file
    #: findings point at cells); other kinds do not carry it back from the workers
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        """No errors and not replaced by a newer submission."""
        return self.document is not None and self.report.valid and not self.superseded_by


@dataclass
class Consolidation:
    """Everything one run produced, for the command to print and write."""

    results: dict[str, Any]
    submissions: list[Submission]
    batch_issues: list[Issue] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    removed_feedback: list[str] = field(default_factory=list)  # stale workbooks removed
    folder: str = ""  # the folder consolidated, as given (for "kaohe validate <folder>")

    def release_documents(self) -> None:
        """Let go of the submissions' documents once the results are scored (each accepted one
        becomes an empty dict, so `accepted` still holds): the history record and the summary
        need only the files' findings, and the process forked to write the results workbook
        would otherwise carry them all — a third of the run's memory at 5,000 units."""
        for sub in self.submissions:
            if sub.document is not None:
                sub.document = {}

    @property
    def exit_code(self) -> int:
        """0 clean (warnings allowed), 1 problems found, 2 nothing usable."""
        if not any(s.accepted for s in self.submissions):
            return 2
        if (self.rejected or self.missing or self.results.get("provisional")
                or any(i.severity == ERROR for i in self.batch_issues)):
            return 1
        return 0


def discover(folder: Path) -> list[Path]:
    """Every file under folder that could be a submission, in a stable order.

    Excel's own lock files (~$name.xlsx) and LibreOffice's (.~lock.*) are skipped.
    """
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or path.name.startswith(("~$", ".~lock", ".")):
            continue
        found.append(path)
    return found


def file_sha256(path: Path) -> str:
    """The SHA-256 (hex) of a file's bytes; OSError when it cannot be read."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def examine(path: Path, scheme: Scheme) -> Submission:
    """Validate one file and read its document; never raises."""
    from validators.workbook import examine_workbook

    path = Path(path)
    read, report = examine_workbook(path, scheme)
    # The hash recorded is the hash of the bytes scored: the examination reads the file
    # once and hashes those bytes. A file refused before its bytes were read is hashed here.
    digest = report.sha256
    if not digest:
        try:
            digest = file_sha256(path)
        except OSError:
            digest = ""
    # A name that is not UTF-8 (GBK from a Windows zip) is shown with replacement
    # characters in every output and in the database; the file itself was read by its bytes.
    shown = shown_report(path, report)
    if read is None:
        document = cadre_json(path, report)
        return Submission(shown, digest, report.kind or None, report.unit_id or None,
                          document, report)
    owner = read.meta.get("unit_id") or read.meta.get("department_id") or read.document.get(
        "unit_id") or read.document.get("lead_department")
    filled = str(read.document.get("date") or "")
    cells = dict(read.cell_map) if read.kind in CADRE_KINDS else {}
    return Submission(shown, digest, read.kind, owner, read.document, report,
                      filled or file_time(path), filled=filled, cells=cells)


def file_time(path: Path) -> str:
    """A file's modification time (ISO, UTC): the stamp of a submission without a date."""
    from datetime import UTC, datetime

    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, tz=UTC).isoformat()
    except OSError:  # gone since it was read
        return ""


def _mp_context() -> Any:
    """The platform's default way to start processes (fork on Linux, spawn elsewhere)."""
    return multiprocessing.get_context()


def _examine_all(paths: Sequence[Path], scheme: Scheme, workers: int,
                 progress: Callable[[int, int], None], cache: Any = None) -> list[Submission]:
    if cache is not None:  # a kaohe.pipeline.exam_cache.ExamCache: examines what changed
        return list(cache.examine(paths, scheme, workers=workers, progress=progress,
                                  threshold=PARALLEL_THRESHOLD, context=_mp_context()))
    return map_files(examine, paths, scheme, workers=workers, progress=progress,
                     threshold=PARALLEL_THRESHOLD, context=_mp_context())




def _missing(scheme: Scheme, accepted: Iterable[Submission],
             subs: Sequence[Submission] = ()) -> list[dict[str, Any]]:
    """What no accepted file provides; where a file named for it arrived but cannot be used
    (unreadable, refused, another unit's content), the entry says so in `reason`."""
    from validators.reading.file_names import (
        arrived_unusable,
        expected_submissions,
        owner_from_file_name,
    )

    have = {(s.kind, s.owner or "") for s in accepted}
    missing: list[dict[str, Any]] = [
        {"kind": kind, "unit_id": owner, "unit_name": name, "group": group}
        for kind, owner, name, _, group in expected_submissions(scheme)
        if (kind, owner) not in have]
    wanted = {(m["kind"], m["unit_id"]): m for m in missing}
    for sub in subs if wanted else ():
        named = owner_from_file_name(sub.path, scheme)
        entry = wanted.get((named.kind, named.owner)) if named else None
        if named is None or entry is None or "reason" in entry:
            continue
        issue = arrived_unusable(sub.path, sub.report, named.kind, named.owner, named.name,
                                 named.name_en)
        if issue is not None:
            entry.update(file=sub.path, reason=issue.located(file="").text(),
                         reason_en=issue.located(file="").text("en"))
    return missing


def _unidentified(scheme: Scheme, subs: Sequence[Submission]) -> list[Issue]:
    """One line for refused files that neither their content nor their name says whose."""
    from validators.reading.file_names import owner_from_file_name, unidentified_files

    strays = [s.path for s in subs if not s.report.valid and not s.owner
              and owner_from_file_name(s.path, scheme) is None]
    return [unidentified_files(strays)] if strays else []


@contextmanager
def _timed(timings: dict[str, float] | None, phase: str) -> Iterator[None]:
    """Add the wall time of the block to timings[phase] (for the benchmark's per-phase note)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - start


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block (and enabled again after,
    when it was). Scoring, the rank-stability draws and the outputs allocate millions of
    small objects that hold no cycles, and the collector's passes over them cost about a
    tenth of a re-run at 1,000 units. After the block, what it made goes straight to the
    oldest generation (frozen and unfrozen: two list splices), where the next full pass
    looks at it and collects what little cyclic garbage it left; enabled with all of it
    still young, the collector's next young pass would walk every one of those objects
    (0.05–0.09 s at 1,000 units, paid by whatever came next). (Not around the examination:
    its worker processes, forked from this one, read thousands of files and keep their
    collector.)"""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def consolidate_folder(folder: Path, scheme: Scheme, *, workers: int = 2,
                       progress: Callable[[int, int], None] = lambda n, total: None,
                       timings: dict[str, float] | None = None,
                       cache: Any = None, paths: Sequence[Path] | None = None) -> Consolidation:
    """Examine every file under folder, score the units whose submissions are usable.

    `timings`, when given, receives the wall time of each phase (examine, score) in seconds;
    `cache` (kaohe.pipeline.exam_cache.ExamCache) gives the examinations of unchanged files;
    `paths`: the folder's files as `discover` found them (when the caller already looked).
    """
    with _timed(timings, "examine"):
        paths = discover(folder) if paths is None else paths
        subs = _examine_all(paths, scheme, workers, progress, cache)
    with _timed(timings, "score"), paused_gc():
        run = _consolidate(scheme, subs)
    run.folder = str(folder)
    return run


def _consolidate(scheme: Scheme, subs: list[Submission]) -> Consolidation:
    batch, duplicates = resolve_duplicates(subs, scheme)
    accepted = [s for s in subs if s.accepted]
    missing = _missing(scheme, accepted, subs)
    batch += _unidentified(scheme, subs)
    rejected = [{"file": s.path, "kind": s.kind or "", "unit_id": s.owner or "",
                 "unit_name": _owner_name(scheme, s.owner), "errors": len(s.report.errors),
                 "reason": _first_error(s, "zh"), "reason_en": _first_error(s, "en")}
                for s in subs if not s.report.valid]
    unscored = {m["unit_id"]: m for m in missing if m["kind"] == "unit_report"}
    for r in rejected:
        if r["kind"] == "unit_report" and r["unit_id"] in unscored:
            unscored[r["unit_id"]].update(reason=r["reason"], reason_en=r["reason_en"])
    # A file that cannot say whose it is was matched to a unit by its name (in `_missing`);
    # one that cannot be matched either is named once, in the batch findings.
    not_received = ("未收到可用的单位自评表", "no usable unit report received")
    scored_scheme = replace(scheme, units=tuple(u for u in scheme.units if u.id not in unscored))
    docs: Documents = documents_from(s.document for s in accepted if s.document is not None)
    results = score(scored_scheme, docs, scored=score_shared(scored_scheme, docs))
    results["not_scored"] = [
        {"unit_id": uid, "unit_name": m["unit_name"],
         "unit_name_en": owner_names(scheme, uid)[1], "group": m["group"],
         "reason": m.get("reason") or not_received[0],
         "reason_en": m.get("reason_en") or not_received[1]}
        for uid, m in unscored.items()]
    record = submissions_record(scheme, rejected, missing, duplicates)
    results["provisional"] = provisional(scheme, record["missing"], results["not_scored"],
                                         duplicates, blank_units(scored_scheme, docs))
    results["submissions"] = record
    results["scheme_name"] = str(scheme.document.get("name") or "")
    results["scheme_name_en"] = str(scheme.document.get("name_en") or "")
    if scheme.document.get("time_zone"):   # the zone outputs show times in (else 北京时间)
        results["time_zone"] = str(scheme.document["time_zone"])
    # what the 测算 sheet needs of the scheme, so `kaohe results-book` rebuilds it from the JSON
    results["tie_breakers"] = list(scheme.tie_breakers)
    results["rounding"] = {"digits": scheme.rounding.digits, "mode": scheme.rounding.mode}
    section, people_issues = cadre_section(scheme, results, accepted)
    if section is not None:
        section["year"] = scheme.year
        results["cadres"] = section
        batch += people_issues
    results["inputs"] = [{"file": Path(s.path).name, "sha256": s.sha256, "kind": s.kind,
                          "owner": s.owner, "errors": len(s.report.errors),
                          "warnings": len(s.report.warnings), "used": s.accepted}
                         for s in subs]
    return Consolidation(results, subs, batch, missing, rejected)


def _first_error(sub: Submission, lang: str) -> str:
    """The file's first error, located by the file's name: the office's folder path
    (sub/单位自评表_jeminay.xlsx) means nothing to the unit the reason goes back to."""
    if not sub.report.errors:
        return ""
    return sub.report.errors[0].located(file=Path(sub.path).name).text(lang)


def _owner_name(scheme: Scheme, owner: str | None) -> str:
    return _names(scheme).get(owner or "", ("", ""))[0]


def _json_kind(path: Path) -> str:
    """The `kind` a JSON document says it is ("" when it says none or cannot be read)."""
    import json

    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return ""
    kind = document.get("kind") if isinstance(document, dict) else ""
    return kind if isinstance(kind, str) else ""


def _json_only(folder: Path, echo: Callable[[str], Any], lang: str) -> list[Path]:
    """Consolidation reads the clerks' workbooks: a folder of JSON documents alone is refused
    (they would be checked and silently dropped), JSON documents beside workbooks are named.
    Returns the folder's files (`discover`)."""
    from kaohe.errors import KaoheError

    paths = discover(folder)
    # the sanctions register is kept as JSON and is consolidated (kaohe.pipeline.cadres)
    documents = [p for p in paths if p.suffix.lower() == ".json" and _json_kind(p) not in
                 CADRE_KINDS]
    if not documents:
        return paths
    where = f"kaohe score --data {folder}"
    if not any(p.suffix.lower() in SPREADSHEET_SUFFIXES for p in paths):
        raise KaoheError(
            f"{folder} 中只有 JSON 文档（{len(documents)} 个），没有工作簿：kaohe consolidate "
            f"汇总各单位报送的工作簿（.xlsx）；JSON 文档请用 {where} 计分",
            f"{folder} holds JSON documents only ({len(documents)}), no workbooks: kaohe "
            f"consolidate reads the submitted workbooks (.xlsx); score JSON documents with "
            f"{where}")
    echo(f"注意：{len(documents)} 个 JSON 文档未汇总（只汇总工作簿；JSON 文档请用 kaohe score）"
         if lang != "en" else f"note: {len(documents)} JSON documents were not consolidated "
         "(workbooks only; score JSON documents with kaohe score)")
    return paths


def run_consolidation(folder: Path, *, scheme_path: Path | None = None,
                      out: Path | None = None, json_out: Path | None = None,
                      db: str | None = None, feedback: Path | None = None,
                      notice: Path | None = None, summary: Path | None = None,
                      year: int | None = None, reason: str = "", lang: str = "zh",
                      workers: int = 2, echo: Callable[[str], Any] = print,
                      stability: bool = True,
                      progress: Callable[[int, int], None] = lambda n, total: None,
                      timings: dict[str, float] | None = None,
                      lock_wait: float = 60.0,
                      cache: bool = True) -> tuple[int, dict[str, Any]]:
    """The whole consolidation as the command runs it; returns (exit code, results).

    The outputs are written as one unit of work (kaohe.pipeline.staging): a second run on
    the same output folder waits for the first up to `lock_wait` seconds, then refuses.
    With `cache`, each file's examination is kept (in the history database `db`, else in a
    file beside the outputs: kaohe.pipeline.exam_cache) and a re-run examines only the new
    or changed files; the results are the same either way.

    `timings`, when given, receives the wall time of each phase in seconds: load (the
    scheme), examine, score, stability, store, write_json, write_xlsx, feedback. `stability`
    False leaves out the rank-stability draws (so does the scheme's stability.enabled false;
    numpy is imported only when they run). The results workbook
    (and half the feedback workbooks) are written in a second process meanwhile (where
    processes fork): write_xlsx runs from its start to its end, alongside the others.
    """
    from kaohe.errors import KaoheError
    from kaohe.pipeline.documents import load_scheme
    from kaohe.pipeline.summary import consolidation_summary

    with _timed(timings, "load"):
        scheme = load_scheme(scheme_path)
    if year is not None and year != scheme.year:
        raise KaoheError(f"方案年度为 {scheme.year}，与 --year {year} 不符",
                         f"the scheme is for {scheme.year}, not --year {year}")
    # Every output is checked first: a results.xlsx open in Excel stops the run before
    # results.json (or any feedback workbook) has been replaced.
    from kaohe.pipeline.io import check_writable

    for target in (json_out, out, notice, summary):
        if target:
            check_writable(target)
    if feedback:
        from outputs.feedback_book import check_feedback_folder

        check_feedback_folder(feedback, lang)
    paths = _json_only(folder, echo, lang)
    from kaohe.pipeline.exam_cache import open_exam_cache

    kept, notes = open_exam_cache(scheme, db=db, beside=json_out or out) if cache else (None, [])
    try:
        run = consolidate_folder(folder, scheme, workers=workers, progress=progress,
                                 timings=timings, cache=kept, paths=paths)
        run.release_documents()
        if stability:
            with _timed(timings, "stability"), paused_gc():
                from kaohe.pipeline.stability_memo import attach_kept_stability

                attach_kept_stability(run.results, scheme, kept, echo, lang)
    finally:
        if kept is not None:
            kept.close()
            notes += [kept.summary(), *kept.notes]
    with paused_gc():
        _write_run(run, scheme, json_out=json_out, out=out, feedback=feedback, db=db,
                   reason=reason, lang=lang, echo=echo, timings=timings, lock_wait=lock_wait)
    results = run.results
    if notice:
        from outputs.notice_doc import write_notice

        write_notice(results, notice, lang=lang)
    if summary:
        from outputs.summary_doc import write_summary_document

        write_summary_document(results, summary, lang=lang)
    written = [(kind, path) for kind, path in (
        ("results_json", json_out), ("results_book", out), ("feedback", feedback),
        ("summary", summary), ("notice", notice)) if path]
    if db and results.get("run"):  # so that publishing can rewrite them to say so
        from kaohe.store import open_store

        with open_store(db) as store:
            store.record_outputs(results["run"]["run_id"],
                                 [(kind, str(Path(p).resolve())) for kind, p in written], lang)
    echo(consolidation_summary(run, lang=lang))
    if run.results.get("cadres"):  # per group: team grades, cadres flagged for merit, alerts
        from kaohe.pipeline.cadres import cadre_report

        echo(cadre_report(run.results, lang))
    for note in notes:  # what the examination cache did (after the results, said plainly)
        echo(note[lang == "en"])
    for _, path in written:
        echo(f"→ {shown_path(path)}")
    return run.exit_code, run.results


def _write_run(run: Consolidation, scheme: Scheme, *, json_out: Path | None, out: Path | None,
               feedback: Path | None, db: str | None, reason: str, lang: str,
               echo: Callable[[str], Any], timings: dict[str, float] | None,
               lock_wait: float) -> None:
    """The outputs and the history record of a run, as one unit of work: written into
    staging folders under a lock on their folders, moved into place inside the database
    transaction that records the run (kaohe.pipeline.run_outputs)."""
    from contextlib import ExitStack
    from functools import partial

    from kaohe.pipeline.run_outputs import RunPlacing, committed_in, output_set
    from kaohe.pipeline.summary import recorded_note

    with ExitStack() as stack:
        store = None
        if db:
            from kaohe.store import open_store

            store = stack.enter_context(open_store(db))
        outputs = stack.enter_context(output_set(json_out, out, feedback, wait=lock_wait,
                                                 decide=committed_in(store)))
        placing = partial(RunPlacing, run, outputs, store, json_out=json_out, out=out,
                          feedback=feedback, lang=lang, scheme=scheme.document,
                          timings=timings)
        if store is None:
            placing().finish()
            return
        with _timed(timings, "store"):
            run.results = store.annotate(run.results)
            run.results["trends"] = store.trends(scheme.year)   # published years only
            with_history(store, run.results, scheme)  # the cadres' merits over the years
        # without --reason the store records what is new since the year's previous run
        record = store.record_run(dict(scheme.document), run.results,
                                  inputs=[_input_row(s) for s in run.submissions],
                                  reason=reason, reason_en=reason, before_commit=placing)
    if not record.recorded:  # the same as the year's latest run: say so plainly
        echo(record.unchanged_message()[lang == "en"])
    else:
        echo(recorded_note(run.results["run"], lang))
        if record.published_run_id and not record.published:
            from kaohe.pipeline.summary import official_diff_text

            echo(official_diff_text(record, dict(scheme.document), lang))


def _input_row(sub: Any) -> dict[str, Any]:
    return {"path": sub.path, "sha256": sub.sha256, "kind": sub.kind, "unit_id": sub.owner,
            "status": "used" if sub.accepted else ("superseded" if sub.superseded_by else
                                                   "rejected"),
            "findings": sub.report.to_dicts()}
