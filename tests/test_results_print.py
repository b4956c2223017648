"""The printed results workbook, as LibreOffice prints it: legible (no text under 8 pt at the
sheets' own print scale), a bounded number of pages, the summary on one page, and no group id
or indicator id shown to a reader (pdftotext of the whole print)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kaohe.pipeline.demo import run_demo
from workbook_templates.recalc import have_libreoffice, render_pdf

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not have_libreoffice() or not shutil.which("pdftotext"),
                                 reason="needs LibreOffice and pdftotext")]

#: The least font size (pt) a printed page may show.
LEGIBLE = 8.0


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Path]:
    out = tmp_path_factory.mktemp("print")
    results = run_demo(out, echo=lambda *_: None)
    feedback = sorted((out / "feedback").glob("*.xlsx"))[0]
    return (results, render_pdf(out / "results.xlsx", out / "pdf"),
            render_pdf(feedback, out / "pdf"))


def _sizes(pdf: Path) -> list[Counter[float]]:
    """Per page: how many characters are printed at each font size (pt, 0.1 pt)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    def chars(node: Any) -> Any:
        if isinstance(node, LTChar):
            yield node
        elif hasattr(node, "__iter__"):
            for child in node:
                yield from chars(child)

    return [Counter(round(c.size, 1) for c in chars(page) if c.get_text().strip())
            for page in extract_pages(str(pdf))]


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_no_printed_text_is_smaller_than_8_pt(printed: tuple[dict, Path, Path]) -> None:
    _, book, feedback = printed
    for pdf in (book, feedback):
        for n, sizes in enumerate(_sizes(pdf), 1):
            small = {s: k for s, k in sizes.items() if s < LEGIBLE - 0.05}
            assert not small, f"{pdf.name} page {n}: {small}"


def test_page_count_and_the_summary_on_one_page(printed: tuple[dict, Path, Path]) -> None:
    results, book, _ = printed
    pages = _pages(book)
    # 说明, 汇总 1, ranking 4 a group (remarks and charts), 历年趋势 1 a group, 指标得分 1–3 a
    # group, adjustments, the teams' and cadres' sheets, not scored, 测算
    assert 14 <= len(pages) <= 100, len(pages)   # with the cadres' sheets (#15): 80
    summary = [i for i, p in enumerate(pages) if "一、各组别等次" in p]
    page = pages[summary[0]] if len(summary) == 1 else ""
    assert "四、建议记三等功" in page and "材料齐全，结果完整" in page   # the last sections too
    assert "名次稳定性" in page   # with the stability analysis, still one page
    county = [p for p in pages if "县市 指标得分" in p or "县市指标得分" in p]
    assert len(county) >= 2   # wider than a page: cut into pages by category …
    for page in county:       # … each repeating the unit column
        assert all(u["unit_name"] in page for u in results["units"] if u["group"] == "county")


def test_printed_outputs_show_no_group_or_indicator_ids(printed: tuple[dict, Path, Path]) -> None:
    results, book, feedback = printed
    ids = {g["id"] for g in results["groups"]}
    ids |= {i["indicator_id"] for u in results["units"] for i in u["indicators"]}
    for pdf in (book, feedback):
        words = Counter(re.findall(r"[A-Za-z][A-Za-z0-9_]*", "\n".join(_pages(pdf))))
        assert not {w for w in words if w in ids}, pdf.name
