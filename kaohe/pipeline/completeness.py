"""What a consolidation could not use, said plainly and kept in the results.

- duplicates: two usable files for the same unit or department; which one is used and on
  what basis (fill date, else modification time, else name), and whether they differ;
- the record the 未计分 sheet is written from (rejected files, missing submissions,
  duplicates not used), so `kaohe results-book` reproduces it from results.json alone;
- `provisional`: one entry per whole input (a register, a lead department's sheet) that is
  missing or rejected, because then every unit's score lacks that part; one when units could
  not be scored, because indicators scored relative to the group (and every rank) move when
  they are; one per unit (or register) with differing files not yet resolved. Results with
  any entry are not final.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kaohe.engine import Scheme
from kaohe.labels import KIND_NAMES
from validators.reading.file_names import REGISTERS as _REGISTERS
from validators.reading.file_names import owner_from_file_name
from validators.reading.file_names import owner_names as _names
from validators.report import ERROR, WARNING, Issue

__all__ = ["KIND_NAMES", "resolve_duplicates", "submissions_record", "provisional", "blank_units",
           "owner_names"]


#: Fields of a document that do not change any score (who filled it in, when).
_CLERICAL = frozenset({"date", "contact", "phone"})


def owner_names(scheme: Scheme, owner: str | None) -> tuple[str, str]:
    """(name, English name) of a unit or lead department; the id when it is not in the scheme."""
    return _names(scheme).get(owner or "", (owner or "", owner or ""))


def _mtime(path: str) -> str:
    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        return ""
    return datetime.fromtimestamp(stamp, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def _differences(docs: Sequence[Mapping[str, Any]]) -> list[str] | None:
    """None when the documents score the same; else the indicators (or units) that differ."""
    scored = [{k: v for k, v in d.items() if k not in _CLERICAL} for d in docs]
    if all(s == scored[0] for s in scored[1:]):
        return None
    keyed: list[dict[tuple[str, str], Any]] = []
    for s in scored:
        rows = s.get("items") or s.get("entries") or []
        keyed.append({(r.get("unit_id", ""), r.get("indicator_id", "")): r for r in rows
                      if isinstance(r, Mapping)})
    keys = sorted({k for rows in keyed for k in rows})
    changed = [k for k in keys if any(rows.get(k) != keyed[0].get(k) for rows in keyed[1:])]
    return [" ".join(x for x in k if x) for k in changed]


def resolve_duplicates(subs: Sequence[Any], scheme: Scheme) -> tuple[list[Issue],
                                                                       list[dict[str, Any]]]:
    """Several usable files for one unit (or department): one is used, the rest superseded.

    The one used has the latest fill date; among equal dates, the latest modification time;
    among equal times, the last name. The finding says which basis decided and whether the
    files differ: differing contents are an error (the office must confirm the right one;
    the chosen file is still used meanwhile), identical ones a warning.
    Returns the findings and one record per file not used.
    """
    issues: list[Issue] = []
    records: list[dict[str, Any]] = []
    by_owner: dict[tuple[str, str], list[Any]] = {}
    for sub in subs:
        # The office's registers have no owner: two of one kind are duplicates all the same.
        if sub.document is not None and sub.report.valid and sub.kind and (
                sub.owner or sub.kind in _REGISTERS):
            by_owner.setdefault((sub.kind, sub.owner), []).append(sub)
    for (kind, owner), group in sorted(by_owner.items()):
        if len(group) < 2:
            continue
        times = {s.path: _mtime(s.path) for s in group}
        group.sort(key=lambda s: (s.filled, times[s.path], Path(s.path).name))
        used = group[-1]
        for old in group[:-1]:
            old.superseded_by = used.path
        diff = _differences([s.document for s in group])
        issue, why = _duplicate_issue(scheme, kind, owner, group, times, diff)
        issues.append(issue)
        name, name_en = owner_names(scheme, owner)
        for old in group[:-1]:
            records.append({"file": Path(old.path).name, "kind": kind, "unit_id": owner,
                            "unit_name": name, "unit_name_en": name_en,
                            "used_file": Path(used.path).name, "differs": diff is not None,
                            "reason": why[0], "reason_en": why[1]})
    return issues, records


def _duplicate_issue(scheme: Scheme, kind: str, owner: str, group: Sequence[Any],
                     times: Mapping[str, str], diff: list[str] | None
                     ) -> tuple[Issue, tuple[str, str]]:
    used, runner_up = group[-1], group[-2]
    chosen = Path(used.path).name
    name, name_en = owner_names(scheme, owner)
    what, what_en = KIND_NAMES.get(kind, (kind, kind))
    files = [Path(s.path).name for s in group]
    if used.filled and used.filled != runner_up.filled:
        basis = f"填报日期较新（{used.filled}，另一份为 {runner_up.filled or '未填'}）"
        basis_en = (f"it has the later fill date ({used.filled}; the other: "
                    f"{runner_up.filled or 'none'})")
    elif times[used.path] and times[used.path] != times[runner_up.path]:
        same = f"填报日期相同（{used.filled}）" if used.filled else "未填报日期"
        same_en = f"the fill dates are the same ({used.filled})" if used.filled \
            else "no fill date"
        basis = f"{same}，按文件修改时间采用较新的一份（{times[used.path]}）"
        basis_en = f"{same_en}; it was modified last ({times[used.path]})"
    else:
        basis = "填报日期和文件修改时间都相同，按文件名顺序采用最后一份"
        basis_en = "fill dates and modification times are the same; it comes last by name"
    if diff is None:
        same_zh, same_en = "各份内容相同", "the files have the same contents"
        hint = "内容相同，请把多余的文件移出收集文件夹"
        hint_en = "they are the same: move the extra file out of the folder"
    else:
        where = "、".join(diff[:8]) + ("等" if len(diff) > 8 else "")
        where_en = ", ".join(diff[:8]) + (" …" if len(diff) > 8 else "")
        same_zh = f"各份内容不同（{where}）" if diff else "各份内容不同"
        same_en = f"the contents differ ({where_en})" if diff else "the contents differ"
        hint = ("请确认哪一份正确，把其余文件移出收集文件夹后重新汇总；"
                f"在此之前暂按 {chosen} 计分")
        hint_en = (f"confirm which is right, move the others out of the folder and consolidate "
                   f"again; until then {chosen} is scored")
    who, who_en = (f"{name}有 ", f"{name_en} has ") if owner else ("收到 ", "")
    zh = (f"{who}{len(group)} 份{what}：{'、'.join(files)}，{same_zh}；"
          f"采用 {chosen}：{basis}")
    en = (f"{who_en}{len(group)} {what_en} files{'' if owner else ' arrived'}: "
          f"{', '.join(files)}; {same_en}. {chosen} is used: {basis_en}")
    issue = Issue("duplicate-submission", zh, en, severity=WARNING if diff is None else ERROR,
                  file=used.path, unit_id=owner if kind == "unit_report" else "",
                  hint=hint, hint_en=hint_en)
    why = (f"采用了 {chosen}（{basis}）；{same_zh}",
           f"{chosen} was used ({basis_en}); {same_en}")
    return issue, why


def submissions_record(scheme: Scheme, rejected: Iterable[Mapping[str, Any]],
                       missing: Iterable[Mapping[str, Any]],
                       duplicates: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the 未计分 sheet shows, as plain data for results.json.

    A missing submission whose unit (or register) sent a file that was rejected is
    "submitted but rejected", not "not submitted".
    """
    files = [dict(r) for r in rejected]
    sent = {(r["kind"], r["unit_id"] or "") for r in files}
    # A file too damaged to say whose it is still tells by its name (单位自评表_fuyun.xlsx)
    named: dict[tuple[str, str], dict[str, Any]] = {}
    for r in files:
        found = None if r["unit_id"] else owner_from_file_name(r["file"], scheme)
        if found:
            named[(found.kind, found.owner)] = r
    rows = []
    for m in missing:
        kind, owner = m["kind"], m.get("unit_id") or ""
        name, name_en = owner_names(scheme, owner) if owner else KIND_NAMES.get(kind, (kind, kind))
        status = ("rejected" if (kind, owner) in sent else
                  "unidentified" if (kind, owner) in named else "not_submitted")
        row = {"kind": kind, "unit_id": owner, "unit_name": name, "unit_name_en": name_en,
               "status": status}
        if status == "unidentified":
            row["file"] = Path(named[(kind, owner)]["file"]).name
        rows.append(row)
    for r in files:
        r["file"] = Path(r["file"]).name
        r["unit_name_en"] = owner_names(scheme, r["unit_id"])[1] if r["unit_id"] else ""
    for (_, owner), r in named.items():
        # whose the file is by its name only: said as 疑似布尔津县 wherever it is shown
        r["probable_unit_id"] = owner
        r["probable_unit_name"], r["probable_unit_name_en"] = owner_names(scheme, owner)
    return {"rejected": files, "missing": rows, "duplicates": list(duplicates)}


