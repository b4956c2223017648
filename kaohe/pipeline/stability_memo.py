"""Rank-stability sections kept between runs: a re-run draws again only for changed groups.

The draws (kaohe.analysis.stability: 10,000 weightings per group) cost more than a re-run's
whole examination once the examination cache (kaohe.pipeline.exam_cache) has made that
cheap. Each group's section depends only on what `group_key` hashes — the settings, the
group's seed, the units' scores, ranks and grades, numpy's version — and on the code that
draws, which is the examination cache's examiner (a digest of kaohe's code). So it is kept
under that key, beside the examinations (the same database or cache file), and a group whose
key is kept is not drawn again. A run keeps only the sections it used; an entry carries its
own SHA-256, and a damaged one is ignored with a note and drawn again. The results are the
same, byte for byte, with and without it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaohe.engine import Scheme
from kaohe.pipeline.exam_cache import ExamCache, _transaction, checked, entry_digest

__all__ = ["StabilityMemo", "attach_kept_stability", "draw_shared", "open_stability_memo"]

#: Draws × units of a group drawn alone from which its pieces of draws are shared out over
#: two processes (at 10,000 draws, 50 units: about 0.02 s of work).
SPLIT_CELLS = 500_000

_TABLE = """CREATE TABLE IF NOT EXISTS stability_cache (
        key TEXT NOT NULL,
        examiner TEXT NOT NULL,
        digest TEXT NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (key, examiner)
    )"""


@dataclass
class StabilityMemo:
    """The kept sections of one examiner (get/put by group key), saved with `save`."""

    cache: ExamCache
    rows: dict[str, tuple[str, str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    fresh: dict[str, str] = field(default_factory=dict)
    damaged: int = 0
    reused: int = 0

    def get(self, key: str) -> dict[str, Any] | None:
        """The kept section for `key`, or None (not kept, or damaged: drawn again)."""
        row = self.rows.get(key)
        if row is None:
            return None
        try:
            entry = json.loads(checked(*row))
            if not (isinstance(entry, dict) and isinstance(entry.get("units"), list)):
                raise ValueError("not a section")
        except ValueError:
            self.rows.pop(key)
            self.damaged += 1
            return None
        self.used.add(key)
        self.reused += 1
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Keep a section drawn in this run (one JSON does not give back exactly: not kept)."""
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        if json.loads(text) == entry:
            self.fresh[key] = text
            self.used.add(key)

    def save(self) -> None:
        """Store this run's new sections and drop those it did not use."""
        cache = self.cache
        stale = [key for key in self.rows if key not in self.used]
        if not (self.fresh or stale or self.damaged):
            return
        try:
            with _transaction(cache.conn):
                cache.conn.execute("DELETE FROM stability_cache WHERE examiner <> ?",
                                   (cache.examiner,))
                cache.conn.executemany(
                    "DELETE FROM stability_cache WHERE key = ? AND examiner = ?",
                    [(key, cache.examiner) for key in [*stale, *self.fresh]])
                cache.conn.executemany(
                    "INSERT INTO stability_cache (key, examiner, digest, entry) "
                    "VALUES (?, ?, ?, ?)",
                    [(key, cache.examiner, entry_digest(text), text)
                     for key, text in self.fresh.items()])
        except cache._errors as exc:
            cache.notes.append((f"名次稳定性缓存 {cache.where} 未能更新（{exc}），本次结果不受影响",
                                f"the rank-stability cache {cache.where} was not updated "
                                f"({exc}); this run's results are not affected"))

    def summary(self) -> tuple[str, str] | None:
        """What the run says of the kept sections (zh, en), when it reused or lost any."""
        drawn = len(self.fresh)
        if not (self.reused or self.damaged):
            return None
        zh = f"名次稳定性：复用了 {self.reused} 个分组未变的抽样结果，重新抽样 {drawn} 个分组"
        en = (f"rank stability: reused the draws of {self.reused} unchanged groups, drew "
              f"{drawn} again")
        if self.damaged:
            zh += f"；缓存中有 {self.damaged} 条记录已损坏，已忽略并重新抽样"
            en += f"; {self.damaged} damaged cache entries were ignored and drawn again"
        return zh, en


