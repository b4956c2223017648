"""Quick-recalculation formulas, computed by headless LibreOffice, equal the engine's points.

One soffice call recalculates a batch: filled templates of the demo data plus one workbook of
hypothesis-generated rows (every formula method, both directions, edge values).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from kaohe.engine.methods import SCORERS, Inputs
from kaohe.engine.model import Scheme
from kaohe.errors import KaoheError
from kaohe.pipeline.documents import load_scheme
from kaohe.synth import synthesize
from tests.templates_helpers import GENERATED, documents_by_file
from workbook_templates import build_templates, fill_workbook, read_workbook
from workbook_templates.formulas import FORMULAS, Refs, points_formula
from workbook_templates.recalc import recalculate_many

pytestmark = pytest.mark.libreoffice
TOLERANCE = 1e-6
CASES = 600


@dataclass(frozen=True)
class Case:
    method: str
    params: dict[str, Any] = field(hash=False)
    full: float
    direction: str
    target: float | None
    actual: float | None = None
    rating: str | None = None
    count: float | None = None

    def expected(self) -> float | None:
        """The engine's points, or None where the engine refuses (the cell must stay blank)."""
        inputs = Inputs(actual=self.actual, target=self.target, rating=self.rating,
                        count=self.count)
        try:
            return SCORERS[self.method](inputs, self.params, self.full, self.direction).points
        except KaoheError:
            return None


_NUMS = st.integers(-3000, 30000).map(lambda i: i / 100)
_FULLS = st.sampled_from([1, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30])


@st.composite
def cases(draw: st.DrawFn) -> Case:
    method = draw(st.sampled_from(sorted(FORMULAS)))
    direction = draw(st.sampled_from(["higher", "lower"]))
    full = float(draw(_FULLS))
    target = draw(st.one_of(_NUMS, st.sampled_from([0.0, 7.0, 20.0, 100.0, 3000.0, -2.0])))
    near = st.sampled_from([0.5, 0.8, 0.9, 0.95, 1.0, 1.05, 1.2, 2.0]).map(
        lambda f: round(target * f, 4))
    actual = draw(st.one_of(st.none(), _NUMS, near, st.just(target)))
    params: dict[str, Any] = {}
    rating = count = None
    if method == "completion":
        params = draw(st.sampled_from([{}, {"cap": 1.0}, {"cap": 1.2}, {"cap": 0.9}]))
    elif method == "base_step":
        size = draw(st.sampled_from([0.01, 0.1, 0.25, 0.5, 1, 10, 100]))
        top = draw(st.sampled_from([None, full, full + 2]))
        bottom = draw(st.sampled_from([None, 0, 1]))
        if bottom is not None and bottom > (full if top is None else top):
            bottom = None
        params = {"base": draw(st.sampled_from([0, full * 0.8, full])), "step_size": size,
                  "step_up": draw(st.sampled_from([0, 0.1, 0.2, 0.5])),
                  "step_down": draw(st.sampled_from([0, 0.2, 0.4, 1]))}
        params.update({k: v for k, v in (("max", top), ("min", bottom)) if v is not None})
        steps = st.integers(-30, 30).map(lambda k: round(target + k * size, 4))
        actual = draw(st.one_of(st.just(actual), steps))
    elif method == "tiered":
        ratio = draw(st.booleans())
        lows = sorted(draw(st.lists(st.integers(0, 150), min_size=1, max_size=4, unique=True)))
        points = sorted(draw(st.lists(st.integers(0, 40), min_size=len(lows),
                                      max_size=len(lows))))
        scale = 100 if ratio else 1
        params = {"basis": "ratio" if ratio else "value",
                  "interpolate": draw(st.booleans()),
                  "tiers": [{"min": m / scale, "points": p / 2}
                            for m, p in zip(lows, points, strict=True)]}
        at = st.sampled_from(lows).map(
            lambda m: round(m / scale * (target if ratio else 1), 4))
        actual = draw(st.one_of(st.just(actual), at))
    elif method == "efficacy":
        a, b = draw(_NUMS), draw(_NUMS)
        worst, best = (min(a, b), max(a, b)) if direction == "higher" else (max(a, b), min(a, b))
        params = {"worst": worst, "best": best}
        share = draw(st.sampled_from([None, 0.6, 0.5, 0.7]))
        if share is not None:
            params["base_share"] = share
    elif method == "pass_fail":
        fail = draw(st.sampled_from([None, 0, 1, full + 3]))
        params = {} if fail is None else {"fail_points": fail}
    elif method in ("deduction", "bonus"):
        if method == "deduction":
            params = {"per_incident": draw(st.sampled_from([0.5, 1, 2, 3]))}
            floor = draw(st.sampled_from([None, 0, 1, full + 1]))
            if floor is not None:
                params["floor"] = floor
        else:
            params = {"per_item": draw(st.sampled_from([0.25, 0.5, 1]))}
            cap = draw(st.sampled_from([None, 1, 2, 5]))
            if cap is not None:
                params["cap"] = cap
        count = draw(st.one_of(st.none(), st.integers(-1, 25).map(float)))
    else:  # rating
        params = {"ratings": {"好": 1.0, "较好": 0.85, "一般": 0.7, "较差": 0.5}}
        rating = draw(st.sampled_from([None, "好", "较好", "一般", "较差", " 较好 ", "优秀"]))
    return Case(method, params, full, direction, target, actual, rating, count)


