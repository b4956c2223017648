"""Writes docs/validation.md: every validation rule with the message and hint a clerk reads.

Run: python scripts/make_rules_doc.py   (tests/test_rules_doc.py checks the file is current)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "validation.md"

HEAD = """# Validation rules

Every finding that `kaohe validate`, `kaohe consolidate`, the add-in's 校验结果 sheet and
`kaohe scheme import` report carries a stable rule slug, the file, sheet and cell, a message
and a fix hint in Chinese and English. This page lists the validators' rules; it is generated
from `validators/messages/` by `scripts/make_rules_doc.py` (a test keeps it current). The
template reader's own value findings (number-as-text, full-width-number, percent-sign,
percent-typed, approximate-number …) come with their texts from `workbook_templates/values.py`
and are listed, each on an example, at the end of this page.
Braces such as `{value}` are filled in with the facts of each finding. Each finding also
names what the cell holds — `label` in Chinese (地区生产总值增长·完成值), `label_en` in English
(GDP growth · actual), from the scheme's names — shown before the message, so a message never
repeats it; choices are listed in the order the drop-down offers them.

Whose a file is: its hidden `_meta` sheet says it, and the locked header of its data sheet
(被考核单位 / 牵头考核部门, D4) must name the same unit or department
(`header-owner-mismatch` otherwise). Its file name — `单位自评表_<unit name>.xlsx` as the
templates are named (`单位自评表_<unit id>.xlsx` before), or the unit's name or id in it — is
compared with that (`file-name-mismatch`),
and for a file that cannot be read or identified it is what says whose the file probably is:
the roster then reports "收到了 …（疑似…），但无法读取：…" for that unit instead of "未收到",
and files whose name points at no one are listed once (`unidentified-file`). The roster
(`missing-submission`) is checked for a folder holding files of two or more units, departments
or registers; `kaohe validate --roster/--no-roster` decides otherwise (`roster-skipped` is
the line said when it is not checked).

Annotated copies (`kaohe validate … --annotate DIR`) are copies of the clerks' files (the
originals are only read) with a first sheet 校验结果 (English: Validation) listing every
finding, and each flagged cell coloured (errors red, warnings yellow), boxed (a black-and-white
printer keeps the border) and given a note: the finding's number in the list, the message and
the fix hint. They are made to be printed: a sheet's print area grows to take in every flagged
cell (below or right of the table, or in a hidden row or column, which is then shown; a cell
more than 200 rows or 26 columns beyond it is on the list only, so the table is not shrunk to
nothing), flagged sheets print their row and column headings so the cell the list names can
be found on paper, and Excel prints the notes at the end of the sheet (LibreOffice does not
print notes). The list prints A4 landscape, one page wide, its header row on every page, long
messages wrapped, the file's name at the top and a colour legend at the foot.

