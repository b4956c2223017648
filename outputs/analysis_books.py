"""Report workbooks of the analyses: AHP weights (权重测算.xlsx) and indicator quality
(指标分析.xlsx). Plain tables written with xlsxwriter, atomically; text is never a formula.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["write_weights_report", "write_indicator_report"]

_KIND = {"full_marks": ("满分单位占比 {v:.0%}，区分度不足：考虑删除或改为扣分项",
                        "{v:.0%} of units at full marks: consider dropping it or scoring "
                        "it as a deduction"),
         "no_spread": ("得分离散系数 {v:.3f}，几乎没有差别：考虑删除或降低分值",
                       "coefficient of variation {v:.3f}: almost no spread; consider "
                       "dropping it or lowering its full score"),
         "no_rank_effect": ("去掉该指标后各单位名次不变：考虑降低分值",
                            "no rank changes without it: consider a lower full score"),
         "redundant": ("与 {partner} 高度相关（r = {v:.2f}）：考虑合并或只保留其一",
                       "highly correlated with {partner} (r = {v:.2f}): consider merging "
                       "them or keeping one")}


def _sheet(wb: Any, name: str, head: Sequence[str], rows: Sequence[Sequence[Any]],
           widths: Sequence[float], fmt: Mapping[str, Any]) -> None:
    ws = wb.add_worksheet(name[:31])
    for c, (text, width) in enumerate(zip(head, widths, strict=True)):
        ws.write_string(0, c, text, fmt["head"])
        ws.set_column(c, c, width)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if hasattr(value, "item"):  # a numpy scalar
                value = value.item()
            if isinstance(value, bool) or value is None or (
                    isinstance(value, float) and not math.isfinite(value)):
                ws.write_blank(r, c, None, fmt["cell"])
            elif isinstance(value, int | float):
                ws.write_number(r, c, value, fmt["num"])
            else:
                ws.write_string(r, c, str(value), fmt["cell"])
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    if rows:
        ws.autofilter(0, 0, len(rows), len(head) - 1)


def _book(path: Path, fill: Any) -> Path:
    from xlsxwriter.workbook import Workbook

    from kaohe.pipeline.io import write_atomic

    def build(target: Path) -> None:
        wb = Workbook(str(target), {"strings_to_formulas": False, "strings_to_numbers": False,
                                    "strings_to_urls": False})
        fmt = {"head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                      "text_wrap": True, "valign": "vcenter"}),
               "cell": wb.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
               "num": wb.add_format({"border": 1, "num_format": "0.0000", "valign": "top"})}
        fill(wb, fmt)
        wb.close()

    write_atomic(Path(path), build)
    return Path(path)


def write_weights_report(outcome: Any, scheme: Any, path: Path, lang: str = "zh") -> Path:
    """权重测算.xlsx: proposed full scores, consistency per expert and matrix, findings."""
    zh = lang == "zh"
    names = {m.id: m for e in outcome.experts for m in e.layout.values()}

    def fill(wb: Any, fmt: Mapping[str, Any]) -> None:
        rows = []
        for block in outcome.blocks:
            for cat in block.categories:
                for ind, name in block.indicators[cat]:
                    old = scheme.indicator(ind).full_score
                    new = outcome.proposal.get(ind)
                    rows.append([block.id, cat, outcome.category_totals.get(block.id, {})
                                 .get(cat), ind, name, old, new,
                                 None if new is None else new - old])
        _sheet(wb, "建议分值" if zh else "Proposed", [
            "组块" if zh else "Block", "类别" if zh else "Category",
            "类别分值" if zh else "Category total", "指标" if zh else "Indicator",
            "名称" if zh else "Name", "现分值" if zh else "Present", "建议分值" if zh else
            "Proposed", "变化" if zh else "Change"], rows, [10, 12, 10, 8, 28, 9, 9, 9], fmt)
        rows = []
        for group in scheme.groups:
            ids = [i.id for i in scheme.indicators_for(group.id) if i.id in outcome.proposal]
            if ids:
                rows.append([group.name if zh else (group.name_en or group.id), len(ids),
                             sum(scheme.indicator(i).full_score for i in ids),
                             sum(outcome.proposal[i] for i in ids)])
        _sheet(wb, "组别合计" if zh else "Group totals", [
            "组别" if zh else "Group", "指标数" if zh else "Indicators",
            "现分值合计" if zh else "Present total", "建议分值合计" if zh else "Proposed total"],
               rows, [16, 8, 12, 12], fmt)
        rows = []
        for r in [*outcome.results, *outcome.combined.values()]:
            m = names[r.matrix_id]
            who = r.expert or ("专家综合" if zh else "combined")
            worst = "；".join(f"{m.names[i]}:{m.names[j]}={a:.3g}（{b:.3g}）"
                             for i, j, a, b in r.worst)
            rows.append([who, r.matrix_id, r.lambda_max, r.cr,
                         ("否" if zh else "no") if r.cr > 0.1 else ("是" if zh else "yes"),
                         worst, "、".join(f"{n}={w:.4f}" for n, w in zip(m.names, r.weights,
                                                                          strict=True))])
        _sheet(wb, "一致性" if zh else "Consistency", [
            "专家" if zh else "Expert", "矩阵" if zh else "Matrix", "λmax", "CR",
            "CR≤0.10" if zh else "CR ≤ 0.10",
            "最不一致的判断（隐含比值）" if zh else "Least consistent (implied)",
            "权重" if zh else "Weights"], rows, [12, 18, 9, 9, 8, 40, 60], fmt)
        rows = [[i.severity, i.file, i.sheet, i.cell, i.text(lang)] for i in outcome.issues]
        _sheet(wb, "问题" if zh else "Findings", [
            "级别" if zh else "Severity", "文件" if zh else "File", "工作表" if zh else "Sheet",
            "单元格" if zh else "Cell", "说明" if zh else "Message"], rows,
               [8, 18, 10, 8, 90], fmt)
        about = wb.add_worksheet("说明" if zh else "About")
        about.set_column(0, 0, 100)
        text = ("层次分析法：各专家判断矩阵的主特征向量为权重，"
                "CR = CI / RI（Saaty 随机一致性指标），CR > 0.10 标出最不一致的判断；"
                f"专家意见按判断值的几何平均集结（{outcome.aggregation}）；"
                "类别权重 × 组块总分 = 类别分值，类内指标权重 × 类别分值 = 指标分值，"
                "按最大余数法取整，合计不变。建议分值仅供参考，应用需经综考办确认。" if zh else
                "AHP: priorities are each matrix's principal eigenvector, CR = CI / RI (Saaty's "
                "random index); CR > 0.10 names the least consistent judgements; experts are "
                f"combined by the geometric mean of their judgements ({outcome.aggregation}); "
                "category weight × block total = category total, indicator weight × category "
                "total = full score, rounded by largest remainders so sums are kept. A proposal "
                "only: the office decides.")
        about.write_string(0, 0, text, fmt["cell"])

    return _book(path, fill)


def write_indicator_report(quality: Any, pairs: Any, reference: Any,
                           advice: Sequence[Mapping[str, Any]], path: Path,
                           lang: str = "zh") -> Path:
    """指标分析.xlsx: what to drop or reweight, quality per indicator, redundant pairs and the
    reference weights beside the scheme's."""
    zh = lang == "zh"

    def fill(wb: Any, fmt: Mapping[str, Any]) -> None:
        by_indicator: dict[str, list[Any]] = {}
        for a in advice:  # one row per indicator, its reasons together
            zh_text, en_text = _KIND[a["kind"]]
            why = (zh_text if zh else en_text).format(v=a["value"], partner=a.get("partner"))
            row = by_indicator.setdefault(a["indicator_id"], [a["indicator_id"], a["name"], []])
            row[2].append(why)
        rows = [[i, name, ("；\n" if zh else ";\n").join(why)]
                for i, name, why in by_indicator.values()]
        _sheet(wb, "建议调整" if zh else "To revise", [
            "指标" if zh else "Indicator", "名称" if zh else "Name",
            "理由" if zh else "Why"], rows, [9, 28, 90], fmt)
        head = (["组块", "指标", "名称", "类别", "分值", "单位数", "平均得分率", "满分占比",
                 "离散系数", "最相关指标", "相关系数", "去掉后名次平均变动", "最大变动"] if zh else
                ["Block", "Indicator", "Name", "Category", "Full score", "Units", "Mean rate",
                 "At full marks", "CV", "Most correlated", "r", "Mean rank change",
                 "Largest change"])
        cols = ["block", "indicator_id", "name", "category", "full_score", "units", "mean_rate",
                "full_marks", "cv", "max_corr_with", "max_corr", "rank_change_mean",
                "rank_change_max"]
        _sheet(wb, "区分度" if zh else "Quality", head,
               [r for r in quality[cols].itertuples(index=False)] if len(quality) else [],
               [9, 8, 28, 10, 7, 7, 9, 9, 9, 10, 9, 12, 9], fmt)
        _sheet(wb, "相关指标" if zh else "Redundant", [
            "组块" if zh else "Block", "指标A" if zh else "A", "指标B" if zh else "B", "r"],
               [list(r) for r in pairs.itertuples(index=False)], [9, 9, 9, 9], fmt)
        cols = ["block", "indicator_id", "name", "full_score", "scheme", "entropy", "critic"]
        _sheet(wb, "参考权重" if zh else "Reference weights", [
            "组块" if zh else "Block", "指标" if zh else "Indicator", "名称" if zh else "Name",
            "分值" if zh else "Full score", "方案权重" if zh else "Scheme",
            "熵权法" if zh else "Entropy", "CRITIC"],
               [list(r) for r in reference[cols].itertuples(index=False)]
               if len(reference) else [], [9, 8, 28, 8, 10, 10, 10], fmt)

    return _book(path, fill)
