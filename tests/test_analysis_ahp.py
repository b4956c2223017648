"""AHP against oracles (ahpy, Saaty's RI table), its properties, and the expert workbook:
round trip, located findings, live CR under LibreOffice, the weights command."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.analysis import ahp
from kaohe.analysis.ahp_apply import block_full_scores, proposed_scheme
from kaohe.analysis.hierarchy import hierarchy
from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from kaohe.pipeline.weights import run_ahp
from validators.rules.json_schema import validate_document
from validators.scheme.checks import check_scheme
from workbook_templates.ahp_book import SCALE, layout, write_expert_workbook
from workbook_templates.ahp_read import read_expert_workbook, scale_value

SCALE_VALUES = [v for _, _, v, _, _ in SCALE]


def random_matrix(n: int, rng: random.Random) -> list[list[float]]:
    m = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            m[i][j] = rng.choice(SCALE_VALUES)
            m[j][i] = 1 / m[i][j]
    return m


def ahpy_compare(matrix: list[list[float]], random_index: str | None = None) -> Any:
    import ahpy

    n = len(matrix)
    names = [f"e{i}" for i in range(n)]
    pairs = {(names[i], names[j]): matrix[i][j] for i in range(n) for j in range(i + 1, n)}
    kwargs = {"random_index": random_index} if random_index else {}
    return ahpy.Compare("m", pairs, precision=10, **kwargs), names


@pytest.mark.parametrize("n", [3, 4, 5, 7, 9])
def test_priorities_and_cr_equal_ahpy_with_saatys_random_index(n: int) -> None:
    rng = random.Random(n)
    for _ in range(5):
        matrix = random_matrix(n, rng)
        weights, cr = ahp.priorities(matrix)
        compare, names = ahpy_compare(matrix, "saaty")
        assert weights == pytest.approx([compare.local_weights[k] for k in names], abs=1e-6)
        assert cr == pytest.approx(compare.consistency_ratio, abs=1e-6)


def test_ahpys_default_donegan_dodd_index_gives_another_cr() -> None:
    matrix = random_matrix(5, random.Random(3))
    _, cr = ahp.priorities(matrix)
    dd, _ = ahpy_compare(matrix)
    saaty, _ = ahpy_compare(matrix, "saaty")
    assert cr == pytest.approx(saaty.consistency_ratio, abs=1e-6)
    assert abs(dd.consistency_ratio - cr) > 1e-3  # RI(5) 1.0591 vs Saaty's 1.11


def test_random_index_is_saatys_published_table() -> None:
    # Saaty, Theory and Applications of the Analytic Network Process (2005), p. 31
    assert [ahp.random_index(n) for n in range(1, 16)] == [
        0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59]


def test_the_published_leader_example() -> None:
    # "Analytic hierarchy process – leader example" (Wikipedia), criteria of choosing a leader:
    # experience, education, charisma, age; published priorities .547 .127 .270 .056, CR .044
    matrix = [[1, 4, 3, 7], [1 / 4, 1, 1 / 3, 3], [1 / 3, 3, 1, 5], [1 / 7, 1 / 3, 1 / 5, 1]]
    weights, cr = ahp.priorities(matrix)
    assert weights == pytest.approx([0.547, 0.127, 0.270, 0.056], abs=1.5e-3)
    assert round(cr, 3) == 0.044


def test_saatys_consistent_example_and_an_inconsistent_judgement_named() -> None:
    matrix = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
    weights, cr = ahp.priorities(matrix)
    assert weights == pytest.approx([4 / 7, 2 / 7, 1 / 7]) and cr == pytest.approx(0, abs=1e-9)
    truth = [8, 4, 2, 1, 1]
    matrix = [[a / b for b in truth] for a in truth]
    matrix[0][3], matrix[3][0] = 1 / 8, 8  # one judgement turned round
    weights, cr = ahp.priorities(matrix)
    assert cr > 0.1
    worst = ahp.inconsistent_judgements(matrix, weights)
    assert worst[0][:3] == (0, 3, 0.125)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.05, 20), min_size=1, max_size=12))
def test_a_consistent_matrix_has_cr_zero_and_recovers_its_weights(raw: list[float]) -> None:
    truth = [x / sum(raw) for x in raw]
    matrix = [[a / b for b in truth] for a in truth]
    weights, cr = ahp.priorities(matrix)
    assert weights == pytest.approx(truth, rel=1e-7, abs=1e-9)
    assert cr == pytest.approx(0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(total=st.integers(1, 400).map(lambda k: k * 0.5),
       cats=st.lists(st.lists(st.floats(0.01, 10), min_size=1, max_size=6), min_size=1,
                     max_size=8),
       cat_w=st.lists(st.floats(0.01, 10), min_size=8, max_size=8))
def test_composed_full_scores_sum_to_every_category_total(total: float, cats: list,
                                                          cat_w: list[float]) -> None:
    names = [f"c{k}" for k in range(len(cats))]
    members = {c: [f"{c}i{k}" for k in range(len(w))] for c, w in zip(names, cats, strict=True)}
    totals, scores = ahp.compose_full_scores(total, names, cat_w[:len(names)], members,
                                             dict(zip(names, cats, strict=True)), 0.5)
    assert sum(totals.values()) == total
    for c in names:
        assert sum(scores[i] for i in members[c]) == totals[c]
        assert all(scores[i] >= 0 and (scores[i] * 2).is_integer() for i in members[c])
    if total >= 0.5 * sum(len(m) for m in members.values()):
        assert all(s >= 0.5 for s in scores.values())


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_every_group_keeps_its_total_and_the_proposal_passes_the_scheme_checks(
        data: st.DataObject) -> None:
    scheme = Scheme.from_document(default_scheme_document())
    weight = st.floats(0.01, 10)
    proposal: dict[str, float] = {}
    for block in hierarchy(scheme):
        cats = {c: data.draw(weight) for c in block.categories}
        inds = {c: {i: data.draw(weight) for i, _ in block.indicators[c]}
                for c in block.categories}
        proposal.update(block_full_scores(scheme, block, cats, inds, 0.5))
    assert set(proposal) == {i.id for i in scheme.indicators}
    assert all(v >= 0.5 and (v * 2).is_integer() for v in proposal.values())
    doc = proposed_scheme(dict(scheme.document), proposal)
    new = Scheme.from_document(doc)
    for group in scheme.groups:
        assert sum(i.full_score for i in new.indicators_for(group.id)) == \
            sum(i.full_score for i in scheme.indicators_for(group.id))
    tiers = {i["id"]: i["params"].get("tiers") for i in doc["indicators"]}
    c08 = new.indicator("C08")
    assert tiers["C08"][-1]["points"] == pytest.approx(c08.full_score)  # scaled with it
    assert check_scheme(doc).errors == []


def test_judgements_combined_by_geometric_mean() -> None:
    a = [[1, 3], [1 / 3, 1]]
    b = [[1, 1 / 3], [3, 1]]
    assert ahp.combine_judgements([a, b])[0][1] == pytest.approx(1.0)
    assert ahp.combine_judgements([a, b], [3, 1])[0][1] == pytest.approx(3 ** 0.5)
    assert ahp.combine_priorities([[0.75, 0.25], [0.25, 0.75]]) == pytest.approx([0.5, 0.5])


@pytest.mark.parametrize("raw,value", [("3 稍微重要", 3.0), ("1/5 明显不重要", 0.2),
                                       ("1/5 clearly less important", 0.2), (7, 7.0),
                                       (0.3333, 1 / 3), ("1/9", 1 / 9), (10, None),
                                       (0, None), ("很重要", None), (True, None), (2.5, None)])
def test_scale_values(raw: Any, value: float | None) -> None:
    assert scale_value(raw) == (pytest.approx(value) if value else None)


# -- the workbook ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


def fill(path: Path, seed: int, consistent: dict[str, list[float]] | None = None) -> dict:
    """Fill every upper cell with a scale label; returns the matrices written."""
    rng = random.Random(seed)
    labels = {v: zh for zh, _, v, _, _ in SCALE}
    wb = openpyxl.load_workbook(path)
    meta = json.loads(wb["_meta"]["A1"].value)
    written = {}
    for m in meta["matrices"]:
        n = len(m["elements"])
        matrix = random_matrix(n, rng)
        ws = wb[m["sheet"]]
        for i in range(n):
            for j in range(i + 1, n):
                ws.cell(row=m["row"] + i + 1, column=m["col"] + j + 1).value = labels[matrix[i][j]]
        written[m["id"]] = matrix
    wb.save(path)
    return written


def test_workbook_round_trip(scheme: Scheme, tmp_path: Path) -> None:
    path = write_expert_workbook(scheme, tmp_path / "e1.xlsx", 1)
    written = fill(path, 1)
    read = read_expert_workbook(path)
    assert read.issues == [] and read.name == "专家1" and read.scheme_id == scheme.scheme_id
    assert set(read.matrices) == set(written)
    for mid, matrix in written.items():
        flat = [x for row in matrix for x in row]
        assert [x for row in read.matrices[mid] for x in row] == pytest.approx(flat)
    # categories first, then the indicators of each category of two or more
    ids = [m.id for m in layout(scheme)]
    assert ids[0] == "county/categories" and "county/经济发展" in ids
    assert "county/脱贫攻坚" not in ids


def test_bad_judgements_are_located(scheme: Scheme, tmp_path: Path) -> None:
    path = write_expert_workbook(scheme, tmp_path / "e1.xlsx", 1)
    fill(path, 2)
    m = layout(scheme)[0]
    wb = openpyxl.load_workbook(path)
    ws = wb[m.sheet]
    cell = lambda i, j: ws.cell(row=m.row + i + 1, column=m.col + j + 1)  # noqa: E731
    cell(1, 0).value = 3            # a reciprocal overwritten
    cell(0, 2).value = 12           # off the scale
    cell(0, 3).value = None         # missing
    wb.save(path)
    read = read_expert_workbook(path)
    found = {(i.rule, i.sheet, i.cell) for i in read.issues}
    assert found == {("ahp-reciprocal-overwritten", m.sheet, cell(1, 0).coordinate),
                     ("ahp-off-scale", m.sheet, cell(0, 2).coordinate),
                     ("ahp-missing-judgement", m.sheet, cell(0, 3).coordinate)}
    assert m.id not in read.matrices and len(read.matrices) == len(layout(scheme)) - 1
    assert all(i.label and "比" in i.label for i in read.issues)
    broken = tmp_path / "not.xlsx"
    broken.write_bytes(b"nonsense")
    assert [i.rule for i in read_expert_workbook(broken).issues] == ["ahp-not-a-template"]


@pytest.mark.libreoffice
def test_live_cr_and_weights_equal_the_readers_eigenvector(scheme: Scheme,
                                                           tmp_path: Path) -> None:
    from workbook_templates.recalc import recalculate

    path = write_expert_workbook(scheme, tmp_path / "e1.xlsx", 1)
    fill(path, 5)
    read = read_expert_workbook(path)
    calc = openpyxl.load_workbook(recalculate(path, tmp_path / "calc"), data_only=True)
    flagged = 0
    for m in layout(scheme):
        n = len(m.elements)
        weights, lam = ahp.eigen(read.matrices[m.id])
        cr = ahp.consistency(n, lam)[1]
        ws = calc[m.sheet]
        live = [ws.cell(row=m.row + i + 1, column=m.col + n + 1).value for i in range(n)]
        assert live == pytest.approx(weights, abs=1e-9)
        assert ws.cell(row=m.row + n + 2, column=3).value == pytest.approx(lam, abs=1e-9)
        assert ws.cell(row=m.row + n + 5, column=3).value == pytest.approx(cr, abs=1e-9)
        flagged += ws.cell(row=m.row + n + 5, column=4).value == "不一致，请调整判断"
        assert (ws.cell(row=m.row + n + 5, column=4).value == "可接受") == (cr <= 0.1)
        # the lower triangle shows the reciprocal's label
        upper = ws.cell(row=m.row + 1, column=m.col + 2).value
        lower = ws.cell(row=m.row + 2, column=m.col + 1).value
        assert scale_value(lower) == pytest.approx(1 / scale_value(upper))
    assert flagged  # random judgements: some matrices are inconsistent


def test_weights_command_proposes_a_valid_scheme(scheme: Scheme, tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "experts"
    done = runner.invoke(main, ["weights", "template", "--experts", "3", "--out", str(folder)])
    assert done.exit_code == 0, done.output
    files = sorted(folder.glob("*.xlsx"))
    assert [f.name for f in files] == ["专家判断_01.xlsx", "专家判断_02.xlsx", "专家判断_03.xlsx"]
    for k, f in enumerate(files):
        fill(f, 10 + k)
    out, proposed = tmp_path / "权重测算.xlsx", tmp_path / "proposed.json"
    done = runner.invoke(main, ["weights", "ahp", str(folder), "--out", str(out),
                                "--apply", str(proposed)])
    assert done.exit_code == 1, done.output  # random judgements: inconsistent ones flagged
    assert "判断矩阵一致性比率 CR" in done.output and "最不一致的判断" in done.output
    doc = json.loads(proposed.read_text(encoding="utf-8"))
    validate_document(doc, "scheme")
    assert check_scheme(doc).errors == []  # every group still adds up, tier points scaled
    new = Scheme.from_document(doc)
    assert new.indicators != scheme.indicators
    for group in scheme.groups:
        assert sum(i.full_score for i in new.indicators_for(group.id)) == \
            sum(i.full_score for i in scheme.indicators_for(group.id))
    outcome = run_ahp(folder, scheme)
    combined = outcome.combined["county/categories"]
    given = [read_expert_workbook(f).matrices["county/categories"] for f in files]
    assert list(combined.weights) == pytest.approx(ahp.eigen(ahp.combine_judgements(given))[0])
    book = tmp_path / "考核方案.xlsx"
    done = runner.invoke(main, ["weights", "ahp", str(folder), "--out", str(out),
                                "--apply", str(book)])
    assert done.exit_code == 1, done.output
    from workbook_templates.scheme_book import import_scheme_workbook

    imported, problems = import_scheme_workbook(book)
    assert [p for p in problems if p.severity == "error"] == []
    assert {i["id"]: i["full_score"] for i in imported["indicators"]} == \
        {i["id"]: i["full_score"] for i in doc["indicators"]}
    report = openpyxl.load_workbook(out)
    assert report.sheetnames == ["建议分值", "组别合计", "一致性", "问题", "说明"]
    totals = list(report["组别合计"].iter_rows(min_row=2, values_only=True))
    assert len(totals) == len(scheme.groups) and all(r[2] == r[3] == 100 for r in totals)


def test_expert_weights_and_aggregation_of_priorities_from_the_scheme(tmp_path: Path) -> None:
    doc = default_scheme_document()
    doc["weighting"] = {"aggregation": "priorities", "expert_weights": {"专家1": 3}}
    validate_document(doc, "scheme")
    scheme = Scheme.from_document(doc)
    files = [write_expert_workbook(scheme, tmp_path / f"e{k}.xlsx", k) for k in (1, 2)]
    for k, f in enumerate(files):
        fill(f, 20 + k)
    outcome = run_ahp(tmp_path, scheme)
    mid = "county/categories"
    own = [r for r in outcome.results if r.matrix_id == mid]
    assert [r.expert for r in own] == ["专家1", "专家2"]
    want = ahp.combine_priorities([own[0].weights, own[1].weights], [3, 1])
    assert list(outcome.combined[mid].weights) == pytest.approx(want)
    equal = ahp.combine_priorities([own[0].weights, own[1].weights])
    assert list(outcome.combined[mid].weights) != pytest.approx(equal)