def provisional(scheme: Scheme, missing: Iterable[Mapping[str, Any]],
                not_scored: Sequence[Mapping[str, Any]] = (),
                duplicates: Iterable[Mapping[str, Any]] = (),
                blank: Mapping[str, Sequence[Any]] | None = None) -> list[dict[str, str]]:
    """Why the results are not final: one entry per missing or rejected register or lead
    department sheet (what it costs), one for the units not scored, one per differing
    duplicate not yet resolved, one per component (routine, conduct, satisfaction) for the
    units a register used gives nothing for it (`blank`: component kind -> units)."""
    record = list(missing)
    entries = []
    for m in record:
        kind = m["kind"]
        if kind == "unit_report":
            continue
        rejected = m.get("status") in ("rejected", "unidentified")
        what, what_en = KIND_NAMES.get(kind, (kind, kind))
        if kind == "lead_scores":
            name, name_en = owner_names(scheme, m.get("unit_id"))
            what, what_en = f"“{name}”的{what}", f"{name_en}'s {what_en}"
            ids = "、".join(i.id for i in scheme.indicators_of(m.get("unit_id") or ""))
            cost = f"其评分的指标（{ids}）各单位按 0 分计"
            cost_en = f"the indicators it scores ({ids.replace('、', ', ')}) count 0 for every unit"
        elif kind == "adjustments":
            cost = "各单位均未计加分和扣分（含一票否决、全疆通报）"
            cost_en = ("no bonus or deduction (nor veto or region-wide notice) is counted for "
                       "any unit")
        else:
            kinds = ("routine",) if kind == "routine" else ("conduct", "satisfaction")
            comps = [c for c in scheme.components if c.kind in kinds]
            cost = f"各单位的{'、'.join(c.name for c in comps)}得分按 0 分计"
            names_en = " and ".join(c.name_en or c.id for c in comps)
            cost_en = f"the {names_en} score of every unit counts as 0"
        head = f"{what}未通过校验" if rejected else f"未收到{what}"
        head_en = f"the {what_en} was rejected" if rejected else f"no {what_en} received"
        entries.append({"reason": f"{head}，{cost}", "reason_en": f"{head_en}: {cost_en}"})
    if not_scored:
        names = "、".join(u["unit_name"] for u in not_scored)
        names_en = ", ".join(u.get("unit_name_en") or u["unit_name"] for u in not_scored)
        n = len(not_scored)
        entries.append({
            "reason": f"{n} 个单位未能计分（{names}）：组内相对计分的指标和名次会随之变化",
            "reason_en": (f"{n} unit{'s' if n > 1 else ''} could not be scored ({names_en}): "
                          "indicators scored relative to the group, and the ranks, will change "
                          "once they are")})
    for kind, units in (blank or {}).items():
        if units:
            entries.append(_blank_entry(scheme, kind, units))
    entries += _unresolved(duplicates)
    return entries


