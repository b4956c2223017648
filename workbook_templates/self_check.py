"""The unit report's own self-check (自查), with native formulas and conditional formatting only:
no Python, no macros — it works in Excel, WPS and LibreOffice as the clerk types.

What it looks for is what validation says most often about a typed actual value: a number
stored as text, a value typed with a % sign (the cell took a percent format: Excel, WPS and
LibreOffice store 7.5% as 0.075), a negative value where the scheme's bounds allow none
(Indicator.negative_allowed: the one source of bounds), and a required value left blank
(highlighted once the clerk has typed any number, so a fresh form stays plainly yellow).
Each is highlighted at its cell; the 自查 cell at the top counts them ("自查：2 处需修改");
the provisional points of such a row say why they show nothing instead of a wrong figure.

>>> guarded("=IF(ISNUMBER(I11),8,\\"\\")", "I11", "zh")
'=IF(ISTEXT(I11),"请改为数字",IF(LEFT(CELL("format",I11),1)="P","请去掉%号",IF(ISNUMBER(I11),8,"")))'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["guarded", "self_check_formula", "highlight_actuals", "is_percent_format"]

_NOTES = {"zh": ("请改为数字", "请去掉%号", "自查：未发现问题", "自查：", " 处需修改"),
          "en": ("Type a number", "Remove the %", "Self-check: nothing to fix",
                 "Self-check: ", " to fix")}
#: Fill and font of a cell the self-check flags (light red, dark red: Excel's "bad" style).
FLAG_FILL, FLAG_FONT = "FFC7CE", "9C0006"


def _notes(lang: str) -> tuple[str, ...]:
    return _NOTES["en" if lang == "en" else "zh"]


def is_percent_format(cell: str) -> str:
    """True (in a formula) when `cell` shows a percent format: CELL("format") is P0, P2 …"""
    return f'LEFT(CELL("format",{cell}),1)="P"'


def guarded(formula: str, actual: str, lang: str = "zh") -> str:
    """A row's points formula that says why it shows nothing: a number stored as text, or a
    percent typed (the engine reads the first, and 7.5% in a % row, as meant: the clerk is
    asked to type the plain number, which the formula then scores as the engine does)."""
    text, percent = _notes(lang)[:2]
    return (f'=IF(ISTEXT({actual}),"{text}",IF({is_percent_format(actual)},"{percent}",'
            f"{formula.removeprefix('=')}))")


def self_check_formula(actuals: Sequence[tuple[int, bool]], first: int, last: int,
                       column: str = "I", na_column: str = "L", na_yes: str = "是",
                       lang: str = "zh") -> str:
    """The 自查 cell: how many actual cells need fixing. `actuals` are (row, may be negative)
    of the rows the unit reports; `first`..`last` the table's rows (lead rows, keyed with an
    @, hold a label in the actual column and are left out)."""
    rng = f"{column}{first}:{column}{last}"
    own = f'ISERROR(FIND("@",A{first}:A{last}))'
    terms = [f"SUMPRODUCT(ISTEXT({rng})*{own})",
             f'SUMPRODUCT(({rng}="")*({na_column}{first}:{na_column}{last}<>"{na_yes}")*{own})'
             f"*(COUNT({rng})>0)"]
    terms += [f"({is_percent_format(f'{column}{row}')})" for row, _ in actuals]
    terms += [f"(N({column}{row})<0)" for row, negative in actuals if not negative]
    count = "+".join(terms)
    fine, head, tail = _notes(lang)[2:]
    return f'=IF(({count})=0,"{fine}","{head}"&({count})&"{tail}")'


def highlight_actuals(ws: Any, actuals: Sequence[tuple[int, bool]], first: int, last: int,
                      column: str = "I", na_column: str = "L", na_yes: str = "是") -> None:
    """Conditional formatting of the actual cells: text, a percent format, below the bound,
    blank once anything is typed — each flagged light red at the cell."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    def rule(formula: str) -> Any:
        return FormulaRule(formula=[formula], fill=PatternFill(bgColor=FLAG_FILL),
                           font=Font(color=FLAG_FONT), stopIfTrue=False)

    top = f"{column}{first}"
    whole = f"{top}:{column}{last}"
    own = f'ISERROR(FIND("@",$A{first}))'
    ws.conditional_formatting.add(whole, rule(f"AND(ISTEXT({top}),{own})"))
    ws.conditional_formatting.add(whole, rule(is_percent_format(top)))
    ws.conditional_formatting.add(whole, rule(
        f'AND({top}="",${na_column}{first}<>"{na_yes}",{own},'
        f"COUNT(${column}${first}:${column}${last})>0)"))
    for row, negative in actuals:
        if not negative:
            cell = f"{column}{row}"
            ws.conditional_formatting.add(cell, rule(f"AND(ISNUMBER({cell}),{cell}<0)"))
