"""After `kaohe publish`: rewrite what was written for the year so it says 已发布 and which
revision — the results JSON and workbook, the feedback workbooks, the summary and the notice.

The history database records where each run's outputs were written (`Store.record_outputs`,
called by a consolidation). Each output is rebuilt from the results stored with its run and
the run's status as it is now (official or not, which revision is). An output that cannot be
rewritten (moved or deleted, open in Excel, a read-only folder) is left as it is and named,
with the reason, in the report: nothing is created where a file was moved away.

>>> report = rewrite_year_outputs(store, 2016)  # doctest: +SKIP
>>> report.updated, report.failed  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaohe.errors import KaoheError

__all__ = ["OUTPUT_KINDS", "RewriteReport", "rewrite_year_outputs", "run_status_now"]

#: The kinds of output a consolidation records, with what each is (zh, en).
OUTPUT_KINDS: dict[str, tuple[str, str]] = {
    "results_json": ("结果文件", "results JSON"),
    "results_book": ("结果工作簿", "results workbook"),
    "feedback": ("反馈工作簿文件夹", "feedback folder"),
    "summary": ("结果汇总", "summary"),
    "notice": ("通报", "notice"),
}


@dataclass
class RewriteReport:
    """What publishing rewrote, and what it could not (path, reason zh, reason en)."""

    updated: list[str] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)

    def text(self, lang: str = "zh") -> str:
        """The report as the command prints it ("" when there was nothing to rewrite)."""
        en = lang == "en"
        lines = []
        if self.updated:
            lines.append("rewritten with the year's publication (已发布 or which run is official):"
                         if en else "已按本年度的发布情况重写（已发布，或注明正式结果为哪一版）：")
            lines += [f"  → {p}" for p in self.updated]
        if self.failed:
            lines.append("NOT updated (they still say what they said before):" if en
                         else "以下文件未能更新（仍为原来的发布情况）：")
            lines += [f"  ✗ {p}: {why_en}" if en else f"  ✗ {p}：{why}"
                      for p, why, why_en in self.failed]
        return "\n".join(lines)   # "" when no output of the year was recorded


def run_status_now(store: Any, run_id: str) -> dict[str, Any]:
    """A results document's "run" as the run stands now: official or not, when published."""
    info = store.run(run_id)
    official = store.published_run(info.year)
    published_at = None
    if official == run_id:
        published_at = next((p.published_at for p in reversed(store.publications(info.year))
                             if p.run_id == run_id), None)
    return {"run_id": run_id, "revision": info.revision, "published": official == run_id,
            "published_revision": official, "provisional": bool(info.provisional),
            "published_at": published_at, "outputs_updated": True}


def rewrite_year_outputs(store: Any, year: int) -> RewriteReport:
    """Rewrite every recorded output of the year with its run's status as it is now."""
    report = RewriteReport()
    cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for out in store.outputs(year):
        if out.run_id not in cache:
            results = store.results(out.run_id)
            results["run"] = run_status_now(store, out.run_id)
            results["trends"] = store.trends(year)   # now with the year just published
            cache[out.run_id] = (results, store.scheme(out.run_id))
        results, scheme = cache[out.run_id]
        path = Path(out.path)
        exists = path.is_dir() if out.kind == "feedback" else path.is_file()
        if not exists:
            report.failed.append((out.path, "文件不存在（已被移动或删除），未重新生成",
                                  "no longer there (moved or deleted): not written again"))
            continue
        try:
            _WRITERS[out.kind](results, path, scheme, out.lang)
        except KaoheError as exc:
            report.failed.append((out.path, exc.message, exc.message_en))
        except OSError as exc:
            report.failed.append((out.path, f"无法写入：{exc}", f"cannot write: {exc}"))
        else:
            report.updated.append(out.path)
    return report


def _json(results: Mapping[str, Any], path: Path, scheme: Mapping[str, Any], lang: str) -> None:
    from kaohe.pipeline.io import write_json

    write_json(path, dict(results))


def _book(results: Mapping[str, Any], path: Path, scheme: Mapping[str, Any], lang: str) -> None:
    from outputs.results_book import write_results_workbook

    write_results_workbook(results, path, lang=lang, scheme=dict(scheme))


def _feedback(results: Mapping[str, Any], path: Path, scheme: Mapping[str, Any],
              lang: str) -> None:
    from outputs.feedback_book import check_feedback_folder, write_feedback_workbooks

    check_feedback_folder(path, lang)
    write_feedback_workbooks(results, path, lang=lang)


def _summary(results: Mapping[str, Any], path: Path, scheme: Mapping[str, Any],
             lang: str) -> None:
    from outputs.summary_doc import write_summary_document

    write_summary_document(results, path, lang=lang)


def _notice(results: Mapping[str, Any], path: Path, scheme: Mapping[str, Any],
            lang: str) -> None:
    from outputs.notice_doc import write_notice

    write_notice(results, path, lang=lang)


_WRITERS: dict[str, Callable[[Mapping[str, Any], Path, Mapping[str, Any], str], None]] = {
    "results_json": _json, "results_book": _book, "feedback": _feedback,
    "summary": _summary, "notice": _notice,
}