def open_stability_memo(cache: ExamCache) -> StabilityMemo | None:
    """The kept sections in the examination cache's database (None, with a note in the
    cache's notes, when its table cannot be read: everything is drawn)."""
    try:
        with _transaction(cache.conn):
            cache.conn.execute(_TABLE)
        rows = cache.conn.execute("SELECT key, digest, entry FROM stability_cache WHERE "
                                  "examiner = ?", (cache.examiner,)).fetchall()
    except cache._errors as exc:
        cache.notes.append((f"名次稳定性缓存 {cache.where} 无法使用（{exc}），本次全部重新抽样",
                            f"the rank-stability cache {cache.where} cannot be used ({exc}): "
                            "every group is drawn"))
        return None
    return StabilityMemo(cache, {str(k): (str(d), str(e)) for k, d, e in rows})


def attach_kept_stability(results: dict[str, Any], scheme: Scheme, kept: ExamCache | None,
                          echo: Callable[[str], Any], lang: str) -> None:
    """Attach the rank-stability section to a consolidation's results, drawing again only
    for the groups whose inputs changed since the cache's last run (`kept`: the run's
    examination cache, or None). A failure costs the section only: it is said, and the
    results are written without it."""
    from kaohe.analysis.stability import attach_stability

    memo = open_stability_memo(kept) if kept is not None else None
    try:
        attach_stability(results, scheme, memo, draw_shared)
    except Exception as exc:  # noqa: BLE001 - an analysis never costs the results
        why = f"{type(exc).__name__}: {exc}"
        echo(f"名次稳定性未能计算（{why}），其余结果照常写出" if lang == "zh" else
             f"rank stability not computed ({why}); the results are written as usual")
        return
    if memo is not None:
        memo.save()
        said = memo.summary()
        if said and kept is not None:
            kept.notes.append(said)


def draw_shared(scheme: Scheme, settings: Any, jobs: list[Any]) -> list[dict[str, Any]]:
    """The groups' draws shared out over two processes (kaohe.analysis.stability.draw_all):
    the groups, largest first, go to whichever process has fewer units so far; the second
    process is forked with the groups' arrays as they are and sends back only the sections
    (JSON). Each group's draws depend only on its own job, so the sections are the same as
    drawn one after another — which is what happens for few units, or without fork. One
    group alone (a re-run where one report changed) has its pieces of draws shared out
    instead (`split_pieces`)."""
    from kaohe.analysis.stability import draw_each, draw_group
    from kaohe.pipeline import sharing
    from kaohe.pipeline.background import can_fork, side_by_side

    sizes = [len(job[2]) for job in jobs]
    if len(jobs) == 1 and sizes[0] * int(settings["draws"]) >= SPLIT_CELLS and can_fork():
        index, group, units, arrays = jobs[0]
        return [draw_group(scheme, settings, index, group, units, arrays, split=split_pieces)]
    if len(jobs) < 2 or sum(sizes) < sharing.SHARED_UNITS or not can_fork():
        return draw_each(scheme, settings, jobs)
    shares = sharing.two_shares(sizes)
    mine, theirs = side_by_side(
        lambda: [draw_group(scheme, settings, *jobs[i]) for i in shares[0]],
        lambda: [draw_group(scheme, settings, *jobs[i]) for i in shares[1]])
    drawn = dict(zip(shares[0] + shares[1], mine + theirs, strict=True))
    return [drawn[i] for i in range(len(jobs))]


def split_pieces(count: Callable[[Sequence[Any]], Any], pieces: list[Any]) -> Any:
    """One group's pieces of draws counted in two processes, every other piece in the
    second (kaohe.analysis.stability.draw_group's `split`): the counts are minima, maxima
    and sums, the same however the pieces are shared out."""
    from kaohe.analysis.stability import add_counts
    from kaohe.pipeline.background import side_by_side

    if len(pieces) < 2:
        return count(pieces)
    return add_counts(*side_by_side(lambda: count(pieces[::2]), lambda: count(pieces[1::2]),
                                    pickled=True))
