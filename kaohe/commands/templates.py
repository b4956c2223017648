"""`kaohe templates` and `kaohe scheme export|import`: clerk templates and the scheme workbook."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kaohe.cli import current_lang, friendly

__all__ = ["COMMANDS"]

_SCHEME = click.option("--scheme", "scheme_path",
                       type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       default=None,
                       help="Scheme JSON or scheme workbook (default: the embedded scheme).")


@click.command("templates")
@click.argument("scheme_file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_SCHEME
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the templates (created if missing).")
@click.option("--event-rows", type=click.IntRange(min=1), default=None,
              help="Rows of the register's 加扣分登记 sheet (default: 200, or 4 per unit).")
@click.option("--decision-rows", type=click.IntRange(min=1), default=None,
              help="Rows of the register's 申诉及容错纠错 sheet (default: 50, or 1 per unit).")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Processes building templates (one where processes cannot start).")
@friendly
def templates(scheme_file: Path | None, scheme_path: Path | None, out: Path,
              event_rows: int | None, decision_rows: int | None, workers: int) -> None:
    """Write every Excel template of a scheme for clerks to fill in.

    考核方案.xlsx, one 单位自评表 per unit, one 牵头部门评分表 per lead department,
    加扣分登记表, 平时考核汇总表 and 民主测评及满意度统计表; when the scheme has people rules,
    each unit's 领导班子成员名册 and 干部民主测评统计表 in the subfolder 干部考核 (English:
    cadres). Chinese by default, English
    with `kaohe --lang en templates`. SCHEME_FILE (or --scheme) is a scheme JSON or an
    edited scheme workbook (考核方案.xlsx); without it, the embedded illustrative scheme.

    Example: kaohe templates 考核方案.xlsx --out templates --event-rows 500
    """
    from kaohe.pipeline.documents import load_scheme
    from workbook_templates.build import build_templates

    scheme = load_scheme(scheme_file or scheme_path)
    _refuse_what_templates_cannot_carry(scheme.document)

    zh = current_lang() == "zh"

    def progress(done: int, total: int) -> None:
        click.echo(f"\r{'模板' if zh else 'templates'} {done}/{total}", nl=done == total,
                   err=True)

    paths = build_templates(scheme, out, lang=current_lang(), progress=progress,
                            event_rows=event_rows or 0, decision_rows=decision_rows or 0,
                            workers=workers)
    for path in paths:
        click.echo(f"  {path.name}")
    click.echo(f"→ {out}（{len(paths)} 个模板）" if zh else f"→ {out} ({len(paths)} templates)")
    from workbook_templates.build import build_cadre_templates

    folder = out / ("干部考核" if zh else "cadres")
    people = build_cadre_templates(scheme, folder, lang=current_lang())
    if people:
        click.echo(f"→ {folder}（{len(people)} 个干部考核模板）" if zh
                   else f"→ {folder} ({len(people)} people's forms)")


def _refuse_what_templates_cannot_carry(document: Any) -> None:
    """A scheme the scheme check finds errors in (an indicator whose input its template
    cannot carry …) gives no templates: they would hold broken formulas."""
    from kaohe.errors import KaoheError
    from validators.scheme.checks import check_scheme

    errors = check_scheme(document).errors
    if errors:
        shown = errors[:5]
        raise KaoheError("考核方案有误，未生成模板：" + "；".join(
            f"{i.json_path} {i.text('zh')}" for i in shown),
            "the scheme has problems; no templates were written: " + "; ".join(
            f"{i.json_path} {i.text('en')}" for i in shown))


@click.group("scheme")
def scheme() -> None:
    """The scheme as an editable workbook: export to .xlsx, import back to JSON.

    Example: kaohe scheme export --out 考核方案.xlsx
    """


@scheme.command("export")
@_SCHEME
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Scheme workbook to write (.xlsx).")
@friendly
def export(scheme_path: Path | None, out: Path) -> None:
    """Write the scheme workbook (考核方案.xlsx) of a scheme JSON.

    Example: kaohe scheme export --scheme scheme.json --out 考核方案.xlsx
    """
    from kaohe.pipeline.documents import load_scheme
    from workbook_templates.scheme_book import export_scheme_workbook

    loaded = load_scheme(scheme_path)
    export_scheme_workbook(dict(loaded.document), out, lang=current_lang())
    click.echo(f"→ {out}")


@scheme.command("import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("scheme.json"), show_default=True, help="Scheme JSON to write.")
@friendly
def import_(workbook: Path, out: Path) -> None:
    """Read an edited scheme workbook back into a checked scheme JSON.

    Every problem is printed with its sheet and cell; with errors nothing is written and the
    exit code is 1.

    Example: kaohe scheme import 考核方案.xlsx --out scheme.json
    """
    from kaohe.pipeline.io import write_json
    from workbook_templates.scheme_book import import_scheme_workbook

    lang = current_lang()
    document, issues = import_scheme_workbook(workbook)
    errors = [i for i in issues if i.severity == "error"]
    for issue in issues:
        label = ("错误" if lang != "en" else "error") if issue.severity == "error" else (
            "提示" if lang != "en" else "warning")
        click.echo(f"{label}: {issue.text(lang)}", err=True)
    if errors:
        click.echo(f"{len(errors)} 个错误，未写出 {out}" if lang != "en"
                   else f"{len(errors)} errors; {out} not written", err=True)
        sys.exit(1)
    write_json(out, document)
    click.echo(f"→ {out}")


COMMANDS = [templates, scheme]
