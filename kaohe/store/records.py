"""What the history store returns, and the pure rules over it (rank diffs, top-grade streaks)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OutputRecord", "Publication", "RankChange", "RunInfo", "RunRecord", "YearRow",
           "consecutive_top_years", "merit_streaks", "rank_changes", "MERIT_YEARS"]

# DOMAIN.md: three consecutive years of the top grade → third-class merit (三等功).
MERIT_YEARS = 3


@dataclass(frozen=True)
class RankChange:
    """One unit whose rank, grade or total differs between two runs (old_* None: added)."""

    unit_id: str
    unit_name: str
    group: str
    old_rank: int | None
    new_rank: int | None
    old_grade: str | None
    new_grade: str | None
    old_total: float | None
    new_total: float | None
    unit_name_en: str | None = None

    @property
    def change(self) -> str:
        """"added", "removed" or "changed"."""
        if self.old_rank is None:
            return "added"
        return "removed" if self.new_rank is None else "changed"


@dataclass(frozen=True)
class RunRecord:
    """What record_run() stored: the run, its revision, and its diff against its base run.

    recorded is False when nothing was stored because the run equals the year's latest
    (same ranks, grades, totals, scheme and input files): run_id is then that run's.
    published_run_id is the year's official result (its latest publication) or None;
    provisional: the run's results are not final (its results' "provisional" list).
    """

    run_id: str
    year: int
    revision: int
    published_year_frozen: bool
    diff: list[RankChange]
    base_run_id: str | None = None
    recorded: bool = True
    published_run_id: str | None = None
    provisional: bool = False
    results_hash: str = ""  # content_hash of the results document recorded ("" when not)

    @property
    def published(self) -> bool:
        """Whether this run is the year's official result."""
        return self.published_run_id == self.run_id

    def summary(self) -> dict[str, Any]:
        """What a results document says of the run that recorded it (its "run")."""
        return {"run_id": self.run_id, "revision": self.revision, "published": self.published,
                "published_revision": self.published_run_id, "provisional": self.provisional}

    def unchanged_message(self) -> tuple[str, str]:
        """What to tell the user when nothing new was recorded (zh, en)."""
        return (f"与 {self.run_id} 相同（名次、等次、总分和输入文件均未变），未新增修订",
                f"same as {self.run_id} (ranks, grades, totals and input files unchanged): "
                "no new revision recorded")


@dataclass(frozen=True)
class OutputRecord:
    """Where a run's output was written: kind (results_json, results_book, feedback, summary,
    notice), the path as written, the language, and when (ISO 8601 UTC)."""

    run_id: str
    kind: str
    path: str
    lang: str
    written_at: str


@dataclass(frozen=True)
class Publication:
    """One publication of a year: which run, when, why; the year's latest one is official.

    number counts the year's publications from 1; replaces is the run the one before it
    published (None for the first); provisional: published although inputs were missing.
    """

    year: int
    number: int
    run_id: str
    revision: int
    published_at: str
    reason: str
    reason_en: str
    provisional: bool
    replaces: str | None = None


@dataclass(frozen=True)
class RunInfo:
    """One stored run, as Store.runs() lists it."""

    run_id: str
    year: int
    revision: int
    created_at: str
    reason: str
    reason_en: str
    scheme_id: str
    scheme_hash: str
    results_hash: str
    base_run_id: str | None
    published_year_frozen: bool
    published: bool  # the year's official (latest) publication
    superseded: bool = False  # published once, then replaced by a later publication
    provisional: bool = False  # its results are not final (inputs missing, units unscored …)


@dataclass(frozen=True)
class YearRow:
    """One year of a unit's history, from that year's latest publication, else its latest
    run that is not provisional; else (counted False) its latest run, provisional, which is
    shown but neither compared with nor counted for the three-years rule."""

    year: int
    run_id: str
    revision: int
    unit_name: str
    unit_name_en: str | None
    group: str
    total: float
    rank: int
    group_size: int
    grade: str
    top_grade: bool
    published: bool
    newer_run_id: str | None = None  # the year's latest revision, when newer than the row's
    provisional: bool = False  # the row's run is provisional (published so, or not counted)
    counted: bool = True  # the year's result; False: the year has only provisional runs


def rank_changes(old: Mapping[str, Mapping[str, Any]],
                 new: Mapping[str, Mapping[str, Any]]) -> list[RankChange]:
    """Units (unit_id → row with unit_name, [unit_name_en,] group, rank, grade, total) that
    moved, came or went.

    Totals are already rounded by the engine and stored exactly, so != is a fair test.
    Ordered by group (first seen), then rank, then unit_id.
    """
    out = []
    for unit_id in set(old) | set(new):
        a, b = old.get(unit_id), new.get(unit_id)
        if a and b and (a["rank"], a["grade"], a["total"]) == (b["rank"], b["grade"], b["total"]):
            continue
        either = b or a
        assert either is not None
        out.append(RankChange(
            unit_id=unit_id, unit_name=either["unit_name"], group=either["group"],
            old_rank=a["rank"] if a else None, new_rank=b["rank"] if b else None,
            old_grade=a["grade"] if a else None, new_grade=b["grade"] if b else None,
            old_total=a["total"] if a else None, new_total=b["total"] if b else None,
            unit_name_en=either.get("unit_name_en")))
    groups = list(dict.fromkeys([r["group"] for r in new.values()]
                                + [r["group"] for r in old.values()]))
    out.sort(key=lambda c: (groups.index(c.group), c.new_rank or c.old_rank or 0, c.unit_id))
    return out


def consecutive_top_years(top_years: Iterable[int], year: int) -> list[int]:
    """The unbroken run of calendar years with the top grade that ends with `year`.

    >>> consecutive_top_years([2013, 2014, 2015, 2016], 2016)
    [2013, 2014, 2015, 2016]
    >>> consecutive_top_years([2014, 2016], 2016)
    [2016]
    """
    years = set(top_years)
    if year not in years:
        return []
    start = year
    while start - 1 in years:
        start -= 1
    return list(range(start, year + 1))


def merit_streaks(rows: Iterable[YearRow]) -> list[list[int]]:
    """Every maximal streak of at least MERIT_YEARS consecutive top-grade years (of the
    years that count: one with only provisional results breaks a streak)."""
    top = sorted(r.year for r in rows if r.top_grade and r.counted)
    streaks = [consecutive_top_years(top, y) for y in top if y + 1 not in top]
    return [s for s in streaks if len(s) >= MERIT_YEARS]
