"""`kaohe weights template|ahp` (expert weighting by AHP) and `kaohe indicators` (indicator
quality and reference weights from a year's results)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kaohe.cli import current_lang, friendly

__all__ = ["COMMANDS"]


@click.group("weights")
def weights() -> None:
    """Expert weighting by AHP: pairwise-comparison workbooks, then proposed full scores.

    Example: kaohe weights template scheme.json --experts 5 --out 专家判断/
    """


@weights.command("template")
@click.argument("scheme_path", metavar="SCHEME", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--experts", type=click.IntRange(1, 99), default=5, show_default=True,
              help="Number of experts (one workbook each).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the workbooks (专家判断_01.xlsx …).")
@friendly
def template(scheme_path: Path | None, experts: int, out: Path) -> None:
    """Write one pairwise-comparison workbook per expert (categories, then the indicators of
    each category; Saaty's 1–9 scale; CR shown live). SCHEME: scheme JSON (default: the
    embedded scheme).

    Example: kaohe weights template scheme.json --experts 5 --out 专家判断/
    """
    from kaohe.pipeline.documents import load_scheme
    from workbook_templates.ahp_book import expert_file_name, write_expert_workbook

    scheme = load_scheme(scheme_path)
    out.mkdir(parents=True, exist_ok=True)
    lang = current_lang()
    for k in range(1, experts + 1):
        write_expert_workbook(scheme, out / expert_file_name(k, lang), k, lang)
    click.echo(f"{experts} → {out}")


@weights.command("ahp")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--scheme", "scheme_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None, help="Scheme JSON (default: the embedded scheme).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("权重测算.xlsx"), show_default=True, help="Report workbook to write.")
@click.option("--apply", "apply_to", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the proposed scheme: a .json scheme document or a "
              "考核方案.xlsx scheme workbook.")
@friendly
def ahp_cmd(folder: Path, scheme_path: Path | None, out: Path, apply_to: Path | None) -> None:
    """Read the experts' workbooks back: priorities, CR, experts combined, proposed full scores.

    Exit code 0: every matrix complete and consistent; 1: findings (listed); 2: no usable
    judgement.

    Example: kaohe weights ahp 专家判断/ --scheme scheme.json --out 权重测算.xlsx
    --apply scheme-proposed.json
    """
    from kaohe.analysis.ahp_apply import proposed_scheme
    from kaohe.pipeline.documents import load_scheme
    from kaohe.pipeline.io import check_writable, write_json
    from kaohe.pipeline.weights import run_ahp
    from outputs.analysis_books import write_weights_report

    lang = current_lang()
    scheme = load_scheme(scheme_path)
    for target in (out, apply_to):
        if target:
            check_writable(target)
    outcome = run_ahp(folder, scheme)
    for issue in outcome.issues:
        click.echo(issue.text(lang))
    write_weights_report(outcome, scheme, out, lang)
    zh = lang == "zh"
    for block in outcome.blocks:
        if block.id in outcome.category_totals:
            scores = ("、" if zh else ", ").join(f"{i} {outcome.proposal[i]:g}"
                                               for c in block.categories
                                               for i, _ in block.indicators[c])
            groups = [scheme.group(g) for g in block.groups]
            names = ("、" if zh else ", ").join(g.name if zh else (g.name_en or g.id)
                                               for g in groups)
            click.echo(f"{names}{'：' if zh else ': '}{scores}")
    if apply_to and outcome.proposal:
        doc = proposed_scheme(dict(scheme.document), outcome.proposal)
        if apply_to.suffix.lower() == ".json":
            write_json(apply_to, doc)
        else:
            from workbook_templates.scheme_book import export_scheme_workbook

            export_scheme_workbook(doc, apply_to, lang=lang)
        click.echo(f"→ {apply_to}")
    click.echo(f"→ {out}")
    if not outcome.proposal:
        click.echo("没有可用的完整判断，未提出建议分值" if zh else
                   "no complete judgements: no proposal")
        sys.exit(2)
    sys.exit(1 if outcome.issues else 0)


@click.command("indicators")
@click.argument("results_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scheme", "scheme_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None, help="Scheme JSON (default: the embedded scheme).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("指标分析.xlsx"), show_default=True, help="Workbook to write.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.8, show_default=True,
              help="|r| from which two indicators are named redundant.")
@friendly
def indicators(results_json: Path, scheme_path: Path | None, out: Path,
               threshold: float) -> None:
    """Indicator quality from a year's results: full-marks share, spread, correlations, rank
    impact, entropy and CRITIC reference weights; what to drop or reweight next year.

    Example: kaohe indicators results.json --scheme scheme.json --out 指标分析.xlsx
    """
    from kaohe.analysis.indicators import indicator_quality, reference_weights, suggestions
    from kaohe.commands.results import _read_results
    from kaohe.errors import KaoheError
    from kaohe.pipeline.documents import load_scheme
    from kaohe.pipeline.io import check_writable
    from outputs.analysis_books import write_indicator_report

    results = _read_results(results_json)
    scheme = load_scheme(scheme_path)
    if results.get("scheme_id") != scheme.scheme_id:
        raise KaoheError(f"{results_json} 是方案 “{results.get('scheme_id')}” 的结果，"
                         f"请用 --scheme 指定该方案（当前为 “{scheme.scheme_id}”）",
                         f"{results_json} holds results of scheme {results.get('scheme_id')!r}: "
                         f"give that scheme with --scheme (not {scheme.scheme_id!r})")
    check_writable(out)
    quality, pairs = indicator_quality(results, scheme, threshold)
    advice = suggestions(quality, pairs)
    write_indicator_report(quality, pairs, reference_weights(results, scheme), advice, out,
                           current_lang())
    zh = current_lang() == "zh"
    click.echo(f"{len(quality)} 个指标，{len(advice)} 条调整建议" if zh else
                f"{len(quality)} indicators, {len(advice)} suggestions")
    click.echo(f"→ {out}")


COMMANDS = [weights, indicators]