def _collect(n: int) -> list[Case]:
    """Let hypothesis generate n cases; they are checked together after one recalculation."""
    found: list[Case] = []

    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(cases())
    def collect(case: Case) -> None:
        found.append(case)

    collect()
    return found


def _case_book(cases_: list[Case], path: Path) -> tuple[Path, list[tuple[int, Case]]]:
    """One row per case: actual, target, full, rating/count, formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    rows: list[tuple[int, Case]] = []
    for case in cases_:
        row = len(rows) + 2
        refs = Refs(actual=f"A{row}", target=f"B{row}", full=f"C{row}", rating=f"D{row}",
                    count=f"D{row}")
        formula = points_formula(case.method, refs, case.params, case.full, case.direction,
                                 case.target)
        if formula is None:
            continue  # e.g. tiers on a ratio to a target of 0: shown "由考核办计算"
        ws.cell(row, 1, case.actual)
        ws.cell(row, 2, case.target)
        ws.cell(row, 3, case.full)
        ws.cell(row, 4, case.rating if case.method == "rating" else case.count)
        ws.cell(row, 5, formula)
        rows.append((row, case))
    wb.save(path)
    return path, rows


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme()


@pytest.fixture(scope="module")
def recalculated(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Filled demo templates and the generated cases, recalculated in one LibreOffice call."""
    root = tmp_path_factory.mktemp("lo")
    templates = root / "templates"
    build_templates(scheme, templates, generated_at=GENERATED)
    docs = synthesize(scheme)
    na = copy.deepcopy(docs["unit_reports"]["fuhai"])
    na["items"][0].update(actual=None, not_applicable=True)
    docs["unit_reports"]["fuhai"] = na
    # every county's report, three departments', the scoring sheets and the tallies
    wanted = {name: doc for name, doc in documents_by_file(scheme, docs).items()
              if doc["kind"] != "adjustments" and (
                  doc["kind"] != "unit_report" or not doc["unit_id"].startswith("d_")
                  or doc["unit_id"] in ("d_dwb", "d_jyj", "d_fgw"))}
    filled = [fill_workbook(templates / name, doc, root / "filled" / name)
              for name, doc in wanted.items()]
    book, rows = _case_book(_collect(CASES), root / "formula_cases.xlsx")
    outputs = recalculate_many([*filled, book], root / "calc")
    files = dict(zip(wanted, outputs[:-1], strict=True))
    return {"docs": wanted, "files": files, "cases": outputs[-1], "rows": rows}


def _grid(path: Path, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)


def _at(grid: list[list[Any]], cell: str, column: int) -> Any:
    row = int("".join(ch for ch in cell if ch.isdigit()))
    return grid[row - 1][column - 1]


def test_generated_rows_agree_with_the_engine(recalculated: dict[str, Any]) -> None:
    grid = _grid(recalculated["cases"], "Sheet")
    rows = recalculated["rows"]
    assert len(rows) > CASES * 0.9
    methods = {case.method for _, case in rows}
    assert methods == set(FORMULAS)
    wrong = []
    for row, case in rows:
        shown = grid[row - 1][4]
        expected = case.expected()
        if expected is None:
            if shown != "":
                wrong.append((case, shown, expected))
        elif not isinstance(shown, float) or abs(shown - expected) > TOLERANCE:
            wrong.append((case, shown, expected))
    assert not wrong, "\n".join(map(str, wrong[:10]))
    numeric = sum(1 for _, case in rows if case.expected() is not None)
    assert numeric > CASES * 0.6


def formula_column_estimates(ind: Any) -> bool:
    """Whether the unit report estimates an indicator's points (a formula of its own)."""
    return ind.input == "unit_report" and not (
        ind.method in ("benchmark", "rank_points") or ind.params.get("use_group"))