A damaged or hostile workbook is one finding, never a crash: a sheet python-calamine cannot
read (a row numbered 0, a cell reference without a row, a part missing from the zip) is
`read-failed` at that sheet (“这张工作表的内容已损坏，无法读取”), a number no date or time
format can show (-1E+20 in a cell formatted h:mm) `read-failed` at its cell (its hint,
`read-failed-number`: correct the number or clear the cell's date format), and a cell
reference far beyond any sheet (r="A99999999", however the attribute is spelled) is
`too-many-cells` before anything reads the sheet. A blank `_meta` value reads “（空白）” in
a message, dates and times read as Excel shows them, and control characters (invisible in
Excel) are shown as □, the message saying the cell holds them.

The validators are grouped by concept: `validators/container/` (the untrusted-file gate: size,
zip directory, XML parts), `validators/reading/` (reading a workbook, locating a document path
at its cell, whose a file is), `validators/rules/` (the JSON Schemas, values of unit reports and
lead sheets, registers, free text, error values, table edges, tampering), `validators/scheme/`
(the scheme's own checks) and `validators/messages/` (these texts). The column *where* names the
module that makes each finding, so a rule is one hop from its slug.

| rule | where | 问题 | 修改建议 | message | hint |
|---|---|---|---|---|---|
"""


def _where_made() -> dict[str, str]:
    """Slug -> the modules (outside the message tables) whose code names it as a string."""
    import re

    from validators.messages import MESSAGES

    found: dict[str, list[str]] = {}
    for package in ("validators", "workbook_templates", "kaohe"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "messages" in path.relative_to(ROOT).parts:
                continue
            text = path.read_text(encoding="utf-8")
            name = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
            keys = set(re.findall(r"[\"']([a-z][a-z0-9-]+)[\"']", text)) & MESSAGES.keys()
            # slugs made by formatting, f"blank-{name}": every slug with that prefix
            for prefix in re.findall(r"f[\"']([a-z][a-z0-9]*-)\{", text):
                keys |= {key for key in MESSAGES if key.startswith(prefix)}
            for key in keys:
                found.setdefault(key, []).append(name.removesuffix(".__init__"))
    return {key: ", ".join(f"`{m}`" for m in mods[:3]) + (" …" if len(mods) > 3 else "")
            for key, mods in found.items()}


def render() -> str:
    """The whole page as text."""
    from validators.messages import MESSAGES

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    where = _where_made()
    rows = [f"| `{key}` | {where.get(key, '')} | {cell(zh)} | {cell(hint)} | {cell(en)} "
            f"| {cell(hint_en)} |"
            for key, (zh, en, hint, hint_en) in sorted(MESSAGES.items())]
    return HEAD + "\n".join(rows) + "\n" + _typed_values(cell)


# What the template reader says of a typed value (workbook_templates/values.py), each shown on
# an example: (slug, what is typed, the reader's call).
def _reader_examples() -> list[tuple[str, str, object]]:
    from datetime import date

    from workbook_templates.values import (
        TypedPercent,
        parse_date,
        parse_fill_date,
        parse_number,
        parse_yes_no,
    )

    return [
        ("number-as-text", "'85", parse_number("85")),
        ("full-width-number", "８５", parse_number("８５")),
        ("thousands-separator", "'12,345", parse_number("12,345")),
        ("stray-spaces", "' 85 ", parse_number(" 85 ")),
        ("percent-sign", "'85% (a % column)", parse_number("85%", percent=True)),
        ("percent-typed", "7.5% (a % column: stored 0.075, formatted 0.0%)",
         parse_number(TypedPercent(0.075), percent=True)),
        ("percent-not-allowed", "85% (a column of 项: stored 0.85, formatted 0%)",
         parse_number(TypedPercent(0.85))),
        ("percent-not-allowed", "'85% (not a % column)", parse_number("85%")),
        ("approximate-number", "约80", parse_number("约80")),
        ("number-range-text", "80-90", parse_number("80-90")),
        ("placeholder-text", "—", parse_number("—")),
        ("decimal-comma", "12,3", parse_number("12,3")),
        ("not-a-number", "很好", parse_number("很好")),
        ("not-an-integer", "2.5 (a count)", parse_number(2.5, integer=True)),
        ("out-of-range", "120 (at most 100)", parse_number(120, low=0, high=100)),
        ("date-not-number", "2017-01-02 (a number column)", parse_number(date(2017, 1, 2))),
        ("date-as-number", "42745 (pasted, General)", parse_date(42745)),
        ("date-as-text", "2017年1月10日", parse_date("2017年1月10日")),
        ("not-a-date", "明年 (a date of filling in)", parse_fill_date("明年")),
        ("not-in-list", "也许 (是/否)", parse_yes_no("也许")),
    ]


def _typed_values(cell: object) -> str:
    """The reader's findings on typed values, from the parsers themselves."""
    lines = ["", "## Typed values (the template reader)", "",
             "What `workbook_templates/values.py` says of a typed value, shown on an example "
             "(generated by calling the parsers). A warning means the value was read as "
             "meant; an error means it was not used. A cell's number format counts: Excel, "
             "WPS and LibreOffice store a typed `7.5%` as 0.075 in a percent-formatted cell, "
             "which is read as 7.5 in a column measured in % (`percent-typed`) and refused "
             "elsewhere (85% typed for a number of 项: 85 items, or 85 % of the target?). "
             "Whether a value may be negative is the scheme's `may_be_negative` per indicator "
             "(`negative-value` otherwise), the one source the template's data validation and "
             "self-check (自查) use too.", "",
             "| rule | severity | typed | 问题 | 修改建议 | message |", "|---|---|---|---|---|---|"]
    for slug, typed, parsed in _reader_examples():
        found = parsed.finding  # type: ignore[attr-defined]
        assert found is not None and found.rule == slug, (slug, found)
        lines.append(f"| `{slug}` | {found.severity} | `{cell(typed)}` | "  # type: ignore
                     f"{cell(found.message)} | {cell(found.hint)} | "  # type: ignore
                     f"{cell(found.message_en)} |")  # type: ignore
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(OUT)
