"""Messages of the AHP expert workbooks (workbook_templates.ahp_read): (message, message_en, hint,
hint_en)."""

from __future__ import annotations

__all__ = ["AHP_MESSAGES"]

AHP_MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # ------------------------------- AHP expert workbooks (workbook_templates/ahp_read)
    "ahp-not-a-template": (
        "不是 kaohe 生成的专家判断表（{reason}）", "not an AHP judgement workbook made by kaohe "
        "({reason})",
        "请使用 kaohe weights template 生成的工作簿填写", "fill in a workbook made by "
        "kaohe weights template"),
    "ahp-other-scheme": (
        "专家判断表属于方案 “{found}”，不是 “{expected}”", "the judgement workbook is for "
        "scheme {found!r}, not {expected!r}",
        "请用本方案生成的判断表", "use the workbooks made for this scheme"),
    "ahp-missing-judgement": (
        "尚未作出判断", "no judgement given",
        "请从下拉列表中选择 1–9 标度中的一项", "choose a value of the 1–9 scale from the list"),
    "ahp-off-scale": (
        "{value} 不在 1–9 标度上", "{value} is not on the 1–9 scale",
        "请从下拉列表中选择（9、8 … 1 … 1/8、1/9）",
        "choose from the list (9, 8 … 1 … 1/8, 1/9)"),
    "ahp-reciprocal-overwritten": (
        "下三角的倒数公式被改成了 {value}", "the reciprocal formula of the lower triangle was "
        "replaced by {value}",
        "下三角由上三角自动求倒数，请在上三角（对称位置）作出判断，并恢复此单元格（撤销或重新生成判断表）",
        "judge in the upper triangle (the mirrored cell) and restore this cell (undo, or "
        "use a new workbook)"),
    "ahp-inconsistent": (
        "判断矩阵一致性比率 CR = {cr}，超过 {max_cr}；最不一致的判断：{worst}",
        "consistency ratio CR = {cr} is over {max_cr}; the least consistent judgements: "
        "{worst_en}",
        "请重新考虑所列判断（括号内为其余判断所隐含的比值）",
        "reconsider the judgements listed (in brackets: the ratio the other judgements imply)"),
}
