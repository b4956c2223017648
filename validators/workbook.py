"""Validation of one filled workbook: every problem found, located at its cell and explained.

    inspect_file → _meta (ours? this scheme, year, version? a known unit?) → sheets present
    → read_workbook (values normalised; never raises here) → tampering (fingerprint, rows,
    locked cells, formulas) → schema problems at their cells → value checks (CHECKS)

A file that must not be read stops at the first step with one file-level finding; a
template of another year or scheme is refused with that reason. Nothing raises: an
unexpected failure becomes a file-level `read-failed` finding.

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> scheme = Scheme.from_document(default_scheme_document())
>>> validate_workbook("/nonexistent.xlsx", scheme).flatten(["rule"])
[['missing-file']]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme
from kaohe.labels import KIND_NAMES
from validators.container.files import Limits, open_checked
from validators.messages import finding
from validators.messages.wording import scheme_wording
from validators.reading.locate import CellMap, locate
from validators.reading.recover import recovered_meta
from validators.reading.xlsx_read import DamagedSheet, WorkbookFile, damaged_issue
from validators.report import ERROR, WARNING, Issue, Report
from validators.rules.common import LABELS
from validators.rules.error_values import error_value_issues
from validators.rules.json_schema import KINDS, schema_problems
from validators.rules.tamper import sheet_issues, tamper_issues
from validators.rules.values import run_checks

__all__ = ["validate_workbook", "examine_workbook", "validate_document_file", "identity_issues",
           "owner_issues", "issues_from_schema", "TEMPLATE_KINDS"]

TEMPLATE_KINDS = ("unit_report", "lead_scores", "adjustments", "routine", "ballots", "roster",
                  "cadre_ballots")
META_SHEET = "_meta"
_STRUCTURAL = {"column-deleted", "column-inserted"}
# What a deleted row leaves missing: said once, as the deleted row.
_SAID_BY_DELETED = {"missing-indicator", "missing-entry", "blank-routine-unit",
                    "blank-conduct-unit", "blank-satisfaction-unit"}
_MAX_JSON_BYTES = 20 * 1024 * 1024
# The header label before the owner's name (workbook_templates.labels), and `_meta`'s field.
_HEADER_LABELS = {"unit_report": ("hdr.unit", "unit_id"),
                  "lead_scores": ("hdr.dept", "lead_department")}
_HEADER_ROWS = 10  # the header block is within the first rows
_OWNER_KINDS = {kind: KIND_NAMES[kind] for kind in ("unit_report", "lead_scores")}


def validate_workbook(path: str | Path, scheme: Scheme, *, limits: Limits | None = None,
                      formulas: bool = True) -> Report:
    """Every finding of one filled workbook (or JSON document), as a Report; never raises.

    Example: ``validate_workbook("阿勒泰市.xlsx", scheme).flatten(["sheet", "cell", "rule"])``
    → ``[["单位自评表", "J11", "evidence-required"]]``.
    """
    return examine_workbook(path, scheme, limits=limits, formulas=formulas)[1]


def examine_workbook(path: str | Path, scheme: Scheme, *, limits: Limits | None = None,
                     formulas: bool = True) -> tuple[Any, Report]:
    """(the reader's WorkbookRead or None when the file cannot be read, its Report).

    `formulas=False` skips the formula checks, for a values-only copy of a workbook (such
    a copy holds the formulas' results where the template has formulas). Every finding
    carries both languages (`label`/`label_en`, `message`/`message_en`): the language is
    chosen where findings are shown.
    """
    path = Path(path)
    limits = limits or Limits()
    name = str(path)
    report = Report(file=name)
    if path.suffix.lower() == ".json":
        report = validate_document_file(path, scheme)
        report.issues = scheme_wording(report.issues, scheme)
        return None, report
    try:
        read = _examine(path, name, scheme, report, limits, formulas)
    except Exception as exc:  # noqa: BLE001 - a validator reports, it never crashes
        # a damaged sheet is named (DamagedSheet.sheet); any other failure is the file's
        report.add(damaged_issue(exc, name) if isinstance(exc, DamagedSheet)
                   else finding("read-failed", file=name, params=_reason(exc)))
        read = None
    # every finding of a unit's own file is about that unit
    if report.kind in ("unit_report", "roster", "cadre_ballots") and report.unit_id:
        report.issues = [i if i.unit_id else i.located(unit_id=report.unit_id)
                         for i in report.issues]
    report.issues = _tidy(scheme_wording(report.issues, scheme))
    return read, report


def _reason(exc: BaseException) -> dict[str, str]:
    from kaohe.errors import KaoheError

    if isinstance(exc, KaoheError):  # our own errors say it in both languages
        return {"reason": exc.message[:200], "reason_en": exc.message_en[:200]}
    text = str(exc) or type(exc).__name__
    return {"reason": text[:200], "reason_en": text[:200]}


def _examine(path: Path, name: str, scheme: Scheme, report: Report, limits: Limits,
             formulas: bool = True) -> Any:
    refused, checked = open_checked(path, limits)
    if checked is not None:  # the hash of exactly the bytes every check below reads
        report.sha256 = hashlib.sha256(checked.data).hexdigest()
    if refused or checked is None:
        report.extend(refused)
        return None
    book = WorkbookFile(path, checked)
    from workbook_templates.meta import parse_meta

    found = (parse_meta(book.rows(META_SHEET)) if META_SHEET in book.names
             else recovered_meta(book, scheme, name, report))
    if found is None:
        report.add(finding("not-our-template", file=name))
        return None
    meta = found
    report.kind = str(meta.get("kind") or "")
    report.unit_id = str(meta.get("unit_id") or meta.get("lead_department") or "")
    if report.kind == "scheme":
        return _examine_scheme(path, name, report, book)
    identity = identity_issues(meta, scheme, name)
    report.extend(identity)
    if any(i.severity == ERROR for i in identity):
        return None
    missing = sheet_issues(book, meta.get("layout") or {}, name)
    report.extend(missing)
    if missing:
        return None
    owner = owner_issues(book, meta, scheme, name)
    report.extend(owner)
    if any(i.severity == ERROR for i in owner):
        return None  # another unit's file: its targets are not this one's to check
    from workbook_templates import read_workbook

    # The reader's own fingerprint finding would be dropped below: tamper.py checks it.
    read = read_workbook(path, check_schema=False, check_fingerprint=False, values=book,
                         meta=None if META_SHEET in book.names else meta)
    tampering = tamper_issues(book, meta, scheme, name, formulas=formulas)
    # The reader's own fingerprint finding is replaced by the located ones of tamper.py.
    reader = [i.located(file=name) for i in read.issues if i.rule != "template-modified"]
    if not read.document:  # the reader could not make sense of it
        located = [i for i in tampering if i.cell]
        report.extend(located or reader)
        return None
    # Before the reader's findings: a cell showing #DIV/0! is named so, not as a blank one
    # (unless a formula typed there shows it: the reader's formula-in-input says so).
    typed = {(i.sheet, i.cell) for i in reader if i.rule.startswith("formula-in-input")}
    report.extend(i for i in error_value_issues(book, read.document, read.cell_map, scheme)
                  if (i.sheet, i.cell) not in typed)
    report.extend(reader)
    report.extend(tampering)
    if any(i.rule in _STRUCTURAL for i in tampering):
        return read  # columns moved under the reader: value findings would be noise
    document, cell_map = read.document, read.cell_map
    # A deleted row is reported once, as such, not again as a missing entry.
    deleted = {(i.indicator_id, i.unit_id) for i in tampering if i.rule == "row-deleted"}
    # A fraction in a % row: the cell's number format said how it was typed (a typed 85%
    # was read as 85 by the reader), so the guess from the target's size is not made.
    report.extend(i.located(file=name) for i in run_checks(document, cell_map, scheme)
                  if i.rule != "percent-as-fraction"
                  and not (i.rule in _SAID_BY_DELETED and (
                      (i.indicator_id, "") in deleted or ("", i.unit_id) in deleted)))
    # After the checks: where both speak of one cell, the check's words are the clearer.
    report.extend(issues_from_schema(document, cell_map, name))
    return read


def _examine_scheme(path: Path, name: str, report: Report, book: WorkbookFile) -> Any:
    """A scheme workbook: its document's problems located at the scheme workbook's cells."""
    from validators.scheme.checks import check_scheme
    from workbook_templates import read_workbook

    read = read_workbook(path, check_schema=False, values=book)
    report.extend(i.located(file=name) for i in read.issues)
    if not read.document:
        return None
    report.extend(check_scheme(read.document, read.cell_map, file=name).issues)
    return read


def _own(issues: Iterable[Issue], name: str) -> list[Issue]:
    return [i.located(file=name) for i in issues]


# ---------------------------------------------------------------- identity

def identity_issues(meta: Mapping[str, Any], scheme: Scheme, file: str = "") -> list[Issue]:
    """Whether `_meta` names this scheme, year, template format and a unit/department of it."""
    from workbook_templates.meta import FORMAT_VERSION

    kind = meta.get("kind")
    if kind not in TEMPLATE_KINDS:
        return [finding("unknown-kind", file=file, value=_plain(kind),
                        params={"kind": _given(kind)})]
    year = meta.get("year")
    if year != scheme.year:
        return [finding("wrong-year", file=file, value=_plain(year),
                        params={"got": _given(year), "want": scheme.year})]
    if meta.get("scheme_id") != scheme.scheme_id:
        return [finding("wrong-scheme", file=file, value=_plain(meta.get("scheme_id")),
                        params={"got": _given(meta.get("scheme_id")),
                                "want": scheme.scheme_id})]
    if str(meta.get("format_version")) != FORMAT_VERSION:
        return [finding("format-version", file=file, value=_plain(meta.get("format_version")),
                        params={"got": _given(meta.get("format_version")),
                                "want": FORMAT_VERSION})]
    found = []
    if str(meta.get("scheme_version")) != scheme.version:
        # A warning: what changed between versions (targets, indicators) is checked cell by
        # cell against the current scheme below.
        found.append(finding("scheme-version", file=file, severity=WARNING,
                             value=_plain(meta.get("scheme_version")),
                             params={"got": _given(meta.get("scheme_version")),
                                     "want": scheme.version}))
    if not isinstance(meta.get("layout"), Mapping) or not meta["layout"].get("sheets"):
        return [finding("not-our-template", file=file)]
    if kind in ("unit_report", "roster", "cadre_ballots") and not scheme.has_unit(
            meta.get("unit_id")):
        return [finding("unknown-owner", file=file, unit_id=str(meta.get("unit_id") or ""),
                        value=_plain(meta.get("unit_id")),
                        params={"owner": _given(meta.get("unit_id")), "what": "被考核单位",
                                "what_en": "unit"})]
    dept = meta.get("lead_department")
    if kind == "lead_scores" and not scheme.indicators_of(str(dept)):
        return [finding("unknown-owner", file=file, value=_plain(dept),
                        params={"owner": _given(dept), "what": "牵头评分部门",
                                "what_en": "scoring lead department"})]
    return found


def owner_issues(book: WorkbookFile, meta: Mapping[str, Any], scheme: Scheme,
                 file: str = "") -> list[Issue]:
    """Whose the file is, three ways: the unit (or lead department) named in the data sheet's
    locked header must be `_meta`'s — else an error at that cell; a file name naming another
    unit than the content is a warning.

    Example: fuhai's report with `_meta` edited to say burqin → ``header-owner-mismatch`` at
    单位自评表!D4; burqin's report saved as 单位自评表_fuhai.xlsx → ``file-name-mismatch``.
    """
    from validators.reading.file_names import owner_from_file_name, owner_names
    from workbook_templates.labels import TEXT

    kind = str(meta.get("kind") or "")
    if kind not in _HEADER_LABELS:
        return []
    owner = str(meta.get(_HEADER_LABELS[kind][1]) or "")
    name, name_en = owner_names(scheme).get(owner, (owner, owner))
    where = {"file": file, "unit_id": owner if kind == "unit_report" else ""}
    header = _header_owner(book, meta, kind)
    if header is not None:
        sheet, cell, text = header
        if text.casefold() not in {name.casefold(), name_en.casefold(), owner.casefold()}:
            label, label_en = TEXT[_HEADER_LABELS[kind][0]]
            return [finding("header-owner-mismatch", sheet=sheet, cell=cell, value=text,
                            **where, params={
                                "label": label.rstrip("：:"), "header": text, "owner": name,
                                "owner_en": name_en, "label_en": label_en.rstrip(":")})]
    named = owner_from_file_name(file, scheme) if file else None
    if named is None or named.kind != kind or not named.owner or named.owner == owner:
        return []
    what, what_en = _OWNER_KINDS[kind]
    return [finding("file-name-mismatch", severity=WARNING, value=named.owner, **where,
                    params={"named": named.name, "named_en": named.name_en, "owner": name,
                            "owner_en": name_en, "what": what, "what_en": what_en})]


def _header_owner(book: WorkbookFile, meta: Mapping[str, Any],
                  kind: str) -> tuple[str, str, str] | None:
    """(sheet, cell, text) of the owner's name in the data sheet's header block, if found."""
    from validators.container.part_scan import col_letters
    from workbook_templates.labels import TEXT

    labels = {text.strip() for text in TEXT[_HEADER_LABELS[kind][0]]}
    for spec in ((meta.get("layout") or {}).get("sheets") or {}).values():
        sheet = str(spec.get("name") or "")
        for r, row in enumerate(book.rows(sheet)[:_HEADER_ROWS] if sheet in book.names else []):
            if not row or row[0] != "@header":
                continue
            for c, value in enumerate(row):
                if isinstance(value, str) and value.strip() in labels:
                    rest = [(j, v) for j, v in enumerate(row[c + 1:], c + 1) if v not in ("", None)]
                    if rest:
                        j, text = rest[0]
                        return sheet, f"{col_letters(j + 1)}{r + 1}", str(text).strip()
                    return None
        return None  # the first data sheet holds the header
    return None


def _given(value: Any) -> Any:
    """A `_meta` value for a message: a blank cell or a missing row is None (the message
    reads “（空白）”, not “None” or “”)."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) else None


# ---------------------------------------------------------------- schema problems at cells

def issues_from_schema(document: Any, cell_map: CellMap, file: str = "") -> list[Issue]:
    """The document's schema problems as Issues located through the cell map (a missing
    field at its parent's cell)."""
    issues = []
    for problem in schema_problems(document):
        sheet, cell = locate(problem.path, cell_map)
        issues.append(Issue(
            rule=problem.rule, message=problem.message, message_en=problem.message_en,
            file=file, sheet=sheet, cell=cell, field=problem.field,
            label=LABELS.get(problem.field, ""),
            value=_plain(problem.value), json_path=problem.json_path,
            hint="请按表中说明填写，或使用下发的模板重新填报" if cell else "请按文档格式说明修改",
            hint_en="fill it in as the sheet explains" if cell else "fix it as the format "
            "description says"))
    return issues


# ---------------------------------------------------------------- JSON documents

def validate_document_file(path: Path, scheme: Scheme) -> Report:
    """A JSON document (unit_report, lead_scores …): schema problems and value checks."""
    name = str(path)
    report = Report(file=name)
    try:
        if path.stat().st_size > _MAX_JSON_BYTES:
            report.add(finding("file-too-large", file=name, params={
                "size": f"{path.stat().st_size / 1048576:.1f} MB",
                "limit": f"{_MAX_JSON_BYTES / 1048576:.0f} MB"}))
            return report
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.add(finding("missing-file", file=name))
        return report
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        report.add(finding("read-failed", file=name, params=_reason(exc)))
        return report
    if isinstance(document, Mapping):
        report.kind = str(document.get("kind") or "")
        report.unit_id = str(document.get("unit_id") or document.get("lead_department") or "")
    report.extend(issues_from_schema(document, {}, name))
    if isinstance(document, Mapping) and document.get("kind") in KINDS:
        if document.get("kind") != "scheme":
            if document.get("year") not in (None, scheme.year):
                report.add(finding("wrong-year", file=name, params={
                    "got": document.get("year"), "want": scheme.year}))
            report.extend(i.located(file=name) for i in run_checks(document, {}, scheme))
        else:
            from validators.scheme.checks import check_scheme

            report.extend(i for i in check_scheme(document, file=name)
                          if not any(i.json_path == j.json_path and i.rule == j.rule
                                     for j in report.issues))
    return report


# ---------------------------------------------------------------- tidying

#: Sheet-level "nothing filled in" errors, and the per-cell warnings they make noise of.
_EMPTY_SHEET = {"no-actuals": "blank-actual", "no-scores": "blank-score"}


def _tidy(issues: list[Issue]) -> list[Issue]:
    """One finding per (sheet, cell, rule); none after a reader's error at the same cell,
    no "blank" after another finding at the cell (a date that could not be read), no
    blank-cell warnings on a sheet that is reported as not filled in at all; file-level
    findings first, then in sheet and row order."""
    kept: list[Issue] = []
    seen: set[tuple[str, str, str]] = set()
    errors_at: set[tuple[str, str]] = set()
    found_at: set[tuple[str, str]] = set()
    empty = {(i.sheet, _EMPTY_SHEET[i.rule]) for i in issues if i.rule in _EMPTY_SHEET}
    for issue in issues:
        where = (issue.sheet, issue.cell)
        if (*where, issue.rule) in seen or (issue.cell and where in errors_at):
            continue
        if issue.rule.startswith("blank-") and (
                (issue.cell and where in found_at) or (issue.sheet, issue.rule) in empty):
            continue
        seen.add((*where, issue.rule))
        if issue.cell:
            found_at.add(where)
            if issue.severity == ERROR:
                errors_at.add(where)
        kept.append(issue)
    sheets: dict[str, int] = {}
    for issue in kept:
        sheets.setdefault(issue.sheet, len(sheets))
    return sorted(kept, key=lambda i: (bool(i.sheet or i.cell), sheets[i.sheet],
                                       i.row_number or _row_of(i.cell), _col_of(i.cell)))


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def _col_of(cell: str) -> int:
    number = 0
    for ch in cell:
        if ch.isalpha():
            number = number * 26 + ord(ch.upper()) - 64
    return number
