"""`kaohe notice` and `kaohe summary`: the documents the leaders read, from a results.json."""

from __future__ import annotations

from pathlib import Path

import click

from kaohe.cli import current_lang, friendly

__all__ = ["COMMANDS"]

_PDF_HELP = ("Also print it to PDF beside it through LibreOffice (default: when LibreOffice is "
             "installed). 同时用 LibreOffice 生成 PDF")


def _pdf(path: Path, wanted: bool | None) -> None:
    """Print the document to PDF when asked (or, unasked, when LibreOffice is there)."""
    from kaohe.errors import KaoheError
    from workbook_templates.recalc import RecalcError, find_soffice

    if wanted is False or (wanted is None and find_soffice() is None):
        return
    if find_soffice() is None:
        raise KaoheError("未找到 LibreOffice（soffice），无法生成 PDF；.docx 已写出",
                         "LibreOffice (soffice) not found: no PDF written; the .docx was")
    from outputs.docx_layout import docx_to_pdf

    try:
        pdf = docx_to_pdf(path)
    except RecalcError as exc:
        raise KaoheError(f"PDF 生成失败（.docx 已写出）：{exc}",
                         f"printing to PDF failed (the .docx was written): {exc}") from None
    click.echo(f"→ {pdf}")


@click.command("notice")
@click.argument("results_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("通报.docx"), show_default=True, help="Notice (.docx) to write.")
@click.option("--issuer", default=None, help="Who signs the notice (default: the region of "
              "the scheme's name + 综合考核工作领导小组). 落款")
@click.option("--pdf/--no-pdf", default=None, help=_PDF_HELP)
@friendly
def notice(results_json: Path, out: Path, issuer: str | None, pdf: bool | None) -> None:
    """Write the notice (通报) of the results: graded units per group, merit list, sign-off.

    Laid out after GB/T 9704 (A4, 仿宋_GB2312 三号 body, 黑体 headings, 方正小标宋简体
    title; fallbacks named for machines without them); 文号 and date are placeholders.

    Example: kaohe notice demo-out/results.json --out 通报.docx
    """
    from kaohe.commands.results import _read_results
    from kaohe.pipeline.io import check_writable
    from outputs.notice_doc import write_notice

    results = _read_results(results_json)
    check_writable(out)
    write_notice(results, out, lang=current_lang(), issuer=issuer)
    click.echo(f"→ {out}")
    _pdf(out, pdf)


@click.command("summary")
@click.argument("results_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("综合考核结果汇总.docx"), show_default=True,
              help="Summary (.docx) to write.")
@click.option("--pdf/--no-pdf", default=None, help=_PDF_HELP)
@friendly
def summary(results_json: Path, out: Path, pdf: bool | None) -> None:
    """Write the leaders' one-page summary: grades per group, movers, eligibility, merit.

    Example: kaohe summary demo-out/results.json --out 综合考核结果汇总.docx
    """
    from kaohe.commands.results import _read_results
    from kaohe.pipeline.io import check_writable
    from outputs.summary_doc import write_summary_document

    results = _read_results(results_json)
    check_writable(out)
    write_summary_document(results, out, lang=current_lang())
    click.echo(f"→ {out}")
    _pdf(out, pdf)


COMMANDS = [notice, summary]
