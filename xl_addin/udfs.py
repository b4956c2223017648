"""Excel custom functions (UDFs) for quick recalculation: KAOHE_SCORE, KAOHE_SCORES, KAOHE_RANK,
KAOHE_GRADE and KAOHE_EXPLAIN.

Classic add-in (Windows): list `xl_addin.udfs` under "UDF Modules" and press "Import Functions".
xlwings Lite / Server: import this module from the project's main.py. On other systems the
decorators are no-ops, so the functions are plain Python (that is how the tests call them).

A cell that cannot be scored gives a short error text such as "#缺少数据" in its own row; the
rest of the column is still computed. Each function converts, calls xl_addin.convert (which
calls the engine) and returns; the rules live in the engine.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from xl_addin.convert import (
    as_column,
    explain_or_message,
    grade_in_scheme,
    rank_in_scheme,
    score_column,
    score_or_code,
)

__all__ = ["KAOHE_SCORE", "KAOHE_SCORES", "KAOHE_RANK", "KAOHE_GRADE", "KAOHE_EXPLAIN"]

CATEGORY = "kaohe 考核"
METHOD_DOC = ("评分方法，如 completion、base_step、tiered、pass_fail、rating — "
              "scoring method, e.g. completion")
ACTUAL_DOC = ("完成值（deduction/bonus 为次数，rating 为等次，ballot/satisfaction 为票数 JSON）— "
              "actual value (a count, a rating label or vote counts for those methods)")
TARGET_DOC = "目标值，不需要时留空 — target value, blank when the method needs none"
FULL_DOC = "满分（责任分值）— full score of the indicator"
PARAMS_DOC = ('评分参数 JSON，如 {"cap": 1.2, "direction": "lower"}，可留空 — '
              'scoring parameters as JSON, may be blank')
SCHEME_DOC = "考核方案 JSON 文件路径，留空用内置方案 — scheme JSON path (blank: embedded scheme)"


@xw.func(category=CATEGORY)
@xw.arg("method", doc=METHOD_DOC, err_to_str=True)
@xw.arg("actual", doc=ACTUAL_DOC, err_to_str=True)
@xw.arg("target", doc=TARGET_DOC, err_to_str=True)
@xw.arg("full_score", doc=FULL_DOC, err_to_str=True)
@xw.arg("params", doc=PARAMS_DOC, err_to_str=True)
def KAOHE_SCORE(method: Any, actual: Any, target: Any, full_score: Any,  # noqa: N802
                params: Any = None) -> Any:
    """按考核规则计算一项指标的得分（与汇总引擎一致）；数据有误时返回 #缺少数据 等提示。
    Points of one indicator by the engine's rule; an error text such as #缺少数据 otherwise.

    例 Example: =KAOHE_SCORE("completion", 7.0, 7.5, 8) → 7.47
    """
    return score_or_code(method, actual, target, full_score, params)


@xw.func(category=CATEGORY)
@xw.arg("methods", doc="评分方法列（或一个单元格）— column of methods (or one cell)",
        ndim=1, err_to_str=True)
@xw.arg("actuals", doc="完成值列 — column of actual values", ndim=1, err_to_str=True)
@xw.arg("targets", doc="目标值列 — column of targets", ndim=1, err_to_str=True)
@xw.arg("full_scores", doc="满分列（或一个单元格）— column of full scores (or one cell)",
        ndim=1, err_to_str=True)
@xw.arg("params", doc=PARAMS_DOC + "（列或一个单元格 column or one cell）", ndim=1,
        err_to_str=True)
def KAOHE_SCORES(methods: Any, actuals: Any, targets: Any, full_scores: Any,  # noqa: N802
                 params: Any = None) -> Any:
    """整列计算得分，一次调用返回一列；空白、错误值或文字所在行显示 #缺少数据 等，其余照常计算。
    Scores a whole column in one call and spills a column; bad rows show an error text.

    例 Example: =KAOHE_SCORES(D2:D40, F2:F40, E2:E40, C2:C40)
    """
    return as_column(score_column(methods, actuals, targets, full_scores, params))


@xw.func(category=CATEGORY)
@xw.arg("scores", doc="得分列 — column of scores", ndim=1, err_to_str=True)
@xw.arg("groups", doc="组别列，可留空（全部同组）— column of groups, blank: one group",
        ndim=1, err_to_str=True)
@xw.arg("tie_breakers", doc="并列时依次比较的列（如年终考核得分）— tie-breaker columns",
        ndim=2, err_to_str=True)
@xw.arg("scheme", doc=SCHEME_DOC)
def KAOHE_RANK(scores: Any, groups: Any = None, tie_breakers: Any = None,  # noqa: N802
               scheme: Any = None) -> Any:
    """组内排名：先按方案的小数位与舍入方式取整，并列者名次相同（1、2、2、4）。
    Rank within each group after the scheme's rounding; ties share the rank (1, 2, 2, 4).

    例 Example: =KAOHE_RANK(H2:H35, B2:B35)
    """
    return as_column(rank_in_scheme(scores, groups, tie_breakers, scheme))


@xw.func(category=CATEGORY)
@xw.arg("score", doc="总分（一个或一列）— total score (one cell or a column)", ndim=1,
        err_to_str=True)
@xw.arg("group", doc="组别编号或名称，如 county 或 县市 — group id or name", ndim=1,
        err_to_str=True)
@xw.arg("scheme", doc=SCHEME_DOC)
def KAOHE_GRADE(score: Any, group: Any = None, scheme: Any = None) -> Any:  # noqa: N802
    """按方案的等次分数线给出等次（未计名额与评优限制，最终等次以汇总结果为准）。
    Grade by the scheme's bands for the group (quotas and gates are applied at consolidation).

    例 Example: =KAOHE_GRADE(H2, "county") → 好
    """
    grades = grade_in_scheme(score, group, scheme)
    return grades[0] if len(grades) == 1 else as_column(grades)


@xw.func(category=CATEGORY)
@xw.arg("method", doc=METHOD_DOC, err_to_str=True)
@xw.arg("actual", doc=ACTUAL_DOC, err_to_str=True)
@xw.arg("target", doc=TARGET_DOC, err_to_str=True)
@xw.arg("full_score", doc=FULL_DOC, err_to_str=True)
@xw.arg("params", doc=PARAMS_DOC, err_to_str=True)
@xw.arg("lang", doc="zh（中文，默认）或 en — language of the explanation")
def KAOHE_EXPLAIN(method: Any, actual: Any, target: Any, full_score: Any,  # noqa: N802
                  params: Any = None, lang: Any = "zh") -> Any:
    """一句话说明得分是怎样算出的（与汇总结果中的说明相同）。
    The one-line explanation of the points, as in the consolidated results.

    例 Example: =KAOHE_EXPLAIN("completion", 7, 7.5, 8) → 完成率 93.33%（…）…
    """
    return explain_or_message(method, actual, target, full_score, params, lang)
