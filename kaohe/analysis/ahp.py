"""The analytic hierarchy process (AHP): priorities, consistency, experts combined, full scores.

Priorities are the principal eigenvector of a pairwise-comparison matrix (numpy), scaled to
sum 1; λmax its eigenvalue; CI = (λmax − n) / (n − 1); CR = CI / RI(n) with Saaty's random
index (Saaty 2005, as ahpy's random_index='saaty'; a 1- or 2-element matrix is always
consistent). Experts are combined by the (weighted) geometric mean of their judgements
(AIJ: the result is again a reciprocal matrix, and CR is computed on it), or of their
priorities (AIP) when the scheme's weighting.aggregation says "priorities".

>>> w, cr = priorities([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]])
>>> [round(x, 4) for x in w], round(cr, 6)
([0.5714, 0.2857, 0.1429], 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

__all__ = ["SAATY_RI", "random_index", "eigen", "priorities", "consistency",
           "inconsistent_judgements", "combine_judgements", "combine_priorities",
           "apportion", "compose_full_scores"]

#: Saaty's random consistency index by matrix size (Saaty 2005, p. 31; ahpy 'saaty').
SAATY_RI: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35,
                              8: 1.40, 9: 1.45, 10: 1.49, 11: 1.52, 12: 1.54, 13: 1.56,
                              14: 1.58, 15: 1.59}


def random_index(n: int) -> float:
    """Saaty's RI for an n × n matrix (15's value beyond 15, where the table stops)."""
    return SAATY_RI[min(max(n, 1), 15)]


def eigen(matrix: Sequence[Sequence[float]]) -> tuple[list[float], float]:
    """(principal eigenvector scaled to sum 1, λmax) of a positive matrix."""
    import numpy as np

    a = np.asarray(matrix, dtype=float)
    if a.shape[0] == 1:
        return [1.0], 1.0
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return [float(x) for x in vector / vector.sum()], float(values[k].real)


def consistency(n: int, lambda_max: float) -> tuple[float, float]:
    """(CI, CR) of an n × n matrix with this λmax; 0 for n ≤ 2."""
    if n <= 2:
        return 0.0, 0.0
    ci = max((lambda_max - n) / (n - 1), 0.0)
    return ci, ci / random_index(n)


def priorities(matrix: Sequence[Sequence[float]]) -> tuple[list[float], float]:
    """(priorities, CR) of one pairwise-comparison matrix."""
    weights, lam = eigen(matrix)
    return weights, consistency(len(weights), lam)[1]


def inconsistent_judgements(matrix: Sequence[Sequence[float]], weights: Sequence[float],
                            top: int = 3) -> list[tuple[int, int, float, float]]:
    """The judgements farthest from what the priorities imply, worst first: (row, column,
    judgement a_ij, implied w_i/w_j), upper triangle, by |ln(a_ij · w_j / w_i)|."""
    found = []
    n = len(weights)
    for i in range(n):
        for j in range(i + 1, n):
            implied = weights[i] / weights[j]
            found.append((abs(math.log(matrix[i][j] / implied)), i, j, implied))
    found.sort(key=lambda t: (-t[0], t[1], t[2]))
    return [(i, j, float(matrix[i][j]), implied)
            for error, i, j, implied in found[:top] if error > 1e-9]


def combine_judgements(matrices: Sequence[Sequence[Sequence[float]]],
                       weights: Sequence[float] | None = None) -> list[list[float]]:
    """The experts' matrices combined cell by cell by the weighted geometric mean (AIJ)."""
    weights = list(weights or [1.0] * len(matrices))
    total = sum(weights)
    n = len(matrices[0])
    return [[math.exp(sum(w * math.log(m[i][j]) for m, w in zip(matrices, weights, strict=True))
                      / total) for j in range(n)] for i in range(n)]


def combine_priorities(vectors: Sequence[Sequence[float]],
                       weights: Sequence[float] | None = None) -> list[float]:
    """The experts' priorities combined by the weighted geometric mean, scaled to sum 1 (AIP)."""
    weights = list(weights or [1.0] * len(vectors))
    total = sum(weights)
    means = [math.exp(sum(w * math.log(v[i]) for v, w in zip(vectors, weights, strict=True))
                      / total) for i in range(len(vectors[0]))]
    return [m / sum(means) for m in means]


def apportion(total: float, shares: Sequence[float], step: float = 0.5,
              minimum: Sequence[int] | None = None) -> list[float]:
    """`total` split in proportion to `shares` in multiples of `step`, summing exactly to it
    (largest remainders; ties to the earlier item). `total` must be a multiple of `step`.
    `minimum` (in steps, when the total allows): no item gets less, the largest give way.

    >>> apportion(10, [1, 1, 1], 0.5)
    [3.5, 3.5, 3.0]
    """
    unit = Decimal(repr(step))
    slots = int((Decimal(repr(total)) / unit).to_integral_value())
    weight = sum(shares) or 1.0
    exact = [s / weight * slots for s in shares]
    whole = [math.floor(x) for x in exact]
    left = slots - sum(whole)
    order = sorted(range(len(shares)), key=lambda k: (-(exact[k] - whole[k]), k))
    for k in order[:left]:
        whole[k] += 1
    floor = list(minimum or [0] * len(shares))
    if sum(floor) <= slots:
        for k in range(len(whole)):
            while whole[k] < floor[k]:
                donor = max(range(len(whole)), key=lambda d: (whole[d] - floor[d], -d))
                whole[donor] -= 1
                whole[k] += 1
    return [float(Decimal(w) * unit) for w in whole]


def compose_full_scores(total: float, categories: Sequence[str],
                        category_weights: Sequence[float],
                        indicators: Mapping[str, Sequence[str]],
                        indicator_weights: Mapping[str, Sequence[float]],
                        step: float = 0.5) -> tuple[dict[str, float], dict[str, float]]:
    """(category totals, indicator full scores): the hierarchy's total split over the categories
    by their priorities, each category's total over its indicators; every sum exact, and no
    indicator below one step when the total allows."""
    sizes = [len(indicators[c]) for c in categories]
    totals = dict(zip(categories, apportion(total, category_weights, step, sizes),
                      strict=True))
    scores: dict[str, float] = {}
    for category in categories:
        members = indicators[category]
        scores.update(zip(members, apportion(totals[category], indicator_weights[category],
                                             step, [1] * len(members)), strict=True))
    return totals, scores
