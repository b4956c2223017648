"""Pure helpers behind the UDFs: Excel cell values in, engine calls, per-cell results out.

Nothing here imports xlwings, so every rule is testable as plain Python. A cell that cannot
be scored never stops a whole column: it becomes a short error text that starts with "#"
(like Excel's own errors) and says what is wrong, e.g. "#缺少数据".
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from kaohe.engine.methods import GROUP_RELATIVE, SCORERS, Inputs, Scored
from kaohe.engine.model import Scheme
from kaohe.engine.numbers import round_score
from kaohe.engine.ranking import band_grade
from kaohe.errors import KaoheError, MissingInput, SchemeError

__all__ = [
    "MISSING", "INPUT_ERROR", "NOT_NUMBER", "UNKNOWN_METHOD", "BAD_PARAMS", "NOT_SCORED",
    "UNKNOWN_GROUP", "SCHEME_ERROR", "CODES", "CellProblem", "column", "broadcast", "code_for",
    "score_cell",
    "score_or_code", "explain_or_message", "score_column", "rank_column", "grade_column",
    "scheme_at", "as_column", "rank_in_scheme", "grade_in_scheme",
]

# Per-cell error texts (Chinese first, as the clerks read them; English in CODES).
MISSING = "#缺少数据"        # blank cell, or a value the method needs is not given
INPUT_ERROR = "#输入错误"     # the input cell itself holds an Excel error (#DIV/0!, #N/A …)
NOT_NUMBER = "#不是数字"      # text (or TRUE/FALSE, a date) where a number is needed
UNKNOWN_METHOD = "#未知方法"  # not one of the engine's scoring methods
BAD_PARAMS = "#参数错误"      # params JSON unreadable, or rejected by the method
NOT_SCORED = "#无法计分"      # any other reason the engine gives (e.g. an unknown rating)
UNKNOWN_GROUP = "#未知组别"   # KAOHE_GRADE: the group is not in the scheme
SCHEME_ERROR = "#方案错误"    # the scheme file cannot be read or is invalid

CODES = {MISSING: "missing data", INPUT_ERROR: "the input cell holds an Excel error",
         NOT_NUMBER: "not a number", UNKNOWN_METHOD: "unknown scoring method",
         BAD_PARAMS: "bad scoring parameters", NOT_SCORED: "cannot be scored",
         UNKNOWN_GROUP: "unknown group", SCHEME_ERROR: "the scheme cannot be loaded"}

# Excel's error values as text (xlwings' err_to_str, Office.js) ...
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
                          "#CONNECT!", "#UNKNOWN!", "#BUSY!", "#PYTHON!"})
# ... and as the COM error codes classic xlwings hands over without err_to_str.
COM_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?",
              -2146826288: "#NULL!", -2146826252: "#NUM!", -2146826265: "#REF!",
              -2146826273: "#VALUE!"}

# Methods whose `actual` argument is not a measured value.
COUNT_METHODS = frozenset({"deduction", "bonus"})
LABEL_METHODS = frozenset({"rating"})
TALLY_METHODS = frozenset({"ballot", "satisfaction"})


class CellProblem(KaoheError):
    """One cell cannot be used; `code` is the per-cell error text shown in Excel."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message, message_en)
        self.code = code


# -- cells ----------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    """An empty cell as any runtime sends it: None, "" or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def excel_error(value: Any) -> str | None:
    """The Excel error a cell holds ("#DIV/0!" …), or None."""
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return value.strip().upper()
    if isinstance(value, int) and not isinstance(value, bool) and value in COM_ERRORS:
        return COM_ERRORS[value]
    return None


def to_number(value: Any, what: str, what_en: str, *, optional: bool = False) -> float | None:
    """A finite number from a cell; blank gives None when optional, else a CellProblem."""
    if is_blank(value):
        if optional:
            return None
        raise CellProblem(MISSING, f"缺少{what}", f"missing {what_en}")
    error = excel_error(value)
    if error:
        raise CellProblem(INPUT_ERROR, f"{what}单元格为错误值 {error}",
                          f"the {what_en} cell holds the error {error}")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CellProblem(NOT_NUMBER, f"{what}应为数字：{value!r}",
                          f"{what_en} must be a number: {value!r}")
    return float(value)


