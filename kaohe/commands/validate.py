"""`kaohe validate`: check filled workbooks (or JSON documents) and say what to fix, where."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kaohe.cli import current_lang, friendly
from kaohe.labels import KIND_NAMES

__all__ = ["COMMANDS", "render_batch", "load_scheme_checked"]

_SEVERITY = {"zh": {"error": "错误", "warning": "警告"},
             "en": {"error": "error", "warning": "warning"}}
_KIND = {lang: {kind: names[i] for kind, names in KIND_NAMES.items()}
         for i, lang in enumerate(("zh", "en"))}


def load_scheme_checked(path: Path | None, lang: str) -> tuple[Any, str]:
    """(the Scheme or None, text of the scheme's findings) — a broken scheme is reported, not
    raised, so the clerk sees every problem of it at once."""
    from kaohe.engine.model import Scheme
    from kaohe.errors import KaoheError
    from kaohe.pipeline.documents import default_scheme_document

    if path is None:
        return Scheme.from_document(default_scheme_document()), ""
    from validators.scheme.checks import check_scheme

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from workbook_templates import import_scheme_workbook

        document = import_scheme_workbook(path)
        document = getattr(document, "document", document)
    else:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise KaoheError(f"无法读取考核方案 {path}：{exc}",
                             f"cannot read the scheme {path}: {exc}") from exc
    report = check_scheme(document, file=str(path))
    if not report.valid:
        from validators.report import Report

        return None, _render_file(Report(file=str(path), issues=report.issues, kind="scheme"),
                                  lang)
    try:
        return Scheme.from_document(document), ""
    except KaoheError as exc:
        return None, exc.message if lang == "zh" else exc.message_en


def _render_file(report: Any, lang: str, owner: str = "") -> str:
    from kaohe.textable import table

    zh = lang == "zh"
    name = report.file
    kind = _KIND[lang].get(report.kind, report.kind)
    who = " · ".join(x for x in (kind, owner or report.unit_id) if x)
    if not report.issues:
        return f"✓ {name}" + (f"（{who}）" if who and zh else f" ({who})" if who else "") + (
            "：未发现问题" if zh else ": no problems found")
    errors, warnings = len(report.errors), len(report.warnings)
    count = (f"{errors} 个错误，{warnings} 个警告" if zh
             else f"{errors} error(s), {warnings} warning(s)")
    head = f"✗ {name}" if errors else f"! {name}"
    head += (f"（{who}）：{count}" if zh else f" ({who}): {count}") if who else (
        f"：{count}" if zh else f": {count}")
    rows = []
    for issue in report.issues:
        message = issue.message if zh else issue.message_en
        hint = issue.hint if zh else issue.hint_en
        field = issue.label_for(lang)
        text = f"{field}：{message}" if field and zh else (f"{field}: {message}" if field
                                                          else message)
        rows.append([issue.sheet, issue.cell or (f"第{issue.row_number}行" if zh and
                                                 issue.row_number else ""),
                     _SEVERITY[lang].get(issue.severity, issue.severity), issue.rule,
                     f"{text} — {hint}" if hint else text])
    headers = (["工作表", "单元格", "级别", "规则", "问题及修改建议"] if zh
               else ["sheet", "cell", "severity", "rule", "problem and fix"])
    body = table(headers, rows)
    return head + "\n" + "\n".join("  " + line for line in body.splitlines())


def render_batch(batch: Any, lang: str) -> str:
    """The readable report: each file with its findings, then the batch's, then a summary
    (each file's unit or department by its name)."""
    zh = lang == "zh"
    parts = [_render_file(f.report, lang, f.owner_name[0 if zh else 1]) for f in batch.files]
    if batch.issues:
        from validators.report import Report

        parts.append(_render_file(Report(file="汇总" if zh else "batch",
                                         issues=batch.issues), lang))
    files = len(batch.files)
    bad = sum(1 for f in batch.files if not f.report.valid)
    errors, warnings = len(batch.errors), batch.to_dict()["summary"]["warnings"]
    parts.append(f"共 {files} 个文件，{bad} 个有错误；错误 {errors} 个，警告 {warnings} 个" if zh
                 else f"{files} file(s), {bad} with errors; {errors} error(s), "
                      f"{warnings} warning(s)")
    return "\n\n".join(parts)


def _readable_name(path: Path, report: Any, scheme: Any) -> str:
    """The annotated copy's name: the file's own, except a template still called by its
    owner's id (单位自评表_d_wjw.xlsx), which is called by the owner's name instead."""
    from workbook_templates.build import template_name, template_names

    kind, owner = str(report.kind or ""), str(report.unit_id or "")
    if scheme is None or not owner or kind not in ("unit_report", "lead_scores"):
        return path.name
    for lang in ("zh", "en"):
        if path.name == template_name(kind, lang, owner):
            return template_names(scheme, lang).get((kind, owner), path.name)
    return path.name


def _annotate(batch: Any, folder: Path, lang: str, scheme: Any = None) -> list[str]:
    from validators.annotate import annotate_workbook
    from validators.container.files import FILE_RULES

    written, used = [], set()
    for result in batch.files:
        path = Path(result.source or result.path)
        refused = any(i.rule in FILE_RULES or i.rule == "read-failed" for i in result.report)
        if refused or path.suffix.lower() not in (".xlsx", ".xlsm"):
            continue
        name, n = _readable_name(path, result.report, scheme), 1
        while name in used:
            n += 1
            name = f"{path.stem}_{n}{path.suffix}"
        used.add(name)
        try:
            written.append(str(annotate_workbook(path, result.report, folder / name, lang)))
        except Exception as exc:  # noqa: BLE001 - one copy failing must not stop the rest
            click.echo(f"{'无法批注' if lang == 'zh' else 'cannot annotate'} {path}: {exc}",
                       err=True)
    return written


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--scheme", "scheme_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None,
              help="Scheme JSON or scheme workbook (default: the embedded scheme).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder for annotated copies (findings marked in the cells).")
@click.option("--workers", type=click.IntRange(1, 8), default=2, show_default=True,
              help="Worker processes for many files.")
@click.option("--roster/--no-roster", default=None,
              help="Check (or not) which units have sent nothing. Default: for a folder "
                   "holding files of two or more units, departments or registers.")
@friendly
def validate_cmd(paths: tuple[Path, ...], scheme_path: Path | None, as_json: bool,
                 annotate_dir: Path | None, workers: int, roster: bool | None) -> None:
    """Check filled workbooks (files or folders) and list every problem with its cell.

    Exit code 0: no errors (warnings allowed); 1: errors found; 2: nothing usable.
    A folder of several units' files is checked against the roster too (missing
    submissions); a folder with one unit's file in it is not, unless --roster is given.

    Example: kaohe validate 收集/ --annotate 批注/
    """
    from validators.batch import validate_batch

    lang = current_lang()
    scheme, problems = load_scheme_checked(scheme_path, lang)
    if scheme is None:
        click.echo(problems, err=not as_json)
        sys.exit(2)
    progress = None
    if not as_json:
        def progress(done: int, total: int) -> None:
            if total > 20 and (done == total or done % 20 == 0):
                click.echo(f"\r{'已检查' if lang == 'zh' else 'checked'} {done}/{total}",
                           nl=done == total, err=True)
    batch = validate_batch(paths, scheme, workers=workers, roster=roster,
                           progress=progress)
    written = _annotate(batch, annotate_dir, lang, scheme) if annotate_dir else []
    if as_json:
        out = batch.to_dict()
        out["annotated"] = written
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render_batch(batch, lang))
        if batch.roster_note is not None:
            click.echo(batch.roster_note.text(lang))
        for path in written:
            click.echo(f"→ {path}")
    sys.exit(batch.exit_code)


COMMANDS = [validate_cmd]
