"""Files are called by their owner's name (单位自评表_阿勒泰市.xlsx), the id stays in `_meta`;
files still called by an id (the names templates had before) are recognised all the same,
and their annotated copies are called by the name."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from kaohe.cli import main
from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from validators.reading.file_names import owner_from_file_name
from validators.workbook import examine_workbook


def test_a_template_called_by_its_id_is_annotated_under_its_name(tmp_path: Path) -> None:
    from tests.templates_helpers import filled_workbooks

    scheme = Scheme.from_document(default_scheme_document())
    filled = filled_workbooks(scheme, tmp_path, unit="d_wjw")["unit_report"]
    inbox = tmp_path / "收集"
    inbox.mkdir()
    old = shutil.copy(filled, inbox / "单位自评表_d_wjw.xlsx")
    result = CliRunner().invoke(main, ["validate", "--no-roster", str(old), "--annotate",
                                       str(tmp_path / "批注")])
    assert result.exit_code in (0, 1), result.output
    assert [p.name for p in (tmp_path / "批注").iterdir()] == [
        "单位自评表_地区卫生和计划生育委员会.xlsx"]


def test_both_the_old_and_the_new_names_say_whose_a_file_is() -> None:
    scheme = Scheme.from_document(default_scheme_document())
    for name in ("单位自评表_d_wjw.xlsx", "单位自评表_地区卫生和计划生育委员会.xlsx",
                 "unit_report_Health and Family Planning Commission.xlsx"):
        found = owner_from_file_name(name, scheme)
        assert found is not None and found[:2] == ("unit_report", "d_wjw"), name
    for name in ("牵头部门评分表_fgw.xlsx", "牵头部门评分表_地区发改委.xlsx"):
        found = owner_from_file_name(name, scheme)
        assert found is not None and found[:2] == ("lead_scores", "fgw"), name


def test_the_id_stays_in_meta(tmp_path: Path) -> None:
    from workbook_templates import build_templates

    scheme = Scheme.from_document(default_scheme_document())
    paths = build_templates(scheme, tmp_path)
    path = next(p for p in paths if p.name == "单位自评表_阿勒泰市.xlsx")
    read, report = examine_workbook(path, scheme)
    assert read.meta["unit_id"] == "altay_city" and report.unit_id == "altay_city"
