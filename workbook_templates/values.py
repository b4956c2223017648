"""Normalising what clerks type (numbers, dates, yes/no, choices), with findings, not guesses.

Unambiguous slips are fixed and reported as warnings (rule slugs in brackets):
numbers stored as text [number-as-text], full-width characters such as １２３ or ８５％
[full-width-number], a trailing % in a column measured in % [percent-sign] (85% -> 85: the
column already means per cent), thousands separators 12,345 [thousands-separator], stray
spaces [stray-spaces]. Anything that needs a guess is an error with a fix hint: 约80
[approximate-number], 80-90 [number-range-text], — / 无 [placeholder-text], 12,3
[decimal-comma], 85% in a column not measured in % [percent-not-allowed], other text
[not-a-number], 2.5 where a whole number is needed [not-an-integer], out of range
[out-of-range], a date where a number belongs [date-not-number].
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from validators.messages.values import CONTROL_NOTE, has_controls, visible
from validators.report import ERROR, WARNING

__all__ = ["Finding", "Parsed", "TypedPercent", "explain_controls", "parse_number", "parse_text",
           "parse_date", "parse_yes_no", "parse_choice", "show_number", "shown_raw",
           "parse_fill_date", "FREE_TEXT_FIELDS"]

#: Fields of free text a clerk types (remarks, evidence, reason, contact …): never scored,
#: so a formula or an error value there is a warning — the rest of the file is still usable.
FREE_TEXT_FIELDS = frozenset({"remarks", "evidence", "reason", "contact", "phone", "approver"})


@dataclass(frozen=True)
class Finding:
    """What was wrong with a typed value (located later by the reader)."""

    rule: str
    severity: str
    message: str
    message_en: str
    hint: str = ""
    hint_en: str = ""


@dataclass(frozen=True)
class Parsed:
    """A normalised value (None when blank or unusable) and at most one finding."""

    value: Any
    finding: Finding | None = None


class TypedPercent(float):
    """A number its cell shows in a percent format: Excel, WPS and LibreOffice store a typed
    "7.5%" as 0.075 and format the cell 0.0% (the reader marks such values; `parse_number`
    reads what was meant)."""

    __slots__ = ()


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}|[+-]?\d+,\d{4,}")
_APPROX = re.compile(r"^(约|大约|近|将近|接近|超过|不到|不足|左右|≈|~|>|<|≥|≤)"
                     r"|(左右|多|余|以上|以下)$")
_RANGE = re.compile(r"^[+-]?\d+(?:\.\d+)?\s*(?:-|~|～|至|到|—|–)\s*[+-]?\d+(?:\.\d+)?$")
_PLACEHOLDERS = {"-", "—", "——", "–", "/", "\\", "无", "暂无", "空", "n/a", "na", "null", "none",
                 "x", "×", "不详", "未知", "?", "？"}
_SPACES = " \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
_HINT = ("请输入数字，如 12.3", "type a number, e.g. 12.3")


def show_number(value: float) -> str:
    """A number as a clerk would write it: 85, 12.5 (no 85.0)."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def shown_raw(raw: Any) -> str:
    """A cell's value as Excel shows it to the clerk: TRUE, 85, 2017-01-10, 08:30:00, text —
    never as Python writes it (True, datetime.time(8, 30))."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int | float):
        return show_number(raw) if math.isfinite(raw) else str(raw)
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ") if raw.time() != time(0) else raw.date().isoformat()
    if isinstance(raw, date | time):
        return raw.isoformat()
    return str(raw)


def explain_controls(parse: Callable[[Any], Parsed], raw: Any, parsed: Parsed) -> Parsed:
    """`parsed` (what `parse` made of `raw`), its error quoting a text that holds control
    characters with each shown as □ and saying so (quoted as they are they read '\x1b\x00'
    in English, nothing in Chinese). Called by the reader only for a value with a finding, so
    the parsers stay one plain call each on the common path."""
    if (parsed.finding is None or parsed.finding.severity != ERROR
            or not isinstance(raw, str) or not has_controls(raw)):
        return parsed
    said = parse(visible(raw)).finding or parsed.finding
    return Parsed(parsed.value, replace(said, message=said.message + CONTROL_NOTE[0],
                                        message_en=said.message_en + CONTROL_NOTE[1]))


def _error(rule: str, zh: str, en: str, hint: tuple[str, str] = _HINT) -> Parsed:
    return Parsed(None, Finding(rule, ERROR, zh, en, hint[0], hint[1]))


def _check(value: float, integer: bool, low: float | None, high: float | None) -> Parsed | None:
    if integer and not float(value).is_integer():
        return _error("not-an-integer", f"{show_number(value)} 不是整数",
                      f"{show_number(value)} is not a whole number",
                      ("请输入整数，如 12", "type a whole number, e.g. 12"))
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "" if low is None else show_number(low)
        hi = "" if high is None else show_number(high)
        span = f"{lo} 至 {hi}" if lo and hi else (f"不小于 {lo}" if lo else f"不大于 {hi}")
        span_en = f"{lo} to {hi}" if lo and hi else (f"at least {lo}" if lo else f"at most {hi}")
        return _error("out-of-range", f"{show_number(value)} 超出允许范围（{span}）",
                      f"{show_number(value)} is outside the allowed range ({span_en})",
                      (f"请输入 {span} 的数字", f"type a number {span_en}"))
    return None


def _done(value: float, integer: bool, low: float | None, high: float | None,
          finding: Finding | None) -> Parsed:
    bad = _check(value, integer, low, high)
    if bad is not None:
        return bad
    return Parsed(int(value) if integer else float(value), finding)


def parse_number(raw: Any, *, percent: bool = False, integer: bool = False,
                 low: float | None = None, high: float | None = None) -> Parsed:
    """A typed number; `percent` when the column is measured in % (then "85%" means 85)."""
    if raw is None or (isinstance(raw, str) and raw.strip(_SPACES) == ""):
        return Parsed(None)
    if isinstance(raw, bool):
        return _error("not-a-number", f"“{shown_raw(raw)}” 不是数字",
                      f"{shown_raw(raw)!r} is not a number")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            return _error("not-a-number", f"“{raw}” 不是有效数字", f"{raw!r} is not a valid number")
        if isinstance(raw, TypedPercent):
            return _typed_percent(float(raw), percent, integer, low, high)
        return _done(float(raw), integer, low, high, None)
    if isinstance(raw, datetime | date | timedelta):
        shown = raw.isoformat() if not isinstance(raw, timedelta) else str(raw)
        return _error("date-not-number", f"“{shown}” 是日期或时间，不是数字"
                      "（Excel 可能把“1-2”之类自动转成了日期）",
                      f"{shown!r} is a date or time, not a number (Excel may have turned "
                      "'1-2' into a date)", ("请将单元格改为数字后重新输入，如 12.3",
                                             "re-type the value as a number, e.g. 12.3"))
    text = str(raw)
    return _parse_text_number(text, percent, integer, low, high)


def _typed_percent(stored: float, percent: bool, integer: bool, low: float | None,
                   high: float | None) -> Parsed:
    """A number typed with a % sign (the cell shows a percent format, it holds a hundredth):
    in a column measured in % what was typed is meant (7.5% -> 7.5, said); elsewhere the
    clerk is asked (85% in a row of items: 85 items, or 85 % of the target?)."""
    typed = round(stored * 100, 10)
    shown = f"{show_number(typed)}%"
    if not percent:
        return _error("percent-not-allowed",
                      f"“{shown}” 带有 % 号（单元格存为 {show_number(stored)}），"
                      "但本栏不是百分数，无法确定原意",
                      f"{shown!r} has a % sign (the cell holds {show_number(stored)}) but this "
                      "column is not measured in %: what was meant is not certain",
                      ("请按本栏计量单位直接输入数字，不要带 % 号"
                       "（如需要，先把单元格格式改回“常规”）",
                       "type the number in the column's unit without % (set the cell's format "
                       "back to General if needed)"))
    finding = Finding("percent-typed", WARNING,
                      f"输入的是“{shown}”（单元格存为 {show_number(stored)}）；本栏单位已是 %，"
                      f"已按 {show_number(typed)} 读取",
                      f"{shown!r} was typed (the cell holds {show_number(stored)}); the column "
                      f"is already in %, so it is read as {show_number(typed)}",
                      "本栏直接输入数字即可，不要带 % 号", "type the plain number, without %")
    return _done(typed, integer, low, high, finding)


def _parse_text_number(text: str, percent: bool, integer: bool, low: float | None,
                       high: float | None) -> Parsed:
    folded = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    full_width = folded != text and any(unicodedata.east_asian_width(c) == "F" for c in text)
    core = folded.strip(_SPACES)
    spaces = core != folded
    shown = text.strip(_SPACES)
    lower = core.casefold()
    if lower in _PLACEHOLDERS:
        return _error("placeholder-text", f"“{shown}” 不是数字", f"{shown!r} is not a number",
                      ("请输入数字；如本项不适用，请在“不适用”栏选择“是”，如确无数据请留空",
                       "type a number; if the item does not apply choose Yes under N/A, "
                       "if there is no data leave it blank"))
    if _RANGE.match(core):
        return _error("number-range-text", f"“{shown}” 是一个范围，不是一个数字",
                      f"{shown!r} is a range, not a single number",
                      ("请只填写一个确定的数字，如 85", "type one exact number, e.g. 85"))
    if _APPROX.search(core) and re.search(r"\d", core):
        return _error("approximate-number", f"“{shown}” 是约数，不是确切数字",
                      f"{shown!r} is approximate, not an exact number",
                      ("请填写确切数字，不要加“约”“左右”等字，如 80",
                       "type the exact number, e.g. 80"))
    rule, zh, en = "number-as-text", "以文本形式存储", "stored as text"
    if core.endswith("%"):
        if not percent:
            return _error("percent-not-allowed", f"“{shown}” 带有 % 号，但本栏不是百分数",
                          f"{shown!r} has a % sign but this column is not measured in %",
                          ("请按本栏计量单位直接输入数字，不要带 % 号",
                           "type the number in the column's unit, without %"))
        core = core[:-1].strip(_SPACES)
        rule, zh, en = ("percent-sign", "带有 % 号（本栏单位已是 %）",
                        "had a % sign (the column is in %)")
    if _THOUSANDS.fullmatch(core):
        core = core.replace(",", "")
        if rule == "number-as-text":
            rule, zh, en = "thousands-separator", "带有千位分隔符", "had thousands separators"
    elif "," in core:
        if _DECIMAL_COMMA.fullmatch(core):
            return _error("decimal-comma", f"“{shown}” 中的逗号含义不明（小数点还是千位分隔？）",
                          f"{shown!r}: the comma is ambiguous (decimal or thousands?)",
                          ("小数点请用“.”，如 12.3", "use '.' as the decimal point, e.g. 12.3"))
        return _error("not-a-number", f"“{shown}” 不是数字", f"{shown!r} is not a number")
    if not _NUMBER.fullmatch(core):
        return _error("not-a-number", f"“{shown}” 不是数字", f"{shown!r} is not a number")
    value = float(core)
    if full_width:
        rule, zh, en = "full-width-number", "含全角字符", "had full-width characters"
    elif spaces and rule == "number-as-text":
        rule, zh, en = "stray-spaces", "前后有多余空格", "had stray spaces"
    finding = Finding(rule, WARNING, f"“{text}” {zh}，已按数字 {show_number(value)} 读取",
                      f"{text!r} {en}; read as the number {show_number(value)}",
                      "下次请直接输入数字", "type plain numbers next time")
    return _done(value, integer, low, high, finding)


def parse_text(raw: Any) -> Parsed:
    """Free text, trimmed; numbers become text without a trailing .0 (e.g. a phone number)."""
    if raw is None:
        return Parsed("")
    if isinstance(raw, bool):
        return Parsed("是" if raw else "否")
    if isinstance(raw, float | int):
        return Parsed(show_number(float(raw)) if math.isfinite(raw) else str(raw))
    if isinstance(raw, datetime | date):
        return Parsed(raw.isoformat()[:10] if isinstance(raw, date) else raw.isoformat())
    return Parsed(str(raw).strip(_SPACES))


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(raw: Any, *, start: date | None = None, end: date | None = None) -> Parsed:
    """A date as ISO text (YYYY-MM-DD); dates typed as text are fixed with a warning."""
    if raw is None or (isinstance(raw, str) and raw.strip(_SPACES) == ""):
        return Parsed(None)
    finding: Finding | None = None
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 < raw < 80000:
        day = _EXCEL_EPOCH + timedelta(days=int(raw))
        finding = Finding("date-as-number", WARNING, f"{show_number(raw)} 是日期序号，已按 "
                          f"{day.isoformat()} 读取", f"{raw!r} is a date serial number; read as "
                          f"{day.isoformat()}", "请按 2017-01-10 的格式输入日期",
                          "type dates like 2017-01-10")
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip(_SPACES)
        match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
        day = None
        if match:
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                day = None
        if day is None:
            raw = shown_raw(raw)
            return _error("not-a-date", f"“{raw}” 不是有效日期", f"{raw!r} is not a valid date",
                          ("请按 2017-01-10 的格式输入日期", "type a date like 2017-01-10"))
        if text != day.isoformat():
            finding = Finding("date-as-text", WARNING,
                              f"“{raw}” 是文本，已按日期 {day.isoformat()} 读取",
                              f"{raw!r} is text; read as the date {day.isoformat()}",
                              "请按 2017-01-10 的格式输入日期", "type dates like 2017-01-10")
    assert day is not None
    if (start and day < start) or (end and day > end):
        first, last = start.isoformat() if start else "", end.isoformat() if end else ""
        return _error("date-out-of-range", f"日期 {day.isoformat()} 不在 {first} 至 {last} 之间",
                      f"date {day.isoformat()} is outside {first} to {last}",
                      (f"请输入 {first} 至 {last} 之间的日期",
                       f"type a date from {first} to {last}"))
    return Parsed(day.isoformat(), finding)


def parse_fill_date(raw: Any) -> Parsed:
    """The date a form was filled in: clerical, not scored — one that cannot be read is a
    warning (read as blank), not an error that stops the form from being used."""
    parsed = parse_date(raw)
    if parsed.finding is None or parsed.finding.rule != "not-a-date":
        return parsed
    raw = shown_raw(raw)
    return Parsed(None, Finding("not-a-date", WARNING,
                                f"“{raw}” 不能识别为日期，填报日期按空白读取（不影响计分）",
                                f"{raw!r} cannot be read as a date; the date of filling in is "
                                "taken as blank (scoring is not affected)",
                                "请按 2017-01-10 的格式输入日期", "type a date like 2017-01-10"))


_TRUE = {"是", "yes", "y", "true", "1", "√", "✓", "✔", "不适用", "n/a", "对"}
_FALSE = {"否", "no", "n", "false", "0", "×", "✗", "适用", "不"}


def parse_yes_no(raw: Any) -> Parsed:
    """是/否 (Yes/No and common marks) as True/False; blank as None."""
    if raw is None or (isinstance(raw, str) and raw.strip(_SPACES) == ""):
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return Parsed(bool(raw))
    text = unicodedata.normalize("NFKC", str(raw)).strip(_SPACES).casefold()
    if text in _TRUE:
        return Parsed(True)
    if text in _FALSE:
        return Parsed(False)
    raw = shown_raw(raw)
    return _error("not-in-list", f"“{raw}” 不是“是”或“否”", f"{raw!r} is not Yes or No",
                  ("请从下拉列表中选择“是”或“否”", "choose Yes or No from the drop-down list"))


def parse_choice(raw: Any, options: Mapping[str, Any], shown: list[str] | None = None,
                 shown_en: list[str] | None = None) -> Parsed:
    """One of the allowed options (matched after trimming, case-insensitively); blank as None.
    `shown` and `shown_en` are the choices a clerk is offered, in Chinese and in English."""
    if raw is None or (isinstance(raw, str) and raw.strip(_SPACES) == ""):
        return Parsed(None)
    text = unicodedata.normalize("NFKC", str(raw)).strip(_SPACES)
    if isinstance(raw, float) and raw.is_integer():
        text = show_number(raw)
    for key in (str(raw), text, text.casefold()):
        if key in options:
            return Parsed(options[key])
    folded = {str(k).casefold(): v for k, v in options.items()}
    if text.casefold() in folded:
        return Parsed(folded[text.casefold()])
    allowed = shown or [str(k) for k in options]
    raw = shown_raw(raw)
    return _error("not-in-list", f"“{raw}” 不在可选项中", f"{raw!r} is not one of the options",
                  (f"请从下拉列表中选择：{'、'.join(allowed)}",
                   f"choose from the list: {', '.join(shown_en or allowed)}"))
