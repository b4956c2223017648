"""read_workbook: any filled template -> its document, a cell map and located findings.

The fast path is python-calamine: `_meta` says what the workbook is, then only the data
sheets named in its layout are read (never the instructions, never with openpyxl). Formula
columns are outputs and are never read as inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from kaohe.errors import KaoheError
from validators.container.files import Checked
from validators.reading.locate import locate
from validators.reading.xlsx_read import DamagedSheet, WorkbookFile, damaged_issue
from validators.report import ERROR, Issue, Report
from validators.rules.tamper import sheet_issues
from workbook_templates.grid import Context
from workbook_templates.meta import (
    FORMAT_VERSION,
    META_SHEET,
    fingerprint,
    locked_content,
    parse_meta,
)

__all__ = ["WorkbookRead", "READERS", "SheetValues", "read_workbook"]


class _Readers(Mapping[str, Callable[[Context], dict[str, Any]]]):
    """kind -> its reader, each module imported when its kind is first read (validating one
    unit report need not import the builders of the registers and the scheme workbook)."""

    _WHERE = {"scheme": ("scheme_book", "read_scheme"),
              "unit_report": ("unit_report", "read_unit_report"),
              "lead_scores": ("lead_scores", "read_lead_scores"),
              "adjustments": ("adjustments", "read_adjustments"),
              "routine": ("tallies", "read_routine"), "ballots": ("tallies", "read_ballots"),
              "roster": ("cadre_read", "read_roster"),
              "cadre_ballots": ("cadre_read", "read_cadre_ballots")}

    def __getitem__(self, kind: str) -> Callable[[Context], dict[str, Any]]:
        import importlib

        module, name = self._WHERE[kind]
        reader: Callable[[Context], dict[str, Any]] = getattr(
            importlib.import_module(f"workbook_templates.{module}"), name)
        return reader

    def __iter__(self) -> Iterator[str]:
        return iter(self._WHERE)

    def __len__(self) -> int:
        return len(self._WHERE)


READERS: Mapping[str, Callable[[Context], dict[str, Any]]] = _Readers()


class SheetValues(Protocol):
    """An already open workbook: its sheet names and each sheet's values, A1-anchored."""

    @property
    def names(self) -> Sequence[str]:
        """The sheet names, in the workbook's order."""
        ...

    def rows(self, name: str) -> list[list[Any]]:
        """The sheet's values as python-calamine gives them (skip_empty_area=False)."""
        ...


