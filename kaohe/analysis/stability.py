"""Rank stability: how much each unit's rank and grade depend on the weights chosen.

Every component weight and every indicator's full score is multiplied by a random factor
within the scheme's band (default ±20 %, uniform; the component weights renormalised to sum
1), the units re-totalled, re-ranked and re-graded with gates and quotas (see
`kaohe.analysis.reweigh`), many times (default 10,000 draws). Per unit: the range of ranks,
and the share of draws in which it keeps its rank, its grade and the top grade. Seeded:
the same seed gives the same numbers.

>>> settings = stability_settings({"stability": {"band": 0.1}}, year=2016)
>>> settings["band"], settings["draws"], settings["seed"]
(0.1, 10000, 2016)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kaohe.engine.model import Scheme

__all__ = ["DEFAULTS", "stability_settings", "group_key", "rank_stability", "draw_each",
           "draw_group", "add_counts", "attach_stability",
           "unit_phrase", "stability_of", "group_sentence", "group_sentences"]

DEFAULTS: dict[str, Any] = {"enabled": True, "draws": 10_000, "band": 0.2,
                            "distribution": "uniform", "vary": ["components", "indicators"]}
# draws × units × components drawn at once: it fixes which random number goes to which draw,
# so it is part of what a seed means (changing it changes the published numbers)
_CHUNK_CELLS = 2_000_000
# draws × units worked on at once: the same numbers for any value (arrays of ≈ 0.5 MB are
# faster to make and sort than the drawn chunk's ≈ 5 MB)
_WORK_CELLS = 60_000


def stability_settings(document: Mapping[str, Any], year: int) -> dict[str, Any]:
    """The scheme's `stability` section with defaults filled in (seed: the scheme's year)."""
    given = dict(document.get("stability") or {})
    settings = {**DEFAULTS, "seed": year, **given}
    settings["vary"] = list(settings["vary"])
    return settings


def _factors(rng: Any, settings: Mapping[str, Any], shape: tuple[int, int]) -> Any:
    import numpy as np

    band = float(settings["band"])
    if band == 0 or shape[1] == 0:
        return np.ones(shape)
    if settings["distribution"] == "triangular":
        return rng.triangular(1 - band, 1.0, 1 + band, size=shape)
    return 1.0 + band * (2.0 * rng.random(shape) - 1.0)


def group_key(arrays: Any, settings: Mapping[str, Any], group: str, index: int,
              units: Sequence[Mapping[str, Any]], grades: Sequence[str]) -> str:
    """SHA-256 of everything one group's section depends on: the settings, the group's id
    and place (its seed), numpy's version (its random streams), the scheme's grades, the
    units' ranks and grades and every array the draws read. The same key gives the same
    section, draw for draw (the code that draws is the cache's examiner,
    kaohe.pipeline.exam_cache)."""
    import hashlib
    import json
    from dataclasses import fields

    import numpy as np

    digest = hashlib.sha256(json.dumps(
        {"settings": {k: settings[k] for k in ("draws", "band", "distribution", "seed", "vary")},
         "group": group, "index": index, "numpy": np.__version__, "grades": list(grades),
         "units": [[u["unit_id"], u["rank"], u["grade"]] for u in units]},
        ensure_ascii=False, sort_keys=True).encode("utf-8"))
    for item in fields(arrays):
        value = getattr(arrays, item.name)
        parts = ([(k, value[k]) for k in sorted(value)] if isinstance(value, dict)
                 else [("", value)])
        for label, part in parts:
            digest.update(f"{item.name}:{label}:".encode())
            if isinstance(part, np.ndarray):
                digest.update(f"{part.dtype.str}{part.shape}".encode())
                digest.update(np.ascontiguousarray(part).tobytes())
            else:
                digest.update(repr(part).encode("utf-8"))
    return digest.hexdigest()


def rank_stability(scheme: Scheme, results: Mapping[str, Any],
                   settings: Mapping[str, Any] | None = None,
                   memo: Any = None, draw_all: Any = None) -> dict[str, Any]:
    """The `stability` section of a results document (per group, per unit).

    `memo` (get(key) → section or None, put(key, section)) keeps each group's section under
    `group_key`: a group whose inputs are unchanged is not drawn again. `draw_all(scheme,
    settings, jobs)` draws the other groups — each job (index, group id, units, arrays) —
    and returns their sections in the jobs' order: by default one after another here (a
    consolidation shares them out over two processes). Each group's draws depend only on
    its job, so the section is the same wherever it is drawn.
    """
    from kaohe.analysis.reweigh import group_arrays

    settings = dict(settings or stability_settings(scheme.document, scheme.year))
    draws = int(settings["draws"])
    section: dict[str, Any] = {
        "draws": draws, "band": float(settings["band"]),
        "distribution": settings["distribution"], "seed": int(settings["seed"]),
        "vary": list(settings["vary"]), "groups": []}
    slots: list[Any] = []  # a kept section, or the place of its job
    jobs: list[tuple[int, str, list[Mapping[str, Any]], Any]] = []
    keys: list[str] = []
    for index, group in enumerate(results.get("groups", [])):
        units = [u for u in results["units"] if u["group"] == group["id"]]
        if not units:
            continue
        arrays = group_arrays(scheme, group["id"], units)
        key = (group_key(arrays, settings, group["id"], index, units, scheme.grades)
               if memo is not None else "")
        kept = memo.get(key) if memo is not None else None
        if kept is not None:
            slots.append(kept)
            continue
        slots.append(len(jobs))
        jobs.append((index, group["id"], units, arrays))
        keys.append(key)
    drawn = (draw_all or draw_each)(scheme, settings, jobs) if jobs else []
    for slot in slots:
        if isinstance(slot, int):
            if memo is not None:
                memo.put(keys[slot], drawn[slot])
            slot = drawn[slot]
        section["groups"].append(slot)
    return section


def draw_each(scheme: Scheme, settings: Mapping[str, Any],
              jobs: Sequence[tuple[int, str, Sequence[Mapping[str, Any]], Any]]
              ) -> list[dict[str, Any]]:
    """Each job's section (draw_group), one after another."""
    return [draw_group(scheme, settings, *job) for job in jobs]


