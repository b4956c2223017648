"""Names shown to users in both languages: grades, groups, kinds of submission."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["GRADE_EN", "OPTION_EN", "CATEGORY_EN", "KIND_NAMES", "DECISION_KINDS", "OUTCOMES",
           "EVENT_TYPES", "decision_label", "grade_label", "group_label", "word_en"]

#: The name of each kind of submission as the office's files call it: (中文, English).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "unit_report": ("单位自评表", "unit report"),
    "lead_scores": ("牵头部门评分表", "lead department sheet"),
    "adjustments": ("加扣分登记表", "adjustments register"),
    "routine": ("平时考核汇总表", "routine assessment summary"),
    "ballots": ("民主测评及满意度统计表", "ballot and satisfaction tally"),
    "scheme": ("考核方案", "scheme"),
    "roster": ("领导班子成员名册", "leadership roster"),
    "cadre_ballots": ("干部民主测评统计表", "cadre ballot tally"),
    "sanctions": ("干部处分登记表", "cadre sanctions register"),
}

#: Appeal and fault-tolerance decisions, code -> (中文, English): the words a clerk picks in the
#: adjustments register and the words results.xlsx, the feedback and the history's run reasons
#: show — one table, so a decision reads the same everywhere.
DECISION_KINDS: dict[str, tuple[str, str]] = {
    "appeal": ("申诉", "Appeal"), "fault_tolerance": ("容错纠错", "Fault tolerance"),
}
OUTCOMES: dict[str, tuple[str, str]] = {
    "upheld": ("维持", "Upheld"), "overturned": ("撤销", "Overturned"),
    "adjusted": ("调整分值", "Points adjusted"),
}
#: Kinds of bonus/deduction events: the register's choice words, also in results and feedback.
EVENT_TYPES: dict[str, tuple[str, str]] = {
    "bonus": ("加分", "Bonus"), "deduction": ("扣分", "Deduction"),
    "veto": ("一票否决", "Veto"), "notification": ("通报", "Notification"),
}

GRADE_EN = {"好": "Good", "较好": "Fairly good", "一般": "Average", "较差": "Poor",
            "差": "Poor", "优秀": "Excellent", "称职": "Competent",
            "基本称职": "Basically competent", "不称职": "Incompetent"}

#: Common answers of ballots and surveys (satisfaction options, ratings beyond the grades).
OPTION_EN = {"满意": "Satisfied", "基本满意": "Fairly satisfied", "不满意": "Dissatisfied",
             "不了解": "Don't know", "合格": "Pass", "不合格": "Fail"}

#: Common categories of indicators and of bonus/deduction events.
CATEGORY_EN = {"经济发展": "Economic development", "社会发展": "Social development",
               "民生改善": "People's livelihood", "生态环保": "Ecology and environment",
               "安全生产": "Work safety", "党的建设": "Party building", "法治建设": "Rule of law",
               "社会稳定": "Social stability", "作风效能": "Work style and efficiency",
               "债务风险": "Debt risk", "职能目标": "Functional targets",
               "脱贫攻坚": "Poverty alleviation", "重点工作": "Key tasks",
               "荣誉表彰": "Honours", "创新工作": "Innovation", "察访核验": "Inspection"}


def word_en(word: str, scheme: Mapping[str, Any] | None = None) -> str:
    """A grade, rating, answer or category in English for English text: the scheme's English
    grade, else the common translation, else the word itself.

    >>> word_en("一般"), word_en("不了解"), word_en("B级")
    ('Average', "Don't know", 'B级')
    """
    english = grade_label(word, "en", scheme)
    if english != word:
        return english
    return OPTION_EN.get(word) or CATEGORY_EN.get(word, word)


def decision_label(kind: object, outcome: object, lang: str) -> str:
    """A decision as results and feedback show it (unknown codes as they are).

    >>> decision_label("appeal", "overturned", "zh"), decision_label("appeal", "overturned", "en")
    ('申诉：撤销', 'Appeal: overturned')
    """
    en = lang == "en"
    kind_text = _pick(DECISION_KINDS, kind, en)
    outcome_text = _pick(OUTCOMES, outcome, en)
    if en:
        return f"{kind_text}: {outcome_text[:1].lower()}{outcome_text[1:]}"
    return f"{kind_text}：{outcome_text}"


def _pick(table: Mapping[str, tuple[str, str]], code: object, en: bool) -> str:
    pair = table.get(str(code)) if code is not None else None
    return "" if code is None else str(code) if pair is None else pair[en]


def grade_label(grade: str | None, lang: str, scheme: Mapping[str, Any] | None = None) -> str:
    """A grade as shown in `lang`: in English the scheme's grades_en when it has them, else
    the common translation, else the grade itself.

    >>> grade_label("好", "en"), grade_label("好", "zh")
    ('Good', '好')
    """
    if not grade:
        return ""
    if lang != "en":
        return grade
    grading = (scheme or {}).get("grading") or {}
    english = dict(zip(grading.get("grades") or [], grading.get("grades_en") or [],
                       strict=False))
    return str(english.get(grade) or GRADE_EN.get(grade, grade))


def group_label(group_id: str, lang: str, scheme: Mapping[str, Any] | None = None) -> str:
    """A group's name in `lang` from the scheme (its id when the scheme does not name it).

    >>> group_label("county", "zh", {"groups": [{"id": "county", "name": "县市"}]})
    '县市'
    """
    for group in (scheme or {}).get("groups") or []:
        if group.get("id") == group_id:
            name = group.get("name_en") if lang == "en" else None
            return str(name or group.get("name") or group_id)
    return group_id
