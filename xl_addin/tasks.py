"""The work behind the scripts, without xlwings: validate, score, consolidate, make templates.

Each task takes plain values (sheet grids, paths, a scheme) and returns plain data that the
script writes back into Excel. The readers, validators and the pipeline do the real work;
this module only chooses which to call and shapes their results for a sheet.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from kaohe.engine.methods import SCORERS, Inputs
from kaohe.engine.model import Scheme
from kaohe.errors import KaoheError
from validators.report import Issue, Report
from xl_addin.convert import code_for, is_blank, scheme_at
from xl_addin.findings import RESULT_SHEET
from xl_addin.snapshot import SheetValues, write_snapshot

__all__ = ["Settings", "validate_values", "read_values", "provisional_points",
           "points_cells", "consolidate", "make_templates", "load_scheme_for", "issues_of"]

KEY_MARK = "kaohe:key"  # A1 of every keyed sheet of our templates (workbook_templates.sheetkit)
POINTS_KEY = "points"
INPUT_FIELDS = (".actual", ".value", ".rating", ".count")  # where a row's input is
NOT_APPLICABLE = "不适用"
QUOTES = "\"'“”‘’"


class Settings(dict[str, Any]):
    """The console's named cells (kaohe_folder, kaohe_scheme, …) by name without the prefix."""

    def path(self, name: str) -> Path | None:
        """A path cell, None when blank; quotes around it are dropped (Windows' "Copy as path"
        gives "C:\\kaohe\\in" with its quotes, which no file name starts or ends with)."""
        value = self.get(name)
        text = "" if is_blank(value) else str(value).strip().strip(QUOTES).strip()
        return Path(text).expanduser() if text else None

    @property
    def lang(self) -> str:
        return "en" if str(self.get("lang") or "").strip().lower().startswith("en") else "zh"


def load_scheme_for(path: Path | None) -> Scheme:
    """The scheme named in a workbook or console (blank: $KAOHE_SCHEME, else the embedded)."""
    return scheme_at(str(_scheme_file(path)) if path else None)


def _scheme_file(path: Path) -> Path:
    """The scheme file named in the console; a plain message when there is none there."""
    if not path.is_file():
        raise KaoheError(f"找不到考核方案文件“{path}”：请检查控制台“考核方案文件”中的路径"
                         "（留空则使用内置示例方案）",
                         f"there is no scheme file {path}: check the path in the console's "
                         "scheme cell (leave it blank for the embedded scheme)")
    return path


def _snapshot(sheets: Sequence[SheetValues], folder: Path, name: str, base: Path | None) -> Path:
    stem = Path(name).stem or "workbook"
    return write_snapshot(sheets, folder / f"{stem}.xlsx", base, skip=(RESULT_SHEET,))


def validate_values(sheets: Sequence[SheetValues], name: str, base: Path | None,
                    scheme: Scheme) -> Report:
    """Validate the values Excel holds with the same checks as at consolidation."""
    from validators.workbook import validate_workbook

    with tempfile.TemporaryDirectory(prefix="kaohe-") as folder:
        # The snapshot holds Excel's values, formulas' results included: no formula checks.
        report = validate_workbook(_snapshot(sheets, Path(folder), name, base), scheme,
                                   formulas=False)
    issues = [replace(issue, file=name) for issue in report.issues]
    return Report(file=name, issues=issues, kind=report.kind, unit_id=report.unit_id)


def read_values(sheets: Sequence[SheetValues], name: str, base: Path | None) -> Any:
    """The reader's WorkbookRead (kind, document, cell_map, issues, meta) of Excel's values."""
    from workbook_templates import read_workbook  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory(prefix="kaohe-") as folder:
        return read_workbook(_snapshot(sheets, Path(folder), name, base), name=name)


def _points(scheme: Scheme, unit_id: str, indicator_id: str, actual: Any = None,
            rating: Any = None, count: Any = None) -> float | str:
    """The engine's points for one unit and indicator, or the per-cell error text."""
    try:
        ind = scheme.indicator(indicator_id)
        target = ind.target_for(unit_id)
        inputs = Inputs(actual=None if actual is None else float(actual), target=target,
                        rating=rating, count=None if count is None else float(count))
        return SCORERS[ind.method](inputs, dict(ind.params), ind.full_score, ind.direction).points
    except KaoheError as exc:
        return code_for(exc)


def provisional_points(document: Mapping[str, Any] | None,
                       scheme: Scheme) -> list[tuple[str, str, Any]]:
    """(JSON path of the row, indicator id, points or error text) for each row of a document."""
    kind = (document or {}).get("kind")
    if document and kind == "unit_report":
        unit = str(document.get("unit_id") or "")
        return [(f"$.items[{i}]", item["indicator_id"], NOT_APPLICABLE
                 if item.get("not_applicable") else
                 _points(scheme, unit, item["indicator_id"], item.get("actual")))
                for i, item in enumerate(document.get("items", []))]
    if document and kind == "lead_scores":
        return [(f"$.entries[{i}]", entry["indicator_id"],
                 _points(scheme, entry["unit_id"], entry["indicator_id"], entry.get("value"),
                         entry.get("rating"), entry.get("count")))
                for i, entry in enumerate(document.get("entries", []))]
    raise KaoheError("这个工作簿不是单位自评表或牵头部门评分表，没有可计算的得分栏",
                     f"this workbook ({kind}) is not a unit report or lead department sheet")


