"""Read an expert's pairwise-comparison workbook back: judgements, located findings.

Each upper-triangle cell must hold a value of Saaty's scale (the drop-down's label, in
Chinese or English, or the number: 3, 0.2, "1/5"); a blank is `ahp-missing-judgement`, any
other value `ahp-off-scale`. A lower-triangle cell must still hold its reciprocal formula
(`ahp-reciprocal-overwritten` otherwise: the judgement is the upper cell's, so a typed
value there is a second, conflicting answer). A matrix with an error is left out of the
computation (the expert's other matrices still count).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validators.messages import finding
from validators.report import Issue
from workbook_templates.ahp_book import META_SHEET, SCALE, Matrix, reciprocal_formula

__all__ = ["ExpertJudgements", "read_expert_workbook", "scale_value"]

_BY_LABEL = {label: value for zh, en, value, _, _ in SCALE for label in (zh, en)}
_VALUES = sorted({v for _, _, v, _, _ in SCALE})


@dataclass
class ExpertJudgements:
    """One expert's matrices (complete and valid ones only) and what was found."""

    file: str
    name: str
    scheme_id: str = ""
    matrices: dict[str, list[list[float]]] = field(default_factory=dict)
    layout: dict[str, Matrix] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def scale_value(raw: Any) -> float | None:
    """The scale value a cell holds (label, number or "1/5"), None when not on the scale."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if text in _BY_LABEL:
            return _BY_LABEL[text]
        head = text.split(" ")[0]
        try:
            if "/" in head:
                top, bottom = head.split("/", 1)
                value = float(top) / float(bottom)
            else:
                value = float(head)
        except (ValueError, ZeroDivisionError):
            return None
    else:
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    near = min(_VALUES, key=lambda v: abs(math.log(v / value)))
    return near if abs(near - value) <= 1e-3 * max(near, 1 / near) else None


def read_expert_workbook(path: Path) -> ExpertJudgements:
    """The judgements of one expert's workbook; never raises for a bad file."""
    import openpyxl

    path = Path(path)
    out = ExpertJudgements(file=path.name, name=path.stem)
    try:
        wb = openpyxl.load_workbook(path)  # formulas as written: a typed reciprocal shows
        meta = json.loads(str(wb[META_SHEET]["A1"].value))
        if meta.get("kind") != "ahp_judgements":
            raise ValueError(meta.get("kind"))
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one finding
        out.issues.append(finding("ahp-not-a-template", file=path.name,
                                  params={"reason": type(exc).__name__}))
        return out
    matrices = [Matrix(**{**m, "elements": tuple(m["elements"]), "names": tuple(m["names"])})
                for m in meta["matrices"]]
    out.layout = {m.id: m for m in matrices}
    out.scheme_id = str(meta.get("scheme_id", ""))
    if matrices and matrices[0].sheet in wb.sheetnames:
        name = wb[matrices[0].sheet]["C2"].value
        out.name = str(name).strip() if name not in (None, "") else out.name
    for m in matrices:
        if m.sheet not in wb.sheetnames:
            out.issues.append(finding("ahp-not-a-template", file=path.name,
                                      params={"reason": m.sheet}))
            continue
        matrix = _read_matrix(wb[m.sheet], m, path.name, out.issues)
        if matrix is not None:
            out.matrices[m.id] = matrix
    return out


def _read_matrix(ws: Any, m: Matrix, file: str, issues: list[Issue]) -> list[list[float]] | None:
    n = len(m.elements)
    matrix = [[1.0] * n for _ in range(n)]
    ok = True
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            cell = ws.cell(row=m.row + i + 1, column=m.col + j + 1)
            where = {"file": file, "sheet": m.sheet, "cell": cell.coordinate,
                     "label": f"{m.names[i]} 比 {m.names[j]}",
                     "label_en": f"{m.names[i]} vs {m.names[j]}"}
            if j < i:
                if cell.value != reciprocal_formula(m, i, j):
                    issues.append(finding("ahp-reciprocal-overwritten", value=cell.value,
                                          params={"value": cell.value}, **where))
                    ok = False
                continue
            if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                issues.append(finding("ahp-missing-judgement", **where))
                ok = False
                continue
            value = scale_value(cell.value)
            if value is None:
                issues.append(finding("ahp-off-scale", value=cell.value,
                                      params={"value": cell.value}, **where))
                ok = False
                continue
            matrix[i][j], matrix[j][i] = value, 1.0 / value
    return matrix if ok else None
