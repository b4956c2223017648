"""A finding's words that only the scheme can give: its English label, the order of a
drop-down's choices.

A finding's `label` is the Chinese a clerk reads next to the cell ("地区生产总值增长·完成值",
"福海县·C02", "C05 一般公共预算收入·预估得分"); its `label_en` says the same in English
("GDP growth · actual"). Each part of the label is looked up in the scheme's English names
(indicators, units, groups, lead departments) and in the English name of every field and
column; a part with no English name stays as it is.

The template's own record of a rating drop-down keeps its choices in code-point order
(一般、好、较好、较差); a finding lists them as the scheme orders them (好、较好、一般、较差).

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> scheme = Scheme.from_document(default_scheme_document())
>>> english_label("地区生产总值增长·完成值", scheme)
'GDP growth · actual'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kaohe.engine.model import Scheme
from validators.reading.tables import scheme_table
from validators.report import Issue
from validators.rules.common import FIELD_NAMES, LABELS, indicators_by_id

__all__ = ["FIELDS_EN", "english_label", "scheme_wording"]

#: The English name of every document field (the Chinese ones are `LABELS`).
FIELDS_EN = {field: en for field, (_, en) in FIELD_NAMES.items()}

# Labels the template readers give that are not a field's name in LABELS.
_WORDS = {
    "填报联系人": "contact person", "填报日期": "date of filling in", "类型": "type",
    "全疆（区）通报": "region-wide notice", "关联指标": "related indicator",
    "对应加扣分编号": "event ID", "决定类别": "kind of decision", "处理结果": "outcome",
    "调整后分值": "adjusted points", "理由": "reason", "决定日期": "date of decision",
    "无效票": "invalid ballots", "日期": "date",
}


def _words(scheme: Scheme) -> Mapping[str, str]:
    """Chinese word → English, built once per scheme."""
    def build() -> dict[str, str]:
        from workbook_templates.labels import (
            DECISION_KINDS,
            EVENT_TYPES,
            OUTCOMES,
            TEXT,
            period_label,
        )

        words = {zh: FIELDS_EN[key] for key, zh in LABELS.items() if key in FIELDS_EN}
        words.update(_WORDS)
        for key, (zh, en) in TEXT.items():
            if key.startswith(("col.", "sheet.", "hdr.")) and "{" not in zh:
                words.setdefault(zh.rstrip("：:"), en.rstrip(":"))
        for table in (EVENT_TYPES, DECISION_KINDS, OUTCOMES):
            words.update({zh: en for zh, en in table.values()})
        for period in ("Q1", "Q2", "Q3", "Q4", "H1", "H2"):
            words[period_label(period, "zh")] = period_label(period, "en")
        for things in (scheme.groups, scheme.units, scheme.lead_departments):
            words.update({t.name: t.name_en or t.id for t in things})
        for ind in scheme.indicators:
            words[ind.name] = ind.name_en or ind.id
            words[f"{ind.id} {ind.name}"] = f"{ind.id} {ind.name_en or ind.name}"
        for key, english in FIELDS_EN.items():  # a label that is still a field's name
            words.setdefault(key, english)
        return words
    return scheme_table(scheme, "english words", build)


def english_label(label: str, scheme: Scheme) -> str:
    """The English of a Chinese label ("" when no part of it has an English name)."""
    words = _words(scheme)
    parts, known = [], False
    for part in label.split("·"):
        english = words.get(part)
        if english is None and " " in part:  # "布尔津县 peers", "C04 完成值"
            tokens = [words.get(token) for token in part.split(" ")]
            if any(tokens):
                english = " ".join(t or s for t, s in zip(tokens, part.split(" "), strict=True))
        known = known or english is not None
        parts.append(part if english is None else english)
    return " · ".join(parts) if known else ""


def scheme_wording(issues: Iterable[Issue], scheme: Scheme) -> list[Issue]:
    """The findings, each with an English label where it has a Chinese one but no English,
    and a rating's choices listed in the scheme's order."""
    out = []
    for issue in issues:
        if issue.label and not issue.label_en:
            english = english_label(issue.label, scheme) or FIELDS_EN.get(issue.label, "")
            if english:
                issue = issue.located(label_en=english)
        if issue.rule == "not-in-list" and issue.field == "rating":
            issue = _rating_choices(issue, scheme)
        out.append(issue)
    return out


def _rating_choices(issue: Issue, scheme: Scheme) -> Issue:
    ind = indicators_by_id(scheme).get(issue.indicator_id)
    ratings = ind.params.get("ratings") if ind is not None else None
    if not isinstance(ratings, Mapping) or not ratings:
        return issue
    allowed = [str(label) for label in ratings]
    return issue.located(hint=f"请从下拉列表中选择：{'、'.join(allowed)}",
                         hint_en=f"choose from the list: {', '.join(allowed)}")
