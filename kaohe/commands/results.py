"""`kaohe results-book` and `kaohe feedback`: the published workbooks from a results.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kaohe.cli import current_lang, friendly

__all__ = ["COMMANDS"]


def _read_results(path: Path) -> dict[str, Any]:
    from kaohe.errors import KaoheError
    from kaohe.pipeline.io import read_json

    try:
        document = read_json(path)
    except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
        raise KaoheError(f"{path} 不是有效的 JSON：{exc}", f"{path} is not valid JSON: {exc}") \
            from None
    if not isinstance(document, dict) or document.get("kind") != "results":
        raise KaoheError(f"{path} 不是考核结果文件（kind 应为 results）",
                         f"{path} is not a results document (kind should be 'results')")
    return document


def check_results_document(document: Any, path: Path) -> None:
    """Refuse a results document that breaks results.schema.json: it is read back from a
    file anyone could have edited, and its unit ids become file names."""
    from kaohe.errors import KaoheError
    from validators.rules.json_schema import schema_problems

    problems = schema_problems(document, "results")
    if problems:
        shown = problems[:5]
        more = len(problems) - len(shown)
        raise KaoheError(
            f"{path.name} 不符合考核结果的格式，未写入任何文件："
            + "；".join(f"{p.json_path}：{p.message}" for p in shown)
            + (f"（另有 {more} 处）" if more else ""),
            f"{path.name} is not a valid results document; nothing was written: "
            + "; ".join(f"{p.json_path}: {p.message_en}" for p in shown)
            + (f" (and {more} more)" if more else ""))


@click.command("results-book")
@click.argument("results_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("综合考核结果.xlsx"), show_default=True,
              help="Results workbook to write.")
@click.option("--scheme", "scheme_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None,
              help="Scheme JSON, for the title and the rounding digits (optional).")
@friendly
def results_book(results_json: Path, out: Path, scheme_path: Path | None) -> None:
    """Write the published results workbook (rankings, points, adjustments, what-if).

    Example: kaohe results-book demo-out/results.json --scheme demo-out/scheme.json --out 结果.xlsx
    """
    from kaohe.pipeline.io import check_writable, read_json
    from kaohe.pipeline.staging import OutputSet
    from outputs.results_book import write_results_workbook

    results = _read_results(results_json)
    check_results_document(results, results_json)  # its ids and names make the outputs
    check_writable(out)
    scheme = read_json(scheme_path) if scheme_path else None
    with OutputSet([out]) as outputs:
        write_results_workbook(results, outputs.stage(out), lang=current_lang(), scheme=scheme)
        outputs.commit()
    click.echo(f"→ {out}")


@click.command("feedback")
@click.argument("results_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("feedback"), show_default=True,
              help="Folder for the workbooks (结果反馈_<unit name>.xlsx; English: "
                   "feedback_<unit name>.xlsx).")
@friendly
def feedback(results_json: Path, out: Path) -> None:
    """Write one feedback workbook per unit for its principal leader.

    Feedback workbooks that kaohe wrote earlier into the same folder for units not in these
    results are removed (and named), so the folder holds this run's workbooks only.

    Example: kaohe feedback demo-out/results.json --out demo-out/feedback
    """
    from kaohe.pipeline.summary import stale_feedback_note
    from outputs.feedback_book import check_feedback_folder, write_feedback_workbooks

    results = _read_results(results_json)
    check_results_document(results, results_json)  # its ids and names make the outputs
    lang = current_lang()
    check_feedback_folder(out, lang)  # before any workbook is replaced
    word = "反馈" if lang == "zh" else "feedback"

    def progress(done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            click.echo(f"\r{word} {done}/{total}", nl=done == total, err=True)

    # Half the workbooks are written by a second (forked) process, where there is fork.
    # All go into a staging folder and replace the folder's workbooks together
    # (kaohe.pipeline.staging): never half this run's and half an earlier one's.
    from kaohe.pipeline.background import Background, can_fork
    from kaohe.pipeline.staging import OutputSet
    from outputs.feedback_folder import stale_feedback

    count = len(results.get("units") or [])
    split = 2 if can_fork() and count >= 8 else 1
    with OutputSet(folders=[out]) as outputs:
        staged = outputs.stage_folder(out)
        other = Background(lambda: write_feedback_workbooks(
            results, staged, lang=lang, share=(1, 2))) if split == 2 else None
        try:
            write_feedback_workbooks(results, staged, lang=lang, share=(0, split),
                                     progress=lambda d, t: progress(min(d * split, count), count))
        finally:
            if other is not None:
                other.wait()
        removed = stale_feedback(results, out, lang)
        for path in removed:
            outputs.remove(path)
        outputs.commit()
    if removed:
        click.echo(stale_feedback_note([p.name for p in removed], lang))
    click.echo(f"→ {out}（{count} 个工作簿）" if lang == "zh" else f"→ {out} ({count} workbooks)")


COMMANDS = [results_book, feedback]
