"""`kaohe consolidate`: a folder of submissions → results.json, results.xlsx, feedback, history."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kaohe.cli import current_lang, friendly

__all__ = ["COMMANDS"]


@click.command("consolidate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--scheme", "scheme_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None, help="Scheme JSON (default: the embedded scheme).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results workbook to write (results.xlsx).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Results JSON to write (results.json).")
@click.option("--db", default=None, metavar="PATH|URL",
              help="History database: a SQLite file (or sqlite:///path), or a PostgreSQL URL "
              "such as postgresql://user:password@host:5432/kaohe.")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for one feedback workbook per unit.")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The leaders' one-page summary to write (.docx). 结果汇总")
@click.option("--notice", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The notice (通报) to write (.docx).")
@click.option("--year", type=int, default=None, help="Assessment year (must match the scheme).")
@click.option("--reason", default="", help="Why this run (recorded with a revision).")
@click.option("--no-cache", is_flag=True, default=False,
              help="Examine every file again: neither use nor update the examination cache "
              "(kept in the --db database, else as .kaohe-cache.sqlite beside the outputs).")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Worker processes for reading workbooks.")
@click.option("--stability/--no-stability", default=True, show_default=True,
              help="Rank stability under varied weights (the scheme's stability section: "
              "band, draws, seed).")
@friendly
def consolidate_cmd(folder: Path, scheme_path: Path | None, out: Path | None,
                    json_out: Path | None, db: str | None, feedback: Path | None,
                    summary: Path | None, notice: Path | None, year: int | None, reason: str,
                    no_cache: bool, workers: int, stability: bool) -> None:
    """Validate and score every workbook under FOLDER; write rankings, feedback and history.

    Exit code 0: clean (warnings allowed); 1: some files rejected or missing; 2: nothing usable.
    With --db, where each output was written is recorded, so that kaohe publish can rewrite
    them to say 已发布; a new revision of a published year prints what it moves against the
    official result.

    Example: kaohe consolidate submissions/ --out results.xlsx --json results.json
    --db history.sqlite
    """
    from kaohe.pipeline.consolidate import run_consolidation

    if not (out or json_out):
        json_out = Path("results.json")
    code, _ = run_consolidation(folder, scheme_path=scheme_path, out=out, json_out=json_out,
                                db=db, feedback=feedback, notice=notice, summary=summary,
                                year=year, reason=reason,
                                lang=current_lang(), workers=workers, echo=click.echo,
                                progress=_progress, cache=not no_cache, stability=stability)
    sys.exit(code)


def _progress(n: int, total: int) -> None:
    if n == total or n % 50 == 0:
        word = "已检查" if current_lang() == "zh" else "examined"
        click.echo(f"\r{word} {n}/{total}", nl=n == total, err=True)


COMMANDS = [consolidate_cmd]
