"""The notice (通报) of a year's results as a Word document, laid out after GB/T 9704.

Title, 文号 and date placeholders for the office to fill, 主送, an opening paragraph, per
group a table of its grades with the units of each grade in rank order, the merit list
(三等功), a closing paragraph and the sign-off. Provisional or unpublished results say so in
red under the title: a notice is published only from published results.

>>> write_notice(results, Path("通报.docx"))  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from outputs.docx_layout import (
    ZH_SIZES,
    new_document,
    page_number_footer,
    paragraph,
    save_docx,
    table,
)
from outputs.leaders_summary import LeadersSummary, join_names, leaders_summary

__all__ = ["write_notice", "notice_title", "NOTICE_LABELS", "issuer_of"]

NOTICE_LABELS: dict[str, tuple[str, str]] = {
    "doc_number": ("××〔{year}〕×号", "No. [{year}] ×"),
    "to": ("各有关单位：", "To all units concerned:"),
    "opening": ("根据《{scheme}》，{year}年度综合考核工作已完成。经综合考核工作领导小组审定，"
                "现将考核结果通报如下。",
                "Under the {scheme}, the {year} comprehensive assessment is complete. As "
                "approved by the assessment leading group, its results are as follows."),
    "s_grades": ("一、考核等次", "1. Grades"),
    "group_h": ("（{n}）{group}（{units} 个单位）", "({n}) {group} ({units} units)"),
    "grade": ("等次", "Grade"), "count": ("数量", "Units"),
    "units": ("单位（按名次排列）", "Units (in rank order)"),
    "s_merit": ("二、记功", "2. Merit"),
    "merit": ("连续三年获评“{top}”等次的{n}个单位，建议记三等功：{units}。",
              "{n} units rated '{top}' three years running are recommended for a "
              "third-class merit: {units}."),
    "no_merit": ("本年度无连续三年获评“{top}”等次的单位。",
                 "No unit was rated '{top}' three years running."),
    "closing": ("希望受到表彰的单位珍惜荣誉、再接再厉，其他单位对照差距、改进工作，"
                "推动各项工作再上新台阶。",
                "Units commended are asked to keep up their work; the others to close the gaps "
                "the assessment shows."),
    "issuer": ("{region}综合考核工作领导小组", "{region}Assessment Leading Group"),
    "date": ("{year}年×月×日", "× × {year}"),
    "provisional": ("【暂定结果，不得印发】{reasons}", "[PROVISIONAL, NOT FOR ISSUE] {reasons}"),
    "unpublished": ("【结果尚未发布（{status}），印发前请先发布】",
                    "[NOT YET PUBLISHED ({status}): publish before issuing]"),
    "illustrative": ("【示例数据，不是真实考核结果】", "[ILLUSTRATIVE DATA, not real results]"),
    "title": ("关于{year}年度{what}综合考核结果的通报", "Notice of the results of the {year} "
              "comprehensive assessment{what}"),
}

_CN_NUMBERS = "一二三四五六七八九十"


def _t(key: str, lang: str, **values: Any) -> str:
    zh, en = NOTICE_LABELS[key]
    return (en if lang == "en" else zh).format(**values)


def issuer_of(results: Mapping[str, Any]) -> str:
    """The region named at the head of the scheme's name (阿勒泰地区2016年度… → 阿勒泰地区)."""
    found = re.match(r"(.+?(?:地区|自治州|州|市|盟|县))\d{4}", str(results.get("scheme_name")
                                                                   or ""))
    return found.group(1) if found else ""


def notice_title(results: Mapping[str, Any], lang: str = "zh") -> str:
    """关于2016年度县市和地直部门综合考核结果的通报."""
    name = str(results.get("scheme_name") or "")
    found = re.search(r"\d{4}年度(.*?)综合考核", name)
    what = found.group(1) if found else ""
    if lang == "en":
        name_en = str(results.get("scheme_name_en") or "")
        found_en = re.search(r"comprehensive assessment of (.+?)(?: \(|$)", name_en)
        return _t("title", lang, year=results.get("year", ""),
                  what=f" of {found_en.group(1)}" if found_en else "")
    return _t("title", lang, year=results.get("year", ""), what=what)


