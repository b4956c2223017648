"""Whose a file is by its name: the unit, lead department or register a file name points at.

The template builder names files `单位自评表_<unit id>.xlsx`, `牵头部门评分表_<dept id>.xlsx`,
`加扣分登记表.xlsx` … (English: `unit_report_<id>.xlsx` …; `workbook_templates.labels.
KIND_FILES`); clerks often rename them after their unit (`福海县自评表.xlsx`). A name is
matched by the kind words in it and by a unit's or department's id (as a whole word),
Chinese name or English name; a match inside a longer match does not count (`fgw` in
`d_fgw`). Only the name is looked at: this is what a file that cannot be read or
identified may still tell, and what a readable file's content is compared with.

>>> from kaohe.engine import Scheme
>>> from kaohe.pipeline.documents import default_scheme_document
>>> scheme = Scheme.from_document(default_scheme_document())
>>> owner_from_file_name("收集/单位自评表_d_fgw - 副本.xlsx", scheme)[:3]
('unit_report', 'd_fgw', '地区发展和改革委员会')
>>> owner_from_file_name("牵头部门评分表_fgw.xlsx", scheme).name
'地区发改委'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kaohe.engine.model import Scheme
from kaohe.labels import KIND_NAMES
from validators.messages import finding
from validators.reading.tables import scheme_table
from validators.report import WARNING, Issue, Report

__all__ = ["NamedOwner", "owner_from_file_name", "owner_names", "REGISTERS", "arrived_unusable",
           "unidentified_files", "expected_submissions", "shown_path", "shown_report"]


def shown_path(path: str | Path) -> str:
    """The path as text every output can hold: a name that is not valid UTF-8 (what unzip
    leaves of a Windows zip's GBK names) shown with replacement characters; the file on
    disk keeps its bytes.

    >>> shown_path("单位自评表.xlsx"), shown_path(os.fsdecode("单位".encode("gbk")))
    ('单位自评表.xlsx', '\ufffd\ufffd\ufffd')
    """
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "replace")
    return text


def shown_report(path: str | Path, report: Report) -> str:
    """shown_path(path), and the report's findings located by it (in place)."""
    shown = shown_path(path)
    if shown != str(path):
        report.file = shown
        report.issues = [i.located(file=shown) if i.file == str(path) else i
                         for i in report.issues]
    return shown

#: The office's registers: one file each, owned by no unit.
REGISTERS = ("adjustments", "routine", "ballots")
# Words of each kind in a file name: the builder's (Chinese, English) and short forms.
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "unit_report": ("单位自评表", "unit_report", "自评表", "任务书"),
    "lead_scores": ("牵头部门评分表", "lead_scores", "评分表"),
    "adjustments": ("加扣分登记表", "adjustments", "加扣分"),
    "routine": ("平时考核汇总表", "routine", "平时考核"),
    "ballots": ("民主测评及满意度统计表", "ballots", "民主测评", "满意度"),
    # Not submissions: the office's own files (a feedback workbook names its unit too).
    "": ("结果反馈", "feedback", "考核方案", "scheme", "考核结果", "results"),
}


class NamedOwner(NamedTuple):
    """What a file name points at: the kind of file and whose it is ("" for a register)."""

    kind: str
    owner: str
    name: str
    name_en: str


class _Needle(NamedTuple):
    pattern: re.Pattern[str]
    kind: str
    owner: str


def owner_names(scheme: Scheme) -> Mapping[str, tuple[str, str]]:
    """Unit and lead department ids → (name, English name — the name when the scheme gives
    none), built once per scheme; a unit's id that is also a department's names the unit."""

    def build() -> dict[str, tuple[str, str]]:
        names = {d.id: (d.name, d.name_en or d.name) for d in scheme.lead_departments}
        names.update({u.id: (u.name, u.name_en or u.name) for u in scheme.units})
        return names

    return scheme_table(scheme, "owner names", build)  # type: ignore[no-any-return]