def points_cells(grids: Mapping[str, Sequence[Sequence[Any]]],
                 cell_map: Mapping[str, tuple[str, str]],
                 points: Sequence[tuple[str, str, Any]]) -> list[tuple[str, int, int, Any]]:
    """(sheet, row, column, value): each result goes to the points column of its row.

    The row is the row of the entry's input cell (cell map); the column is keyed
    "<indicator>.points" (lead department sheets) or "points" (unit reports) in row 1 of
    a keyed sheet (A1 = "kaohe:key").
    """
    from openpyxl.utils.cell import coordinate_from_string

    out = []
    for path, indicator_id, value in points:
        spot = next((cell_map[path + f] for f in INPUT_FIELDS if path + f in cell_map), None)
        if spot is None:
            continue
        column = _points_column(grids.get(spot[0], []), indicator_id)
        if column:
            out.append((spot[0], coordinate_from_string(spot[1])[1], column, value))
    return out


def _points_column(grid: Sequence[Sequence[Any]], indicator_id: str) -> int | None:
    """1-based column keyed "<indicator>.points" or "points" in a keyed sheet's row 1."""
    if not grid or not grid[0] or grid[0][0] != KEY_MARK:
        return None
    keys = list(grid[0])
    for key in (f"{indicator_id}.{POINTS_KEY}", POINTS_KEY):
        if key in keys:
            return keys.index(key) + 1
    return None


def consolidate(settings: Settings, db: Path | None = None) -> list[str]:
    """Consolidate the console's folder into its output folder as `kaohe consolidate` does
    (results.json and results.xlsx), recorded as a run in the history database (the console's
    kaohe_db, else history.sqlite in the output folder); returns the summary lines."""
    from kaohe.pipeline.consolidate import run_consolidation

    # the command line refuses a folder that is not there (click.Path(exists=True)); so must
    # the console, or a mistyped path would publish every unit as not scored
    folder, output = _existing_folder(settings, "folder"), _output_folder(settings)
    chosen = settings.path("scheme")
    scheme = _scheme_file(chosen) if chosen else (
        Path(os.environ["KAOHE_SCHEME"]) if os.environ.get("KAOHE_SCHEME") else None)
    lines: list[str] = []
    output.mkdir(parents=True, exist_ok=True)
    db = db or settings.path("db") or output / "history.sqlite"
    run_consolidation(folder, scheme_path=scheme, out=output / "results.xlsx",
                      json_out=output / "results.json", db=str(db), lang=settings.lang,
                      echo=lambda text: lines.extend(str(text).splitlines()))
    return lines


def make_templates(settings: Settings) -> list[str]:
    """The template set of the console's scheme, in its output folder; returns summary lines."""
    from workbook_templates import build_templates  # type: ignore[attr-defined]

    output = _output_folder(settings)
    scheme = load_scheme_for(settings.path("scheme"))
    paths = [Path(p) for p in build_templates(scheme, output, settings.lang) or []]
    head = (f"{scheme.name}：已生成 {len(paths)} 个模板" if settings.lang != "en"
            else f"{scheme.name}: {len(paths)} templates written")
    return [head, f"→ {output}"] + [f"  {p.name}" for p in paths]


def _required(settings: Settings, name: str) -> Path:
    path = settings.path(name)
    if path is None:
        raise KaoheError(f"请在控制台填写“{LABELS[name][0]}”（名称 kaohe_{name}）",
                         f"fill in {LABELS[name][1]} in the console (name kaohe_{name})")
    return path


def _existing_folder(settings: Settings, name: str) -> Path:
    path = _required(settings, name)
    if not path.is_dir():
        zh, en = LABELS[name]
        raise KaoheError(f"找不到{zh}“{path}”：请检查控制台中“{zh}”的路径（文件夹须已存在）",
                         f"there is no folder {path}: check {en} in the console "
                         "(the folder must exist)")
    return path


def _output_folder(settings: Settings) -> Path:
    """The output folder (made when missing), not a file of that name."""
    path = _required(settings, "output")
    if path.exists() and not path.is_dir():
        raise KaoheError(f"“{path}”是一个文件，不是文件夹：请在控制台“输出文件夹”填写文件夹的路径",
                         f"{path} is a file, not a folder: give a folder as the output folder "
                         "in the console")
    return path


LABELS = {"folder": ("填报文件夹", "the folder of submissions"),
          "output": ("输出文件夹", "the output folder"),
          "scheme": ("考核方案文件", "the scheme file"),
          "workbook": ("要校验的工作簿", "the workbook to check"),
          "db": ("历史数据库", "the history database"),
          "unit": ("单位", "the unit")}


def issues_of(report: Report) -> list[Issue]:
    """The findings in the order the 校验结果 sheet lists them: errors first, else as found."""
    order = {"error": 0, "warning": 1}
    return sorted(report.issues, key=lambda i: order.get(i.severity, 2))
