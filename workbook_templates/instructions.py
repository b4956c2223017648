"""The 填表说明 sheet of each template kind: plain instructions for a clerk (Chinese or English)."""

from __future__ import annotations

from kaohe.engine.model import Scheme

__all__ = ["instruction_lines"]

Lines = list[tuple[str, str]]

_COMMON_ZH = [
    ("heading", "表格颜色和锁定"),
    ("para", "浅黄色单元格为填报项，可以输入或从下拉列表选择；"
             "其余内容（指标、目标值、满分、计分方法等）"
             "已锁定，不能修改。输入不符合要求时 Excel 会弹出提示，请按提示改正。"),
    ("heading", "报送要求"),
    ("para", "请勿修改文件名、工作表名称和表格结构，不要插入或删除行列，不要整行复制粘贴；"
             "数字请直接输入，不要带单位、% 号或“约”“左右”等字。填好后保存为 .xlsx 格式报送。"),
    ("para", "如有疑问，请联系地区综合考核办公室。"),
]
_COMMON_EN = [
    ("heading", "Colours and locking"),
    ("para", "Light-yellow cells are for input (type, or pick from the drop-down list); "
             "everything else is locked. Excel warns when a value does not fit; "
             "please correct it."),
    ("heading", "Returning the workbook"),
    ("para", "Do not rename the file or its sheets, insert or delete rows or columns, or paste "
             "whole rows. Type plain numbers without units, % signs or words like 'about'. "
             "Save as .xlsx and return it to the assessment office."),
]