@dataclass(frozen=True)
class WorkbookRead:
    """What a workbook holds: its kind, document, where each value came from, findings, `_meta`."""

    kind: str
    document: dict[str, Any]
    cell_map: dict[str, tuple[str, str]]
    issues: list[Issue]
    meta: dict[str, Any]

    @property
    def errors(self) -> list[Issue]:
        """Findings that stop the workbook from being used."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    def report(self) -> Report:
        """The findings as a validators Report."""
        file = str(self.meta.get("file", ""))
        return Report(file=file, issues=list(self.issues), kind=self.kind,
                      unit_id=str(self.meta.get("unit_id") or ""))


def _failed(file: str, rule: str, zh: str, en: str, hint: str, hint_en: str,
            meta: dict[str, Any] | None = None, kind: str = "") -> WorkbookRead:
    issue = Issue(rule, zh, en, file=file, hint=hint, hint_en=hint_en)
    return WorkbookRead(kind, {}, {}, [issue], {"file": file, **(meta or {})})


def read_workbook(source: Path | str | IO[bytes], *, name: str = "",
                  check_schema: bool = True, check_fingerprint: bool = True,
                  values: SheetValues | None = None,
                  meta: dict[str, Any] | None = None) -> WorkbookRead:
    """Read a filled template (path or binary file object); never raises on a bad workbook.

    `values`, an already open workbook of the same file, is read instead of opening the
    file again; `meta`, the `_meta` recovered for a copy that lost its own
    (validators.reading.recover), is taken instead of the workbook's. `check_fingerprint=False`
    leaves the fingerprint to the caller (the validators compare it cell by cell), but still
    reads every data sheet of the layout.

    Example: ``read = read_workbook("单位自评表_altay_city.xlsx"); read.document["items"][0]``
    """
    file = name or (str(source) if isinstance(source, str | Path) else "")
    # Formulas only from a workbook handed in (the validators check them; reading for the
    # figures does not open the sheet XML a second time).
    formulas = getattr(values, "formula_cells", None)
    if values is None:
        try:
            values = _open(source, file)
        except OSError as exc:
            from validators.container.files import read_error

            why = read_error(exc)
            return _failed(file, "unreadable-workbook", f"无法打开工作簿：{why['reason']}",
                           f"cannot open the workbook: {why['reason_en']}",
                           "请确认文件是 .xlsx 格式且未损坏",
                           "check that the file is an undamaged .xlsx workbook")
        except ValueError as exc:
            return _failed(file, "unreadable-workbook", f"无法打开工作簿：{exc}",
                           f"cannot open the workbook: {exc}",
                           "请确认文件是 .xlsx 格式且未损坏",
                           "check that the file is an undamaged .xlsx workbook")
        except DamagedSheet as exc:
            return _failed(file, "unreadable-workbook", f"无法打开工作簿：{exc.message}",
                           f"cannot open the workbook: {exc.message_en}",
                           "请确认文件是 .xlsx 格式且未损坏",
                           "check that the file is an undamaged .xlsx workbook")
    if meta is not None:
        meta = {**meta, "file": file}
    elif META_SHEET not in values.names:
        return _failed(file, "not-a-template",
                       "这个工作簿不是考核办下发的模板（缺少隐藏的 _meta 工作表）",
                       "this workbook is not one of our templates (no hidden _meta sheet)",
                       "请在考核办下发的模板中填写", "fill in the template the office sent")
    else:
        try:
            meta = parse_meta(values.rows(META_SHEET))
        except DamagedSheet as exc:
            return _damaged(exc, file)
        except KaoheError as exc:  # DamagedMeta: the layout rows were edited, cut or removed
            return _failed(file, "template-damaged", exc.message, exc.message_en,
                           "请使用考核办下发的原始模板重新填报",
                           "fill in a fresh copy of the template")
        meta["file"] = file
    kind = str(meta.get("kind") or "")
    if kind not in READERS:
        return _failed(file, "unknown-template-kind", f"无法识别的模板类型 “{kind}”",
                       f"unknown template kind {kind!r}", "请在考核办下发的模板中填写",
                       "fill in the template the office sent", meta, kind)
    if str(meta.get("format_version")) != FORMAT_VERSION:
        return _failed(file, "template-format-version",
                       f"模板格式版本 {meta.get('format_version')} "
                       f"与本程序（{FORMAT_VERSION}）不一致",
                       f"template format {meta.get('format_version')} is not {FORMAT_VERSION}",
                       "请使用考核办最新下发的模板", "use the latest template", meta, kind)

    if isinstance(values, WorkbookFile) and (missing := sheet_issues(
            values, meta.get("layout") or {}, file)):
        return WorkbookRead(kind, {}, {}, missing, meta)  # a data sheet renamed or deleted

    # An open WorkbookFile also knows the formulas (a formula typed into an input cell).
    ctx = Context(file=file, meta=meta, load=values.rows, formulas=formulas,
                  percent=getattr(values, "percent_cells", None))
    try:
        document = READERS[kind](ctx)
        if check_fingerprint:
            _check_fingerprint(ctx)
        else:
            for role in ctx.layout.get("sheets", {}):
                ctx.grid(role)
    except DamagedSheet as exc:
        return _damaged(exc, file, meta, kind)
    except KeyError:  # (a layout whose parts do not fit together: its text means nothing)
        return _failed(file, "template-damaged", "模板结构被改动，无法读取",
                       "the template's structure was changed and cannot be read",
                       "请使用考核办下发的原始模板重新填报", "fill in a fresh copy of the template",
                       meta, kind)
    if check_schema and kind != "scheme":
        _schema_issues(ctx, document, kind)
    return WorkbookRead(kind, document, ctx.cell_map, ctx.issues, meta)


def _open(source: Path | str | IO[bytes], file: str) -> WorkbookFile:
    """The workbook as the validators read it (python-calamine, its failures in plain words)."""
    if isinstance(source, str | Path):
        return WorkbookFile(Path(source))
    return WorkbookFile(Path(file or "workbook.xlsx"), Checked(source.read()))


def _damaged(exc: DamagedSheet, file: str, meta: dict[str, Any] | None = None,
             kind: str = "") -> WorkbookRead:
    """A sheet python-calamine cannot read: the validators' finding, at its sheet and cell."""
    return WorkbookRead(kind, {}, {}, [damaged_issue(exc, file)], {"file": file, **(meta or {})})


def _check_fingerprint(ctx: Context) -> None:
    """Recompute the fingerprint from the locked cells; a mismatch means they were edited."""
    sheets = {role: locked_content(ctx.grid(role).rows, spec.get("locked", []))
              for role, spec in ctx.layout.get("sheets", {}).items()}
    if fingerprint(ctx.meta, sheets) != ctx.meta.get("fingerprint"):
        ctx.add("template-modified", "模板中已锁定的内容（指标、目标值、满分或单位名单）被改动过",
                "locked content of the template (indicators, targets, full scores or units) "
                "was changed", hint="请使用考核办下发的原始模板重新填报",
                hint_en="fill in a fresh copy of the template the office sent")


def _schema_issues(ctx: Context, document: dict[str, Any], kind: str) -> None:
    """JSON Schema problems of the document, located through the cell map (once per cell)."""
    from validators.rules.json_schema import schema_problems

    taken = {(i.sheet, i.cell) for i in ctx.issues if i.severity == ERROR and i.cell}
    for problem in schema_problems(document, kind):
        sheet, cell = locate(problem.path, ctx.cell_map)
        if (sheet, cell) in taken and cell:
            continue
        ctx.add(f"schema-{problem.rule}", problem.message, problem.message_en, sheet=sheet,
                cell=cell, field=problem.field, json_path=problem.json_path,
                value=problem.value if isinstance(problem.value, str | int | float) else None,
                hint="请按填表说明修改", hint_en="correct it as the instructions say")