def to_text(value: Any, what: str, what_en: str) -> str:
    """A non-blank text from a cell (numbers are written as Excel shows them)."""
    if is_blank(value):
        raise CellProblem(MISSING, f"缺少{what}", f"missing {what_en}")
    error = excel_error(value)
    if error:
        raise CellProblem(INPUT_ERROR, f"{what}单元格为错误值 {error}",
                          f"the {what_en} cell holds the error {error}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column(values: Any) -> list[Any]:
    """A range as a flat list: a scalar is one row, a 2-D range is read row by row."""
    if not isinstance(values, list | tuple):
        return [values]
    flat: list[Any] = []
    for item in values:
        flat.extend(item if isinstance(item, list | tuple) else [item])
    return flat


def broadcast(*columns: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of several columns; a one-cell column repeats for every row (like a constant)."""
    length = max((len(c) for c in columns), default=0)
    if any(len(c) not in (1, length) for c in columns):
        raise CellProblem(BAD_PARAMS, "各列行数不一致", "the columns differ in length")
    return [tuple(c[0] if len(c) == 1 else c[i] for c in columns) for i in range(length)]


def code_for(exc: Exception) -> str:
    """The per-cell error text for an exception raised while scoring one cell."""
    if isinstance(exc, CellProblem):
        return exc.code
    if isinstance(exc, MissingInput):
        return MISSING
    if isinstance(exc, SchemeError):
        return BAD_PARAMS
    return NOT_SCORED


# -- scoring ----------------------------------------------------------------------------------


def parse_params(text: Any) -> dict[str, Any]:
    """The optional params cell: blank, or a JSON object like {"cap": 1.2, "direction": "lower"}."""
    if is_blank(text):
        return {}
    if isinstance(text, Mapping):
        return dict(text)
    try:
        params = json.loads(str(text))
    except ValueError as exc:
        raise CellProblem(BAD_PARAMS, f"参数不是有效的 JSON：{exc}",
                          f"params are not valid JSON: {exc}") from exc
    if not isinstance(params, dict):
        raise CellProblem(BAD_PARAMS, "参数应为 JSON 对象，如 {\"cap\": 1.2}",
                          'params must be a JSON object, e.g. {"cap": 1.2}')
    return params


def _tally(value: Any) -> dict[str, float]:
    """Vote counts for ballot/satisfaction: a JSON object text like {"满意": 300, "不满意": 12}."""
    counts = parse_params(to_text(value, "票数", "vote counts"))
    return {str(k): float(v) for k, v in counts.items()}


def _inputs(method: str, actual: Any, target: Any, peers: Sequence[float],
            params: Mapping[str, Any]) -> Inputs:
    """The engine's Inputs for one cell: `actual` is a count, a label or a tally by method."""
    if method in COUNT_METHODS:
        return Inputs(count=to_number(actual, "次数/项数", "count"))
    if method in LABEL_METHODS:
        return Inputs(rating=to_text(actual, "评定等次", "rating"))
    if method in TALLY_METHODS:
        return Inputs(counts=_tally(actual), invalid=float(params.get("invalid") or 0))
    return Inputs(actual=to_number(actual, "完成值", "actual value"),
                  target=to_number(target, "目标值", "target value", optional=True),
                  peers=tuple(peers))


def _scheme_defaults(method: str, params: dict[str, Any]) -> dict[str, Any]:
    """Ballot grades and satisfaction options default to the embedded scheme's."""
    if method == "ballot" and "grades" not in params:
        params["grades"] = dict(scheme_at(None).ballot_grades)
    if method == "satisfaction" and "options" not in params:
        scheme = scheme_at(None)
        params.setdefault("excluded", list(scheme.satisfaction_excluded))
        params["options"] = dict(scheme.satisfaction_options)
    return params


def score_cell(method: Any, actual: Any, target: Any, full_score: Any, params: Any = None,
               peers: Sequence[float] = ()) -> Scored:
    """Score one indicator with the engine; raises KaoheError (a CellProblem for bad cells)."""
    name = to_text(method, "评分方法", "scoring method")
    if name not in SCORERS:
        raise CellProblem(UNKNOWN_METHOD, f"未知的评分方法「{name}」（可用：{'、'.join(SCORERS)}）",
                          f"unknown scoring method {name!r} (one of {', '.join(SCORERS)})")
    options = _scheme_defaults(name, parse_params(params))
    direction = str(options.pop("direction", "higher"))
    given_peers = options.pop("peers", None)
    peers = tuple(float(p) for p in given_peers) if given_peers is not None else tuple(peers)
    full = to_number(full_score, "满分", "full score")
    inputs = _inputs(name, actual, target, peers, options)
    return SCORERS[name](inputs, options, float(full or 0.0), direction)


def score_or_code(method: Any, actual: Any, target: Any, full_score: Any,
                  params: Any = None, peers: Sequence[float] = ()) -> float | str:
    """The engine's points, or the per-cell error text."""
    try:
        return score_cell(method, actual, target, full_score, params, peers).points
    except KaoheError as exc:
        return code_for(exc)


def explain_or_message(method: Any, actual: Any, target: Any, full_score: Any,
                       params: Any = None, lang: Any = "zh") -> str:
    """The engine's one-line explanation, or the error text followed by what is wrong."""
    english = str(lang or "zh").strip().lower().startswith("en")
    try:
        scored = score_cell(method, actual, target, full_score, params)
    except KaoheError as exc:
        return f"{code_for(exc)} {exc.message_en if english else exc.message}"
    return scored.explanation_en if english else scored.explanation


def _peers_by_method(rows: Sequence[tuple[Any, ...]]) -> dict[Any, tuple[float, ...]]:
    """Group-relative methods compare with the other rows of the same method in the column."""
    peers: dict[Any, list[float]] = {}
    for method, actual, *_ in rows:
        if method in GROUP_RELATIVE and isinstance(actual, int | float) \
                and not isinstance(actual, bool) and excel_error(actual) is None:
            peers.setdefault(method, []).append(float(actual))
    return {method: tuple(values) for method, values in peers.items()}


def score_column(methods: Any, actuals: Any, targets: Any, full_scores: Any,
                 params: Any = None) -> list[float | str]:
    """One result per row; a one-cell argument (e.g. one method or one params text) repeats."""
    try:
        rows = broadcast(column(methods), column(actuals), column(targets),
                         column(full_scores), column(params))
    except CellProblem as exc:
        return [exc.code]
    peers = _peers_by_method(rows)
    return [score_or_code(m, a, t, f, p, peers.get(m, ())) for m, a, t, f, p in rows]


# -- ranking and grades -------------------------------------------------------------------------


def _rank_key(score: Any, breakers: Sequence[Any], digits: int, mode: str) -> tuple[float, ...]:
    """Rounded score, then rounded tie-breakers (blank counts 0, as in the engine)."""
    values = [to_number(score, "得分", "score")]
    values += [to_number(b, "并列比较项", "tie-breaker", optional=True) or 0.0 for b in breakers]
    return tuple(round_score(float(v or 0.0), digits, mode) for v in values)


def rank_column(scores: Any, groups: Any = None, tie_breakers: Any = None,
                digits: int = 2, mode: str = "half_up") -> list[int | str]:
    """Rank within each group after rounding; ties share the best rank (1, 2, 2, 4)."""
    score_cells = column(scores)
    group_cells = [""] if is_blank(groups) else column(groups)
    try:
        rows = broadcast(score_cells, group_cells, _breaker_rows(tie_breakers))
    except CellProblem as exc:
        return [exc.code]
    keys: list[tuple[Any, tuple[float, ...] | str]] = []
    for score, group, breakers in rows:
        try:
            keys.append((group, _rank_key(score, breakers, digits, mode)))
        except CellProblem as exc:
            keys.append((group, exc.code))
    return [_rank_of(group, key, keys) for group, key in keys]


def _rank_of(group: Any, key: tuple[float, ...] | str,
             keys: Sequence[tuple[Any, tuple[float, ...] | str]]) -> int | str:
    """1 + the number of rows of the same group with a strictly better key (the engine's rule)."""
    if isinstance(key, str):
        return key
    return 1 + sum(1 for g, other in keys if g == group and not isinstance(other, str)
                   and other > key)


def _breaker_rows(tie_breakers: Any) -> list[tuple[Any, ...]]:
    """Tie-breaker columns as one tuple per row (a 2-D range: one column per breaker)."""
    if is_blank(tie_breakers):
        return [()]
    rows = tie_breakers if isinstance(tie_breakers, list | tuple) else [tie_breakers]
    return [tuple(r) if isinstance(r, list | tuple) else (r,) for r in rows]


def _group_id(scheme: Scheme, group: Any) -> str:
    """A group given by id or by name; blank is fine when the scheme has one group only."""
    if is_blank(group) and len(scheme.groups) == 1:
        return scheme.groups[0].id
    wanted = to_text(group, "组别", "group")
    for candidate in scheme.groups:
        if wanted in (candidate.id, candidate.name, candidate.name_en):
            return candidate.id
    raise CellProblem(UNKNOWN_GROUP, f"方案中没有组别「{wanted}」",
                      f"the scheme has no group {wanted!r}")


def grade_for(scheme: Scheme, score: Any, group: Any) -> str:
    """The band grade of a rounded score in its group (quotas and gates are not applied)."""
    try:
        group_id = _group_id(scheme, group)
        total = round_score(float(to_number(score, "得分", "score") or 0.0),
                            scheme.rounding.digits, scheme.rounding.mode)
    except CellProblem as exc:
        return exc.code
    return band_grade(scheme, group_id, total)


def grade_column(scheme: Scheme, scores: Any, groups: Any) -> list[str]:
    """grade_for on every row; one group cell repeats for every score."""
    try:
        rows = broadcast(column(scores), column(groups))
    except CellProblem as exc:
        return [exc.code]
    return [grade_for(scheme, score, group) for score, group in rows]


# -- schemes ------------------------------------------------------------------------------------


def scheme_at(path: Any = None) -> Scheme:
    """The scheme at a path (blank: $KAOHE_SCHEME, else the embedded one), cached by mtime."""
    chosen = None if is_blank(path) else str(path).strip()
    chosen = chosen or os.environ.get("KAOHE_SCHEME") or None
    if chosen is None:
        return _load(None, 0.0)
    resolved = Path(chosen).expanduser().resolve()
    return _load(str(resolved), resolved.stat().st_mtime if resolved.exists() else 0.0)


@lru_cache(maxsize=8)
def _load(path: str | None, mtime: float) -> Scheme:
    from kaohe.pipeline.documents import load_scheme  # a file read: the pipeline's job

    return load_scheme(Path(path) if path else None)


def _scheme_or_none(path: Any) -> Scheme | None:
    """scheme_at, or None when the file cannot be read or is not a valid scheme."""
    try:
        return scheme_at(path)
    except (KaoheError, OSError):
        return None


def rank_in_scheme(scores: Any, groups: Any = None, tie_breakers: Any = None,
                   scheme_path: Any = None) -> list[int | str]:
    """rank_column with the scheme's rounding (digits and mode)."""
    scheme = _scheme_or_none(scheme_path)
    if scheme is None:
        return [SCHEME_ERROR]
    return rank_column(scores, groups, tie_breakers, scheme.rounding.digits, scheme.rounding.mode)


def grade_in_scheme(scores: Any, groups: Any = None, scheme_path: Any = None) -> list[str]:
    """grade_column against the scheme's bands."""
    scheme = _scheme_or_none(scheme_path)
    return [SCHEME_ERROR] if scheme is None else grade_column(scheme, scores, groups)


def as_column(values: Sequence[Any]) -> list[list[Any]]:
    """A flat result as the one-column 2-D list Excel spills down."""
    return [[value] for value in values]
