"""加扣分登记表: the office's register of bonus/deduction events and of decisions on them.

Sheet `events`: pre-numbered rows keyed ``event:<n>``; column keys id, unit, date, type,
category, points, region_wide, indicator_id, reason, evidence, approver. Sheet `decisions`:
rows ``decision:<n>``; column keys id, event_id, kind, outcome, points, reason, approver, date,
and for decisions on an indicator's points or on a gate: unit, indicator_id, gate, lifts_gate.
A row counts when any input besides its pre-filled id is filled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import Scheme
from workbook_templates.grid import Context, Grid
from workbook_templates.instructions import instruction_lines
from workbook_templates.labels import (
    DECISION_KINDS,
    EVENT_TYPES,
    GATE_NAMES,
    NO,
    OUTCOMES,
    YES,
    choice_labels,
    choice_lookup,
    tr,
)
from workbook_templates.unit_report import name_of
from workbook_templates.values import (
    Parsed,
    parse_choice,
    parse_date,
    parse_number,
    parse_text,
    parse_yes_no,
)

if TYPE_CHECKING:  # the builders import openpyxl when they run; readers never do

    from workbook_templates.sheetkit import SheetWriter

__all__ = ["build_adjustments", "read_adjustments", "adjustments_cells", "printed_labels",
           "EVENT_ROWS", "DECISION_ROWS"]

EVENT_ROWS = 200
DECISION_ROWS = 50
_HEADER, _FIRST = 5, 6
_EVENT_COLS = (("no", "col.no", 5), ("id", "col.event_id", 8), ("unit", "col.unit", 16),
               ("date", "col.date", 11), ("type", "col.type", 9),
               ("category", "col.adj_category", 11), ("points", "col.adj_points", 7),
               ("region_wide", "col.region_wide", 9), ("indicator_id", "col.adj_indicator", 16),
               ("reason", "col.reason", 28), ("evidence", "col.evidence", 20),
               ("approver", "col.approver", 12))
_DECISION_COLS = (("no", "col.no", 5), ("id", "col.event_id", 8),
                  ("event_id", "col.event_ref", 12), ("kind", "col.decision_kind", 11),
                  ("outcome", "col.outcome", 10), ("points", "col.decision_points", 10),
                  ("reason", "col.reason", 34), ("approver", "col.approver", 16),
                  ("date", "col.decision_date", 12), ("unit", "col.decision_unit", 16),
                  ("indicator_id", "col.decision_indicator", 16),
                  ("gate", "col.decision_gate", 14), ("lifts_gate", "col.lifts_gate", 9))


#: Sheet role -> (its columns, its title's label key).
_SHEETS = {"events": (_EVENT_COLS, "title.events"),
           "decisions": (_DECISION_COLS, "title.decisions")}


def printed_labels(scheme: Scheme, lang: str = "zh",
                   role: str = "events") -> Iterator[tuple[str, str, str]]:
    """What build_adjustments prints on the sheet `role` (events or decisions) that a clerk
    should not change: (row key, column key, text) — the title ("@title") and the column
    headings ("@columns")."""
    columns, title = _SHEETS[role]
    yield "@title", "", tr(title, lang, year=scheme.year)
    for key, label, _ in columns:
        yield "@columns", key, tr(label, lang)


def _unit_labels(scheme: Scheme, lang: str) -> dict[str, str]:
    """Label shown in the list -> unit id; names, made unique with the id when they repeat."""
    names = [name_of(u, lang) for u in scheme.units]

    def unique(name: str, unit_id: str) -> str:
        if names.count(name) == 1:
            return name
        return f"{name} ({unit_id})" if lang == "en" else f"{name}（{unit_id}）"

    return {unique(n, u.id): u.id
            for n, u in zip(names, scheme.units, strict=True)}


def _header(sheet: SheetWriter, columns: tuple[tuple[str, str, int], ...], title: str,
            lang: str, scheme: Scheme, fit: dict[str, list[str]] | None = None) -> int:
    from workbook_templates.styles import width_for

    last = len(columns) + 1
    for i, (key, label, _) in enumerate(columns):
        sheet.key_col(i + 2, key)
        sheet.put(_HEADER, i + 2, tr(label, lang), "header")
    sheet.span(2, 2, last, title, "title")
    sheet.ws.row_dimensions[2].height = 30
    name = scheme.name if lang != "en" else (scheme.document.get("name_en") or scheme.name)
    sheet.span(3, 2, last, tr("hdr.scheme", lang, name=name), "subtitle")
    sheet.span(4, 2, last, tr("hdr.legend", lang), "note")
    sheet.ws.row_dimensions[_HEADER].height = 30
    fit = fit or {}
    sheet.widths([max(w, width_for(fit.get(key, []), maximum=30)) for key, _, w in columns])
    return last


def build_adjustments(scheme: Scheme, path: Path, lang: str = "zh",
                      generated_at: datetime | None = None, event_rows: int = 0,
                      decision_rows: int = 0) -> Path:
    """Write the bonus/deduction register with its decisions sheet (`event_rows`,
    `decision_rows`: at least that many rows, for a year with more than the default)."""
    from openpyxl.workbook.defined_name import DefinedName

    from workbook_templates.sheetkit import Book

    en = lang == "en"
    book = Book(scheme, "adjustments", lang, generated_at)
    book.instructions(instruction_lines("adjustments", scheme, lang))
    units = _unit_labels(scheme, lang)
    book.choices("unit", units)
    indicators = {f"{i.id} {name_of(i, lang)}": i.id for i in scheme.indicators}
    book.choices("indicator_id", indicators)
    units_ref = book.list_range("kh_units", list(units))
    inds_ref = book.list_range("kh_indicators", list(indicators))
    categories = list(dict.fromkeys([*scheme.bonus_caps, "察访核验", "通报批评", "安全生产"]))
    cats_ref = book.list_range("kh_categories", categories)
    year = scheme.year
    # A register must hold every event of the year: at least 200 rows, more for big schemes.
    event_rows = max(EVENT_ROWS, 4 * len(scheme.units), event_rows)
    decision_rows = max(DECISION_ROWS, len(scheme.units), decision_rows)
    ev = book.sheet("events", tr("sheet.events", lang))
    columns, title = _SHEETS["events"]
    last = _header(ev, columns, tr(title, lang, year=year), lang, scheme,
                   {"unit": list(units), "indicator_id": list(indicators)})
    rules = _event_rules(ev, en, year, units_ref, inds_ref, cats_ref)
    for n in range(1, event_rows + 1):
        row = _FIRST + n - 1
        ev.key_row(row, f"event:{n}")
        ev.put(row, 2, n, "center")
        for i, (key, _, _) in enumerate(_EVENT_COLS[1:], start=3):
            style = "input_date" if key == "date" else (
                "input_text" if key in ("reason", "evidence", "approver") else "input")
            ev.input(row, i, rules[key], style, f"E{n:04d}" if key == "id" else None)
    ev.span(_FIRST + event_rows + 1, 2, last, tr("row.sign_office", lang), "plain")
    ev.finish(freeze=f"D{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}",
              last_row=_FIRST + event_rows + 1, last_col=last)
    ids = f"'{ev.ws.title}'!$C${_FIRST}:$C${_FIRST + event_rows - 1}"
    book.wb.defined_names["kh_event_ids"] = DefinedName("kh_event_ids", attr_text=ids)
    de = book.sheet("decisions", tr("sheet.decisions", lang))
    columns, title = _SHEETS["decisions"]
    last = _header(de, columns, tr(title, lang, year=year), lang, scheme,
                   {"unit": list(units), "indicator_id": list(indicators)})
    rules = _decision_rules(de, en, year, units_ref, inds_ref)
    for n in range(1, decision_rows + 1):
        row = _FIRST + n - 1
        de.key_row(row, f"decision:{n}")
        de.put(row, 2, n, "center")
        for i, (key, _, _) in enumerate(_DECISION_COLS[1:], start=3):
            style = "input_date" if key == "date" else (
                "input_text" if key in ("reason", "approver") else "input")
            de.input(row, i, rules[key], style, f"D{n:04d}" if key == "id" else None)
    de.finish(freeze=f"D{_FIRST}", title_rows=f"{_HEADER}:{_HEADER}",
              last_row=_FIRST + decision_rows - 1, last_col=last)
    return book.save(path)


def _msg(en: bool, zh: tuple[str, str], english: tuple[str, str]) -> tuple[str, str]:
    return english if en else zh


_PICK = (("请从列表选择", "请从下拉列表中选择。"), ("Choose from the list", "Pick a value."))
_LONG = (("内容过长", "最多 300 个字。"), ("Too long", "At most 300 characters."))


def _event_rules(sheet: SheetWriter, en: bool, year: int, units: str, inds: str,
                 cats: str) -> dict[str, Any]:
    from workbook_templates.styles import date_rule, list_rule, number_rule, text_rule

    pick, text = _msg(en, *_PICK), _msg(en, *_LONG)
    yes_no = [YES[en], NO[en]]
    bad_date = _msg(en, ("日期有误", f"请输入 {year}-01-01 至 {year}-12-31 之间的日期。"),
                    ("Not in the year", f"Type a date within {year}."))
    rules = {
        "id": text_rule(_msg(en, ("编号", "事项编号，如 E0001，已预先生成。"),
                             ("ID", "Event ID, pre-filled (E0001 …).")), text, 20),
        "unit": list_rule(_msg(en, ("被考核单位", "从下拉列表选择被考核单位。"),
                               ("Unit", "Pick the unit.")), pick, source=units),
        "date": date_rule(_msg(en, ("日期", f"事项发生日期，须在 {year} 年内，如 {year}-08-03。"),
                               ("Date", f"Date of the event within {year}.")), bad_date,
                          date(year, 1, 1), date(year, 12, 31)),
        "type": list_rule(_msg(en, ("类型", "加分、扣分、一票否决或通报。"),
                               ("Type", "Pick a type.")),
                          pick, choice_labels(EVENT_TYPES, "en" if en else "zh")),
        "category": list_rule(_msg(en, ("类别", "如察访核验、荣誉表彰；可输入列表以外的类别。"),
                                   ("Category", "E.g. inspection; other values allowed.")),
                              _msg(en, ("新类别", "该类别不在列表中，确认要使用吗？"),
                                   ("New category", "Not in the list: use it anyway?")),
                              source=cats, strict=False),
        "points": number_rule(_msg(en, ("分值", "加分或扣分的分值，均填正数，如 0.5。"),
                                   ("Points", "Positive points, e.g. 0.5.")),
                              _msg(en, ("请输入数字", "请填写 0 至 100 之间的数字，如 0.5。"),
                                   ("Numbers only", "A number from 0 to 100.")), 0, 100),
        "region_wide": list_rule(_msg(en, ("全疆（区）通报", "受到全疆（区）通报的选择“是”。"),
                                      ("Region-wide", "Yes if named region-wide.")), pick, yes_no),
        "indicator_id": list_rule(_msg(en, ("关联指标", "与某项指标有关时选择（可不填）。"),
                                        ("Indicator", "Related indicator (optional).")), pick,
                                  source=inds),
        "reason": text_rule(_msg(en, ("事由", "简要写明事由。"), ("Reason", "Short reason.")),
                            text, 300),
        "evidence": text_rule(_msg(en, ("佐证材料", "通报文号、记录编号等。"),
                                    ("Evidence", "Document numbers.")), text, 300),
        "approver": text_rule(_msg(en, ("审批人", "审批人或审批会议。"),
                                    ("Approver", "Who approved.")), text, 100),
    }
    return _registered(sheet, rules)


def _registered(sheet: SheetWriter, rules: dict[str, Any]) -> dict[str, Any]:
    """Add each validation to the sheet once; returns them by column key."""
    return {key: sheet.rule(key, lambda dv=dv: dv) for key, dv in rules.items()}


def _decision_rules(sheet: SheetWriter, en: bool, year: int, units: str,
                    inds: str) -> dict[str, Any]:
    from workbook_templates.styles import date_rule, list_rule, number_rule, text_rule

    pick, text = _msg(en, *_PICK), _msg(en, *_LONG)
    lang = "en" if en else "zh"
    bad_date = _msg(en, ("日期有误", f"请输入 {year}-01-01 至 {year + 1}-12-31 之间的日期。"),
                    ("Not a valid date", f"A date in {year} or {year + 1}."))
    rules = {
        "id": text_rule(_msg(en, ("编号", "决定编号，已预先生成。"),
                             ("ID", "Decision ID, pre-filled.")), text, 20),
        "event_id": list_rule(_msg(en, ("对应加扣分编号", "“加扣分登记”中的编号，如 E0003。"),
                                   ("Event ID", "The event's ID, e.g. E0003.")), pick,
                              source="kh_event_ids"),
        "kind": list_rule(_msg(en, ("决定类别", "申诉、容错纠错或评优限制认定。"),
                               ("Kind", "Appeal, fault tolerance or gate review.")),
                          pick, choice_labels(DECISION_KINDS, lang)),
        "outcome": list_rule(_msg(en, ("处理结果", "加扣分：维持、撤销、调整分值；指标：恢复满分、"
                                       "调整分值、维持；评优限制：认定、免除。"),
                                  ("Outcome", "Event: upheld/overturned/adjusted; indicator: "
                                   "restored/adjusted/upheld; gate: confirmed/waived.")), pick,
                             choice_labels(OUTCOMES, lang)),
        "points": number_rule(_msg(en, ("调整后分值", "结果为“调整分值”时填写调整后的分值。"),
                                   ("Adjusted points", "Only when the outcome is Adjusted.")),
                              _msg(en, ("请输入数字", "请填写 0 至 100 之间的数字。"),
                                   ("Numbers only", "A number from 0 to 100.")), 0, 100),
        "reason": text_rule(_msg(en, ("理由", "决定理由。"), ("Reason", "Why.")), text, 300),
        "approver": text_rule(_msg(en, ("审批人", "审批人或审批会议。"),
                                    ("Approver", "Who decided.")), text, 100),
        "date": date_rule(_msg(en, ("决定日期", "如 2017-01-20。"),
                               ("Date", "Date of the decision.")), bad_date,
                          date(year, 1, 1), date(year + 1, 12, 31)),
        "unit": list_rule(_msg(en, ("被考核单位", "对指标得分或评优限制的决定：选择单位。"),
                               ("Unit", "For a decision on an indicator or a gate.")), pick,
                          source=units),
        "indicator_id": list_rule(_msg(en, ("指标", "对指标失分的决定或失分限制的认定：选择指标。"),
                                        ("Indicator", "The indicator decided on.")), pick,
                                  source=inds),
        "gate": list_rule(_msg(en, ("评优限制", "评优限制认定：选择限制类型。"),
                               ("Gate", "For a gate review.")), pick,
                          choice_labels(GATE_NAMES, lang)),
        "lifts_gate": list_rule(_msg(en, ("免除评优限制", "同时免除该指标的失分限制时选“是”。"),
                                      ("Lifts the gate", "Yes: the decision also lifts the "
                                       "indicator's loss gate.")), pick, [YES[en], NO[en]]),
    }
    return _registered(sheet, rules)


# -- reading and filling ---------------------------------------------------------------------

Spec = tuple[str, str, Callable[[Any], Parsed], str, bool]  # key, field, parse, label, required


def _read_rows(ctx: Context, role: str, prefix: str, specs: list[Spec],
               array: str) -> list[dict[str, Any]]:
    """Records of a pre-numbered sheet: rows with any input besides the pre-filled id."""
    grid: Grid = ctx.grid(role)
    out: list[dict[str, Any]] = []
    for row, _ in grid.keyed_rows(prefix):
        columns = {key: grid.column(key) or 0 for key, *_ in specs}
        if not any(grid.filled(row, columns[key]) for key, *_ in specs if key != "id"):
            continue
        path = f"$.{array}[{len(out)}]"
        record: dict[str, Any] = {}
        for key, field, parse, label, required in specs:
            value = ctx.read(grid, row, columns[key], parse, json_path=f"{path}.{field}",
                             field_name=field, label=label)
            if required and value in (None, "") and not grid.filled(row, columns[key]):
                sheet, cell = ctx.cell_map[f"{path}.{field}"]
                ctx.add("missing-field", "必填项未填写", "this must be filled in",
                        sheet=sheet, cell=cell, row_number=row, field=field, label=label,
                        hint=f"请填写“{label}”", hint_en="fill it in", json_path=path)
            record[field] = value
        out.append(record)
    return out


def _offered(table: dict[str, tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The choices of a drop-down as a clerk is offered them: (Chinese, English)."""
    return choice_labels(table, "zh"), choice_labels(table, "en")


