"""Printed summaries of results: one ranked table per group."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kaohe.textable import table
from validators.report import ERROR, WARNING

__all__ = ["ranking_tables", "gate_label", "consolidation_summary", "provisional_banner",
           "official_diff_text",
           "stale_feedback_note", "recorded_note"]

#: How a finding of the whole batch is labelled: a differing duplicate is an error (exit 1),
#: an identical copy only a note.
_SEVERITY = {ERROR: ("错误: ", "error: "), WARNING: ("注意: ", "note: ")}

_HEAD = {"zh": ["名次", "单位", "总分", "等次", "评优限制"],
         "en": ["rank", "unit", "total", "grade", "gates"]}


def gate_label(gate: Mapping[str, Any], lang: str = "zh",
               unit: Mapping[str, Any] | None = None) -> str:
    """A short label for a gate hit, the indicator by its name: "“城镇新增就业”失分28%",
    "受到全疆通报（2016-06-19）", "一票否决"."""
    from outputs.leaders_summary import gate_text

    return gate_text(gate, unit or {}, lang)


def ranking_tables(results: Mapping[str, Any], lang: str = "zh") -> str:
    """Per group: rank, unit, total, grade and the gates hit."""
    from outputs.style import grade_label

    blocks = []
    for group in results["groups"]:
        rows = []
        for unit in results["units"]:
            if unit["group"] != group["id"]:
                continue
            gates = ("; " if lang == "en" else "；").join(
                gate_label(g, lang, unit) for g in unit["gates"]) or "—"
            name = (unit["unit_name"] if lang == "zh"
                    else (unit.get("unit_name_en") or unit["unit_id"]))
            rows.append([unit["rank"], name, f"{unit['total']:.2f}",
                         grade_label(unit["grade"], lang), gates])
        title = group["name"] if lang == "zh" else (group.get("name_en") or group["id"])
        block = f"\n{title}\n" + table(_HEAD[lang], rows)
        if results.get("stability"):
            from kaohe.analysis.stability import group_sentence

            sentence = group_sentence(results, group["id"], lang)
            label = "名次稳定性：" if lang == "zh" else "rank stability: "
            block += f"\n{label}{sentence}" if sentence else ""
        blocks.append(block)
    return "\n".join(blocks)


def provisional_banner(results: Mapping[str, Any], lang: str = "zh") -> str:
    """A plain warning when the results are not final: a whole input missing or rejected,
    units not scored, differing duplicates ("" when complete)."""
    entries = results.get("provisional") or []
    if not entries:
        return ""
    if lang == "zh":
        return ("结果不完整（暂定）：" + "；".join(e["reason"] for e in entries)
                + "。排名和等次仅为暂定：以上问题解决后请重新汇总，在此之前不要发布。")
    return ("RESULTS INCOMPLETE (PROVISIONAL): " + "; ".join(e["reason_en"] for e in entries)
            + ". Rankings and grades are provisional: consolidate again once these are "
            "resolved, and do not publish before then.")


def recorded_note(run: Mapping[str, Any], lang: str = "zh") -> str:
    """What the history database made of the run: 记为 2016-r3（未发布；正式结果为 2016-r2）."""
    from outputs.labels import run_status

    run_id = str(run.get("run_id", ""))
    status = run_status(run, lang).removeprefix(run_id).lstrip("，, ")
    if lang == "en":
        return f"recorded as {run_id}" + (f" ({status})" if status else "")
    return f"记为 {run_id}" + (f"（{status}）" if status else "")


def stale_feedback_note(removed: list[str], lang: str = "zh") -> str:
    """Names the feedback workbooks of an earlier run removed because this run did not write
    them (their units are not in it, or they were named in the other language)."""
    if lang == "zh":
        return (f"已删除上次生成的 {len(removed)} 个反馈工作簿（其单位不在本次结果中，"
                "或为另一种语言的文件名）：" + "、".join(removed))
    return (f"removed {len(removed)} feedback workbook(s) written by an earlier run and not by "
            "this one (units not in these results, or named in the other language): "
            + ", ".join(removed))


def consolidation_summary(run: Any, lang: str = "zh") -> str:
    """Rankings, then plainly: which units were not scored and why, rejected and missing files.

    A run lacking a whole input (a register, a lead department's sheet) starts with a banner
    saying the results are provisional.
    """
    from kaohe.pipeline.completeness import KIND_NAMES

    zh = lang == "zh"
    banner = provisional_banner(run.results, lang)
    parts = [banner] if banner else []
    parts.append(ranking_tables(run.results, lang=lang))
    not_scored = run.results.get("not_scored", [])
    if not_scored:
        rows = [[u["unit_name"] if zh else (u.get("unit_name_en") or u["unit_id"]),
                 u["unit_id"], u["reason"] if zh else u["reason_en"]] for u in not_scored]
        head = ["单位", "编号", "原因"] if zh else ["unit", "id", "reason"]
        parts.append(("\n未能计分的单位\n" if zh else "\nUnits not scored\n")
                     + table(head, rows))
    if run.rejected:
        rows = [[Path(r["file"]).name, r["errors"], r["reason"] if zh else r["reason_en"]]
                for r in run.rejected]
        head = ["文件", "错误数", "首个错误"] if zh else ["file", "errors", "first error"]
        parts.append(("\n退回的文件\n" if zh else "\nRejected files\n")
                     + table(head, rows))
    record = run.results.get("submissions") or {}
    others = [m for m in record.get("missing", []) if m["kind"] != "unit_report"]
    if others:
        status = {"rejected": ("已报送但未通过校验", "submitted but rejected"),
                  "unidentified": ("可能已报送但未通过校验（{file} 按文件名疑似此项，"
                                   "见退回的文件）",
                                   "probably submitted but rejected ({file} is apparently "
                                   "this one, by its name; see rejected files)"),
                  "not_submitted": ("未报送", "not submitted")}
        rows = [[KIND_NAMES.get(m["kind"], (m["kind"],) * 2)[0 if zh else 1],
                 (m["unit_name"] if zh else m["unit_name_en"]) if m["unit_id"] else "—",
                 status[m["status"]][0 if zh else 1].format(file=m.get("file", ""))]
                for m in others]
        head = ["材料", "单位", "情况"] if zh else ["submission", "from", "status"]
        parts.append(("\n未收到\n" if zh else "\nMissing\n") + table(head, rows))
    merit = [u["unit_name"] if zh else (u.get("unit_name_en") or u["unit_id"])
             for u in run.results["units"] if (u.get("history") or {}).get("three_consecutive_top")]
    if merit:
        parts.append(("\n连续三年获评最高等次（建议记三等功）：" if zh else
                      "\nTop grade three years running (third-class merit): ")
                     + ("、" if zh else ", ").join(merit))
    for issue in run.batch_issues:
        label = _SEVERITY.get(issue.severity, _SEVERITY[WARNING])[0 if zh else 1]
        parts.append(label + issue.text(lang))
    removed = getattr(run, "removed_feedback", None)
    if removed:
        parts.append(stale_feedback_note(removed, lang))
    warned = _warnings_note(run, zh)
    if warned:
        parts.append(warned)
    used = sum(1 for s in run.submissions if s.accepted)
    extra = sum(1 for s in run.submissions if s.superseded_by)
    parts.append((f"\n共 {len(run.submissions)} 个文件，采用 {used} 个，"
                  f"退回 {len(run.rejected)} 个" + (f"，重复未采用 {extra} 个" if extra else "")
                  + f"；计分单位 {len(run.results['units'])} 个，未计分 {len(not_scored)} 个")
                 if zh else
                 (f"\n{len(run.submissions)} files, {used} used, {len(run.rejected)} rejected"
                  + (f", {extra} duplicate(s) not used" if extra else "")
                  + f"; {len(run.results['units'])} units scored, {len(not_scored)} not scored"))
    if banner:
        parts.append(banner)
    return "\n".join(parts)


def _warnings_note(run: Any, zh: bool) -> str:
    """The warnings of the files used, counted ("" when none): they do not change a score,
    but the office should know they are there and where to read them."""
    counts = [len(s.report.warnings) for s in run.submissions if s.accepted]
    n, files = sum(counts), sum(1 for c in counts if c)
    if not n:
        return ""
    folder = getattr(run, "folder", "") or "<DIR>"
    if zh:
        return (f"另有 {n} 个警告（{files} 个文件）：这些文件照常计分，各警告写明了计分时如何处理；"
                f"用 kaohe validate {folder} 查看")
    return (f"{n} more warning{'s' if n > 1 else ''} ({files} file{'s' if files > 1 else ''}): "
            "the files are scored as they are, each warning says how; see them with "
            f"kaohe validate {folder}")


def official_diff_text(record: Any, scheme: Mapping[str, Any], lang: str = "zh") -> str:
    """What a new revision of a published year moves against the official result: one row
    per unit whose rank, grade or total changed (record: a kaohe.store.RunRecord)."""
    from kaohe.labels import grade_label, group_label

    en = lang == "en"
    official = record.published_run_id
    title = (f"revision {record.revision} ({record.run_id}) against the official result "
             f"{official}:" if en else
             f"第 {record.revision} 版（{record.run_id}）相对正式结果 {official} 的变化：")
    if not record.diff:
        return title + ("\nno rank, grade or total changed" if en else "\n名次、等次、总分均无变化")

    def arrow(old: Any, new: Any, fmt: str = "{}") -> str:
        def show(v: Any) -> str:
            return "—" if v is None or v == "" else fmt.format(v)

        return show(old) if old == new else f"{show(old)} → {show(new)}"

    head = (["unit", "group", "rank", "grade", "total"] if en
            else ["单位", "组别", "名次", "等次", "总分"])
    rows = [[(c.unit_name_en or c.unit_id) if en else c.unit_name,
             group_label(c.group, lang, scheme), arrow(c.old_rank, c.new_rank),
             arrow(grade_label(c.old_grade, lang, scheme), grade_label(c.new_grade, lang, scheme)),
             arrow(c.old_total, c.new_total, "{:.2f}")] for c in record.diff]
    note = ("\n(not published: the official result stays until this revision is published)"
            if en else "\n（未发布：发布本修订前，正式结果不变）")
    return title + "\n" + table(head, rows) + note
