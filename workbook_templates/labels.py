"""Every label a template shows, in Chinese and English, and the choice lists clerks pick from."""

from __future__ import annotations

from collections.abc import Mapping

# the register's choices; results and feedback say the same
from kaohe.labels import DECISION_KINDS, EVENT_TYPES, OUTCOMES

__all__ = ["TEXT", "tr", "YES", "NO", "EVENT_TYPES", "DECISION_KINDS", "OUTCOMES",
           "choice_labels", "choice_lookup", "period_label", "KIND_FILES"]

# key -> (中文, English); str.format placeholders allowed.
TEXT: dict[str, tuple[str, str]] = {
    # sheet names (≤ 31 characters, no []:*?/\)
    "sheet.instructions": ("填表说明", "Instructions"),
    "sheet.unit_report": ("单位自评表", "Unit report"),
    "sheet.lead_scores": ("牵头部门评分表", "Lead scores"),
    "sheet.events": ("加扣分登记", "Events"),
    "sheet.decisions": ("申诉及容错纠错", "Decisions"),
    "sheet.routine": ("平时考核", "Routine"),
    "sheet.conduct": ("德和作风测评", "Conduct ballot"),
    "sheet.satisfaction": ("群众满意度", "Satisfaction"),
    # titles
    "title.unit_report": ("{unit}{year}年度综合考核任务书及自评表",
                          "{unit}: {year} comprehensive assessment task list and self-report"),
    "title.lead_scores": ("{year}年度综合考核牵头部门评分表",
                          "{year} comprehensive assessment: lead department scores"),
    "title.events": ("{year}年度综合考核加扣分登记表", "{year} comprehensive assessment: "
                     "bonus and deduction register"),
    "title.decisions": ("{year}年度综合考核申诉及容错纠错决定登记表",
                        "{year} comprehensive assessment: appeals and fault-tolerance decisions"),
    "title.routine": ("{year}年度平时考核汇总表", "{year} routine assessment summary"),
    "title.conduct": ("{year}年度德和作风测评票数统计表",
                      "{year} virtue and work-style ballot tally"),
    "title.satisfaction": ("{year}年度群众满意度测评统计表", "{year} public satisfaction tally"),
    "title.instructions": ("填表说明", "How to fill in this workbook"),
    # header block
    "hdr.scheme": ("考核方案：{name}", "Scheme: {name}"),
    "hdr.unit": ("被考核单位：", "Unit:"),
    "hdr.group": ("考核组别：", "Group:"),
    "hdr.dept": ("牵头考核部门：", "Lead department:"),
    "hdr.contact": ("填报联系人：", "Contact:"),
    "hdr.phone": ("联系电话：", "Phone:"),
    "hdr.date": ("填报日期：", "Date:"),
    "hdr.legend": ("黄色单元格为填报项，其余内容已锁定；预估得分仅供参考，以考核办核算为准。",
                   "Yellow cells are for input; everything else is locked. Provisional points "
                   "are a guide only; the assessment office's calculation is final."),
    # unit report columns
    "col.no": ("序号", "No."),
    "col.category": ("指标类别", "Category"),
    "col.indicator": ("考核指标", "Indicator"),
    "col.method": ("计分方法及标准", "Scoring rule"),
    "col.measure": ("计量单位", "Unit"),
    "col.target": ("目标值", "Target"),
    "col.full": ("满分", "Full score"),
    "col.actual": ("完成值", "Actual"),
    "col.evidence": ("佐证材料", "Evidence"),
    "col.remarks": ("备注", "Remarks"),
    "col.na": ("不适用", "N/A"),
    "col.points": ("预估得分", "Provisional points"),
    "col.group": ("考核组别", "Group"),
    "col.unit": ("被考核单位", "Unit"),
    "col.rater": ("测评主体", "Rater group"),
    "col.invalid": ("无效票", "Invalid"),
    "col.valid": ("有效票", "Valid votes"),
    "col.score": ("测评得分", "Score"),
    "col.answers": ("有效样本", "Counted answers"),
    "col.raters": ("参评人数", "Raters"),
    "col.sample": ("调查人数", "Surveyed"),
    "col.sat_score": ("满意度得分", "Satisfaction score"),
    "col.average": ("平均分", "Average"),
    "col.rating": ("评定等次", "Rating"),
    "col.count_ded": ("扣分次数", "Incidents"),
    "col.count_bonus": ("加分项数", "Items"),
    "col.value": ("核定完成值", "Verified value"),
    "col.entry_points": ("得分", "Points"),
    "col.event_id": ("编号", "ID"),
    "col.date": ("日期", "Date"),
    "col.type": ("类型", "Type"),
    "col.adj_category": ("类别", "Category"),
    "col.adj_points": ("分值", "Points"),
    "col.region_wide": ("全疆（区）通报", "Region-wide"),
    "col.adj_indicator": ("关联指标", "Indicator"),
    "col.reason": ("事由", "Reason"),
    "col.approver": ("审批人", "Approver"),
    "col.event_ref": ("对应加扣分编号", "Event ID"),
    "col.decision_kind": ("决定类别", "Kind"),
    "col.outcome": ("处理结果", "Outcome"),
    "col.decision_points": ("调整后分值", "Adjusted points"),
    "col.decision_date": ("决定日期", "Decision date"),
    # cell texts
    "cell.by_lead": ("由牵头部门评分", "Scored by the lead department"),
    "cell.by_office": ("由考核办计算", "Computed by the office"),
    "cell.na_value": ("不适用", "N/A"),
    "row.subtotal": ("预估得分小计：本表可测算的 {n} 项。另有 {k} 项（满分 {full}）由牵头部门评分"
                     "或由考核办计算，汇总时计入",
                     "Provisional subtotal: the {n} items this sheet estimates. {k} more items "
                     "(full score {full}) are scored by lead departments or the office and "
                     "added at consolidation"),
    "cell.estimate": ("预估 ", "Estimate "),
    "row.sign": ("单位主要负责人（签字）：                    （单位盖章）",
                 "Head of unit (signature):                    (seal)"),
    "row.sign_dept": ("牵头部门负责人（签字）：                    （部门盖章）",
                      "Head of department (signature):                    (seal)"),
    "row.sign_office": ("填表人：                审核人：                （考核办盖章）",
                        "Prepared by:                Checked by:                (office seal)"),
    "unit.points": ("分", "pts"),
}