def _with_ids(labels: dict[str, str]) -> dict[str, str]:
    return {**labels, **{v: v for v in labels.values()}}


def read_adjustments(ctx: Context) -> dict[str, Any]:
    """The adjustments document of a filled register (findings go to ctx)."""
    year = int(ctx.meta.get("year") or 0)
    units = _with_ids(dict(ctx.choices.get("unit", {})))
    inds = _with_ids(dict(ctx.choices.get("indicator_id", {})))
    unit_labels = [k for k in ctx.choices.get("unit", {})]
    types, kinds, outcomes = (choice_lookup(EVENT_TYPES), choice_lookup(DECISION_KINDS),
                              choice_lookup(OUTCOMES))
    gates = choice_lookup(GATE_NAMES)
    in_year = (date(year, 1, 1), date(year, 12, 31))
    events = _read_rows(ctx, "events", "event:", [
        ("id", "id", parse_text, "编号", True),
        ("unit", "unit_id", lambda v: parse_choice(v, units, unit_labels), "被考核单位", True),
        ("date", "date", lambda v: parse_date(v, start=in_year[0], end=in_year[1]), "日期", True),
        ("type", "type", lambda v: parse_choice(v, types, *_offered(EVENT_TYPES)), "类型", True),
        ("category", "category", parse_text, "类别", False),
        ("points", "points", lambda v: parse_number(v, low=0), "分值", False),
        ("region_wide", "region_wide", _yes_no_false, "全疆（区）通报", False),
        ("indicator_id", "indicator_id", lambda v: parse_choice(v, inds, list(inds)), "关联指标",
         False),
        ("reason", "reason", parse_text, "事由", False),
        ("evidence", "evidence", parse_text, "佐证材料", False),
        ("approver", "approver", parse_text, "审批人", False)], "events")
    decisions = _read_rows(ctx, "decisions", "decision:", [
        ("id", "id", parse_text, "编号", True),
        ("event_id", "event_id", parse_text, "对应加扣分编号", False),
        ("kind", "kind", lambda v: parse_choice(v, kinds, *_offered(DECISION_KINDS)), "决定类别",
         True),
        ("outcome", "outcome", lambda v: parse_choice(v, outcomes, *_offered(OUTCOMES)),
         "处理结果", True),
        ("points", "points", lambda v: parse_number(v, low=0), "调整后分值", False),
        ("reason", "reason", parse_text, "理由", False),
        ("approver", "approver", parse_text, "审批人", False),
        ("date", "date", lambda v: parse_date(v, start=in_year[0], end=date(year + 1, 12, 31)),
         "决定日期", False),
        ("unit", "unit_id", lambda v: parse_choice(v, units, unit_labels), "被考核单位", False),
        ("indicator_id", "indicator_id", lambda v: parse_choice(v, inds, list(inds)), "指标",
         False),
        ("gate", "gate", lambda v: parse_choice(v, gates, *_offered(GATE_NAMES)), "评优限制",
         False),
        ("lifts_gate", "lifts_gate", parse_yes_no, "免除评优限制", False)], "decisions")
    for decision in decisions:  # a decision on an event names it; the other fields are blank
        for name in ("event_id", "unit_id", "indicator_id", "gate", "lifts_gate"):
            if decision.get(name) in (None, ""):
                decision.pop(name, None)
    known = {e["id"] for e in events}
    for i, decision in enumerate(decisions):
        if decision.get("event_id") and decision["event_id"] not in known:
            sheet, cell = ctx.cell_map[f"$.decisions[{i}].event_id"]
            ctx.add("unknown-event", f"加扣分编号 {decision['event_id']} 在“加扣分登记”中不存在",
                    f"event {decision['event_id']!r} is not in the register", sheet=sheet,
                    cell=cell, field="event_id", label="对应加扣分编号", value=decision["event_id"],
                    hint="请填写“加扣分登记”表中已有的编号",
                    hint_en="use an ID from the events sheet",
                    json_path=f"$.decisions[{i}].event_id")
    return {"kind": "adjustments", "scheme_id": ctx.meta.get("scheme_id"), "year": year,
            "events": events, "decisions": decisions}