def draw_group(scheme: Scheme, settings: Mapping[str, Any], index: int, group: str,
               units: Sequence[Mapping[str, Any]], arrays: Any,
               split: Callable[[Callable[[Sequence[Any]], Any], list[Any]], Any] | None = None
               ) -> dict[str, Any]:
    """One group's section: its `draws` weightings (seeded by the settings' seed and the
    group's place), each re-totalled, re-ranked and re-graded (kaohe.analysis.reweigh).

    The weightings are drawn first, then worked in pieces; what a unit's figures count
    (lowest and highest rank, draws with the same rank, grade, top grade) does not depend
    on which piece is worked where. `split(count, pieces)`, when given, returns the counts
    of every piece however it shares them out (kaohe.pipeline.stability_memo: over two
    processes): `count(pieces)` gives the counts of some pieces, and counts add up with
    `add_counts`."""
    import numpy as np

    draws = int(settings["draws"])
    rng = np.random.default_rng([int(settings["seed"]), index])
    n, k, m = len(units), len(arrays.component_ids), len(arrays.indicator_ids)
    rank0 = np.array([u["rank"] for u in units])
    grade0 = np.array([scheme.grades.index(u["grade"]) for u in units])
    chunk = max(1, _CHUNK_CELLS // max(1, n * max(k, 1)))
    step = max(1, _WORK_CELLS // max(1, n))
    pieces = []
    done = 0
    while done < draws:  # the chunks drawn fix which random number goes to which draw
        size = min(chunk, draws - done)
        comp = (_factors(rng, settings, (size, k)) if "components" in settings["vary"]
                else np.ones((size, k)))
        ind = (_factors(rng, settings, (size, m)) if "indicators" in settings["vary"]
               else np.ones((size, m)))
        pieces += [(comp[part:part + step], ind[part:part + step])
                   for part in range(0, size, step)]  # worked in smaller pieces: faster
        done += size

    def count(some: Sequence[Any]) -> tuple[Any, ...]:
        from kaohe.analysis.reweigh import outcomes

        low, high = rank0.copy(), rank0.copy()
        same_rank = np.zeros(n, dtype=np.int64)
        same_grade = np.zeros(n, dtype=np.int64)
        top = np.zeros(n, dtype=np.int64)
        for comp_part, ind_part in some:
            ranks, grades = outcomes(arrays, comp_part, ind_part)
            low = np.minimum(low, ranks.min(axis=0))
            high = np.maximum(high, ranks.max(axis=0))
            same_rank += (ranks == rank0).sum(axis=0)
            same_grade += (grades == grade0).sum(axis=0)
            top += (grades == 0).sum(axis=0)
        return low, high, same_rank, same_grade, top

    low, high, same_rank, same_grade, top = count(pieces) if split is None else split(
        count, pieces)
    share = 1.0 / draws if draws else 0.0
    return {
        "group": group, "units": [
            {"unit_id": u["unit_id"], "rank": u["rank"], "grade": u["grade"],
             "rank_min": int(low[i]), "rank_max": int(high[i]),
             "p_rank": round(float(same_rank[i]) * share, 4) if draws else 1.0,
             "p_grade": round(float(same_grade[i]) * share, 4) if draws else 1.0,
             "p_top": (round(float(top[i]) * share, 4) if draws
                       else float(grade0[i] == 0))}
            for i, u in enumerate(units)]}


def add_counts(a: Sequence[Any], b: Sequence[Any]) -> tuple[Any, ...]:
    """The counts of two sets of pieces together (draw_group's `count`: lowest and highest
    rank, then three tallies)."""
    import numpy as np

    return (np.minimum(a[0], b[0]), np.maximum(a[1], b[1]), *(np.add(x, y) for x, y in
                                                               zip(a[2:], b[2:], strict=True)))


def attach_stability(results: dict[str, Any], scheme: Scheme, memo: Any = None,
                     draw_all: Any = None) -> None:
    """Add `stability` to the results when the scheme asks for it (the default) and units
    were ranked; a scheme with stability.enabled false or draws 0 leaves it out. `memo`,
    `draw_all`: as rank_stability's."""
    settings = stability_settings(scheme.document, scheme.year)
    if settings["enabled"] and int(settings["draws"]) > 0 and results.get("units"):
        results["stability"] = rank_stability(scheme, results, settings, memo, draw_all)


def _percent(p: float) -> str:
    value = p * 100
    return f"{value:.0f}" if value < 99.5 or p >= 1 else f"{value:.1f}"


def unit_phrase(entry: Mapping[str, Any], lang: str = "zh", grade_en: str = "") -> str:
    """One unit's stability in a few words: "第 2 名（1–3），94 % 保持'较好'"."""
    low, high, rank = entry["rank_min"], entry["rank_max"], entry["rank"]
    span = (f"{low}–{high}" if low != high else "")
    if lang == "en":
        ranks = f"rank {rank}" + (f" ({span})" if span else " (always)")
        return f"{ranks}, keeps '{grade_en or entry['grade']}' in {_percent(entry['p_grade'])} %"
    ranks = f"第 {rank} 名" + (f"（{span}）" if span else "（不变）")
    return f"{ranks}，{_percent(entry['p_grade'])} % 保持'{entry['grade']}'"


def stability_of(results: Mapping[str, Any], unit_id: str, lang: str = "zh") -> str:
    """One unit's phrase from a results document ("" when it has no stability section)."""
    from kaohe.labels import grade_label

    for group in (results.get("stability") or {}).get("groups", []):
        for entry in group["units"]:
            if entry["unit_id"] == unit_id:
                return unit_phrase(entry, lang, grade_label(entry["grade"], "en"))
    return ""


def _names(results: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    return {u["unit_id"]: (u.get("unit_name") or u["unit_id"],
                           u.get("unit_name_en") or u["unit_id"]) for u in results["units"]}


def group_sentence(results: Mapping[str, Any], group_id: str, lang: str = "zh") -> str:
    """The group's stability sentence for a leaders' summary ("" when not computed).

    Names the first-placed unit (e.g. "吉木乃县 第 1 名，在 97 % 的权重组合下保持'好'"), the unit
    whose rank moves most and the one least sure of its grade.
    """
    section = results.get("stability") or {}
    found = next((g for g in section.get("groups", []) if g["group"] == group_id), None)
    if not found or not found["units"]:
        return ""
    from kaohe.labels import word_en

    names = _names(results)
    first = min(found["units"], key=lambda e: (e["rank"], e["unit_id"]))
    widest = max(found["units"], key=lambda e: (e["rank_max"] - e["rank_min"], -e["rank"]))
    shaky = min(found["units"], key=lambda e: (e["p_grade"], e["rank"]))
    band = f"{float(section['band']) * 100:g}"
    if lang == "en":
        grade = word_en(first["grade"], {})
        text = (f"With every weight varied within ±{band} % ({section['draws']} draws, seed "
                f"{section['seed']}): {names[first['unit_id']][1]} ranks {first['rank']} and "
                f"keeps '{grade}' in {_percent(first['p_grade'])} % of the weightings")
        if widest["rank_max"] > widest["rank_min"]:
            text += (f"; {names[widest['unit_id']][1]} moves most (ranks "
                     f"{widest['rank_min']}–{widest['rank_max']})")
        if shaky["p_grade"] < 1 and shaky is not first:
            text += (f"; {names[shaky['unit_id']][1]}'s grade is the least sure (rank "
                     f"{shaky['rank']}, keeps '{word_en(shaky['grade'], {})}' in "
                     f"{_percent(shaky['p_grade'])} %)")
        return text + "."
    text = (f"各项权重在 ±{band}% 内随机变动（{section['draws']} 组，种子 {section['seed']}）："
            f"{names[first['unit_id']][0]} 第 {first['rank']} 名，在 {_percent(first['p_grade'])}"
            f" % 的权重组合下保持'{first['grade']}'")
    if widest["rank_max"] > widest["rank_min"]:
        text += (f"；名次最不稳定的是{names[widest['unit_id']][0]}"
                 f"（第 {widest['rank_min']}–{widest['rank_max']} 名）")
    if shaky["p_grade"] < 1 and shaky is not first:
        text += (f"；等次最不稳定的是{names[shaky['unit_id']][0]}（第 {shaky['rank']} 名，"
                 f"{_percent(shaky['p_grade'])} % 保持'{shaky['grade']}'）")
    return text + "。"


def group_sentences(results: Mapping[str, Any], lang: str = "zh") -> dict[str, str]:
    """Every group's stability sentence, by group id (empty when not computed)."""
    return {g["group"]: group_sentence(results, g["group"], lang)
            for g in (results.get("stability") or {}).get("groups", [])}