_KIND_ZH: dict[str, list[str]] = {
    "unit_report": [
        "本表是{subject}在《{scheme}》中的任务书及自评表，由本单位填报后报送地区综合考核办公室。",
        "#需要填写的内容",
        "1. 表头：填报联系人、联系电话、填报日期。",
        "2. 每项指标的“完成值”：填写{year}年实际完成的数字，计量单位见“计量单位”栏，如 7.5。",
        "3. “佐证材料”：填写材料名称、文号或页码，完成情况明显超过目标时必须填写；"
        "“备注”可填写需要说明的情况。",
        "4. “不适用”：本单位确实不承担该项任务的，选择“是”，并在备注中说明理由；该项不计入满分。",
        "5. 显示“由牵头部门评分”的指标由牵头考核部门评分，本单位无需填写。",
        "#预估得分",
        "“预估得分”根据填写的完成值自动计算，仅供参考；需要与同组其他单位比较的指标显示“由考核办计算”。"
        "最终得分以考核办核算为准。",
    ],
    "lead_scores": [
        "本表供{subject}对所牵头考核的指标逐个单位评分，依据《{scheme}》。",
        "#需要填写的内容",
        "1. 每个被考核单位一行，每项指标一组列：定性评价指标从下拉列表选择评定等次；"
        "扣分指标填写扣分次数（整数）；加分指标填写加分项数；其他指标填写核定的完成值。",
        "2. “得分”列自动计算，仅供核对；“备注”可填写评分依据。灰色单元格表示该指标不适用于该单位。",
    ],
    "adjustments": [
        "本表登记{year}年度察访核验、表彰、通报、事故等加扣分事项（依据《{scheme}》），由考核办填写。",
        "#需要填写的内容",
        "1. “加扣分登记”：每个事项一行，编号已预先生成；从下拉列表选择被考核单位和类型，"
        "日期须在{year}年内，"
        "分值填写正数（扣分也填正数）。受到全疆（区）通报的选择“是”。",
        "2. “申诉及容错纠错”：每项决定一行，填写对应的加扣分编号、决定类别、处理结果；"
        "结果为“调整分值”时填写调整后分值。",
    ],
    "roster": [
        "本表由{subject}填写本单位{year}年度领导班子成员名册，依据《{scheme}》，报考核办审核。",
        "#需要填写的内容",
        "1. 每位班子成员一行：干部编号（组织部门分配，同一人历年和调动后不变，如 P0001）、姓名、"
        "职务、班子角色（主要负责人只填一人）。",
        "2. 同一干部编号不得重复，也不得出现在其他单位的名册中；多余的行留空。",
    ],
    "cadre_ballots": [
        "本表统计{subject}{year}年度领导班子和领导干部民主测评票数，依据《{scheme}》，"
        "按纸质测评票分类统计后填写。",
        "#需要填写的内容",
        "1. “班子测评”：每类测评主体一行，填写各档次票数、无效票数和参评人数（发放的测评票数）。",
        "2. “干部测评”：每位干部一组，第一行填写干部编号和姓名（须与名册一致），"
        "各测评主体分行填写票数、无效票和参评人数。",
        "3. “有效票”和“核对”自动计算：票数与无效票之和超过参评人数时显示“超出参评人数”。",
        "4. “干部平时考核”：各周期的平时考核成绩（0–100），未考评的周期留空。",
    ],
    "routine": [
        "本表汇总{year}年度各单位平时考核（季度考评）成绩，依据《{scheme}》，由考核办填写。",
        "#需要填写的内容",
        "每个单位一行，按考核周期填写 0–100 分的成绩；未考评的周期留空。“平均分”自动计算。",
    ],
    "ballots": [
        "本表统计{year}年度德和作风测评及群众满意度测评的票数，依据《{scheme}》，由考核办填写。",
        "#需要填写的内容",
        "1. “德和作风测评”：每个单位、每类测评主体一行，填写各档次票数和无效票数（整数）；"
        "该类主体未参加测评的整行留空。",
        "2. “群众满意度”：每个单位一行，填写各选项的票数（整数）；“不了解”不计入满意度。",
        "3. “参评人数”（发放选票的人数）和“调查人数”可选填：填写后程序核对票数"
        "（有效票加无效票不超过参评人数，各选项票数之和等于调查人数）。",
        "4. “有效票”“测评得分”“满意度得分”自动计算，仅供核对。",
    ],
    "scheme": [
        "本工作簿是《{scheme}》的表格版本，供考核办查阅和修改考核方案；"
        "修改后用“kaohe scheme import”导入，"
        "程序会逐项检查并指出有问题的单元格。",
        "#填写规则",
        "1. 编号只用英文字母、数字、下划线、点或连字符，并以字母开头，如 C01、altay_city。",
        "2. 是/否 栏从下拉列表选择；多个组别用顿号或逗号分隔，如“party、government”。",
        "3. 分档（tiers）等复杂参数填写 JSON 文本，如 [{{\"min\": 0.8, \"points\": 4}}]。",
        "4. 留空表示不设置该项（使用默认值）。可以在表格末尾的空行继续添加。",
    ],
}
_KIND_EN: dict[str, list[str]] = {
    "unit_report": [
        "Task list and self-report of {subject} under '{scheme}'. Fill it in and return it to "
        "the assessment office.",
        "#What to fill in",
        "1. Header: contact person, phone and date.",
        "2. Actual: the value achieved in {year}, in the unit of measure shown, e.g. 7.5.",
        "3. Evidence: document names or pages (required when far above the target); remarks.",
        "4. N/A: choose Yes only if the task does not apply to your unit, and explain in remarks.",
        "5. Items marked 'Scored by the lead department' need no input from you.",
        "#Provisional points",
        "Provisional points are computed as you type and are a guide only; items compared "
        "across the group show 'Computed by the office'.",
    ],
    "lead_scores": [
        "Scores of {subject} for the indicators it leads, one row per unit, under '{scheme}'.",
        "#What to fill in",
        "Ratings from the list; incidents or items as whole numbers; verified values as numbers. "
        "Points are computed for checking only. Grey cells: the indicator does not apply.",
    ],
    "adjustments": [
        "Register of {year} bonus and deduction events under '{scheme}', kept by the office.",
        "#What to fill in",
        "Events: one per row (IDs are pre-filled); unit and type from the lists; the date within "
        "{year}; points as positive numbers. Decisions: appeals and fault-tolerance decisions.",
    ],
    "roster": [
        "{subject}'s leadership roster for {year} under '{scheme}', checked by the office.",
        "#What to fill in",
        "One row per team member: person ID (given by the organisation department, the same "
        "across years and units), name, post and role (one principal leader).",
        "A person ID appears once, and in no other unit's roster; leave spare rows blank.",
    ],
    "cadre_ballots": [
        "{subject}'s {year} ballot tally of its leadership team and cadres under '{scheme}', "
        "counted from the paper ballots.",
        "#What to fill in",
        "Team ballot: votes per grade, invalid ballots and raters per rater group. Cadre "
        "ballots: one block per cadre (person ID and name on its first row, as in the roster). "
        "Valid and Check are computed: votes plus invalid ballots may not exceed the raters.",
        "Cadre routine: routine-assessment scores (0-100) per period; blank if not assessed.",
    ],
    "routine": [
        "Routine (quarterly) assessment scores of {year} under '{scheme}', kept by the office.",
        "#What to fill in",
        "One row per unit; scores 0-100 per period; leave periods not assessed blank.",
    ],
    "ballots": [
        "Tallies of the {year} conduct ballot and satisfaction survey under '{scheme}'.",
        "#What to fill in",
        "Conduct: votes per grade and invalid ballots per unit and rater group (leave a rater "
        "group that did not vote blank). Satisfaction: answers per option per unit.",
        "Raters (ballots handed out) and Surveyed are optional: when given, votes plus invalid "
        "ballots may not exceed the raters, and the answers must add up to the surveyed.",
    ],
    "scheme": [
        "The scheme '{scheme}' as a workbook: edit it, then run 'kaohe scheme import' to turn it "
        "back into JSON; every problem is reported with its cell.",
        "#Rules",
        "IDs start with a letter (letters, digits, _ . -). Yes/No from the lists. Several groups "
        "separated by commas. Tiers and other complex parameters as JSON text. Blank means "
        "not set (default). Add rows at the end of a table.",
    ],
}


def instruction_lines(kind: str, scheme: Scheme, lang: str, subject: str = "") -> Lines:
    """(style, text) lines of the 填表说明 sheet for one template kind."""
    zh = lang != "en"
    name = scheme.name if zh else (scheme.document.get("name_en") or scheme.name)
    values = {"scheme": name, "year": scheme.year, "subject": subject}
    lines: Lines = [("title", "填表说明" if zh else "How to fill in this workbook")]
    for text in (_KIND_ZH if zh else _KIND_EN)[kind]:
        if text.startswith("#"):
            lines.append(("heading", text[1:]))
        else:
            lines.append(("para", text.format(**values)))
    lines.extend(_COMMON_ZH if zh else _COMMON_EN)
    if scheme.illustrative:
        lines.append(("note", "注：本方案为示例，分值、目标和权重仅供演示。" if zh else
                      "Note: this scheme is illustrative; its numbers are for demonstration."))
    return lines
