"""The store's pure rules and their messages: publishing a year again, provisional results,
finding a unit by its name, and the history each unit of a results document is given."""

from __future__ import annotations

import difflib
import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from kaohe.errors import KaoheError
from kaohe.labels import DECISION_KINDS, OUTCOMES, grade_label
from kaohe.store.records import Publication, RunInfo

__all__ = ["INPUT_KEYS", "check_documents", "check_republish", "decisions", "find_unit",
           "history_note", "input_row", "provisional_error", "run_reason", "unit_history",
           "decisions_text", "decisions_of_text",
           "storable", "unit_rows"]

#: what the store keeps of each input file
INPUT_KEYS = ("path", "sha256", "kind", "unit_id", "status", "findings")


def unit_history(unit: Mapping[str, Any], prev: Sequence[Any] | None,
                 streak: list[int]) -> dict[str, Any]:
    """A unit's "history": the previous year's row (year, published, id, group, total, rank,
    grade, top) compared with this year's, and its streak of top-grade years."""
    base: dict[str, Any] = {"previous_year": None, "previous_total": None, "previous_rank": None,
                            "previous_grade": None, "total_change": None, "rank_change": None}
    if prev is not None:
        p_year, _, _, p_group, p_total, p_rank, p_grade, _ = prev
        base.update(previous_year=p_year, previous_total=p_total, previous_rank=p_rank,
                    previous_grade=p_grade)
        if unit.get("total") is not None:  # exact decimal difference of two rounded totals
            base["total_change"] = float(Decimal(repr(float(unit["total"])))
                                         - Decimal(repr(float(p_total))))
        if unit.get("rank") is not None and p_group == unit.get("group"):
            base["rank_change"] = p_rank - unit["rank"]
    return {**base, "top_grade_years": streak, "three_consecutive_top": len(streak) >= 3}


def history_note(year: int, years: Mapping[int, bool], top: str | None,
                 provisional_only: Sequence[int] = ()) -> tuple[str, str]:
    """Where the earlier years came from (year → published), and which earlier years were
    left out for having only provisional results, for the results (zh, en)."""
    skipped = sorted(y for y in provisional_only if y not in years)
    zh_skip = f"{'、'.join(str(y) for y in skipped)} 年只有暂定结果，未作比较" if skipped else ""
    en_skip = (f"{', '.join(str(y) for y in skipped)} "
               f"{'has' if len(skipped) == 1 else 'have'} only provisional results: not "
               "compared") if skipped else ""
    if not years:
        zh = f"历史数据库中没有 {year} 年以前的结果，无历年对比"
        en = f"no results before {year} in the history database: no comparison"
        return (f"{zh}（{zh_skip}）", f"{en} ({en_skip})") if skipped else (zh, en)
    listed = "、".join(str(y) for y in sorted(years))
    draft = [str(y) for y, published in sorted(years.items()) if not published]
    zh = f"历年对比取自 {listed} 年的结果（已发布的取最新一次发布，否则取最新一次非暂定的计算）"
    en = (f"history from {', '.join(str(y) for y in sorted(years))} (each year's latest "
          "publication, else its latest run that is not provisional)")
    if draft:
        zh += f"；{'、'.join(draft)} 年尚未发布"
        en += f"; {', '.join(draft)} not yet published"
    if skipped:
        zh += f"；{zh_skip}"
        en += f"; {en_skip}"
    return (zh + f"；连续三年获评“{top}”建议记三等功",
            en + f"; three consecutive years of top grade '{grade_label(top, 'en')}' suggest a "
            "third-class merit")


_LISTED = 5  # files named in a run's reason per kind of change; the rest are counted


