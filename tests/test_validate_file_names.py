"""Whose a file is by its name: the builder's names, clerks' renamings, ids inside longer ids."""

from __future__ import annotations

import pytest

from kaohe.engine import Scheme
from kaohe.pipeline.documents import default_scheme_document
from validators.reading.file_names import owner_from_file_name


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return Scheme.from_document(default_scheme_document())


@pytest.mark.parametrize(("name", "expected"), [
    ("单位自评表_habahe.xlsx", ("unit_report", "habahe")),
    ("收集/单位自评表_fuhai - 副本.xlsx", ("unit_report", "fuhai")),
    ("unit_report_altay_city.xlsx", ("unit_report", "altay_city")),
    ("unit_report_Fuhai County.xlsx", ("unit_report", "fuhai")),
    ("福海县.xlsx", ("unit_report", "fuhai")),
    ("布尔津县_修改版.xlsx", ("unit_report", "burqin")),
    ("单位自评表_d_fgw.xlsx", ("unit_report", "d_fgw")),     # not the department fgw
    ("牵头部门评分表_fgw.xlsx", ("lead_scores", "fgw")),
    ("lead_scores_zzb.xlsx", ("lead_scores", "zzb")),
    ("加扣分登记表.xlsx", ("adjustments", "")),
    ("平时考核汇总表 (2).xlsx", ("routine", "")),
    ("ballots.xlsx", ("ballots", "")),
    ("地委组织部.xlsx", None),             # a unit and a lead department of that name
    ("单位自评表_fuhai_burqin.xlsx", None),  # two units
    ("单位自评表_zzb.xlsx", None),          # zzb is a lead department, not a unit
    ("结果反馈_fuhai.xlsx", None),          # the office's feedback, not a submission
    ("新建 Microsoft Excel 工作表.xlsx", None),
    ("fuhaix.xlsx", None),                 # an id counts as a whole word only
])
def test_owner_from_file_name(name: str, expected: tuple[str, str] | None,
                              scheme: Scheme) -> None:
    named = owner_from_file_name(name, scheme)
    assert (named[:2] if named else None) == expected


def test_the_builders_own_names_are_looked_up_and_agree_with_the_search() -> None:
    # Nearly every submission keeps the builder's name: it is found by a dictionary look-up
    # (a search of every unit's id and names per file cost 1.4 ms at 1,000 units). The look-up
    # must say what the search says: a space before ".xlsx" sends a name to the search.
    from validators.reading.file_names import _builder_names

    scheme = Scheme.from_document(default_scheme_document())
    names = _builder_names(scheme)
    # (by id and by name, in Chinese and English: the names templates had and have)
    assert len(names) == 4 * (len(scheme.units) + sum(
        1 for d in scheme.lead_departments if scheme.indicators_of(d.id)))
    for stem, (kind, owner) in names.items():
        searched = owner_from_file_name(f"{stem} .xlsx", scheme)
        assert searched is not None and (searched.kind, searched.owner) == (kind, owner), stem
        assert owner_from_file_name(f"收集/{stem.upper()}.xlsx", scheme)[:2] == (kind, owner)
