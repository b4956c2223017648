"""Validation of a whole collection of submissions: per-file Reports plus what only the batch
shows — missing submissions against the roster, two submissions for one unit, foreign files.

Files are validated one by one, in two worker processes when there are many (each worker
sends back only a small `FileResult`, never a whole grid). The batch findings need no
second reading of any file.

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> batch = validate_batch([], Scheme.from_document(default_scheme_document()))
>>> batch.exit_code, batch.issues[0].rule
(2, 'missing-submission')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.labels import KIND_NAMES
from validators.messages import finding
from validators.pool import map_files
from validators.reading.file_names import (
    REGISTERS,
    arrived_unusable,
    expected_submissions,
    owner_from_file_name,
    owner_names,
    shown_report,
    unidentified_files,
)
from validators.report import ERROR, WARNING, Issue, Report
from validators.workbook import examine_workbook

__all__ = ["FileResult", "BatchReport", "validate_batch", "discover", "arrived_unusable",
           "unidentified_files", "PARALLEL_THRESHOLD"]

#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 20
_KIND_ZH = {kind: zh for kind, (zh, en) in KIND_NAMES.items() if kind != "scheme"}
_KIND_EN = {kind: en for kind, (zh, en) in KIND_NAMES.items() if kind != "scheme"}
_IDENTITY_RULES = {"not-our-template", "unknown-kind", "wrong-year", "wrong-scheme",
                   "format-version", "scheme-version", "unknown-owner",
                   "header-owner-mismatch"}


@dataclass
class FileResult:
    """One validated file: small and picklable (what a worker sends back)."""

    path: str
    report: Report
    kind: str = ""
    owner: str = ""     # unit id, lead department id, or "" for the office's registers
    stamp: str = ""     # the date the clerk gave (YYYY-MM-DD), if any
    mtime: str = ""     # the file's modification time (ISO, UTC)
    readable: bool = False  # a document could be read from it
    owner_name: tuple[str, str] = ("", "")  # the owner's name (Chinese, English), if known
    source: str = ""    # the path on disk, when `path` (as shown) differs: a name not UTF-8

    @property
    def identified(self) -> bool:
        """One of our templates, of this scheme and year, for a known unit or department."""
        return bool(self.kind) and not any(i.rule in _IDENTITY_RULES for i in self.report)


@dataclass
class BatchReport:
    """Per-file reports and the batch's own findings."""

    files: list[FileResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: Why the roster was not checked (a folder of one unit's files), when it was not.
    roster_note: Issue | None = None

    @property
    def reports(self) -> list[Report]:
        """The per-file reports, in file order."""
        return [f.report for f in self.files]

    @property
    def errors(self) -> list[Issue]:
        """Errors of every file and of the batch."""
        return [i for r in self.reports for i in r.errors] + [
            i for i in self.issues if i.severity == ERROR]

    @property
    def valid(self) -> bool:
        """No errors anywhere (warnings allowed)."""
        return not self.errors

    @property
    def exit_code(self) -> int:
        """0 clean (warnings allowed), 1 errors found, 2 nothing usable."""
        if not any(f.readable for f in self.files):
            return 2
        return 0 if self.valid else 1

    def flatten(self, keys: Sequence[str] = ("file", "sheet", "cell", "rule")) -> list[list[Any]]:
        """Every finding (per file, then the batch's) as a list of the named fields."""
        issues = [i for r in self.reports for i in r] + self.issues
        return [[getattr(i, k) for k in keys] for i in issues]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: files with their findings, the batch findings, a summary."""
        return {
            "files": [{"file": f.path, "kind": f.kind, "owner": f.owner, "stamp": f.stamp,
                       "valid": f.report.valid, "errors": len(f.report.errors),
                       "warnings": len(f.report.warnings), "issues": f.report.to_dicts()}
                      for f in self.files],
            "batch_issues": [asdict(i) for i in self.issues],
            **({"roster_skipped": asdict(self.roster_note)} if self.roster_note else {}),
            "summary": {"files": len(self.files), "errors": len(self.errors),
                        "warnings": sum(len(r.warnings) for r in self.reports)
                        + sum(1 for i in self.issues if i.severity == WARNING),
                        "exit_code": self.exit_code},
        }


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every file under folders named (Excel's ~$ lock files and hidden
    files skipped), in a stable order without repeats."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*"))
                         if p.is_file() and not p.name.startswith(("~$", ".~lock", ".")))
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = _real(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _real(path: Path) -> Path:
    """The file a path names; a symlink loop (which path.resolve() refuses with a
    RuntimeError) is kept as it is, for its examination to say what it is."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def validate_one(path: str | Path, scheme: Scheme) -> FileResult:
    """Validate one file and keep what the batch needs; never raises."""
    read, report = examine_workbook(path, scheme)
    shown = shown_report(path, report)
    result = FileResult(shown, report, kind=report.kind, owner=report.unit_id,
                        readable=read is not None,
                        source=str(path) if shown != str(path) else "")
    try:
        result.mtime = datetime.fromtimestamp(os.stat(path).st_mtime, UTC).isoformat(
            timespec="seconds")
    except OSError:
        pass
    if read is not None:
        document = read.document if isinstance(read.document, dict) else {}
        result.stamp = str(document.get("date") or "")
        result.owner = str(document.get("unit_id") or document.get("lead_department")
                           or result.owner)
        if report.kind in REGISTERS:
            result.owner = ""
    if result.owner:
        result.owner_name = owner_names(scheme).get(result.owner, ("", ""))
    return result


def validate_batch(paths: Iterable[str | Path], scheme: Scheme, *, workers: int = 2,
                   roster: bool | None = True,
                   progress: Callable[[int, int], None] | None = None) -> BatchReport:
    """Validate files and folders of submissions; with `roster`, also say what is missing.

    `roster=None` checks the roster when a folder holds a collection — files of two or more
    units, departments or registers — and otherwise says it was not checked (a clerk
    checking a folder with their own file in it); files named one by one are never checked
    against it.

    Example: ``validate_batch(["收集/"], scheme).flatten(["file", "rule"])``.
    """
    paths = list(paths)
    files = discover(paths)
    tick = progress or (lambda done, total: None)
    results = map_files(validate_one, files, scheme, workers=workers,
                        progress=tick, threshold=PARALLEL_THRESHOLD)
    batch = BatchReport(results)
    batch.issues.extend(duplicates(results, scheme,
                                   roots=[Path(p) for p in paths if Path(p).is_dir()]))
    if roster is None and not any(Path(p).is_dir() for p in paths):
        roster = False  # files named one by one are not a collection: nothing to say
    if roster is None:
        owners = {whose for r in results if (whose := _whose(r, scheme))}
        roster = len(owners) >= 2
        if not roster:
            batch.roster_note = _roster_note(owners, scheme)
    if roster:
        batch.issues.extend(missing_submissions(results, scheme))
    return batch


def _whose(result: FileResult, scheme: Scheme) -> tuple[str, str] | None:
    """(kind, owner) of a submission: by its content when identified, else by its name."""
    if result.identified and result.kind in _KIND_ZH:
        return result.kind, result.owner
    named = owner_from_file_name(result.path, scheme)
    return (named.kind, named.owner) if named else None


def _roster_note(owners: set[tuple[str, str]], scheme: Scheme) -> Issue:
    if not owners:
        return finding("roster-skipped", key="roster-skipped-none", severity=WARNING)
    ((kind, owner),) = owners
    name, name_en = owner_names(scheme).get(owner) or (_KIND_ZH.get(kind, kind),
                                                       _KIND_EN.get(kind, kind))
    return finding("roster-skipped", severity=WARNING, unit_id=owner,
                   params={"who": name, "who_en": name_en})


def _shown_time(mtime: str) -> str:
    """A file's modification time as a clerk's file manager shows it: local, to the minute
    ("2026-11-26 19:45"); the stored text when it is not a time."""
    try:
        return datetime.fromisoformat(mtime).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return mtime


def _shown_names(paths: Sequence[str], roots: Sequence[Path]) -> dict[str, str]:
    """Each file by its name — by its path under the folder validated when two files of
    the group have the same name (收集/一组/a.xlsx and 收集/二组/a.xlsx: 一组/a.xlsx)."""
    names = {path: Path(path).name for path in paths}
    if len(set(names.values())) == len(names):
        return names
    for path in paths:
        for root in roots:
            try:
                names[path] = Path(path).relative_to(root).as_posix()
                break
            except ValueError:
                continue
        else:
            names[path] = str(path)
    return names


def duplicates(results: Sequence[FileResult], scheme: Scheme | None = None,
               roots: Sequence[Path] = ()) -> list[Issue]:
    """Two or more submissions for the same unit/department/register: all named, the newer
    (by the date the clerk gave, then the file's time) said to be the one to keep. Files
    of the same name in different folders are named by their path under `roots` (the
    folders validated)."""
    groups: dict[tuple[str, str], list[FileResult]] = {}
    for result in results:
        if result.identified:
            groups.setdefault((result.kind, result.owner), []).append(result)
    names_of = owner_names(scheme) if scheme is not None else {}
    issues = []
    for (kind, owner), group in groups.items():
        if len(group) < 2:
            continue
        name, name_en = names_of.get(owner, (owner, owner))
        group.sort(key=lambda r: (r.stamp, r.mtime, r.path))
        newest = group[-1]
        shown = _shown_names([r.path for r in group], roots)
        names = [shown[r.path] for r in group]
        basis = "填报日期" if newest.stamp and newest.stamp != group[-2].stamp else "文件修改时间"
        basis_en = ("the date filled in" if basis == "填报日期" else "the file's modification "
                    "time")
        when = newest.stamp if basis == "填报日期" else _shown_time(newest.mtime)
        issues.append(finding(
            "duplicate-submission", severity=WARNING, file=newest.path, unit_id=owner,
            value=len(group), params={
                "owner": name or _KIND_ZH.get(kind, kind), "owner_en": name_en or _KIND_EN.get(
                    kind, kind), "count": len(group), "what": _KIND_ZH.get(kind, kind),
                "what_en": _KIND_EN.get(kind, kind), "files": "、".join(names),
                "files_en": ", ".join(names), "newest": shown[newest.path],
                "basis": basis, "basis_en": basis_en, "when": when}))
    return issues


def missing_submissions(results: Sequence[FileResult], scheme: Scheme) -> list[Issue]:
    """Every unit's report, every scoring department's sheet and the office's registers
    that no identified file provides — a file that arrived for it (by its name) but cannot
    be used is named with its reason — and one line for files whose name points at no one."""
    have = {(r.kind, r.owner) for r in results if r.identified}
    arrived: dict[tuple[str, str], FileResult] = {}
    strays = []
    for result in results:
        named = owner_from_file_name(result.path, scheme)
        if named is not None:  # (used only if that one is missing: then this is not it)
            arrived.setdefault((named.kind, named.owner), result)
        elif not result.identified:
            strays.append(result)
    issues = []
    for kind, owner, name, name_en, _ in expected_submissions(scheme):
        if (kind, owner) not in have:
            issues.append(_missing(kind, owner, name, name_en, arrived.get((kind, owner))))
    if strays:
        issues.append(unidentified_files([r.path for r in strays]))
    return issues


def _missing(kind: str, owner: str, name: str, name_en: str,
             arrived: FileResult | None = None) -> Issue:
    unusable = arrived_unusable(arrived.path, arrived.report, kind, owner, name,
                                name_en) if arrived else None
    if unusable:
        return unusable
    return finding("missing-submission", key=None if owner else "missing-register",
                   unit_id=owner, value=owner or kind, params={
        "name": name, "name_en": name_en or owner or name, "what": _KIND_ZH[kind],
        "what_en": _KIND_EN[kind]})
