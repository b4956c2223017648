"""What the leaders read first: the results of every group on one page, as plain data.

`leaders_summary(results)` turns a `results` document into a `LeadersSummary`: the grade
counts and the units by grade per group, the biggest movers against last year, the units
that lost top-grade eligibility and why (by the indicator's *name*), the merit list (三等功),
what is provisional and whether the year is published. The results workbook's summary
sheet and the summary and notice documents are written from it, so they say the same.

>>> s = leaders_summary(results)  # doctest: +SKIP
>>> [(g.name, g.counts) for g in s.groups]  # doctest: +SKIP
[('县市', [('好', 1), ('较好', 5), ('一般', 1), ('较差', 0)]), …]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaohe.labels import grade_label
from outputs.style import group_label, unit_label

__all__ = ["GroupGrades", "Mover", "LostEligibility", "LeadersSummary", "leaders_summary",
           "gate_text", "status_text", "summary_title"]

#: How many movers the summary names (largest rank change first).
MOVERS = 5
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class GroupGrades:
    """One group: its units in rank order, how many got each grade, and who."""

    group_id: str
    name: str
    units: int
    unscored: int
    counts: list[tuple[str, int]]
    by_grade: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Mover:
    """A unit whose rank moved against last year (rank_change > 0: up)."""

    unit: str
    group: str
    previous_rank: int
    rank: int
    rank_change: int
    total_change: float | None
    previous_grade: str
    grade: str


@dataclass(frozen=True)
class LostEligibility:
    """A unit barred from the top grade, and why (indicator names, not ids)."""

    unit: str
    group: str
    reasons: list[str]


@dataclass(frozen=True)
class LeadersSummary:
    """The one-page summary, in one language."""

    lang: str
    title: str
    year: int | str
    grades: list[str]
    groups: list[GroupGrades]
    movers: list[Mover]
    lost: list[LostEligibility]
    merit: list[tuple[str, str]]  # (unit, group)
    provisional: list[str]
    status: str
    published: bool
    illustrative: bool
    previous_year: int | None = None
    stability: list[str] = field(default_factory=list)
    stability_basis: str = ""   # how the weights were varied, said once for all groups

    @property
    def total_units(self) -> int:
        """Units scored in all groups."""
        return sum(g.units for g in self.groups)


def _en(lang: str) -> bool:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang == "en"


def summary_title(results: Mapping[str, Any], lang: str = "zh") -> str:
    """阿勒泰地区2016年度…综合考核结果汇总: the scheme's name turned into the summary's title."""
    en = _en(lang)
    name = str((results.get("scheme_name_en") if en else None) or results.get("scheme_name")
               or "")
    year = results.get("year", "")
    if en:
        return f"{name} — summary of results" if name else f"{year} assessment: summary"
    if not name:
        return f"{year}年度综合考核结果汇总"
    head, sep, tail = name.rpartition("方案")
    return f"{head}结果汇总{tail}" if sep else f"{name}结果汇总"


def gate_text(gate: Mapping[str, Any], unit: Mapping[str, Any], lang: str = "zh") -> str:
    """Why a gate bars the top grade, naming the indicator by its name (its share of points
    lost): "“城镇新增就业”失分28%", "受到全疆通报（2016-06-19）", "一票否决"."""
    en, kind = _en(lang), gate.get("gate")
    if kind == "region-loss":
        ind: Mapping[str, Any] = next(
            (i for i in unit.get("indicators") or []
             if i.get("indicator_id") == gate.get("indicator_id")), {})
        name = str((ind.get("name_en") if en else None) or ind.get("name")
                   or gate.get("indicator_id") or "")
        full, lost = float(ind.get("full_score") or 0), float(ind.get("lost") or 0)
        share = f"{lost / full:.0%}" if full else ""
        if en:
            return f"{name}: {share or 'too many points'} lost"
        return f"“{name}”失分{share}" if share else f"“{name}”失分超限"
    if kind == "region-notification":
        found = _DATE.search(str(gate.get("date") or gate.get("reason") or ""))
        when = found.group(0) if found else ""
        return (f"named in a region-wide notification{f' ({when})' if when else ''}" if en
                else f"受到全疆通报{f'（{when}）' if when else ''}")
    if kind == "veto":
        return "veto" if en else "一票否决"
    return str((gate.get("reason_en") if en else None) or gate.get("reason") or kind or "")


def status_text(results: Mapping[str, Any], lang: str = "zh") -> str:
    """Published or not, which revision, and when (in the office's time zone, if known)."""
    en, run = _en(lang), results.get("run") or {}
    run_id = run.get("run_id")
    if not run_id:
        return ("not recorded in a history database, not published" if en
                else "未记入历史数据库，未发布")
    official = run.get("published_revision")
    from kaohe.clock import local_time, zone_of

    when = local_time(run.get("published_at"), zone_of(results), lang)
    if run.get("published") or (official and official == run_id):
        if en:
            return f"published: {run_id} (revision {run.get('revision')})" + (
                f", {when}" if when else "")
        return f"已发布：{run_id}（第 {run.get('revision')} 版）" + (
            f"，发布时间 {when}" if when else "")
    if official:
        return (f"not published: {run_id}; the official result is {official}" if en
                else f"未发布：{run_id}；正式结果为 {official}")
    return (f"not published: {run_id} (revision {run.get('revision')})" if en
            else f"未发布：{run_id}（第 {run.get('revision')} 版）")


def _by_group(results: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], list[Any]]]:
    groups = list(results.get("groups") or [])
    ids = {g.get("id") for g in groups}
    out = []
    for g in groups:
        units = [u for u in results.get("units") or [] if u.get("group") == g.get("id")]
        out.append((g, sorted(units, key=lambda u: (u.get("rank") or 0))))
    strays = [u for u in results.get("units") or [] if u.get("group") not in ids]
    if strays:
        out.append(({"id": "", "name": "其他", "name_en": "Other"}, strays))
    return out