def _yes_no_false(raw: Any) -> Parsed:
    parsed = parse_yes_no(raw)
    return parsed if parsed.value is not None or parsed.finding else Parsed(False)


def adjustments_cells(doc: dict[str, Any],
                      meta: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """(role, row key, column key, value) of every input of an adjustments document."""
    lang = str(meta.get("lang") or "zh")
    en = lang == "en"
    choices = (meta.get("layout") or {}).get("choices", {})
    unit_label = {v: k for k, v in choices.get("unit", {}).items()}
    ind_label = {v: k for k, v in choices.get("indicator_id", {}).items()}
    for n, event in enumerate(doc.get("events", []), start=1):
        key = f"event:{n}"
        unit = event.get("unit_id")
        shown = {"id": event.get("id"), "unit": unit_label.get(unit, unit),
                 "date": date.fromisoformat(event["date"]) if event.get("date") else None,
                 "type": EVENT_TYPES[event["type"]][en] if event.get("type") else None,
                 "category": event.get("category"), "points": event.get("points"),
                 "region_wide": YES[en] if event.get("region_wide") else None,
                 "indicator_id": ind_label.get(event.get("indicator_id"),
                                               event.get("indicator_id")),
                 "reason": event.get("reason"), "evidence": event.get("evidence"),
                 "approver": event.get("approver")}
        yield from (("events", key, k, v) for k, v in shown.items() if v not in (None, ""))
    for n, decision in enumerate(doc.get("decisions", []), start=1):
        key = f"decision:{n}"
        shown = {"id": decision.get("id"), "event_id": decision.get("event_id"),
                 "kind": DECISION_KINDS[decision["kind"]][en] if decision.get("kind") else None,
                 "outcome": OUTCOMES[decision["outcome"]][en] if decision.get("outcome") else None,
                 "points": decision.get("points"), "reason": decision.get("reason"),
                 "approver": decision.get("approver"),
                 "date": date.fromisoformat(decision["date"]) if decision.get("date") else None,
                 "unit": unit_label.get(decision.get("unit_id"), decision.get("unit_id")),
                 "indicator_id": ind_label.get(decision.get("indicator_id"),
                                               decision.get("indicator_id")),
                 "gate": GATE_NAMES[decision["gate"]][en] if decision.get("gate") else None,
                 "lifts_gate": YES[en] if decision.get("lifts_gate") else None}
        yield from (("decisions", key, k, v) for k, v in shown.items() if v not in (None, ""))