def _number(i: int) -> str:
    return _CN_NUMBERS[i - 1] if 1 <= i <= len(_CN_NUMBERS) else str(i)


def write_notice(results: Mapping[str, Any], path: Path, *, lang: str = "zh",
                 issuer: str | None = None) -> Path:
    """Write the notice (.docx) of a results document atomically; returns `path`."""
    s = leaders_summary(results, lang)
    en = lang == "en"
    year = results.get("year", "")
    next_year = int(year) + 1 if str(year).isdigit() else year
    doc = new_document(lang)
    body = ZH_SIZES["三号"]
    paragraph(doc, _t("doc_number", lang, year=next_year), size=body, lang=lang,
              align="center", space_after_pt=14)
    paragraph(doc, notice_title(results, lang), role="title", size=ZH_SIZES["二号"], lang=lang,
              align="center", line_pt=35, space_after_pt=14)
    for warning in _warnings(s, lang):
        paragraph(doc, warning, role="h1", size=ZH_SIZES["四号"], lang=lang, align="center",
                  color="C00000")
    paragraph(doc, _t("to", lang), size=body, lang=lang, align="left")
    scheme = str((results.get("scheme_name_en") if en else None) or results.get("scheme_name")
                 or "")
    paragraph(doc, _t("opening", lang, scheme=scheme, year=year), size=body, lang=lang,
              indent_chars=2)
    paragraph(doc, _t("s_grades", lang), role="h1", size=body, lang=lang, indent_chars=2)
    for i, group in enumerate(s.groups, 1):
        paragraph(doc, _t("group_h", lang, n=i if en else _number(i), group=group.name,
                          units=group.units), role="h2", size=body, lang=lang, indent_chars=2)
        rows = [[grade, str(len(names)), join_names(names, lang) or "—"]
                for grade, names in group.by_grade]
        table(doc, [_t("grade", lang), _t("count", lang), _t("units", lang)], rows, lang=lang,
              widths_mm=(24, 22, 110) if en else (20, 20, 116), size=ZH_SIZES["四号"],
              center=(True, True, False))
        paragraph(doc, "", size=8, lang=lang, line_pt=8)
    paragraph(doc, _t("s_merit", lang), role="h1", size=body, lang=lang, indent_chars=2)
    top = s.grades[0] if s.grades else ""
    units = join_names([u for u, _ in s.merit], lang)
    paragraph(doc, _t("merit", lang, top=top, n=len(s.merit), units=units) if s.merit
              else _t("no_merit", lang, top=top), size=body, lang=lang, indent_chars=2)
    paragraph(doc, _t("closing", lang), size=body, lang=lang, indent_chars=2,
              space_after_pt=28)
    region = issuer if issuer is not None else issuer_of(results)
    signer = issuer or _t("issuer", lang, region=region or ("××" if not en else ""))
    paragraph(doc, signer, size=body, lang=lang, align="right")
    paragraph(doc, _t("date", lang, year=next_year), size=body, lang=lang, align="right")
    page_number_footer(doc, lang)
    doc.core_properties.title = notice_title(results, lang)
    # The issued text carries no status line; the file says which results it is from.
    doc.core_properties.subject = s.status
    return save_docx(doc, path)


def _warnings(s: LeadersSummary, lang: str) -> list[str]:
    """Red lines under the title: illustrative data, provisional or unpublished results."""
    out = [_t("illustrative", lang)] if s.illustrative else []
    if s.provisional:
        out.append(_t("provisional", lang, reasons=("; " if lang == "en" else "；").join(
            s.provisional)))
    elif not s.published:
        out.append(_t("unpublished", lang, status=s.status))
    return out
