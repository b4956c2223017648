"""Who has sent what: the collection tracker (收集情况) and the list to chase (催报).

Every submission the scheme expects (validators.reading.file_names.expected_submissions)
gets one status from the submissions folder and, when there is one, the last consolidation's
results.json:

- 未报送 not received: no file of this kind for this owner;
- 已退回 returned: the newest file has errors (it would be rejected at consolidation);
- 已报送 received: a usable file, not yet in a consolidation;
- 已采用 used: that very file (same SHA-256) was used by the last consolidation.

The contact person (填报联系人) and phone (电话) come from each unit report itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaohe.engine.model import Scheme

__all__ = ["Status", "STATUS", "track", "to_chase", "status_label", "tracker_rows"]

#: Status key → (中文, English).
STATUS = {"missing": ("未报送", "not received"), "returned": ("已退回", "returned"),
          "received": ("已报送", "received"), "used": ("已采用", "used")}


@dataclass
class Status:
    """One expected submission and what the folder holds for it."""

    kind: str
    owner: str
    name: str
    name_en: str
    status: str = "missing"
    file: str = ""
    contact: str = ""
    phone: str = ""
    filled: str = ""
    errors: int = 0
    warnings: int = 0
    files: list[str] = field(default_factory=list)


def status_label(status: str, lang: str = "zh") -> str:
    """未报送 / not received …"""
    zh, en = STATUS[status]
    return en if lang == "en" else zh


def _used(results: Mapping[str, Any] | None) -> set[str]:
    return {str(i.get("sha256")) for i in (results or {}).get("inputs", []) if i.get("used")}


def _newest(subs: Sequence[Any]) -> Any:
    """The submission that counts: a usable one first, then the latest stamped."""
    return max(subs, key=lambda s: (s.accepted, s.stamp, s.path))


def track(folder: Path, scheme: Scheme, results: Mapping[str, Any] | None = None, *,
          workers: int = 2, progress: Callable[[int, int], None] | None = None,
          cache: Any = None) -> list[Status]:
    """The status of every expected submission, in the scheme's order.

    `cache` (kaohe.pipeline.exam_cache.ExamCache, the consolidation's): files examined
    before are not examined again, and those examined now are kept for the next
    consolidation — refreshing the tracker as files arrive costs only the new ones.
    """
    from kaohe.pipeline.consolidate import discover, examine
    from validators.pool import map_files
    from validators.reading.file_names import expected_submissions

    tell = progress or (lambda done, total: None)
    if cache is not None:
        subs = cache.examine(discover(folder), scheme, workers=workers, progress=tell)
    else:
        subs = map_files(examine, discover(folder), scheme, workers=workers, progress=tell)
    by_owner: dict[tuple[str, str], list[Any]] = {}
    for sub in subs:
        by_owner.setdefault((sub.kind or "", sub.owner or ""), []).append(sub)
    used = _used(results)
    rows = []
    for kind, owner, name, name_en, _group in expected_submissions(scheme):
        row = Status(kind, owner, name, name_en)
        found = by_owner.get((kind, owner), [])
        if found:
            sub = _newest(found)
            document = sub.document or {}
            row.file, row.files = Path(sub.path).name, sorted(Path(s.path).name for s in found)
            row.contact = str(document.get("contact") or "")
            row.phone = str(document.get("phone") or "")
            row.filled = sub.filled
            row.errors = sum(1 for i in sub.report.issues if i.severity == "error")
            row.warnings = len(sub.report.issues) - row.errors
            row.status = ("used" if sub.accepted and sub.sha256 in used else
                          "received" if sub.accepted else "returned")
        rows.append(row)
    return rows


def to_chase(rows: Sequence[Status]) -> list[Status]:
    """催报: the owners who have sent nothing or whose file was returned."""
    return [r for r in rows if r.status in ("missing", "returned")]


def tracker_rows(rows: Sequence[Status], lang: str = "zh") -> list[list[Any]]:
    """The tracker as a table (header first) for a sheet."""
    from kaohe.labels import KIND_NAMES

    en = lang == "en"
    head = (["Submission", "Unit / department", "Status", "File", "Contact", "Phone",
             "Date filled", "Errors", "Warnings"] if en else
            ["报送材料", "单位", "状态", "文件", "填报联系人", "电话", "填报日期", "错误", "提醒"])
    body = [[KIND_NAMES[r.kind][1 if en else 0], (r.name_en if en else r.name),
             status_label(r.status, lang), r.file, r.contact, r.phone, r.filled,
             r.errors if r.file else "", r.warnings if r.file else ""] for r in rows]
    return [head, *body]