def decisions(results_doc: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The appeal and fault-tolerance decisions applied in a results document: decision id →
    (the event it decided, the decision). A region-wide event's decision is listed once."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for unit in results_doc.get("units") or []:
        for event in unit.get("adjustments") or []:
            decision = event.get("decision") if isinstance(event, Mapping) else None
            if isinstance(decision, Mapping) and decision.get("id"):
                found.setdefault(str(decision["id"]),
                                 (str(event.get("event_id") or ""), dict(decision)))
    return found


def decisions_text(results_doc: Mapping[str, Any]) -> str:
    """The decisions of a results document as the store keeps them apart (run_decisions):
    compact JSON, decision id → [event, decision]."""
    return json.dumps({key: [event, decision] for key, (event, decision)
                       in decisions(results_doc).items()},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decisions_of_text(text: str) -> dict[str, tuple[str, dict[str, Any]]] | None:
    """decisions_text read back; None when the text is not such a document (damage)."""
    try:
        found = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(found, dict):
        return None
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, item in found.items():
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and isinstance(item[1], dict)):
            return None
        out[key] = (item[0], item[1])
    return out


def run_reason(previous: tuple[Mapping[str, Any], Sequence[Sequence[Any]]] | None,
               results_doc: Mapping[str, Any],
               input_rows: Sequence[Sequence[Any]]) -> tuple[str, str]:
    """Why a run was recorded, when no reason was given (zh, en): the year's first run; else
    the decisions new since the run before it (previous: its decisions, as `decisions`
    gives them, and its (path, sha256) input rows); else the input files added, removed or
    changed; else consolidated again."""
    if previous is None:
        return "首次汇总", "first consolidation"
    known, before_inputs = previous
    new = [item for key, item in decisions(results_doc).items() if known.get(key) != item]
    if new:
        def kind(d: Mapping[str, Any], i: int) -> str:  # the words results.xlsx shows
            word = (DECISION_KINDS.get(d.get("kind", "")) or (d.get("kind", ""),) * 2)[i]
            return word.lower() if i else word  # mid-sentence in English

        def outcome(d: Mapping[str, Any], i: int) -> str:
            word = (OUTCOMES.get(d.get("outcome", "")) or (d.get("outcome", ""),) * 2)[i]
            return word.lower() if i else word

        zh = "；".join(f"{kind(d, 0)} {d['id']}（事项 {event}，{outcome(d, 0)}）"
                      + (f"：{d['reason']}" if d.get("reason") else "") for event, d in new)
        en = "; ".join(f"{kind(d, 1)} {d['id']} on event {event} ({outcome(d, 1)})"
                       for event, d in new)
        return f"新登记的决定：{zh}", f"new decisions: {en}"
    old, now = _files(before_inputs), _files(input_rows)
    changes = [("新增", "added", sorted(set(now) - set(old))),
               ("删除", "removed", sorted(set(old) - set(now))),
               ("更改", "changed", sorted(f for f in set(now) & set(old) if now[f] != old[f]))]
    changes = [c for c in changes if c[2]]
    if not changes:
        return "重新汇总", "consolidated again"

    def names(files: list[str], sep: str, more: str) -> str:
        rest = len(files) - _LISTED
        return sep.join(files[:_LISTED]) + (more.format(rest) if rest > 0 else "")

    zh = "；".join(f"{verb} {names(files, '、', '等（另 {} 个）')}" for verb, _, files in changes)
    en = "; ".join(f"{verb} {names(files, ', ', ' and {} more')}" for _, verb, files in changes)
    return f"输入变化：{zh}", f"inputs changed: {en}"


def _files(rows: Sequence[Sequence[Any]]) -> dict[str, str]:
    """Input rows ((path, sha256, …)) as file → sha256, each path relative to the folder
    all of them are in (runs of one folder given as `submissions` or `./x/submissions`)."""
    paths = [str(row[0]).replace("\\", "/") for row in rows]
    parents = {p.rsplit("/", 1)[0] if "/" in p else "" for p in paths}  # (most: one folder)
    try:
        common = posixpath.commonpath(sorted(parents)) if parents and all(parents) else ""
    except ValueError:  # absolute and relative paths mixed: keep them whole
        common = ""
    cut = len(common) + 1 if common else 0
    return {p[cut:]: str(row[1] or "") for p, row in zip(paths, rows, strict=True)}


def check_republish(current: Publication, target: RunInfo, reason: str) -> None:
    """A published year takes only a later revision, and only with a reason."""
    year = current.year
    if target.revision < current.revision:
        raise KaoheError(
            f"{year} 年的正式结果已是 {current.run_id}（第 {current.revision} 版），"
            f"不能改为更早的 {target.run_id}",
            f"{year} is published as {current.run_id} (revision {current.revision}); it cannot "
            f"go back to the earlier {target.run_id}")
    if not reason.strip():
        raise KaoheError(
            f"{year} 年已发布 {current.run_id}。如要以修订 {target.run_id} 取代它（原发布仍保留"
            f"在记录中），请说明原因，例如：kaohe publish --year {year} --revision "
            f"{target.run_id} --reason \"申诉复核：……\"",
            f"{year} is already published as {current.run_id}. To publish revision "
            f"{target.run_id} in its place (the earlier publication stays on record), give a "
            f"reason, e.g.: kaohe publish --year {year} --revision {target.run_id} "
            "--reason \"appeal upheld: …\"")


def provisional_error(run_id: str, items: Sequence[Mapping[str, Any]]) -> KaoheError:
    """Why provisional results are not published, each missing or rejected input listed."""
    zh = "\n".join(f"  - {i.get('reason') or i.get('reason_en')}" for i in items)
    en = "\n".join(f"  - {i.get('reason_en') or i.get('reason')}" for i in items)
    return KaoheError(
        f"{run_id} 的结果是暂定的，原因：\n{zh}\n"
        "请解决后重新汇总再发布；确需发布暂定结果，请加 --allow-provisional"
        "（发布记录会注明“暂定”）",
        f"the results of {run_id} are provisional, because:\n{en}\nResolve this and "
        "consolidate again before publishing; to publish the provisional results anyway, add "
        "--allow-provisional (the publication records that it was provisional)")


def find_unit(text: str, names: Mapping[str, tuple[str, str | None]]) -> str:
    """The unit_id named by text (id, name or English name; unit_id → (name, name_en)); an
    unknown name is refused with the close ones."""
    wanted = text.strip()
    if wanted in names:
        return wanted
    folded = wanted.casefold()
    found = sorted(unit_id for unit_id, (name, name_en) in names.items()
                   if folded in (unit_id.casefold(), name.casefold(), (name_en or "").casefold()))
    if len(found) == 1:
        return found[0]

    def shown(unit_id: str, en: bool) -> str:
        name, name_en = names[unit_id]
        return f"{name_en or name} ({unit_id})" if en else f"{name}（{unit_id}）"

    if found:
        raise KaoheError(f"有多个单位叫 “{text}”：{'、'.join(shown(u, False) for u in found)}，"
                         "请改用单位代码", f"several units are called '{text}': "
                         f"{', '.join(shown(u, True) for u in found)}; give the unit id")
    close = _close_units(wanted, names)
    zh, en = (f"历史数据库中没有单位 {text} 的结果",
              f"no results for unit {text} in the history database")
    if close:
        zh += f"；相近的单位：{'、'.join(shown(u, False) for u in close)}"
        en += f"; close names: {', '.join(shown(u, True) for u in close)}"
    raise KaoheError(zh, en)


def _close_units(text: str, names: Mapping[str, tuple[str, str | None]]) -> list[str]:
    """Units whose id or name contains, is contained in, or resembles the text (up to 5)."""
    folded = text.casefold()
    by_label: dict[str, str] = {}
    for unit_id, (name, name_en) in names.items():
        for label in (unit_id, name, name_en):
            if label:
                by_label.setdefault(label.casefold(), unit_id)
    near = [u for label, u in by_label.items() if folded and (folded in label or label in folded)]
    near += [by_label[label] for label in difflib.get_close_matches(folded, list(by_label), n=5,
                                                                    cutoff=0.5)]
    return list(dict.fromkeys(near))[:5]


def check_documents(scheme_doc: Mapping[str, Any], results_doc: Mapping[str, Any]) -> int:
    """The year of a results document that may be recorded with this scheme; else refused."""
    if results_doc.get("kind") != "results" or not isinstance(results_doc.get("units"), list):
        raise KaoheError("只能记录 results 结果文档", "only a results document can be recorded")
    year = results_doc.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise KaoheError(f"结果文档的年度无效：{year!r}",
                         f"results document year is invalid: {year!r}")
    for key in ("scheme_id", "year"):
        if scheme_doc.get(key) != results_doc.get(key):
            raise KaoheError(
                f"方案与结果不一致：{key} 为 {scheme_doc.get(key)!r} 与 {results_doc.get(key)!r}",
                f"scheme and results disagree on {key}: "
                f"{scheme_doc.get(key)!r} vs {results_doc.get(key)!r}")
    return year


def unit_rows(results_doc: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The unit_results rows (without run_id) of a results document."""
    sizes = {g.get("id"): g.get("units") for g in results_doc.get("groups", [])}
    rows = []
    for i, unit in enumerate(results_doc["units"], 1):
        try:
            size = unit.get("group_size") or sizes.get(unit["group"]) or sum(
                1 for u in results_doc["units"] if u.get("group") == unit["group"])
            rows.append((unit["unit_id"], unit["unit_name"], unit.get("unit_name_en"),
                         unit["group"], size, float(unit["total"]), int(unit["rank"]),
                         unit["grade"], bool(unit.get("top_grade_eligible", True)),
                         json.dumps(unit.get("gates", []), ensure_ascii=False),
                         json.dumps(unit.get("components", {}), ensure_ascii=False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise KaoheError(f"结果文档第 {i} 个单位缺少或有无效字段：{exc}",
                             f"results unit #{i} has a missing or invalid field: {exc}") from exc
    return rows


def input_row(number: int, item: Mapping[str, Any]) -> tuple[Any, ...]:
    """The run_inputs row (without run_id) of one input file's record."""
    unknown = sorted(set(item) - set(INPUT_KEYS))
    if unknown or not isinstance(item.get("path"), str):
        what = f"未知字段 {unknown}" if unknown else "缺少 path"
        what_en = f"unknown fields {unknown}" if unknown else "no path"
        raise KaoheError(f"第 {number} 个输入文件记录{what}（允许：{'、'.join(INPUT_KEYS)}）",
                         f"input #{number}: {what_en} (allowed: {', '.join(INPUT_KEYS)})")
    return (storable(item["path"]), *(storable(item.get(k)) for k in INPUT_KEYS[1:5]),
            json.dumps(item.get("findings") or [], ensure_ascii=False))


_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def storable(value: Any) -> Any:
    """Text every database can store: a control character from a workbook (a NUL, which
    PostgreSQL refuses, written as _x0000_ in a cell) becomes visible \\xNN, a lone
    surrogate U+FFFD; anything else is returned as it is.

    >>> storable("altay" + chr(0)), storable(None)
    ('altay\\\\x00', None)
    """
    if not isinstance(value, str) or not _UNSTORABLE.search(value):
        return value
    return _UNSTORABLE.sub(lambda m: "\ufffd" if "\ud800" <= m[0] <= "\udfff"
                           else f"\\x{ord(m[0]):02x}", value)
