"""Messages of the value checks (checks.py) and of the workbook checks (workbook.py, tamper.py).

Each entry: message key -> (message, message_en, hint, hint_en), `str.format` templates.
The location (sheet, cell, field label) is shown next to the message, so texts do not
repeat it.
"""

from __future__ import annotations

import re

__all__ = ["VALUE_MESSAGES", "CONTROL_NOTE", "has_controls", "visible"]

#: Control characters (not tab, line feed, carriage return): invisible in Excel, and written
#: as Python escapes ('\x1b\x00') if a message quoted them as they are.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MARK = "□"
#: Said after a message quoting a value that holds control characters, shown as □.
CONTROL_NOTE = ("（单元格中含有看不见的控制字符，这里显示为 □；请清空该单元格后重新输入）",
                " (the cell holds invisible control characters, shown here as □; clear the "
                "cell and type it again)")


def has_controls(text: str) -> bool:
    """Whether a text holds control characters a clerk cannot see."""
    return _CONTROL.search(text) is not None


def visible(text: str) -> str:
    """A text with each control character shown as □ (what a clerk can read)."""
    return _CONTROL.sub(_MARK, text)


_TEMPLATE_HINT = ("请使用综考办下发的模板重新填报，不要增删行列或改动锁定内容",
                  "fill in the template issued by the office again; do not add or delete rows "
                  "or columns or change locked cells")