def _needles(scheme: Scheme) -> tuple[_Needle, ...]:

    def build() -> dict[str, Any]:
        needles = []
        owners = [("unit_report", u) for u in scheme.units] + [
            ("lead_scores", d) for d in scheme.lead_departments if scheme.indicators_of(d.id)]
        for kind, item in owners:
            # An id or an English name counts as a whole word (ids hold "_": so do names).
            for word in (item.id, item.name_en):
                if word:
                    needles.append(_Needle(re.compile(
                        rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", re.I),
                        kind, item.id))
            needles.append(_Needle(re.compile(re.escape(item.name)), kind, item.id))
        return {"needles": tuple(needles)}

    return scheme_table(scheme, "file name needles", build)["needles"]  # type: ignore[no-any-return]


def _builder_names(scheme: Scheme) -> Mapping[str, tuple[str, str]]:
    """The builder's own file names (case-folded stems, Chinese and English, by the owner's
    name and by its id as before) → (kind, owner): what nearly every submission is still
    called, looked up without a search."""
    from workbook_templates.labels import KIND_FILES

    def build() -> dict[str, tuple[str, str]]:
        from workbook_templates.build import template_names

        owners = [("unit_report", u.id) for u in scheme.units] + [
            ("lead_scores", d.id) for d in scheme.lead_departments if scheme.indicators_of(d.id)]
        found = {Path(pattern.format(id=owner)).stem.casefold(): (kind, owner)
                 for kind, owner in owners for pattern in KIND_FILES[kind]}
        for lang in ("zh", "en"):  # as they are named now: by the owner's name
            found.update({Path(name).stem.casefold(): key
                          for key, name in template_names(scheme, lang).items()})
        return found

    return scheme_table(scheme, "builder file names", build)  # type: ignore[no-any-return]


def owner_from_file_name(path: str | Path, scheme: Scheme) -> NamedOwner | None:
    """The unit, department or register the file's name points at; None when it points at
    none or at several.

    Example: ``owner_from_file_name("单位自评表_habahe.xlsx", scheme).name`` → ``"哈巴河县"``.
    """
    stem = Path(path).stem
    if (known := _builder_names(scheme).get(stem.casefold())) is not None:
        name, name_en = owner_names(scheme)[known[1]]
        return NamedOwner(known[0], known[1], name, name_en)
    kind = _kind_of(stem)
    if kind == "":
        return None
    if kind in REGISTERS:
        zh, en = KIND_NAMES[kind]
        return NamedOwner(kind, "", zh, en)
    hits: list[tuple[int, int, str, str]] = []
    for needle in _needles(scheme):
        if kind and needle.kind != kind:
            continue
        for match in needle.pattern.finditer(stem):
            hits.append((match.start(), match.end(), needle.kind, needle.owner))
    # A match inside a longer one is part of that one ("fgw" in "d_fgw").
    kept = {(k, owner) for start, end, k, owner in hits
            if not any(s <= start and end <= e and (s, e) != (start, end)
                       for s, e, _, _ in hits)}
    if len(kept) != 1:
        return None
    (found_kind, owner), = kept
    name, name_en = owner_names(scheme)[owner]
    return NamedOwner(found_kind, owner, name, name_en)


def _kind_of(stem: str) -> str | None:
    """The kind a file name names, by its longest kind word ("" for the office's own
    files); None when it names none."""
    best, length = None, 0
    folded = stem.casefold()
    for kind, words in _KIND_WORDS.items():
        for word in words:
            if word.casefold() in folded and len(word) > length:
                best, length = kind, len(word)
    return best


def unidentified_files(paths: Sequence[str]) -> Issue:
    """One line for refused files that neither their content nor their name says whose."""
    names = [Path(path).name for path in paths]
    return finding("unidentified-file", severity=WARNING, value=len(names), params={
        "count": len(names), "files": "、".join(names), "files_en": ", ".join(names),
        "pattern": "单位自评表_单位编号.xlsx", "pattern_en": "unit_report_<unit id>.xlsx"})


def arrived_unusable(path: str, report: Report, kind: str, owner: str, name: str,
                     name_en: str) -> Issue | None:
    """The finding for a submission that arrived — a file named for it — but cannot be used:
    why (its first error, or that its content is another unit's); None when it has no
    such problem.

    Example: a truncated 单位自评表_habahe.xlsx → "收到了 单位自评表_habahe.xlsx（疑似哈巴河县的
    单位自评表），但无法读取：文件不完整…".
    """
    problem = next((i for i in report if i.rule == "file-name-mismatch"), None) or next(
        iter(report.errors), None)
    if problem is None:
        return None
    why = ("无法读取", "cannot be read") if problem.rule in _unreadable() else (
        "不能使用", "cannot be used")
    return finding("missing-submission", key="missing-unusable", unit_id=owner,
                   value=owner or kind, file=path, params={
        "name": name, "name_en": name_en or owner or name, "what": KIND_NAMES[kind][0],
        "what_en": KIND_NAMES[kind][1], "file": Path(path).name, "why": why[0], "why_en": why[1],
        "reason": problem.message, "reason_en": problem.message_en})


def _unreadable() -> set[str]:
    """The rules that say a file could not be read at all (imported only when needed: the
    file checks are the workers' business, not the consolidating process's)."""
    from validators.container.files import FILE_RULES

    return {*FILE_RULES, "read-failed"}


def expected_submissions(scheme: Scheme) -> list[tuple[str, str, str, str, str]]:
    """(kind, owner, name, English name, group) of every submission the scheme expects: a
    report from each unit whose group has reported indicators, a sheet from each
    department that scores, and the office's registers (owner "", group "")."""
    expected = [("unit_report", unit.id, unit.name, unit.name_en or unit.name, unit.group)
                for unit in scheme.units
                if any(i.input == "unit_report" for i in scheme.indicators_for(unit.group))]
    expected += [("lead_scores", dept.id, dept.name, dept.name_en or dept.name, "")
                 for dept in scheme.lead_departments if scheme.indicators_of(dept.id)]
    expected += [(kind, "", *KIND_NAMES[kind], "") for kind in REGISTERS]
    return expected
