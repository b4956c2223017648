"""Bilingual labels of the published workbooks: key -> (中文, English)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.labels import DECISION_KINDS, EVENT_TYPES, KIND_NAMES, OUTCOMES

__all__ = ["RESULTS_LABELS", "FEEDBACK_LABELS", "TYPE", "KIND", "OUTCOME", "DOC_KIND", "pick",
           "run_status"]

_COMMON: dict[str, tuple[str, str]] = {
    "default_title": ("{year}年度综合考核", "{year} comprehensive assessment"),
    "illustrative": ("示例数据：本工作簿中的方案和数据均为示例，不是真实考核结果",
                     "ILLUSTRATIVE DATA: the scheme and data in this workbook are examples, "
                     "not real assessment results"),
    "rank": ("名次", "Rank"), "unit": ("单位", "Unit"), "total": ("总分", "Total"),
    "grade": ("等次", "Grade"), "group": ("考核组别", "Group"),
    "group_id": ("组别代码", "Group id"),
    "bonus": ("加分", "Bonus"), "deduction": ("扣分", "Deduction"),
    "yes": ("是", "yes"), "no": ("否", "no"), "none": ("无", "none"),
    "eligible": ("评优资格", "Top-grade eligible"),
    "stability": ("名次稳定性", "Rank stability"),
    "grade_moved": ("等次由“{src}”调整为“{dst}”：{why}", "grade moved from {src} to {dst}: {why}"),
    "three_top": ("连续三年获得最高等次", "top grade three years running"),
    "prev_grade": ("{year}年等次：{grade}", "grade in {year}: {grade}"),
    "date": ("日期", "Date"), "type": ("类型", "Type"), "category": ("类别", "Category"),
    "points": ("分值", "Points"), "counted": ("计入分值", "Counted"),
    "reason": ("事由", "Reason"), "evidence": ("依据", "Evidence"),
    "approver": ("审批人", "Approver"), "decision": ("申诉/容错结果", "Appeal / fault tolerance"),
    "decision_reason": ("决定理由", "Reason for the decision"),
    "region_wide": ("（全疆通报）", " (region-wide)"),
    "full_score": ("满分", "Full score"),
    "run": ("运行/修订", "Run / revision"),
    "provisional_tag": ("（暂定）", " (PROVISIONAL)"),
    "provisional_banner": ("结果不完整（暂定），不得作为正式结果发布：{reasons}。"
                           "以上问题解决后将重新汇总。",
                           "INCOMPLETE, PROVISIONAL RESULTS, not to be published as final: "
                           "{reasons}. They will be consolidated again once these are "
                           "resolved."),
}

RESULTS_LABELS: dict[str, tuple[str, str]] = {
    **_COMMON,
    "sheet_about": ("说明", "About"),
    "about_subtitle": ("{year}年度综合考核结果汇总", "Results of the {year} assessment"),
    "scheme_name": ("考核方案", "Scheme"), "scheme_id": ("方案编号", "Scheme id"),
    "scheme_version": ("方案版本", "Scheme version"), "year": ("考核年度", "Year"),
    "groups_n": ("考核组别（单位数）", "Groups (units)"), "units_n": ("被考核单位数", "Units"),
    "scored_of": ("计分 {n} / {total}", "{n} of {total} scored"),
    "units_scored": ("计分 {n} / {total}（{m} 个单位未能计分，见“未计分”表）",
                     "{n} of {total} scored ({m} could not be scored, see Not scored)"),
    "generated": ("生成说明", "Generated"), "status": ("结果状态", "Status"),
    "generated_note": ("本工作簿由 kaohe 根据考核结果文件（results）自动生成，数据与结果文件一致。",
                       "Written by kaohe from the results document; the numbers are the "
                       "document's."),
    "history": ("历史比较", "History"),
    "how_to_read": ("如何阅读本工作簿", "How to read this workbook"),
    "read_ranking_k": ("各组排名表", "Ranking sheets"),
    "read_ranking": ("每个考核组别一张表（表名即组别名）：名次、总分、等次及调整原因、"
                     "评优资格及限制原因、各部分得分、加扣分、与上年比较；表下为总分条形图和加权得分构成图。",
                     "One sheet per group: rank, total, grade and why it moved, top-grade "
                     "eligibility and the gates hit, component scores, bonus and deduction, "
                     "change against last year; charts of totals and weighted components below."),
    "read_points_k": ("指标得分", "Indicator points"),
    "read_points": ("每个组别一张：单位×指标得分，首行为满分。浅绿色为满分，浅橙色为失分，"
                    "红色为自治区下达指标失分超过规定比例（取消评优资格），灰色“—”为不适用。",
                    "Units × indicators per group, full scores on top. Light green: full "
                    "score; light orange: points lost; red: a region-assigned indicator lost "
                    "beyond the limit (top grade barred); grey '—': not applicable."),
    "read_adjustments_k": ("加扣分", "Adjustments"),
    "read_adjustments": ("全部加扣分事项：事由、依据、审批人，申诉和容错纠错的结果及理由。",
                         "Every bonus/deduction event with reason, evidence, approver, and the "
                         "outcome of appeals and fault-tolerance reviews."),
    "read_not_scored_k": ("未计分", "Not scored"),
    "read_not_scored": ("未通过校验而未计分的文件、重复报送而未采用的文件、未收到的材料，"
                        "以及因此未能计分的单位。",
                        "Files rejected by validation, duplicate files not used, submissions "
                        "not received, and the units that could therefore not be scored."),
    "read_whatif_k": ("测算", "What-if"),
    "read_whatif": ("修改黄色权重单元格，测算总分与名次（同分按方案规定依次比较）即时重算"
                    "（Excel、WPS、LibreOffice 均可），仅供测算，不改变公布结果。",
                    "Change the yellow weight cells and the totals and ranks (ties broken as "
                    "the scheme says) recalculate at once (Excel, WPS, LibreOffice); for "
                    "trying, not for publishing."),
    "read_rule_k": ("计分规则", "Scoring rule"),
    "read_rule": ("总分 = Σ(部分得分 × 权重) ÷ 权重合计 + 加分 − 扣分，不低于 0，保留 {digits} 位"
                  "小数；组内按总分排名，同分按方案规定依次比较。",
                  "Total = Σ(component × weight) ÷ Σ weights + bonus − deduction, at least 0, "
                  "rounded to {digits} decimals; ranked within the group, ties broken as the "
                  "scheme says."),
    "weights": ("各组别部分权重", "Component weights per group"),
    "ranking_title": ("{title} — {group}", "{title} — {group}"),
    "ranking_subtitle": ("综合排名（{n} 个单位）", "Ranking ({n} units)"),
    "ranking_subtitle_unscored": ("综合排名（{n} 个单位；另有 {m} 个单位未能计分，见“未计分”表）",
                                  "Ranking ({n} units; {m} more could not be scored, see "
                                  "Not scored)"),
    "prev_total": ("上年总分", "Last year's total"), "total_change": ("总分增减", "Total change"),
    "prev_rank": ("上年名次", "Last year's rank"), "rank_change": ("名次升降", "Rank change"),
    "remarks": ("等次调整、评优限制及说明", "Grade changes, gates and notes"),
    "chart_totals": ("总分（按名次）", "Totals by rank"),
    "chart_parts": ("加权得分构成（不含加扣分）", "Weighted components (before adjustments)"),
    "chart_data": ("图表数据：加权得分构成", "Chart data: weighted components"),
    "sheet_points": ("{group}指标得分", "Points {group}"),
    "points_title": ("{group} 指标得分", "Indicator points — {group}"),
    "points_legend": ("浅绿色：满分　浅橙色：失分　红色：自治区下达指标失分超过规定比例（取消评优"
                      "资格）　灰色“—”：不适用",
                      "light green: full score   light orange: points lost   red: "
                      "region-assigned indicator lost beyond the limit (top grade barred)   "
                      "grey '—': not applicable"),
    "ind_category": ("指标类别", "Category"),
    "points_sum": ("得分合计", "Points"), "lost_sum": ("失分合计", "Lost"),
    "sheet_adjustments": ("加扣分", "Adjustments"),
    "adjustments_title": ("{title} — 加扣分事项", "{title} — adjustments"),
    "adjustments_subtitle": ("计入分值：加分为正、扣分为负；申诉撤销的事项计 0 分"
                             "（加分另受类别和总额上限约束）",
                             "Counted: bonus positive, deduction negative; an overturned event "
                             "counts 0 (bonuses are also capped per category and in total)"),
    "event_id": ("编号", "Event"),
    "sheet_not_scored": ("未计分", "Not scored"),
    "not_scored_title": ("{title} — 未计分文件和未报送材料", "{title} — rejected and missing"),
    "not_scored_sub": ("以下材料未计入考核结果，请相关单位核实", "Not counted in the results; "
                       "the units concerned should check"),
    "rejected": ("未通过校验的文件", "Rejected files"),
    "missing": ("未收到可用的材料", "Submissions not received in a usable form"),
    "duplicates": ("重复报送，未采用", "Duplicates not used"),
    "duplicate_why": ("说明（采用了哪一份，依据什么）", "Which file was used, and why"),
    "submitted_rejected": ("已报送但未通过校验（见上）", "submitted but rejected (see above)"),
    "submitted_unidentified": ("可能已报送但未通过校验：文件 {file} 按文件名疑似本单位所交"
                               "（见上）",
                               "probably submitted but rejected: {file} is apparently "
                               "this one's, by its name (see above)"),
    "probable_owner": ("疑似{name}", "apparently {name}"),
    "unscored_units": ("未能计分的单位", "Units that could not be scored"),
    "file": ("文件", "File"), "unit_id": ("单位代码", "Unit id"),
    "reject_reason": ("原因", "Reason"), "findings": ("问题数", "Findings"),
    "kind": ("材料类型", "Kind"), "missing_what": ("情况", "Status"),
    "not_submitted": ("未报送", "not submitted"),
    "sheet_whatif": ("测算", "What-if"),
    "whatif_title": ("{title} — 权重测算", "{title} — what-if weights"),
    "whatif_rule": ("修改黄色单元格中的权重即可重算：总分 = MAX(0, ROUND(SUMPRODUCT(权重, 部分得分)"
                    " ÷ 权重合计 + 加分 − 扣分, {digits}))。仅供测算，不改变公布结果。",
                    "Change the yellow weights: total = MAX(0, ROUND(SUMPRODUCT(weights, scores) "
                    "/ SUM(weights) + bonus − deduction, {digits})). For trying only; the "
                    "published results do not change."),
    "whatif_rank_rule": ("名次：组内按测算总分从高到低；总分相同时依次比较{breakers}"
                         "（各取 ROUND 保留 {digits} 位小数，见右侧“同分比较”列），"
                         "全部相同的单位并列（如 1、2、2、4），与公布结果的排名规则一致。",
                         "Rank: by what-if total within the group; tied totals are compared "
                         "by {breakers} in turn (each ROUNDed to {digits} decimals, see the "
                         "tie-break columns on the right); units equal on all of them share a "
                         "rank (1, 2, 2, 4), as in the published results."),
    "whatif_rank_rule_none": ("名次：组内按测算总分从高到低，总分相同的单位并列（如 1、2、2、4）；"
                              "方案未规定同分排序依据。",
                              "Rank: by what-if total within the group; units with the same "
                              "total share a rank (1, 2, 2, 4): the scheme names no "
                              "tie-breakers."),
    "whatif_rank_rule_no_scheme": ("名次：组内按测算总分从高到低，总分相同的单位并列"
                                   "（如 1、2、2、4）。生成本表时未提供考核方案，未按方案的同分"
                                   "排序依据比较，总分相同者的名次可能与公布名次不同。",
                                   "Rank: by what-if total within the group; units with the "
                                   "same total share a rank (1, 2, 2, 4). This sheet was "
                                   "written without the scheme, so its tie-breakers are not "
                                   "applied: tied units may rank differently from the "
                                   "published results."),
    "whatif_half_even": ("注意：方案规定“四舍六入五成双”，而 ROUND 为四舍五入：被舍去部分恰为"
                         "末位半个单位时，测算总分或同分比较值可能比公布结果大 1 个末位，名次也"
                         "可能因此不同。",
                         "Note: the scheme rounds half to even, ROUND rounds halves up: where "
                         "the dropped part is exactly half a unit of the last digit, a what-if "
                         "total or tie-break value can be one unit higher than published, and "
                         "a rank can differ with it."),
    "tie_breaker": ("同分比较{i}：{name}", "Tie-break {i}: {name}"),
    "whatif_note_h": ("提示", "Note"),
    "weights_zero": ("权重之和为 0，本组不计算测算总分和名次", "weights sum to 0: no what-if "
                     "totals or ranks for this group"),
    "weight_sum": ("权重合计", "Σ weights"),
    "weight_invalid": ("权重应为不小于 0 的数", "A weight is a number ≥ 0"),
    "whatif_total": ("测算总分", "What-if total"), "whatif_rank": ("测算名次", "What-if rank"),
    "published_total": ("公布总分", "Published total"),
    "published_rank": ("公布名次", "Published rank"),
    "total_diff": ("总分差", "Total diff"), "rank_move": ("名次升降", "Rank move"),
}

FEEDBACK_LABELS: dict[str, tuple[str, str]] = {
    **_COMMON,
    "sheet": ("结果反馈", "Feedback"),
    "title": ("{unit}{year}年度综合考核结果反馈", "{unit}: feedback on the {year} assessment"),
    "to": ("反馈对象：{unit}（{group}）主要负责同志",
           "To the principal leader of {unit} ({group})"),
    "s_overview": ("一、总体情况", "1. Overview"),
    "s_components": ("二、各部分得分", "2. Components"),
    "s_indicators": ("三、指标得分与失分原因（按失分从多到少）",
                     "3. Indicators: points and why points were lost (biggest loss first)"),
    "s_good": ("四、做得好的方面", "4. What went well"),
    "s_adjustments": ("五、加扣分事项", "5. Bonus and deduction events"),
    "s_gates": ("六、评优限制", "6. Top-grade gates"),
    "s_history": ("七、与上年比较", "7. Against last year"),
    "s_notes": ("八、其他说明", "8. Other notes"),
    "rank_of": ("组内名次", "Rank in group"), "rank_value": ("{rank} / {size}", "{rank} of {size}"),
    "rank_unscored": ("（另有 {m} 个单位未能计分）", " ({m} more could not be scored)"),
    "score_rate": ("得分率", "Score rate"),
    "group_avg": ("组内平均分", "Group average"), "vs_avg": ("与平均分差", "Against the average"),
    "grade_note": ("等次说明", "Grade note"),
    "band_only": ("按分数段为“{band}”", "band grade {band}"),
    "idx": ("序号", "No."), "component": ("考核内容", "Component"), "score": ("得分", "Score"),
    "weight": ("权重", "Weight"), "weighted": ("加权得分", "Weighted"),
    "avg": ("组内平均", "Group avg"), "how": ("计分说明", "How it was scored"),
    "indicator": ("指标", "Indicator"), "lost": ("失分", "Lost"),
    "why": ("计分说明（失分原因）", "How it was scored (why points were lost)"),
    "na": ("不适用", "n/a"),
    "good_full": ("以下 {n} 项指标获得满分：", "{n} indicators at full marks:"),
    "good_none": ("本年度没有获得满分的指标。", "No indicator at full marks this year."),
    "good_above": ("高于组内平均的考核内容：", "Components above the group average: "),
    "event": ("事由", "Reason"), "adj_type": ("类型/类别", "Type / category"),
    "decision_col": ("依据；申诉/容错结果", "Evidence; appeal / fault tolerance"),
    "no_events": ("本年度无加扣分事项。", "No bonus or deduction events this year."),
    "no_gates": ("未触发评优限制条件，具备评优资格。", "No gate hit: eligible for the top grade."),
    "prev_total": ("上年总分", "Last year's total"), "total_change": ("总分增减", "Total change"),
    "prev_rank": ("上年名次", "Last year's rank"), "rank_change": ("名次升降（正数为上升）",
                                                          "Rank change (+ = up)"),
    "prev_grade_k": ("上年等次", "Last year's grade"),
    "streak": ("连续三年最高等次", "Top grade three years running"),
    "no_history": ("无上年考核记录。", "No record of last year."),
    "trend_year": ("年度", "Year"), "grade_k": ("等次", "Grade"),
    "trend_note": ("近年已发布结果（说明）", "Published results by year (note)"),
    "trend_revised": ("经申诉复核后按修订结果 {run} 重新发布", "published again on revision {run}"),
    "sum_total": ("总分", "Total"),
    "footer": ("地区综合考核办公室", "Comprehensive assessment office"),
}

TYPE = EVENT_TYPES  # the register's own choice words, in results and feedback too
KIND = DECISION_KINDS  # one table with the register's choices and the history's run reasons
OUTCOME = OUTCOMES
DOC_KIND = KIND_NAMES


def pick(table: dict[str, tuple[str, str]], key: object, lang: str) -> str:
    """The label of a data value (event type, decision kind …); unknown values as they are."""
    pair = table.get(str(key)) if key is not None else None
    if pair is None:
        return "" if key is None else str(key)
    return pair[1] if lang == "en" else pair[0]


def run_status(run: Mapping[str, Any] | None, lang: str = "zh",
               zone: str | None = None) -> str:
    """Which recorded run results are and whether it was published when they were written:
    "2016-r3，未发布；正式结果为 2016-r2", "2016-r2，已发布（2017-01-05 10:30（北京时间））"
    ("" when not recorded). The publication time is shown in the office's zone."""
    if not run or not run.get("run_id"):
        return ""
    run_id, en = str(run["run_id"]), lang == "en"
    if "published_revision" not in run:   # results of an older kaohe: no status known
        return run_id
    official = run.get("published_revision")
    if official == run_id:
        from kaohe.clock import DEFAULT_ZONE, local_time

        when = local_time(run.get("published_at"), zone or DEFAULT_ZONE, lang)
        revision = run.get("revision")
        if en:
            return f"{run_id}, published" + (f" (revision {revision})" if revision else "") + (
                f", {when}" if when else "")
        return f"{run_id}，已发布" + (f"（第 {revision} 版）" if revision else "") + (
            f"，发布时间 {when}" if when else "")
    if official:
        return (f"{run_id}, not published; the official results are {official}" if en
                else f"{run_id}，未发布；正式结果为 {official}")
    return f"{run_id}, not published" if en else f"{run_id}，未发布"