def test_demo_unit_reports_agree_with_the_engine(scheme: Scheme,
                                                 recalculated: dict[str, Any]) -> None:
    checked = 0
    for name, path in recalculated["files"].items():
        doc = recalculated["docs"][name]
        if doc["kind"] != "unit_report":
            continue
        read = read_workbook(path)
        sheet = read.meta["layout"]["sheets"]["items"]["name"]
        grid = _grid(path, sheet)
        points_col = grid[0].index("points") + 1
        total = 0.0
        for i, item in enumerate(doc["items"]):
            ind = scheme.indicator(item["indicator_id"])
            shown = _at(grid, read.cell_map[f"$.items[{i}].actual"][1], points_col)
            if item["not_applicable"]:
                assert shown == "不适用"
                continue
            if ind.method in ("benchmark", "rank_points") or ind.params.get("use_group"):
                assert shown == "由考核办计算"
                continue
            expected = SCORERS[ind.method](
                Inputs(actual=item["actual"], target=ind.target_for(doc["unit_id"])),
                dict(ind.params), ind.full_score, ind.direction).points
            assert abs(shown - expected) <= TOLERANCE, (name, ind.id, shown, expected)
            total += expected
            checked += 1
        subtotal_row = next(r for r, values in enumerate(grid) if values[0] == "@subtotal")
        assert abs(grid[subtotal_row][points_col - 1] - total) <= TOLERANCE
        # 预估 43.78 / 46.00: against the full score of the rows estimated (not N/A)
        full = sum(scheme.indicator(item["indicator_id"]).full_score for item in doc["items"]
                   if not item["not_applicable"] and formula_column_estimates(
                       scheme.indicator(item["indicator_id"])))
        full_col = grid[0].index("full_score") + 1
        assert abs(grid[subtotal_row][full_col - 1] - full) <= TOLERANCE
        assert grid[subtotal_row][full_col] == f"预估 {total:.2f} / {full:.2f}"
    assert checked >= 50


def test_demo_lead_scores_and_tallies_agree_with_the_engine(
        scheme: Scheme, recalculated: dict[str, Any]) -> None:
    checked = 0
    for name, path in recalculated["files"].items():
        doc = recalculated["docs"][name]
        read = read_workbook(path)
        if doc["kind"] == "lead_scores":
            grid = _grid(path, read.meta["layout"]["sheets"]["scores"]["name"])
            for i, entry in enumerate(doc["entries"]):
                ind = scheme.indicator(entry["indicator_id"])
                column = grid[0].index(f"{ind.id}.points") + 1
                field = "rating" if ind.method == "rating" else "count"
                cell = read.cell_map[f"$.entries[{i}].{field}"][1]
                expected = SCORERS[ind.method](
                    Inputs(rating=entry["rating"], count=entry["count"]), dict(ind.params),
                    ind.full_score, ind.direction).points
                assert abs(_at(grid, cell, column) - expected) <= TOLERANCE
                checked += 1
        elif doc["kind"] == "ballots":
            grid = _grid(path, "德和作风测评")
            score_col = grid[0].index("score") + 1
            for i, entry in enumerate(doc["conduct"]):
                cell = read.cell_map[f"$.conduct[{i}].invalid"][1]
                expected = SCORERS["ballot"](
                    Inputs(counts=entry["counts"], invalid=entry["invalid"]),
                    {"grades": dict(scheme.ballot_grades)}, 100.0, "higher").points
                assert abs(_at(grid, cell, score_col) - expected) <= TOLERANCE
                checked += 1
            grid = _grid(path, "群众满意度")
            score_col = grid[0].index("score") + 1
            options = {"options": dict(scheme.satisfaction_options),
                       "excluded": list(scheme.satisfaction_excluded)}
            for i, entry in enumerate(doc["satisfaction"]):
                cell = read.cell_map[f"$.satisfaction[{i}].counts.满意"][1]
                expected = SCORERS["satisfaction"](Inputs(counts=entry["counts"]), options,
                                                   100.0, "higher").points
                assert abs(_at(grid, cell, score_col) - expected) <= TOLERANCE
                checked += 1
        elif doc["kind"] == "routine":
            grid = _grid(path, "平时考核")
            average_col = grid[0].index("average") + 1
            for values in grid[1:]:
                scores = [e["score"] for e in doc["entries"] if e["unit_id"] == values[0]]
                if scores:
                    assert abs(values[average_col - 1] - sum(scores) / len(scores)) <= TOLERANCE
                    checked += 1
    assert checked > 300
