"""`kaohe consolidate`: a folder of submissions → results.json, results.xlsx, feedback, history."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kaohe.cli import current_lang, friendly

__all__ = ["COMMANDS", "run_consolidation"]


def run_consolidation(folder: Path, *, scheme_path: Path | None = None,
                      out: Path | None = None, json_out: Path | None = None,
                      db: str | None = None, feedback: Path | None = None,
                      year: int | None = None, reason: str = "", lang: str = "zh",
                      workers: int = 2, echo: Any = click.echo,
                      show_progress: bool = True) -> tuple[int, dict[str, Any]]:
    """The whole consolidation as the command runs it; returns (exit code, results)."""
    from kaohe.errors import KaoheError
    from kaohe.pipeline.consolidate import consolidate_folder
    from kaohe.pipeline.documents import load_scheme
    from kaohe.pipeline.io import write_json
    from kaohe.pipeline.summary import consolidation_summary

    scheme = load_scheme(scheme_path)
    if year is not None and year != scheme.year:
        raise KaoheError(f"方案年度为 {scheme.year}，与 --year {year} 不符",
                         f"the scheme is for {scheme.year}, not --year {year}")
    def progress(n: int, total: int) -> None:
        if show_progress and (n == total or n % 50 == 0):
            click.echo(f"\r已检查 examined {n}/{total}", nl=n == total, err=True)

    run = consolidate_folder(folder, scheme, workers=workers, progress=progress)
    results = run.results
    if db:
        from kaohe.store import open_store

        store = open_store(db)
        results = store.annotate(results)
        record = store.record_run(dict(scheme.document), results,
                                  inputs=[_input_row(s) for s in run.submissions],
                                  reason=reason or "", reason_en=reason or "")
        results["run"] = {"run_id": record.run_id, "revision": record.revision}
    if json_out:
        write_json(json_out, results)
    if out:
        from workbook_templates.results_book import write_results_workbook

        write_results_workbook(results, out, lang=lang, rejected=run.rejected, missing=run.missing)
    if feedback:
        from workbook_templates.feedback_book import write_feedback_workbooks

        write_feedback_workbooks(results, feedback, lang=lang)
    echo(consolidation_summary(run, lang=lang))
    for path in (json_out, out, feedback):
        if path:
            echo(f"→ {path}")
    return run.exit_code, results


def _input_row(sub: Any) -> dict[str, Any]:
    return {"path": sub.path, "sha256": sub.sha256, "kind": sub.kind, "unit_id": sub.owner,
            "status": "used" if sub.accepted else ("superseded" if sub.superseded_by else
                                                   "rejected"),
            "findings": sub.report.to_dicts()}


@click.command("consolidate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--scheme", "scheme_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None, help="Scheme JSON (default: the embedded scheme).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results workbook to write (results.xlsx).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Results JSON to write (results.json).")
@click.option("--db", default=None, help="History database: a file path or sqlite:///path.")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for one feedback workbook per unit.")
@click.option("--year", type=int, default=None, help="Assessment year (must match the scheme).")
@click.option("--reason", default="", help="Why this run (recorded with a revision).")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Worker processes for reading workbooks.")
@friendly
def consolidate_cmd(folder: Path, scheme_path: Path | None, out: Path | None,
                    json_out: Path | None, db: str | None, feedback: Path | None,
                    year: int | None, reason: str, workers: int) -> None:
    """Validate and score every workbook under FOLDER; write rankings, feedback and history.

    Exit code 0: clean (warnings allowed); 1: some files rejected or missing; 2: nothing usable.

    Example: kaohe consolidate submissions/ --out results.xlsx --json results.json --db history.sqlite
    """
    if not (out or json_out):
        json_out = Path("results.json")
    code, _ = run_consolidation(folder, scheme_path=scheme_path, out=out, json_out=json_out,
                                db=db, feedback=feedback, year=year, reason=reason,
                                lang=current_lang(), workers=workers)
    sys.exit(code)


COMMANDS = [consolidate_cmd]