def leaders_summary(results: Mapping[str, Any], lang: str = "zh",
                    movers: int = MOVERS) -> LeadersSummary:
    """The one-page summary of a results document, in `lang` (zh or en)."""
    en = _en(lang)
    grades = [str(g) for g in results.get("grades") or []]
    unscored: dict[str, int] = {}
    for x in results.get("not_scored") or []:
        unscored[x.get("group", "")] = unscored.get(x.get("group", ""), 0) + 1
    groups, moved, lost, merit = [], [], [], []
    previous_years = set()
    for g, units in _by_group(results):
        gname = group_label(g, lang)
        seen = grades + [str(u.get("grade")) for u in units
                         if u.get("grade") and u.get("grade") not in grades]
        by_grade = [(grade_label(gr, lang), [unit_label(u, lang) for u in units
                                             if u.get("grade") == gr]) for gr in seen]
        groups.append(GroupGrades(str(g.get("id", "")), gname, len(units),
                                  unscored.get(str(g.get("id", "")), 0),
                                  [(gr, len(names)) for gr, names in by_grade], by_grade))
        for u in units:
            h = u.get("history") or {}
            if h.get("previous_year"):
                previous_years.add(int(h["previous_year"]))
            if h.get("rank_change"):
                moved.append(Mover(unit_label(u, lang), gname, int(h.get("previous_rank") or 0),
                                   int(u.get("rank") or 0), int(h["rank_change"]),
                                   h.get("total_change"),
                                   grade_label(h.get("previous_grade"), lang),
                                   grade_label(u.get("grade"), lang)))
            gates = [x for x in u.get("gates") or [] if isinstance(x, Mapping)]
            if gates:
                lost.append(LostEligibility(unit_label(u, lang), gname,
                                            [gate_text(x, u, lang) for x in gates]))
            if h.get("three_consecutive_top"):
                merit.append((unit_label(u, lang), gname))
    moved.sort(key=lambda m: (-abs(m.rank_change), -abs(m.total_change or 0), m.unit))
    provisional = [str((p.get("reason_en") if en else None) or p.get("reason") or "")
                   for p in results.get("provisional") or [] if isinstance(p, Mapping)]
    run = results.get("run") or {}
    published = bool(run.get("published") or (run.get("run_id") and run.get("run_id") ==
                                               run.get("published_revision")))
    basis, stability = _stability_sentences(results, groups, lang)
    return LeadersSummary(lang=lang, title=summary_title(results, lang),
                          year=results.get("year", ""), grades=[grade_label(g, lang)
                                                                 for g in grades],
                          groups=groups, movers=moved[:movers], lost=lost, merit=merit,
                          provisional=provisional, status=status_text(results, lang),
                          published=published, illustrative=bool(results.get("illustrative")),
                          previous_year=max(previous_years) if previous_years else None,
                          stability=stability, stability_basis=basis)


def _stability_sentences(results: Mapping[str, Any], groups: Sequence[GroupGrades],
                         lang: str) -> tuple[str, list[str]]:
    """How the weights were varied (said once), and per group how sure its ranks are under
    those weightings (the results' "stability", in the words of kaohe.analysis.stability),
    where the results have it."""
    if not results.get("stability"):
        return "", []
    try:
        from kaohe.analysis.stability import group_sentence
    except ImportError:   # a kaohe without the stability analysis
        return "", []
    colon = ": " if lang == "en" else "："
    basis, out = "", []
    for g in groups:
        sentence = group_sentence(results, g.group_id, lang)
        if not sentence:
            continue
        head, sep, rest = sentence.partition(colon)
        if sep and basis in ("", head):   # the same basis for every group: say it once
            basis, sentence = head, rest
        out.append(f"{g.name}{colon}{sentence}")
    return basis, out


def join_names(names: Sequence[str], lang: str) -> str:
    """名1、名2 / name 1, name 2."""
    return (", " if lang == "en" else "、").join(names)
