"""Per-unit feedback workbooks: what was good, what was lost, and why; and `kaohe feedback`."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from statistics import fmean
from typing import Any

import openpyxl
import pytest

from kaohe.pipeline.demo import run_demo
from outputs.feedback_book import (
    feedback_filename,
    feedback_names,
    indicators_by_loss,
    write_feedback_workbook,
    write_feedback_workbooks,
)

KAOHE = str(Path(sys.executable).with_name("kaohe"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("demo")
    return run_demo(out, echo=lambda *_: None), out


@pytest.fixture(scope="module")
def books(demo: tuple, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    results, _ = demo
    paths = write_feedback_workbooks(results, tmp_path_factory.mktemp("fb"))
    return {p.name: p for p in paths}


def cells(path: Path) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def section(rows: list[list[Any]], title_start: str) -> list[list[Any]]:
    """Rows after the section title starting with `title_start`, up to the next section."""
    start = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(title_start))
    out = []
    for r in rows[start + 1:]:
        if str(r[0] or "")[:2] in {"一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"}:
            break
        out.append(r)
    return out


def unit(results: dict, unit_id: str) -> dict:
    return next(u for u in results["units"] if u["unit_id"] == unit_id)


def test_one_workbook_per_unit(books: dict[str, Path], demo: tuple) -> None:
    results, _ = demo
    names = feedback_names(results)
    assert sorted(books) == sorted(names.values())
    assert names["fuyun"] == "结果反馈_富蕴县.xlsx" and feedback_filename("fuyun") == (
        "结果反馈_fuyun.xlsx")  # named by the unit's name; the id without one


def test_overview_total_rank_grade_rate_and_group_average(books: dict, demo: tuple) -> None:
    results, _ = demo
    u = next(v for v in results["units"] if not v["top_grade_eligible"])
    rows = section(cells(books[feedback_names(results)[u["unit_id"]]]), "一、")
    facts = {r[0]: r[2] for r in rows if r[0]} | {r[3]: r[5] for r in rows if r[3]}
    group = [v["total"] for v in results["units"] if v["group"] == u["group"]]
    assert facts["总分"] == u["total"] and facts["等次"] == u["grade"]
    assert facts["组内名次"] == f"{u['rank']} / {len(group)}"
    assert facts["得分率"] == u["score_rate"]
    assert facts["组内平均分"] == round(fmean(group), 2)
    assert facts["与平均分差"] == pytest.approx(u["total"] - round(fmean(group), 2), abs=1e-9)
    assert facts["评优资格"] == "否"


def test_indicators_biggest_loss_first_with_their_explanation(books: dict, demo: tuple) -> None:
    results, _ = demo
    u = unit(results, "burqin")
    rows = section(cells(books["结果反馈_布尔津县.xlsx"]), "三、")
    assert rows[0][:7] == ["序号", "指标", "类别", "满分", "得分", "失分", "计分说明（失分原因）"]
    data = [r for r in rows[1:] if isinstance(r[0], int)]
    assert len(data) == len([i for i in u["indicators"] if i["applicable"]])
    lost = [r[5] for r in data]
    assert lost == sorted(lost, reverse=True) and lost[0] > 0
    biggest = max(u["indicators"], key=lambda i: i["lost"])
    assert data[0][1] == biggest["name"]   # the name a reader knows, not the id
    explanations = {i["explanation"] for i in u["indicators"]}
    assert all(r[6] in explanations for r in data)
    assert [r[1] for r in data] == [i["name"] for i in indicators_by_loss(u)]


def test_what_was_good_lists_full_mark_indicators(books: dict, demo: tuple) -> None:
    results, _ = demo
    u = unit(results, "burqin")
    text = " ".join(str(v) for r in section(cells(books["结果反馈_布尔津县.xlsx"]), "四、")
                    for v in r if v)
    full = [i for i in u["indicators"] if i["applicable"] and i["lost"] == 0]
    assert f"以下 {len(full)} 项指标获得满分" in text
    assert all(i["name"] in text for i in full)
    assert not any(i["indicator_id"] in text for i in u["indicators"])


def test_adjustments_with_reasons_and_decisions_and_gates(books: dict, demo: tuple) -> None:
    results, _ = demo
    u = next(v for v in results["units"] if any(e["decision"] for e in v["adjustments"]))
    rows = cells(books[feedback_names(results)[u["unit_id"]]])
    text = " ".join(str(v) for r in section(rows, "五、") for v in r if v)
    for e in u["adjustments"]:
        assert e["reason"] in text
        if e["decision"]:
            assert f"申诉：撤销，{e['decision']['reason']}" in text
    gated = next(v for v in results["units"] if v["gates"])
    names = feedback_names(results)
    text = " ".join(str(v) for r in section(cells(books[names[gated["unit_id"]]]), "六、")
                    for v in r if v)
    assert all(g["reason"] in text for g in gated["gates"])
    free = next(v for v in results["units"] if not v["gates"])
    text = " ".join(str(v) for r in section(cells(books[names[free["unit_id"]]]), "六、")
                    for v in r if v)
    assert "未触发评优限制条件" in text


def test_history_section(demo: tuple, tmp_path: Path) -> None:
    results = copy.deepcopy(demo[0])
    for other in results["units"]:
        other.pop("history", None)  # the demo's own history; this test plants one unit's
    u = unit(results, "fuyun")
    u["history"] = {"previous_year": 2015, "previous_total": 88.0, "previous_rank": 5,
                    "previous_grade": "一般", "total_change": round(u["total"] - 88.0, 2),
                    "rank_change": 5 - u["rank"], "three_consecutive_top": False}
    path = write_feedback_workbook(results, "fuyun", tmp_path / "f.xlsx")
    facts = {r[0]: r[2] for r in section(cells(path), "七、") if r[0]}
    assert facts["上年总分（2015）"] == 88.0 and facts["上年名次"] == 5
    assert facts["名次升降（正数为上升）"] == 5 - u["rank"] and facts["上年等次"] == "一般"
    no_history = cells(write_feedback_workbook(results, "burqin", tmp_path / "b.xlsx"))
    assert ["无上年考核记录。"] == [r[0] for r in section(no_history, "七、") if r[0]]


def test_reasons_stay_text(demo: tuple, tmp_path: Path) -> None:
    results = copy.deepcopy(demo[0])
    u = next(v for v in results["units"] if v["adjustments"])
    u["adjustments"][0]["reason"] = '=HYPERLINK("http://x","y")'
    u["adjustments"][0]["category"] = "@SUM(A1)"
    path = write_feedback_workbook(results, u["unit_id"], tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[0]
    hits = [c for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and ("HYPERLINK" in c.value or "SUM(A1)" in c.value)]
    assert hits and all(c.data_type == "s" for c in hits)
    assert any(c.quotePrefix for c in hits)


def test_english_feedback(demo: tuple, tmp_path: Path) -> None:
    path = write_feedback_workbook(demo[0], "altay_city", tmp_path / "en.xlsx", lang="en")
    rows = cells(path)
    assert rows[0][0] == "Altay City: feedback on the 2016 assessment"
    assert openpyxl.load_workbook(path).sheetnames == ["Feedback", "Team and cadres"]
    assert any(str(r[0]).startswith("3. Indicators") for r in rows)


def test_same_results_same_bytes(demo: tuple, tmp_path: Path) -> None:
    a = write_feedback_workbook(demo[0], "fuyun", tmp_path / "a.xlsx")
    b = write_feedback_workbook(copy.deepcopy(demo[0]), "fuyun", tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()


def test_feedback_command(demo: tuple, tmp_path: Path) -> None:
    _, out = demo
    proc = subprocess.run([KAOHE, "feedback", str(out / "results.json"), "--out",
                           str(tmp_path / "fb")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "fb").glob("结果反馈_*.xlsx"))) == 34
    bad = subprocess.run([KAOHE, "feedback", str(out / "scheme.json"), "--out",
                          str(tmp_path / "x")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "不是考核结果文件" in bad.stderr
    assert "Traceback" not in bad.stderr
    book = subprocess.run([KAOHE, "--lang", "en", "results-book", str(out / "results.json"),
                           "--scheme", str(out / "scheme.json"), "--out",
                           str(tmp_path / "r.xlsx")], capture_output=True, text=True, timeout=120)
    assert book.returncode == 0, book.stderr
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "About"
    helps = [subprocess.run([KAOHE, cmd, "--help"], capture_output=True, text=True, timeout=60)
             for cmd in ("feedback", "results-book")]
    assert all("Example:" in h.stdout for h in helps)


def test_shares_split_the_units_and_write_the_same_books(demo: tuple, books: dict[str, Path],
                                                         tmp_path: Path) -> None:
    results, _ = demo
    halves = [write_feedback_workbooks(results, tmp_path / "fb", share=(k, 2)) for k in (0, 1)]
    assert not {p.name for p in halves[0]} & {p.name for p in halves[1]}
    written = {p.name: p for half in halves for p in half}
    assert sorted(written) == sorted(books)
    assert all(written[name].read_bytes() == books[name].read_bytes() for name in books)


FULL_WIDTH = "（）：；，、。"


def test_english_feedback_has_no_chinese_punctuation(demo: tuple, tmp_path: Path) -> None:
    """What kaohe writes around the numbers reads as English: "92.13 (Group avg 86.10)",
    "appeal: overturned, …", "Last year's total (2015)" (people's own text is theirs)."""
    results = copy.deepcopy(demo[0])
    u = next(v for v in results["units"] if any(e["decision"] for e in v["adjustments"]))
    for e in u["adjustments"]:  # people's text in English, so only kaohe's own is checked
        e.update(reason="late report", evidence="record 7", approver="office")
        if e["decision"]:
            e["decision"]["reason"] = "system fault"
    u["history"] = {"previous_year": 2015, "previous_total": 88.0, "previous_rank": 5,
                    "previous_grade": "一般", "total_change": 1.0, "rank_change": 0,
                    "three_consecutive_top": False}
    path = write_feedback_workbook(results, u["unit_id"], tmp_path / "en.xlsx", lang="en")
    text = [str(v) for r in cells(path) for v in r if isinstance(v, str)]
    assert [t for t in text if any(c in FULL_WIDTH for c in t)] == []
    assert any("Appeal: overturned, system fault" in t for t in text)
    assert "Last year's total (2015)" in text
    assert any(t.startswith("Components above the group average: ") and " (Group avg " in t
               for t in text)


def test_feedback_shows_the_units_published_years(books: dict, demo: tuple) -> None:
    results, _ = demo
    u = unit(results, "burqin")
    rows = section(cells(books["结果反馈_布尔津县.xlsx"]), "七、")
    head = next(i for i, r in enumerate(rows) if r[1] == "年度")
    years = [r for r in rows[head + 1:] if isinstance(r[1], int)]
    points = results["trends"]["units"]["burqin"]
    assert [(r[1], r[2], r[3], r[4]) for r in years] == [
        (p["year"], p["total"], f"{p['rank']} / {p['group_size']}", p["grade"])
        for p in points]
    assert years[-1][2] == u["total"] and years[-1][1] == results["year"]