def blank_units(scheme: Scheme, docs: Any) -> dict[str, list[Any]]:
    """Units a register that was used gives nothing for a component (component kind ->
    units): no routine score in any period, no conduct ballot, no satisfaction answer. The
    validator warned at the cells; the component counts 0 for them."""
    blank: dict[str, list[Any]] = {}
    if docs.routine:
        given = {e.get("unit_id") for e in docs.routine.get("entries") or []
                 if e.get("score") is not None}
        blank["routine"] = [u for u in scheme.units if u.id not in given]
    if docs.ballots:
        for kind in ("conduct", "satisfaction"):
            given = {t.get("unit_id") for t in docs.ballots.get(kind) or []
                     if any(v for v in (t.get("counts") or {}).values())}
            blank[kind] = [u for u in scheme.units if u.id not in given]
    for sheet in docs.lead_scores or ():
        dept = str(sheet.get("lead_department") or "")
        given = {(e.get("unit_id"), e.get("indicator_id")) for e in sheet.get("entries") or []
                 if any(e.get(f) is not None for f in ("rating", "count", "value"))}
        blank[f"lead_scores:{dept}"] = [
            (u, ind) for ind in scheme.indicators_of(dept) for u in scheme.units
            if ind.applies_to(u.group) and (u.id, ind.id) not in given]
    return blank


