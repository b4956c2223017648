"""What a clerk reads: the message and fix hint of every rule, in Chinese and English.

One table, so every user-facing text is in one place and tests can walk it. Texts are
`str.format` templates; `finding()` fills them and builds the `Issue`.

>>> finding("not-a-zip", file="a.xlsx").message
'文件不是有效的 Excel 工作簿（.xlsx）'
"""

from __future__ import annotations

from typing import Any

from validators.report import ERROR, Issue

__all__ = ["MESSAGES", "finding", "texts"]

# message key (usually the rule slug) -> (message, message_en, hint, hint_en)
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # ---------------------------------------------------------- untrusted files (files.py)
    "missing-file": (
        "找不到文件", "file not found",
        "请检查文件名和所在文件夹", "check the file name and folder"),
    "unreadable": (
        "无法读取文件：{reason}", "cannot read the file: {reason}",
        "请确认文件没有被其他程序占用，并且有读取权限",
        "make sure no other program holds the file and that you may read it"),
    "empty-file": (
        "文件是空的（0 字节）", "the file is empty (0 bytes)",
        "请重新保存工作簿后再提交", "save the workbook again and resubmit it"),
    "file-too-large": (
        "文件过大（{size}），超过上限 {limit}", "the file is too large ({size}; limit {limit})",
        "请确认提交的是本单位的填报表，删除多余的工作表、图片后另存为 .xlsx",
        "submit only your unit's report; remove extra sheets and pictures, then save as .xlsx"),
    "not-a-zip": (
        "文件不是有效的 Excel 工作簿（.xlsx）", "the file is not a valid Excel workbook (.xlsx)",
        "请用 Excel 打开下发的模板填写，并保存为 .xlsx 格式后提交",
        "fill the template in Excel and save it as .xlsx before submitting"),
    "not-xlsx": (
        "文件是压缩包，但不是 Excel 工作簿（缺少 {missing}）",
        "the file is a zip archive but not an Excel workbook (no {missing})",
        "请提交填好的 .xlsx 工作簿本身，不要提交其他压缩包或 Word 文档",
        "submit the filled .xlsx workbook itself, not another archive or document"),
    "truncated": (
        "文件不完整（可能下载、复制或邮件传输中断）", "the file is truncated (an interrupted "
        "download, copy or e-mail transfer?)",
        "请从原电脑重新复制或重新发送该文件", "copy or send the file again from the original computer"),
    "corrupt": (
        "文件已损坏：{reason}", "the file is damaged: {reason}",
        "请在 Excel 中打开原文件并另存为新的 .xlsx 后重新提交",
        "open the original in Excel, save it as a new .xlsx and resubmit"),
    "encrypted": (
        "文件设置了打开密码（已加密），无法读取", "the file is password-protected (encrypted) "
        "and cannot be read",
        "请在 Excel 中依次点击 文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码后保存再提交",
        "in Excel: File → Info → Protect Workbook → Encrypt with Password, clear the password, "
        "save and resubmit"),
    "legacy-format": (
        "文件是旧版 Excel（.xls）或 WPS 表格（.et）格式，不能读取",
        "the file is in the old Excel (.xls) or WPS (.et) format, which cannot be read",
        "请用 Excel 另存为 .xlsx 格式（文件 → 另存为 → Excel 工作簿）后提交",
        "save it as .xlsx in Excel (File → Save As → Excel Workbook) and resubmit"),
    "ods-format": (
        "文件是 OpenDocument 表格（.ods）格式，不能读取",
        "the file is an OpenDocument spreadsheet (.ods), which cannot be read",
        "请用 Excel 另存为 .xlsx 格式（在 WPS/LibreOffice 中选择 “另存为 Excel 2007-365 (.xlsx)”）",
        "save it as .xlsx (in WPS/LibreOffice choose “Excel 2007-365 (.xlsx)”)"),
    "zip-bomb": (
        "文件结构异常，疑似“压缩炸弹”：{reason}", "abnormal file structure, possibly a zip "
        "bomb: {reason}",
        "此文件不会被读取；请用下发的模板重新填写后提交",
        "this file will not be read; fill in the issued template again and resubmit"),
    "too-many-cells": (
        "工作表“{sheet}”过大：使用区域 {area} 个单元格（{ref}），超过上限 {limit}",
        "sheet {sheet!r} is too large: its used range {ref} covers {area} cells (limit {limit})",
        "请删除表格下方、右侧多余的行列（含只设置了格式的空单元格），另存后提交",
        "delete the extra rows and columns below and right of the table (even blank formatted "
        "cells), save and resubmit"),
    "xml-entities": (
        "文件内部含有不允许的 XML 实体声明（{part}），可能是恶意文件",
        "the file contains a forbidden XML entity declaration ({part}); it may be malicious",
        "此文件不会被读取；请用下发的模板重新填写后提交",
        "this file will not be read; fill in the issued template again and resubmit"),
    "bad-encoding": (
        "文件内部数据的文字编码无法识别（{part}：{reason}）",
        "the text encoding inside the file cannot be read ({part}: {reason})",
        "请在 Excel 中打开并另存为新的 .xlsx 后提交",
        "open it in Excel, save it as a new .xlsx and resubmit"),
    "read-failed": (
        "无法读取工作簿内容：{reason}", "the workbook's contents cannot be read: {reason}",
        "请在 Excel 中打开并另存为新的 .xlsx 后提交；如仍不行，请联系综考办",
        "open it in Excel and save it as a new .xlsx; if that fails, contact the office"),
}