VALUE_MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # ---------------------------------------------------------- identity (workbook.py)
    "not-our-template": (
        "这不是综考办下发的考核模板（缺少隐藏的 _meta 工作表）",
        "this is not a template issued by the assessment office (no hidden _meta sheet)",
        "请在综考办下发的模板中填写，不要新建工作簿或把内容复制到其他文件",
        "fill in the template the office issued; do not start a new workbook or copy the "
        "contents elsewhere"),
    "meta-missing-recovered": (
        "工作簿缺少隐藏的 _meta 工作表（工作表可能被复制到了新工作簿），但其内容与{whose}{what}"
        "模板完全一致，已按该模板读取",
        "the hidden _meta sheet is missing (the sheet was probably copied into a new workbook), "
        "but it is exactly {whose_en}{what_en} template and was read as such",
        "下次请直接填写并报送综考办下发的模板文件", "next time, fill in and send the template "
        "file the office issued"),
    "unknown-kind": (
        "无法识别的模板类型 “{kind}”", "unknown template kind {kind!r}", *_TEMPLATE_HINT),
    "format-version": (
        "模板格式版本为 {got}，本程序读取的是第 {want} 版", "the template format version is "
        "{got}; this program reads version {want}",
        "请向综考办索取最新模板重新填报", "ask the office for the current template"),
    "wrong-scheme": (
        "这是方案 “{got}” 的模板，不是本次考核方案 “{want}”",
        "this template belongs to scheme {got!r}, not to this assessment's {want!r}",
        "请使用本次考核下发的模板重新填报", "fill in the template issued for this assessment"),
    "wrong-year": (
        "这是 {got} 年度的模板，本次考核为 {want} 年度",
        "this is a template of {got}; this assessment is for {want}",
        "请使用 {want} 年度下发的模板重新填报", "fill in the template issued for {want}"),
    "scheme-version": (
        "模板按方案第 {got} 版生成，现行方案为第 {want} 版（指标或目标值可能已调整）",
        "the template was made from version {got} of the scheme; the current version is {want} "
        "(indicators or targets may have changed)",
        "与现行方案不一致之处已逐项核对；如有疑问，请使用最新下发的模板重新填报",
        "differences from the current scheme are checked item by item; if in doubt, fill in "
        "the latest template"),
    "unknown-owner": (
        "模板所属的“{owner}”不是本次考核的{what}", "{owner!r} is not a {what_en} of this "
        "assessment",
        "请使用综考办下发给本单位的模板", "use the template the office issued to you"),
    # ---------------------------------------------------------- batch (batch.py)
    "missing-submission": (
        "未收到“{name}”的{what}", "no {what_en} from {name}",
        "请催报，或确认文件已放入收集文件夹", "ask for it, or check it is in the folder"),
    "missing-register": (
        "未收到{what}", "no {what_en} received",
        "请确认文件已放入收集文件夹", "check that it is in the folder"),
    "duplicate-submission": (
        "“{owner}”有 {count} 份{what}：{files}；按{basis}，较新的是 {newest}（{when}）",
        "{owner} has {count} {what_en} files: {files}; by {basis}, the newer is {newest} "
        "({when})",
        "请确认采用哪一份，把其余文件移出收集文件夹", "confirm which to use and move the others "
        "out of the folder"),
    # ---------------------------------------------------------- tampering (tamper.py)
    "sheet-missing": (
        "找不到工作表“{sheet}”（可能被删除或改名）", "sheet {sheet!r} is missing (deleted or "
        "renamed?)", *_TEMPLATE_HINT),
    "sheet-renamed": (
        "工作表“{sheet}”被改名为“{now}”", "sheet {sheet!r} was renamed to {now!r}",
        "请把工作表名称改回“{sheet}”", "rename the sheet back to {sheet!r}"),
    "row-deleted": (
        "“{what}”这一行被删除了", "the row of {what!r} was deleted", *_TEMPLATE_HINT),
    "row-inserted": (
        "第 {row} 行是插入的行，不属于模板", "row {row} was inserted; it is not part of the "
        "template", "请删除插入的行；需要说明的情况请写在备注栏",
        "delete the inserted row; write explanations in the remarks column"),
    "row-moved": (
        "“{what}”这一行的位置被移动了", "the row of {what!r} was moved", *_TEMPLATE_HINT),
    "column-deleted": (
        "“{what}”一列被删除了", "the column {what!r} was deleted", *_TEMPLATE_HINT),
    "column-inserted": (
        "第 {column} 列是插入的列，不属于模板", "column {column} was inserted; it is not part "
        "of the template", "请删除插入的列", "delete the inserted column"),
    "locked-changed": (
        "锁定内容被修改：应为 {want}，现为 {got}", "locked content was changed: it should be "
        "{want}, it is {got}", *_TEMPLATE_HINT),
    "target-changed": (
        "目标值被改为 {got}，方案规定为 {want}", "the target was changed to {got}; the scheme "
        "sets {want}",
        "目标值由综考办下达，不能修改；请改回 {want}，或使用下发的模板重新填报",
        "targets are set by the office; change it back to {want} or refill the issued template"),
    "formula-replaced": (
        "公式被改成了固定数值 {shown}", "the formula was replaced by the value {shown}",
        "预估得分由公式自动计算，请使用下发的模板重新填报，不要在该列输入数字",
        "the provisional points are computed by a formula; refill the issued template and do "
        "not type into that column"),
    "formula-deleted": (
        "公式被删除了", "the formula was deleted",
        "预估得分由公式自动计算，请使用下发的模板重新填报",
        "the provisional points are computed by a formula; refill the issued template"),
    "fingerprint-mismatch": (
        "模板的锁定内容或隐藏信息被修改（校验指纹不符）",
        "the template's locked content or hidden information was changed (fingerprint "
        "mismatch)", *_TEMPLATE_HINT),
    # ---------------------------------------------------------- values (checks.py)
    "unknown-indicator": (
        "指标 “{indicator}” 不适用于“{unit}”", "indicator {indicator!r} does not apply to "
        "{unit}", *_TEMPLATE_HINT),
    "unknown-rater": (
        "评价主体 “{rater}” 不是指标 {indicator} 的评价主体（可选：{allowed}）",
        "{rater!r} is not a rater body of indicator {indicator} (allowed: {allowed_en})",
        "请填写方案为该指标规定的评价主体编号", "use a rater body the scheme gives the indicator"),
    "not-owned-indicator": (
        "指标 “{indicator}” 不由本部门评分", "indicator {indicator!r} is not scored by this "
        "department", "请只填写本部门牵头评分的指标", "score only the indicators your department "
        "leads"),
    "unknown-indicator-id": (
        "相关指标 “{indicator}” 不是方案中的考核指标", "{indicator!r} is not an indicator of the "
        "scheme", "请填写方案中的指标编号，或留空", "use an indicator id of the scheme, or leave "
        "it blank"),
    "missing-indicator": (
        "缺少指标 “{indicator}” 的填报行（可能被删除）", "the row of indicator {indicator!r} is "
        "missing (deleted?)", *_TEMPLATE_HINT),
    "duplicate-entry": (
        "“{what}” 重复填报：第 {first} 项与第 {row} 项", "{what!r} is given twice: items {first} "
        "and {row}", "请删除重复的一项", "delete one of them"),
    "blank-routine-score": (
        "{unit}{period}的平时考核成绩未填写：计分时按该单位已填各期的平均分计",
        "no {period} routine score for {unit}: its routine score will be the mean of the "
        "periods given",
        "请补填该期成绩；该期确未考核的，请告知考核办",
        "fill in the score; if the unit was not assessed that period, tell the office"),
    "blank-routine-unit": (
        "{unit}各期平时考核成绩均未填写：计分时该单位平时考核按 0 分计",
        "no routine score for {unit} in any period: its routine component will count 0",
        "请填写该单位各期成绩", "fill in the unit's scores"),
    "blank-routine-period": (
        "{period}的平时考核成绩全部未填写：计分时各单位按已填各期的平均分计",
        "no {period} routine score for any unit: each unit's routine score will be the mean "
        "of the periods given",
        "该期考核已进行的，请填写成绩；尚未进行的可不填",
        "if that period's assessment has taken place, fill in its scores; if not, leave them"),
    "blank-conduct-unit": (
        "{unit}的德和作风测评票数均未填写：计分时该单位德和作风测评按 0 分计",
        "no conduct ballots for {unit} from any rater group: its conduct component will "
        "count 0", "请填写各测评主体的票数", "fill in each rater group's votes"),
    "blank-conduct-rater": (
        "{unit}·{rater}的测评票数未填写：计分时其余测评主体的权重按比例放大",
        "no conduct ballots for {unit} from {rater}: the other rater groups' weights will be "
        "scaled up", "请填写该测评主体的票数；确未测评的，请告知考核办",
        "fill in that group's votes; if it did not vote, tell the office"),
    "blank-satisfaction-unit": (
        "{unit}的满意度调查票数均未填写：计分时该单位群众满意度按 0 分计",
        "no satisfaction answers for {unit}: its satisfaction component will count 0",
        "请填写该单位的调查结果", "fill in the unit's survey answers"),
    "missing-entry": (
        "“{what}” 没有评分记录", "no score for {what!r}",
        "请补充该单位该指标的评分", "add the score"),
    "blank-actual": (
        "未填写完成值，将按 0 分计", "no actual value; it will score 0",
        "请填写完成值；不承担该项任务的，请在“不适用”栏选择“是”",
        "type the actual value, or choose Yes under N/A"),
    "blank-score": (
        "未评分，将按 0 分计", "no score; it will count as 0",
        "请填写后再报送", "fill it in before returning the sheet"),
    "blank-contact": (
        "未填写填报联系人", "no contact person", "请填写联系人姓名，便于核实",
        "give a contact person so the office can check"),
    "blank-date": (
        "未填写填报日期", "no date of filling in",
        "请填写填报日期；同一单位报送多份时以日期较新的为准",
        "give the date; when a unit sends several versions the newest is used"),
    "blank-reason": (
        "未填写事由", "no reason given", "请写明加扣分的事由", "state the reason"),
    "blank-approver": (
        "未填写审批人", "no approver given", "请填写审批人", "give the approver"),
    "na-with-value": (
        "已选择“不适用”，又填写了完成值；将按不适用处理",
        "marked N/A but an actual value is given; it will be treated as N/A",
        "不适用请清空完成值；适用请把“不适用”改为“否”",
        "clear the value if N/A, otherwise set N/A to No"),
    "na-without-reason": (
        "选择了“不适用”，但备注中没有说明理由", "marked N/A without a reason in the remarks",
        "请在备注栏写明不适用的理由", "explain in the remarks why the item does not apply"),
    "negative-value": (
        "{shown} 是负数，该指标不能为负", "{shown} is negative; this indicator cannot be",
        "请检查是否多输入了“-”号", "check for a stray minus sign"),
    "implausible-value": (
        "完成值 {shown} 是目标值 {target} 的 {times} 倍，可能多输入了 0 或小数点位置有误",
        "the actual {shown} is {times} times the target {target}: an extra 0 or a misplaced "
        "decimal point?",
        "数值无误可忽略此提示，否则请改正", "ignore if the value is right, otherwise correct it"),
    "percent-as-fraction": (
        "完成值 {shown} 远小于考核标准 {target}（本栏单位已是 %）：是否输入了“{meant}%”？"
        "Excel 会把 {meant}% 存为 {shown}，将按 {shown}% 计分",
        "the actual {shown} is far below the mark {target} in a column measured in %: was "
        "{meant}% typed? Excel stores {meant}% as {shown}, which scores as {shown}%",
        "如完成值为 {meant}%，请直接输入 {meant}（不带 % 号）；数值无误可忽略此提示",
        "if the actual is {meant}%, type {meant} without the % sign; ignore if the value "
        "is right"),
    "evidence-required": (
        "完成率 {rate} 超过 {over}，必须填写佐证材料", "a completion rate of {rate} is above "
        "{over}: evidence is required",
        "请在佐证材料栏写明材料名称、文号或页码，如“统计公报第3页”",
        "name the documents, numbers or pages in the evidence column"),
    "evidence-event": (
        "扣分、一票否决和通报事项必须填写依据", "deductions, vetoes and notifications need "
        "evidence", "请写明通报文号、察访核验记录编号等依据",
        "give the notice number, inspection record or other evidence"),
    "date-outside-year": (
        "日期 {day} 不在 {year} 年度内", "the date {day} is not in {year}",
        "请填写 {year}-01-01 至 {year}-12-31 之间的日期", "give a date in {year}"),
    "date-out-of-range": (
        "日期 {day} 不在 {first} 至 {last} 之间", "the date {day} is not between {first} and "
        "{last}", "请检查年份是否写错", "check the year"),
    "date-order": (
        "决定日期 {day} 早于事项发生日期 {event_day}", "the decision date {day} is before the "
        "event's date {event_day}", "请核对日期", "check the dates"),
    "not-in-list": (
        "“{shown}” 不在可选项中（可选：{allowed}）", "{shown!r} is not one of the options "
        "({allowed})", "请从下拉列表中选择", "choose from the drop-down list"),
    "unknown-category": (
        "加分类别 “{shown}” 不在方案规定的类别中（{allowed}）", "bonus category {shown!r} is not "
        "one of the scheme's ({allowed})", "请从下拉列表中选择类别", "choose a category from the "
        "list"),
    "unknown-rater-group": (
        "测评主体 “{shown}” 不在方案中（{allowed}）", "rater group {shown!r} is not in the "
        "scheme ({allowed})", "请从下拉列表中选择测评主体", "choose a rater group from the list"),
    "points-above-cap": (
        "“{category}”加分 {points} 超过该类别上限 {cap}，超出部分不计",
        "a {category!r} bonus of {points} exceeds the category cap {cap}; the excess does not "
        "count", "请核对分值", "check the points"),
    "unknown-event": (
        "对应的事项编号 “{event}” 不在加扣分登记表中", "event {event!r} is not in the register",
        "请填写登记表中已有的事项编号", "use an event id from the register"),
    "decision-without-target": (
        "决定未写明所决定的{target}：缺少 {field}",
        "the decision does not name {target_en}: {field} is missing",
        "请填写被考核单位和指标编号（评优限制认定另填限制类型）；对加扣分事项的决定请填写事项编号",
        "give the unit and the indicator (and the gate for a gate review); for a decision on an "
        "event give the event id"),
    "decision-outcome-mismatch": (
        "决定结果“{outcome}”不适用于{target}（可选：{allowed}）",
        "outcome {outcome!r} does not fit a decision on {target_en} (allowed: {allowed_en})",
        "请从可选结果中选择", "choose one of the allowed outcomes"),
    "adjusted-without-points": (
        "决定结果为“调整”，但未填写调整后分值", "the outcome is 'adjusted' but no points are given",
        "请填写调整后的分值", "give the adjusted points"),
    "out-of-range": (
        "{shown} 超出允许范围（{low} 至 {high}）", "{shown} is outside the allowed range ({low} "
        "to {high})", "请输入 {low} 至 {high} 之间的数字", "type a number from {low} to {high}"),
    "ballots-exceed-raters": (
        "有效票与废票合计 {cast} 张，超过参评人数 {raters}", "{cast} ballots (valid and invalid) "
        "exceed the {raters} raters", "请核对各档票数、废票数和参评人数",
        "check the votes, invalid ballots and number of raters"),
    "error-value": (
        "单元格显示错误值 {shown}，请改为{what}", "the cell shows the error value {shown}; type "
        "{what_en} instead",
        "错误值来自公式（如除以 0）或粘贴：请删除公式，直接输入{what}",
        "it comes from a formula (such as a division by 0) or a paste: delete the formula and "
        "type {what_en}"),
    "error-value-text": (
        "单元格显示错误值 {shown}，这一栏按空白读取（不影响计分）",
        "the cell shows the error value {shown}; it was read as blank (scoring is not "
        "affected)",
        "错误值来自公式或粘贴：请删除它，直接输入文字",
        "it comes from a formula or a paste: delete it and type the text"),
    "text-too-long": (
        "内容有 {length} 个字，超过模板规定的 {limit} 个字（内容已完整保留）",
        "the text has {length} characters, more than the template's limit of {limit} (it is "
        "kept whole)",
        "请精简到 {limit} 个字以内，详细材料请作为附件报送",
        "shorten it to {limit} characters; send details as an attachment"),
    "text-over-excel-limit": (
        "内容有 {length} 个字，超过 Excel 单元格最多能保存的 {limit} 个字",
        "the text has {length} characters, more than the {limit} an Excel cell can hold",
        "请精简内容，详细材料请作为附件报送", "shorten it; send details as an attachment"),
    "formula-like-text": (
        "内容以“{start}”开头，形似公式；已按文字原样保存，不会被当作公式执行",
        "the text starts with {start!r} like a formula; it is kept as text and will never be "
        "run as a formula",
        "如确为文字内容可忽略此提示；需要填写计算结果的，请直接填写数值",
        "ignore this if it is meant as text; where a result is wanted, type the value"),
    "no-scores": (
        "评分表中没有填写任何评分，所有单位都将按 0 分计",
        "no score is filled in anywhere on the sheet: every unit would score 0",
        "请填写评分后再报送；如交错了文件，请改交填好的评分表",
        "fill in the scores before returning the sheet; if this is the wrong file, send the "
        "filled one"),
    "no-actuals": (
        "自评表中没有填写任何完成值，也没有标注“不适用”，所有指标都将按 0 分计",
        "no actual value is filled in and nothing is marked N/A: every indicator would score 0",
        "请填写完成值后再报送；如交错了文件，请改交填好的自评表",
        "fill in the actual values before returning the report; if this is the wrong file, "
        "send the filled one"),
    "sample-mismatch": (
        "各选项人数合计 {answers}，与样本量 {sample} 不一致", "the answers sum to {answers}, not "
        "the sample of {sample}", "请核对各选项人数（含“不了解”）和样本量",
        "check the answers of every option (“don't know” too) and the sample"),
}
