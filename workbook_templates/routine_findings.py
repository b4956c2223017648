"""平时考核扣分: the routine summary's second sheet, where the office records routine findings
deducted from named indicators ("其余项目均以平时考核为扣分依据").

Sheet `findings`: pre-numbered rows keyed ``finding:<n>``; column keys unit, indicator_id,
period, points, reason. A row counts when any of its cells is filled.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import Scheme
from workbook_templates.grid import Context
from workbook_templates.labels import period_label, tr
from workbook_templates.unit_report import name_of
from workbook_templates.values import parse_choice, parse_number, parse_text

if TYPE_CHECKING:  # the builders import openpyxl when they run; readers never do
    from workbook_templates.sheetkit import Book

__all__ = ["add_findings_sheet", "read_findings", "findings_cells", "FINDING_ROWS"]

FINDING_ROWS = 100
_HEADER, _FIRST = 5, 6
_COLS = (("no", "序号", "No.", 5), ("unit", "被考核单位", "Unit", 18),
         ("indicator_id", "扣分指标", "Indicator", 24), ("period", "考核周期", "Period", 10),
         ("points", "扣分", "Points", 8), ("reason", "事由", "Reason", 36))


def add_findings_sheet(book: Book, scheme: Scheme, lang: str) -> None:
    """The sheet of routine findings: unit, indicator, period, points deducted, reason."""
    from workbook_templates.styles import list_rule, number_rule, text_rule

    en = lang == "en"
    sheet = book.sheet("findings", tr("sheet.findings", lang))
    units = {name_of(u, lang): u.id for u in scheme.units}
    inds = {f"{i.id} {name_of(i, lang)}": i.id for i in scheme.indicators}
    book.choices("finding_unit", units)
    book.choices("finding_indicator", inds)
    units_ref = book.list_range("kh_finding_units", list(units))
    inds_ref = book.list_range("kh_finding_indicators", list(inds))
    last = len(_COLS) + 1
    sheet.span(2, 2, last, ("Routine findings deducted from indicators, " if en else
                            "平时考核扣分登记（从指定指标中扣分），") + str(scheme.year), "title")
    sheet.span(4, 2, last, "Each row takes its points off the indicator's points (not below 0)."
               if en else "每行从所选指标的得分中扣除相应分值，扣完为止。", "note")
    pick = (("Choose from the list", "Pick a value.") if en
            else ("请从列表选择", "请从下拉列表中选择。"))
    periods = list(dict.fromkeys([*scheme.routine_periods,
                                  *(p for k in scheme.routine_kinds for p in k.periods)]))
    rules = {
        "unit": sheet.rule("f_unit", lambda: list_rule(
            ("Unit", "Pick the unit.") if en else ("被考核单位", "选择被考核单位。"), pick,
            source=units_ref)),
        "indicator_id": sheet.rule("f_ind", lambda: list_rule(
            ("Indicator", "The indicator the points come off.") if en
            else ("扣分指标", "选择被扣分的指标。"), pick, source=inds_ref)),
        "period": sheet.rule("f_period", lambda: list_rule(
            ("Period", "When it was found.") if en else ("考核周期", "发现问题的周期。"), pick,
            [period_label(p, lang) for p in periods])),
        "points": sheet.rule("f_points", lambda: number_rule(
            ("Points", "Points deducted, e.g. 0.5.") if en else ("扣分", "扣除的分值，如 0.5。"),
            ("Numbers only", "A number from 0 to 100.") if en
            else ("请输入数字", "请填写 0 至 100 之间的数字。"), 0, 100)),
        "reason": sheet.rule("f_reason", lambda: text_rule(
            ("Reason", "What was found.") if en else ("事由", "简要写明平时考核发现的问题。"),
            ("Too long", "At most 300 characters.") if en else ("内容过长", "最多 300 个字。"),
            300)),
    }
    for i, (key, zh, english, _) in enumerate(_COLS):
        sheet.key_col(i + 2, key)
        sheet.put(_HEADER, i + 2, english if en else zh, "header")
    book.choices("finding_period", {period_label(p, lang): p for p in periods})
    for n in range(1, FINDING_ROWS + 1):
        row = _FIRST + n - 1
        sheet.key_row(row, f"finding:{n}")
        sheet.put(row, 2, n, "center")
        for i, (key, *_) in enumerate(_COLS[1:], start=3):
            sheet.input(row, i, rules[key], "input_text" if key == "reason" else "input")
    sheet.widths([w for *_, w in _COLS])
    sheet.finish(freeze=f"C{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}",
                 last_row=_FIRST + FINDING_ROWS - 1, last_col=last)


def read_findings(ctx: Context) -> list[dict[str, Any]]:
    """The routine findings of a filled summary (none when it has no findings sheet)."""
    if "findings" not in (ctx.layout.get("sheets") or {}):
        return []
    grid = ctx.grid("findings")
    units = dict(ctx.choices.get("finding_unit", {}))
    inds = dict(ctx.choices.get("finding_indicator", {}))
    periods = dict(ctx.choices.get("finding_period", {}))
    units.update({v: v for v in list(units.values())})
    inds.update({v: v for v in list(inds.values())})
    periods.update({v: v for v in list(periods.values())})
    specs = (("unit", "unit_id", lambda v: parse_choice(v, units, list(units))),
             ("indicator_id", "indicator_id", lambda v: parse_choice(v, inds, list(inds))),
             ("period", "period", lambda v: parse_choice(v, periods, list(periods))),
             ("points", "points", lambda v: parse_number(v, low=0, high=100)),
             ("reason", "reason", parse_text))
    out: list[dict[str, Any]] = []
    for row, _ in grid.keyed_rows("finding:"):
        columns = {key: grid.column(key) or 0 for key, *_ in specs}
        if not any(grid.filled(row, c) for c in columns.values()):
            continue
        path = f"$.deductions[{len(out)}]"
        record = {field: ctx.read(grid, row, columns[key], parse, json_path=f"{path}.{field}",
                                  field_name=field, label=f"{tr('col.no', 'zh')} {row}")
                  for key, field, parse in specs}
        out.append(record)
    return out


def findings_cells(doc: dict[str, Any], meta: dict[str, Any]
                   ) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every routine finding of a routine document."""
    choices = (meta.get("layout") or {}).get("choices", {})
    labels = {name: {v: k for k, v in choices.get(name, {}).items()}
              for name in ("finding_unit", "finding_indicator", "finding_period")}
    for n, f in enumerate(doc.get("deductions") or [], start=1):
        shown = {"unit": labels["finding_unit"].get(f.get("unit_id"), f.get("unit_id")),
                 "indicator_id": labels["finding_indicator"].get(f.get("indicator_id"),
                                                                 f.get("indicator_id")),
                 "period": labels["finding_period"].get(f.get("period"), f.get("period")),
                 "points": f.get("points"), "reason": f.get("reason")}
        yield from (("findings", f"finding:{n}", k, v) for k, v in shown.items()
                    if v not in (None, ""))