def _blank_entry(scheme: Scheme, kind: str, units: Sequence[Any]) -> dict[str, str]:
    """The units a register used leaves blank for one component: it counts 0 for them."""
    if kind.startswith("lead_scores:"):
        return _blank_lead(scheme, kind.split(":", 1)[1], units)
    register, register_en = KIND_NAMES["routine" if kind == "routine" else "ballots"]
    comp = next((c for c in scheme.components if c.kind == kind), None)
    name = comp.name if comp else kind
    name_en = (comp.name_en or comp.id) if comp else kind
    n, names = len(units), "、".join(u.name for u in units)
    names_en = ", ".join(u.name_en or u.name for u in units)
    what = "各期成绩" if kind == "routine" else f"{name}票数"
    return {"reason": f"{register}中 {n} 个单位的{what}均未填写（{names}），其{name}按 0 分计",
            "reason_en": (f"the {register_en} gives nothing for the {name_en} of {n} unit"
                          f"{'s' if n > 1 else ''} ({names_en}): it counts 0 for "
                          f"{'them' if n > 1 else 'it'}")}


def _blank_lead(scheme: Scheme, dept: str, pairs: Sequence[Any]) -> dict[str, str]:
    """The (unit, indicator) cells a lead department's sheet that was used leaves blank: the
    validator warned at each cell (blank-score); the indicator counts 0 for the unit."""
    name, name_en = owner_names(scheme, dept)
    sheet, sheet_en = KIND_NAMES["lead_scores"]
    units = list(dict.fromkeys(u for u, _ in pairs))
    cells = "、".join(f"{u.name}·{ind.id} {ind.name}" for u, ind in pairs[:8])
    cells_en = ", ".join(f"{u.name_en or u.name} · {ind.id} {ind.name_en or ind.name}"
                         for u, ind in pairs[:8])
    more = f" 等 {len(pairs)} 处" if len(pairs) > 8 else ""
    more_en = f" and {len(pairs) - 8} more" if len(pairs) > 8 else ""
    n = len(units)
    return {"reason": f"“{name}”的{sheet}中 {n} 个单位的评分未填写（{cells}{more}），"
                      "这些指标按 0 分计",
            "reason_en": (f"{name_en}'s {sheet_en} leaves {n} unit{'s' if n > 1 else ''} "
                          f"unscored ({cells_en}{more_en}): those indicators count 0")}


def _unresolved(duplicates: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One entry per unit (or register) whose files differ and no one has chosen yet."""
    files: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for d in duplicates:
        if d.get("differs"):
            files.setdefault((d["kind"], d.get("unit_id") or ""), []).append(d)
    entries = []
    for (kind, owner), extra in files.items():
        what, what_en = KIND_NAMES.get(kind, (kind, kind))
        n = len(extra) + 1
        count = "两" if n == 2 else str(n)
        who = f"{extra[0]['unit_name']}有" if owner else "收到"
        who_en = f"{extra[0].get('unit_name_en') or extra[0]['unit_name']} has" if owner \
            else "there are"
        entries.append({
            "reason": f"{who}{count}份内容不同的{what}，尚未确认采用哪一份",
            "reason_en": f"{who_en} {n} differing {what_en} files, and which one is right "
                         "is not yet confirmed"})
    return entries
