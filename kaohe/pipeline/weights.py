"""From a folder of experts' workbooks to proposed full scores: each expert's priorities and CR,
the experts combined, the hierarchy composed, a proposed scheme document.

Combination (scheme weighting.aggregation): "judgements" (default) takes the weighted
geometric mean of the experts' judgements cell by cell (AIJ) and computes priorities and CR
of that matrix; "priorities" the weighted geometric mean of each expert's priorities (AIP).
Expert weights come from weighting.expert_weights by the name the expert wrote (else 1).
An expert's matrix with an error (a blank, an off-scale value, an overwritten reciprocal)
is left out of that matrix; an inconsistent one (CR over weighting.max_cr, default 0.10) is
flagged with its least consistent judgements and still counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kaohe.analysis import ahp
from kaohe.analysis.ahp_apply import block_full_scores
from kaohe.analysis.hierarchy import Block, hierarchy
from kaohe.engine.model import Scheme
from kaohe.engine.numbers import fmt
from validators.messages import finding
from validators.report import WARNING, Issue
from workbook_templates.ahp_read import ExpertJudgements, read_expert_workbook

__all__ = ["MatrixResult", "AhpOutcome", "run_ahp"]


@dataclass(frozen=True)
class MatrixResult:
    """One matrix's priorities and consistency (an expert's, or the experts' combined)."""

    matrix_id: str
    expert: str
    weights: tuple[float, ...]
    lambda_max: float
    cr: float
    worst: tuple[tuple[int, int, float, float], ...] = ()


@dataclass
class AhpOutcome:
    """Everything `kaohe weights ahp` reports and writes."""

    experts: list[ExpertJudgements]
    results: list[MatrixResult]  # per expert, per matrix
    combined: dict[str, MatrixResult]
    proposal: dict[str, float]  # indicator id → proposed full score
    category_totals: dict[str, dict[str, float]]  # block → category → total
    blocks: list[Block]
    issues: list[Issue] = field(default_factory=list)
    aggregation: str = "judgements"


def _worst_text(names: Sequence[str], worst: Sequence[tuple[int, int, float, float]],
                en: bool) -> str:
    sep = "; " if en else "；"
    parts = []
    for i, j, judged, implied in worst:
        parts.append(f"{names[i]} vs {names[j]} = {_ratio(judged)} ({fmt(implied)})" if en else
                     f"{names[i]} 比 {names[j]} = {_ratio(judged)}（{fmt(implied)}）")
    return sep.join(parts)


def _ratio(value: float) -> str:
    return fmt(value) if value >= 1 else f"1/{fmt(1 / value)}"


def run_ahp(folder: Path, scheme: Scheme) -> AhpOutcome:
    """Read every .xlsx under folder and compute the proposal."""
    settings = dict(scheme.document.get("weighting") or {})
    max_cr = float(settings.get("max_cr", 0.1))
    step = float(settings.get("full_score_step", 0.5))
    aggregation = str(settings.get("aggregation", "judgements"))
    expert_weights = dict(settings.get("expert_weights") or {})
    experts = [read_expert_workbook(p) for p in sorted(Path(folder).glob("*.xlsx"))
               if not p.name.startswith(("~$", ".~lock"))]
    issues = [i for e in experts for i in e.issues]
    for e in experts:
        if e.layout and e.scheme_id != scheme.scheme_id:
            issues.append(finding("ahp-other-scheme", file=e.file, params={
                "found": e.scheme_id, "expected": scheme.scheme_id}))
            e.matrices.clear()
    results: list[MatrixResult] = []
    for e in experts:
        for mid, matrix in e.matrices.items():
            weights, lam = ahp.eigen(matrix)
            cr = ahp.consistency(len(weights), lam)[1]
            worst = tuple(ahp.inconsistent_judgements(matrix, weights)) if cr > max_cr else ()
            results.append(MatrixResult(mid, e.name, tuple(weights), lam, cr, worst))
            if worst:
                m = e.layout[mid]
                issues.append(finding(
                    "ahp-inconsistent", severity=WARNING, file=e.file, sheet=m.sheet,
                    cell=_cell(m.row + len(m.elements) + 4, 2),
                    label=m.category or "类别", label_en=m.category or "categories",
                    params={"cr": fmt(cr, 3), "max_cr": fmt(max_cr),
                            "worst": _worst_text(m.names, worst, False),
                            "worst_en": _worst_text(m.names, worst, True)}))
    blocks = hierarchy(scheme)
    combined: dict[str, MatrixResult] = {}
    layouts = {mid: m for e in experts for mid, m in e.layout.items()}
    for mid in layouts:
        given = [(e, e.matrices[mid]) for e in experts if mid in e.matrices]
        if not given:
            continue
        w = [float(expert_weights.get(e.name, 1.0)) for e, _ in given]
        matrix = ahp.combine_judgements([g for _, g in given], w)
        weights, lam = ahp.eigen(matrix)
        if aggregation == "priorities":
            own = [r for r in results if r.matrix_id == mid]
            weights = ahp.combine_priorities([r.weights for r in own], w)
        cr = ahp.consistency(len(weights), lam)[1]
        combined[mid] = MatrixResult(mid, "", tuple(weights), lam, cr,
                                     tuple(ahp.inconsistent_judgements(matrix, weights)))
    proposal: dict[str, float] = {}
    totals: dict[str, dict[str, float]] = {}
    for block in blocks:
        found = _block_weights(block, combined)
        if found is None:
            continue
        scores = block_full_scores(scheme, block, found[0], found[1], step)
        totals[block.id] = {c: sum(scores[i] for i, _ in block.indicators[c])
                            for c in block.categories}
        proposal.update(scores)
    return AhpOutcome(experts, results, combined, proposal, totals, blocks, issues, aggregation)


def _block_weights(block: Block, combined: dict[str, MatrixResult]
                   ) -> tuple[dict[str, float], dict[str, dict[str, float]]] | None:
    """(category weights, indicator weights by category), None while a matrix is missing."""
    cats = combined.get(f"{block.id}/categories")
    if cats is None and len(block.categories) > 1:
        return None
    cat_w = dict(zip(block.categories, cats.weights if cats else (1.0,), strict=True))
    ind_w: dict[str, dict[str, float]] = {}
    for c in block.categories:
        ids = [i for i, _ in block.indicators[c]]
        found = combined.get(f"{block.id}/{c}")
        if found is None and len(ids) > 1:
            return None
        ind_w[c] = dict(zip(ids, found.weights if found else (1.0,), strict=True))
    return cat_w, ind_w


def _cell(row: int, col: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return str(xl_rowcol_to_cell(row, col))
