"""What a clerk reads: the message and fix hint of every rule, in Chinese and English.

One table, so every user-facing text is in one place and tests can walk it. Texts are
`str.format` templates; `finding()` fills them and builds the `Issue`.

>>> finding("not-a-zip", file="a.xlsx").message
'文件不是有效的 Excel 工作簿（.xlsx）'
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from validators.messages.ahp import AHP_MESSAGES
from validators.messages.cadres import CADRE_MESSAGES
from validators.messages.scheme import SCHEME_MESSAGES
from validators.messages.values import CONTROL_NOTE, VALUE_MESSAGES, has_controls, visible
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
        "请从原电脑重新复制或重新发送该文件",
        "copy or send the file again from the original computer"),
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
    "read-failed-number": (
        "无法读取工作簿内容：{reason}", "the workbook's contents cannot be read: {reason}",
        "请改正该单元格中的数值（或清除该单元格的日期/时间格式：设置单元格格式 → 常规），"
        "保存后重新提交",
        "correct the number in that cell (or clear the cell's date or time format: Format "
        "Cells → General), save and resubmit"),
    "too-many-cells-at": (
        "工作表“{sheet}”过大：使用区域 {area} 个单元格（{ref}），超过上限 {limit}；"
        "撑大使用区域的是{where}",
        "sheet {sheet!r} is too large: its used range {ref} covers {area} cells (limit "
        "{limit}); {where} stretches it",
        "{where} 有内容（或设置了格式），请删除它（或清除其所在的行/列），另存后提交",
        "{where} holds a value or formatting: delete it (or clear its row/column), save "
        "and resubmit"),
    # ---------------------------------------------------------- whose a file is (workbook.py)
    "header-owner-mismatch": (
        "表头{label}为“{header}”，与文件内部标识（{owner}）不一致",
        "the header names {header!r}, but the file's hidden identification says {owner}",
        "请使用本单位下发的模板重新填报，不要复制其他单位的文件或改动隐藏信息",
        "fill in the template issued to your unit; do not copy another unit's file or change "
        "hidden information"),
    "file-name-mismatch": (
        "文件名是{named}的，内容却是{owner}的{what}",
        "the file name says {named}, but the content is the {what_en} of {owner}",
        "已按{owner}的{what}检查；如果这是{named}的文件，请用{named}的模板重新填报",
        "it was checked as the {what_en} of {owner}; if it is {named}'s file, fill in "
        "{named}'s template again"),
    # ---------------------------------------------------------- the roster (batch.py)
    "missing-unusable": (
        "收到了 {file}（疑似{name}的{what}），但{why}：{reason}",
        "{file} arrived (apparently the {what_en} of {name}) but {why}: {reason}",
        "请按该文件的检查结果改正后重新提交", "fix it as its findings say and resubmit it"),
    "unidentified-file": (
        "{count} 个文件看不出是哪个单位所交：{files}",
        "{count} file(s) cannot be told whose they are: {files}",
        "请核对是否为未交单位的文件；请其按下发的模板重新提交，文件名保持“{pattern}”",
        "check whether one belongs to a unit that has not sent its file; have it resubmit the "
        "issued template, named like {pattern}"),
    "roster-skipped": (
        "文件夹里只有{who}的文件，未按名单核对其他单位是否交齐",
        "the folder holds files of {who} only: the roster (who has not sent files) was not "
        "checked",
        "如要核对，请加 --roster", "add --roster to check it"),
    "roster-skipped-none": (
        "文件夹里没有认得出是哪个单位报送的文件，未按名单核对各单位是否交齐",
        "no file in the folder is a submission that can be told whose it is: the roster (who "
        "has not sent files) was not checked",
        "如要核对，请加 --roster", "add --roster to check it"),
    # ---------------------------------------------------------- the template's table
    # (workbook_templates/grid.py, validators/rules/table_edges.py, validators/rules/tamper.py)
    "formula-in-input": (
        "单元格 {cell} 中是公式（{formula}），已按其显示的值 {shown} 读取",
        "cell {cell} holds a formula ({formula}); its shown value {shown} was read",
        "请直接填写{what}，不要输入公式", "type the {what_en} itself, not a formula"),
    "formula-in-input-no-value": (
        "单元格 {cell} 中是公式（{formula}），公式没有可用的结果，这一项未被读取",
        "cell {cell} holds a formula ({formula}) without a usable result; nothing was read",
        "请直接填写{what}，不要输入公式（以“=”开头的内容会被当作公式）",
        "type the {what_en} itself, not a formula (anything starting with = is taken as one)"),
    "formula-in-input-text": (
        "单元格 {cell} 中是公式（{formula}），公式没有可用的结果，这一栏按空白读取（不影响计分）",
        "cell {cell} holds a formula ({formula}) without a usable result; it was read as "
        "blank (scoring is not affected)",
        "请直接填写文字，不要输入公式（以“=”开头的内容会被当作公式）",
        "type the text itself, not a formula (anything starting with = is taken as one)"),
    "outside-table": (
        "{cell} 在表格之外，这里的内容不会被读取", "{cell} is outside the table; what is "
        "there is not read",
        "需要说明的情况请写在表格内的备注栏；不需要的内容请删除",
        "write explanations in the remarks column of the table; delete anything else"),
    "outside-table-hidden": (
        "隐藏的 A 列第 {row} 行有内容（{shown}），它在表格之外，不会被读取",
        "the hidden column A holds {shown!r} in row {row}, outside the table; it is not read",
        "A 列供程序识别表格，请取消隐藏 A 列后删除该单元格的内容",
        "column A is for the program; unhide it and clear that cell"),
    "outside-register": (
        "第 {row} 行在登记表的表格之外，这一行不会被计入",
        "row {row} is outside the register's table; it will not be counted",
        "请把它填到表格内的空行（表格共 {rows} 行）；空行不够时，请综考办用 "
        "kaohe templates {option} 生成行数更多的登记表，再把已填内容复制过去",
        "move it to an empty row of the table ({rows} rows); if there are not enough, the "
        "office makes a longer register with kaohe templates {option} and the rows are "
        "copied over"),
    "outside-register-note": (
        "{cell} 在登记表的表格之外，这里的内容不会被读取",
        "{cell} is outside the register's table; what is there is not read",
        "签名、备注可以保留，不影响计分；需要计入的内容请填进表格内",
        "a signature or note may stay (scoring is not affected); anything that should count "
        "goes into the table"),
    "outside-register-column": (
        "{cell} 在登记表的表格右侧之外，这里的内容不会被计入",
        "{cell} is right of the register's table; what is there will not be counted",
        "标记、备注不影响计分，可以保留；需要计入的说明请写进表格内相应的栏目（如事由、佐证材料）",
        "a mark or note does not affect scoring and may stay; an explanation that should "
        "count goes in the table's own columns (reason, evidence …)"),
    "outside-table-more": (
        "第 {row} 行起还有 {count} 行在表格之外（只列出了前 {listed} 行），这些内容不会被读取",
        "from row {row}, {count} more rows are outside the table (only the first {listed} are "
        "listed); they are not read",
        "请删除表格之外的内容", "delete everything outside the table"),
    "not-assessed-cell": (
        "该指标不考核这个单位（原为“—”），这里填写的内容不会被读取",
        "the indicator does not assess this unit (the cell showed “—”); what is typed here "
        "is not read",
        "请恢复为“—”或清空；如认为该指标应考核此单位，请联系综考办",
        "put back “—” or clear the cell; if the indicator should assess this unit, contact "
        "the office"),
    "label-changed": (
        "{what}被改动，应为“{want}”", "the {what_en} was changed; it should read {want!r}",
        "不影响计分，请恢复为原文字", "scoring is not affected; please restore the text"),
}
MESSAGES.update(SCHEME_MESSAGES)
MESSAGES.update(CADRE_MESSAGES)
MESSAGES.update(VALUE_MESSAGES)
MESSAGES.update(AHP_MESSAGES)


def texts(key: str, **params: Any) -> tuple[str, str, str, str]:
    """(message, message_en, hint, hint_en) of a message key, filled with params.

    A parameter `x_en` is used for `{x}` in the English texts. A blank value reads
    “（空白）”/'(blank)' and a date or time as Excel shows it, never as Python writes it
    (None, datetime.time(0, 0)).
    """
    zh, en, hint, hint_en = MESSAGES[key]
    # A parameter may come in two languages: "reason" and "reason_en".
    english = {key: _shown(params.get(f"{key}_en", value), "en")
               for key, value in params.items()}
    chinese = {key: _shown(value, "zh") for key, value in params.items()}
    zh, en = zh.format(**chinese), en.format(**english)
    if any(isinstance(value, str) and has_controls(value) for value in params.values()):
        zh, en = zh + CONTROL_NOTE[0], en + CONTROL_NOTE[1]
    return zh, en, hint.format(**chinese), hint_en.format(**english)


def _shown(value: Any, lang: str) -> Any:
    """A parameter as a clerk reads it: blank, a date, a time, control characters as □
    (other values unchanged)."""
    if value is None:
        return "（空白）" if lang == "zh" else "(blank)"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, str) and has_controls(value):
        return visible(value)  # (else '\x1b\x00' in English, nothing to see in Chinese)
    return value


def finding(rule: str, *, key: str | None = None, severity: str = ERROR,
            params: dict[str, Any] | None = None, **where: Any) -> Issue:
    """An Issue of a rule, its texts from MESSAGES[key or rule]; `where` sets file, sheet, cell …"""
    zh, en, hint, hint_en = texts(key or rule, **(params or {}))
    return Issue(rule=rule, message=zh, message_en=en, severity=severity, hint=hint,
                 hint_en=hint_en, **where)