_SCHEME_HINT = ("请修改考核方案后重新校验", "fix the scheme and validate it again")

MESSAGES.update({
    # ---------------------------------------------------------- scheme checks (scheme_checks.py)
    "duplicate-id": (
        "编号 “{id}” 重复：第 {first} 项与第 {row} 项相同", "id {id!r} is used twice: items "
        "{first} and {row}",
        "每个编号只能使用一次，请修改其中一个", "give each item its own id"),
    "unknown-group": (
        "考核组别 “{group}” 未定义（已定义：{known}）", "group {group!r} is not defined "
        "(defined: {known})",
        "请改为已定义的组别编号，或先在 groups 中添加该组别",
        "use a defined group id, or add the group to groups"),
    "empty-group": (
        "考核组别 “{group}” 下没有被考核单位", "group {group!r} has no units",
        "请为该组别添加单位，或删除该组别", "add units to the group or remove it"),
    "unknown-component": (
        "考核构成 “{component}” 未定义（已定义：{known}）", "component {component!r} is not "
        "defined (defined: {known})",
        "请改为已定义的考核构成编号", "use a defined component id"),
    "not-an-indicators-component": (
        "指标所属的考核构成 “{component}” 不是指标类构成（类型为 {component_kind}）",
        "component {component!r} holds no indicators (its kind is {component_kind})",
        "指标只能归入 kind 为 indicators 的考核构成", "put indicators only in a component of "
        "kind indicators"),
    "unknown-lead-department": (
        "牵头考核部门 “{department}” 不在方案的牵头部门名单中（名单：{known}）",
        "lead department {department!r} is not in the scheme's list ({known})",
        "请改为名单中的部门编号，或在 lead_departments 中添加该部门",
        "use a listed department id, or add the department to lead_departments"),
    "unknown-unit": (
        "单位 “{unit}” 不是方案中的被考核单位", "{unit!r} is not a unit of the scheme",
        "请检查单位编号是否写错", "check the unit id for typos"),
    "missing-weights": (
        "考核组别 “{group}” 没有设置各考核构成的权重", "group {group!r} has no component weights",
        "请在 component_weights 中为该组别设置权重", "set the group's weights in "
        "component_weights"),
    "weights-sum": (
        "考核组别 “{group}” 的构成权重合计为 {total}，应为 1",
        "the component weights of group {group!r} sum to {total}, not 1",
        "请调整权重使合计等于 1，如 0.45 + 0.3 + 0.15 + 0.1",
        "adjust the weights to sum to 1, e.g. 0.45 + 0.3 + 0.15 + 0.1"),
    "rater-weights-sum": (
        "各测评主体的权重合计为 {total}，应为 1",
        "the rater-group weights sum to {total}, not 1",
        "请调整测评主体权重使合计等于 1", "adjust the rater weights to sum to 1"),
    "full-scores-sum": (
        "“{group}”组别的 {count} 项“{component}”指标满分合计为 {total}，应等于该构成的满分 {full}",
        "the {count} indicators of {component!r} for group {group!r} have full scores summing "
        "to {total}, not the component's {full}",
        "请调整指标的满分（责任分值），或检查指标的适用组别",
        "adjust the indicators' full scores, or check which groups they apply to"),
    "missing-bands": (
        "考核组别 “{group}” 没有设置等次分数线", "group {group!r} has no grade bands",
        "请在 grading.bands 中为该组别设置分数线", "add the group's bands to grading.bands"),
    "unknown-grade": (
        "等次 “{grade}” 不在方案的等次列表中（{known}）", "grade {grade!r} is not one of the "
        "scheme's grades ({known})",
        "请改为等次列表中的名称", "use one of the listed grades"),
    "bands-order": (
        "“{group}”组别的等次分数线应从高到低排列：{low} 不低于上一档的 {previous}",
        "the bands of group {group!r} must descend: {low} is not below the previous {previous}",
        "请按等次从好到差、分数线从高到低排列", "list the bands best first, minimums descending"),
    "bands-floor": (
        "“{group}”组别最低一档的分数线为 {low}，应为 0（否则低于 {low} 分的单位没有等次）",
        "the lowest band of group {group!r} starts at {low}, not 0 (a unit below it would get "
        "no grade)",
        "请把最后一档的分数线设为 0", "set the last band's minimum to 0"),
    "bad-tie-breaker": (
        "并列排序规则 “{rule_text}” 无效，应为 component:构成编号（可用：{known}）",
        "tie-breaker {rule_text!r} is not valid; use component:<id> ({known})",
        *_SCHEME_HINT),
    "tiers-order": (
        "分档的起点应{order}排列且互不相同：{low} 排在 {previous} 之后",
        "tier thresholds must be {order} and distinct: {low} comes after {previous}",
        "请按从差到好的顺序列出各档", "list the tiers from worst to best"),
    "tiers-points": (
        "更好一档的得分 {points} 低于上一档的 {previous}",
        "a better tier earns {points}, less than the previous tier's {previous}",
        "请检查各档得分，档次越好得分应越高", "better tiers should earn more points"),
    "points-above-full": (
        "得分 {points} 超过该指标的满分 {full}", "{points} points exceed the indicator's full "
        "score {full}",
        "请把得分改为不超过满分，或调整满分", "keep points within the full score"),
    "worst-equals-best": (
        "功效系数法的不允许值与满意值相同（{value_text}），无法计算",
        "efficacy: worst and best are equal ({value_text}); nothing can be scored",
        "请设置不同的不允许值和满意值，或改为 use_group: true",
        "set different worst and best values, or use_group: true"),
    "worst-best-direction": (
        "满意值 {best} 与不允许值 {worst} 的大小关系与指标方向（{direction}）不一致",
        "best {best} and worst {worst} contradict the indicator's direction ({direction})",
        "请检查指标方向（direction）或交换满意值与不允许值",
        "check the direction, or swap best and worst"),
    "floor-above-full": (
        "最低分 {floor} 高于满分（最高分）{full}", "the floor {floor} is above the full "
        "score (maximum) {full}",
        "请把最低分改为不超过满分", "set the floor at or below the full score"),
    "base-out-of-range": (
        "基准分 {base} 不在最低分 {low} 与最高分 {high} 之间", "the base {base} is not between "
        "the minimum {low} and the maximum {high}",
        *_SCHEME_HINT),
    "per-item-above-cap": (
        "每项加分 {per_item} 大于加分上限 {cap}", "per_item {per_item} is above the cap {cap}",
        *_SCHEME_HINT),
    "rating-no-full": (
        "评级得分比例最高只有 {best}，没有任何评级能得满分",
        "the best rating earns only {best} of full marks; no rating earns full marks",
        "如属有意设置可忽略；否则请把最好评级的比例设为 1",
        "ignore if intended; otherwise give the best rating a share of 1"),
    "missing-target": (
        "按 {method} 计分需要目标值，但有 {count} 个单位没有目标值（{units}）",
        "{method} needs a target, but {count} unit(s) have none ({units})",
        "请设置默认目标值 target，或在 targets 中为这些单位设置目标值",
        "set a default target, or the units' targets"),
})


def texts(key: str, **params: Any) -> tuple[str, str, str, str]:
    """(message, message_en, hint, hint_en) of a message key, filled with params (`x_en` for English)."""
    zh, en, hint, hint_en = MESSAGES[key]
    # A parameter may come in two languages: "reason" and "reason_en".
    english = {key: params.get(f"{key}_en", value) for key, value in params.items()}
    return (zh.format(**params), en.format(**english), hint.format(**params),
            hint_en.format(**english))


def finding(rule: str, *, key: str | None = None, severity: str = ERROR,
            params: dict[str, Any] | None = None, **where: Any) -> Issue:
    """An Issue of a rule, its texts from MESSAGES[key or rule]; `where` sets file, sheet, cell …"""
    zh, en, hint, hint_en = texts(key or rule, **(params or {}))
    return Issue(rule=rule, message=zh, message_en=en, severity=severity, hint=hint,
                 hint_en=hint_en, **where)