def tr(key: str, lang: str, **values: object) -> str:
    """The label for `key` in `lang` ("zh" or "en"), with placeholders filled."""
    zh, en = TEXT[key]
    return (en if lang == "en" else zh).format(**values)


# Choice lists: code -> (中文, English). The reader accepts either language and the code.
YES = ("是", "Yes")
NO = ("否", "No")
_PERIODS = {"Q1": ("第一季度", "Q1"), "Q2": ("第二季度", "Q2"), "Q3": ("第三季度", "Q3"),
            "Q4": ("第四季度", "Q4"), "H1": ("上半年", "H1"), "H2": ("下半年", "H2")}

#: File name of each template kind: (中文, English); {id} is the unit or department id.
KIND_FILES: dict[str, tuple[str, str]] = {
    "scheme": ("考核方案.xlsx", "scheme.xlsx"),
    "unit_report": ("单位自评表_{id}.xlsx", "unit_report_{id}.xlsx"),
    "lead_scores": ("牵头部门评分表_{id}.xlsx", "lead_scores_{id}.xlsx"),
    "adjustments": ("加扣分登记表.xlsx", "adjustments.xlsx"),
    "routine": ("平时考核汇总表.xlsx", "routine.xlsx"),
    "roster": ("领导班子成员名册_{id}.xlsx", "roster_{id}.xlsx"),
    "cadre_ballots": ("干部民主测评统计表_{id}.xlsx", "cadre_ballots_{id}.xlsx"),
    "ballots": ("民主测评及满意度统计表.xlsx", "ballots.xlsx"),
}


def choice_labels(table: Mapping[str, tuple[str, str]], lang: str) -> list[str]:
    """The labels a clerk picks from, in the template's language."""
    return [en if lang == "en" else zh for zh, en in table.values()]


def choice_lookup(table: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Every accepted spelling (Chinese, English, code; case-folded) -> code."""
    out: dict[str, str] = {}
    for code, (zh, en) in table.items():
        for text in (code, zh, en):
            out[text.casefold()] = code
    return out


def period_label(period: str, lang: str) -> str:
    """A readable period heading: Q1 -> 第一季度."""
    zh, en = _PERIODS.get(period, (period, period))
    return en if lang == "en" else zh
