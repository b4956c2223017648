"""The leaders' outputs: the one-page summary (sheet and .docx) and the notice (通报 .docx).

The documents are parsed back with python-docx; printed through LibreOffice, their PDF text
(pdftotext) must name no group id or indicator id, and the summary must fit one page.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from kaohe.cli import main
from kaohe.pipeline.demo import leaders_paths, run_demo
from kaohe.pipeline.io import write_json
from outputs.docx_layout import FALLBACKS
from outputs.leaders_summary import gate_text, leaders_summary
from outputs.notice_doc import write_notice
from outputs.summary_doc import write_summary_document
from workbook_templates.recalc import have_libreoffice, render_pdf


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("leaders-demo")
    return out, run_demo(out, echo=lambda *_: None)


def _grade_tables(path: Path) -> list[dict[str, list[str]]]:
    """Per table of the notice: grade → unit names in the order printed."""
    tables = []
    for tbl in Document(str(path)).tables:
        rows = [[c.text for c in row.cells] for row in tbl.rows]
        tables.append({r[0]: [n for n in r[2].split("、") if n and n != "—"] for r in rows[1:]})
    return tables


def test_demo_writes_the_summary_and_the_notice(demo: tuple[Path, dict[str, Any]]) -> None:
    out, _ = demo
    for path in leaders_paths(out, "zh"):
        assert path.is_file() and path.stat().st_size > 5000


def test_notice_lists_every_unit_once_in_its_grade_in_rank_order(
        demo: tuple[Path, dict[str, Any]]) -> None:
    out, results = demo
    notice, _ = leaders_paths(out, "zh")
    tables = _grade_tables(notice)
    assert len(tables) == len(results["groups"])
    printed = [name for t in tables for names in t.values() for name in names]
    assert sorted(printed) == sorted(u["unit_name"] for u in results["units"])
    assert len(printed) == len(set(printed))
    for group, table in zip(results["groups"], tables, strict=True):
        units = sorted((u for u in results["units"] if u["group"] == group["id"]),
                       key=lambda u: u["rank"])
        assert list(table) == results["grades"]
        for grade, names in table.items():
            assert names == [u["unit_name"] for u in units if u["grade"] == grade]


def test_notice_layout_follows_gb_t_9704(demo: tuple[Path, dict[str, Any]]) -> None:
    out, results = demo
    doc = Document(str(leaders_paths(out, "zh")[0]))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    texts = [p.text for p in doc.paragraphs]
    assert "关于2016年度县市和地直部门综合考核结果的通报" in texts
    assert any(re.fullmatch(r"××〔2017〕×号", t) for t in texts)   # 文号 placeholder
    assert texts[-1] == "2017年×月×日" and texts[-2] == "阿勒泰地区综合考核工作领导小组"
    fonts = {}
    for p in doc.paragraphs:
        for run in p.runs:
            el = run._element.rPr.rFonts
            fonts[p.text] = (el.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/"
                                    "main}eastAsia"), run.font.size.pt)
    assert fonts["关于2016年度县市和地直部门综合考核结果的通报"] == ("方正小标宋简体", 22.0)
    assert fonts["一、考核等次"] == ("黑体", 16.0)
    body = next(t for t in texts if t.startswith("根据《"))
    assert fonts[body] == ("仿宋_GB2312", 16.0)
    merit = next(t for t in texts if "三等功" in t)
    for u in results["units"]:
        assert (u["unit_name"] in merit) == bool(u["history"]["three_consecutive_top"])
    table_xml = doc.part.package.part_related_by  # the font table names the fallbacks
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    font_table = doc.part.part_related_by(RT.FONT_TABLE).blob.decode("utf-8")
    for name, alt in FALLBACKS.items():
        assert f'w:name="{name}"' in font_table and f'w:val="{alt}"' in font_table
    assert table_xml is not None


def test_notice_says_when_results_are_not_to_be_issued(demo: tuple[Path, dict[str, Any]],
                                                        tmp_path: Path) -> None:
    _, results = demo
    draft = copy.deepcopy(results)
    draft["run"] = {**draft["run"], "published": False, "published_revision": None}
    texts = [p.text for p in Document(str(write_notice(draft, tmp_path / "n.docx"))).paragraphs]
    assert any("结果尚未发布" in t for t in texts)
    draft["provisional"] = [{"reason": "未收到加扣分登记表", "reason_en": "no register"}]
    texts = [p.text for p in Document(str(write_notice(draft, tmp_path / "n.docx"))).paragraphs]
    assert any(t.startswith("【暂定结果，不得印发】未收到加扣分登记表") for t in texts)


def test_summary_names_indicators_and_counts_every_unit(
        demo: tuple[Path, dict[str, Any]]) -> None:
    _, results = demo
    s = leaders_summary(results)
    assert s.total_units == len(results["units"])
    assert sum(n for g in s.groups for _, n in g.counts) == len(results["units"])
    gated = [u for u in results["units"] if u["gates"]]
    assert [x.unit for x in s.lost] == [u["unit_name"] for u in gated]
    ids = {i["indicator_id"] for u in results["units"] for i in u["indicators"]}
    for item in s.lost:
        for reason in item.reasons:
            assert not any(re.search(rf"\b{i}\b", reason) for i in ids), reason
    region = next(g for u in gated for g in u["gates"] if g["gate"] == "region-loss")
    unit = next(u for u in gated if region in u["gates"])
    name = next(i["name"] for i in unit["indicators"]
                if i["indicator_id"] == region["indicator_id"])
    assert gate_text(region, unit).startswith(f"“{name}”失分")
    assert [m for m in s.movers] == sorted(s.movers, key=lambda m: -abs(m.rank_change))
    assert s.published and s.status.startswith("已发布：2016-r1")


def test_summary_sheet_is_first_after_about(demo: tuple[Path, dict[str, Any]]) -> None:
    out, results = demo
    wb = openpyxl.load_workbook(out / "results.xlsx")
    assert wb.sheetnames[:2] == ["说明", "结果汇总"]
    ws = wb["结果汇总"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for u in results["units"]:
        assert sum(u["unit_name"] in c for c in cells) >= 1
    # fit to one page (xlsxwriter leaves out fitToHeight="1", the default)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToHeight in (None, 1) and ws.page_setup.paperSize == 9


def test_cli_notice_and_summary_in_english(demo: tuple[Path, dict[str, Any]],
                                           tmp_path: Path) -> None:
    out, results = demo
    runner = CliRunner()
    got = runner.invoke(main, ["--lang", "en", "notice", str(out / "results.json"), "--out",
                               str(tmp_path / "notice.docx"), "--no-pdf"])
    assert got.exit_code == 0, got.output
    texts = [p.text for p in Document(str(tmp_path / "notice.docx")).paragraphs]
    assert texts[1].startswith("Notice of the results of the 2016 comprehensive assessment")
    tables = _grade_tables(tmp_path / "notice.docx")
    assert list(tables[0]) == ["Good", "Fairly good", "Average", "Poor"]
    got = runner.invoke(main, ["summary", str(tmp_path / "missing.json")])
    assert got.exit_code != 0 and "Traceback" not in got.output
    write_json(tmp_path / "bad.json", {"kind": "scheme"})
    got = runner.invoke(main, ["notice", str(tmp_path / "bad.json"), "--no-pdf"])
    assert got.exit_code != 0 and "不是考核结果文件" in got.output


def _words_beyond_names(text: str, results: dict[str, Any]) -> set[str]:
    """The words of a printed text once every display name is taken out ("law" is a group id,
    and a word of "Politics and law departments")."""
    flat = " ".join(text.split())
    names = [g.get(k) for g in results["groups"] for k in ("name", "name_en")]
    names += [u.get(k) for u in results["units"] for k in ("unit_name", "unit_name_en")]
    names += [i.get(k) for u in results["units"] for i in u["indicators"]
              for k in ("name", "name_en")]
    names += [results.get("scheme_name"), results.get("scheme_name_en")]
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        flat = flat.replace(" ".join(name.split()), " ")
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", flat))


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_libreoffice() or not shutil.which("pdftotext"),
                    reason="needs LibreOffice and pdftotext")
def test_printed_documents_show_no_ids_and_the_summary_fits_one_page(
        demo: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, results = demo
    notice, summary = leaders_paths(out, "zh")
    en_summary = write_summary_document(results, tmp_path / "summary-en.docx", lang="en")
    group_ids = {g["id"] for g in results["groups"]}
    indicator_ids = {i["indicator_id"] for u in results["units"] for i in u["indicators"]}
    for doc in (notice, summary, en_summary):
        pdf = render_pdf(doc, tmp_path)
        text = _pdf_text(pdf)
        words = _words_beyond_names(text, results)
        assert not words & group_ids, (doc.name, words & group_ids)
        assert not words & indicator_ids, (doc.name, words & indicator_ids)
        if doc != notice:
            pages = text.count("\f")
            assert pages == 1, f"{doc.name} printed on {pages} pages"
        for u in results["units"]:
            name = u["unit_name"] if doc != en_summary else u["unit_name_en"]
            assert name.replace(" ", "") in text.replace(" ", "").replace("\n", ""), name


@pytest.mark.libreoffice
@pytest.mark.skipif(not have_libreoffice(), reason="needs LibreOffice")
def test_notice_command_prints_a_pdf_beside_the_docx(demo: tuple[Path, dict[str, Any]],
                                                     tmp_path: Path) -> None:
    out, _ = demo
    got = CliRunner().invoke(main, ["notice", str(out / "results.json"), "--out",
                                    str(tmp_path / "通报.docx")])
    assert got.exit_code == 0, got.output
    pdf = tmp_path / "通报.pdf"
    assert f"→ {pdf}" in got.output and pdf.read_bytes().startswith(b"%PDF")
    text = _pdf_text(pdf).replace(" ", "").replace("\n", "")
    assert "关于2016年度县市和地直部门综合考核结果的通报" in text
