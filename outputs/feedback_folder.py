"""The folder of per-unit feedback workbooks: their file names, the check that every one can
be written before any is replaced, and the removal of those an earlier run wrote for units
no longer in the results.

>>> remove_stale_feedback(results, Path("反馈"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["feedback_filename", "feedback_path", "distinct_names", "check_feedback_folder",
           "stale_feedback", "remove_stale_feedback"]


#: The file name's prefix by language: the English workbooks are called feedback_<unit>.xlsx.
_PREFIX = {"zh": "结果反馈", "en": "feedback"}


def feedback_filename(unit_id: str, lang: str = "zh") -> str:
    """结果反馈_<unit_id>.xlsx (feedback_<unit_id>.xlsx in English), from a safe form of the id.

    The id comes from a results document read back from disk: anything but letters, digits,
    "_", "." and "-" becomes "_" (no "/" or "\\", no NUL, no leading dot), and a long id is
    cut with a digest of the whole, so that no name can leave the folder or be too long.

    >>> feedback_filename("../../results"), feedback_filename("fuyun", "en")
    ('结果反馈_results.xlsx', 'feedback_fuyun.xlsx')
    """
    return f"{_PREFIX['en' if lang == 'en' else 'zh']}_{_safe_id(unit_id)}.xlsx"


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_LONGEST = 80  # characters of an id kept in a file name (the rest is a digest)


def _safe_id(unit_id: str) -> str:
    text = str(unit_id)
    safe = _UNSAFE.sub("_", text).lstrip(".") or "_"
    if safe != text and safe.strip("_.") == "":
        safe = "_"
    if len(safe) > _LONGEST:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        safe = f"{safe[:_LONGEST - 13]}-{digest}"
    return safe


def feedback_path(out_dir: Path, unit_id: str, lang: str = "zh") -> Path:
    """The feedback workbook's path in out_dir; refused (KaoheError) if it would leave it."""
    from kaohe.errors import KaoheError

    folder = Path(out_dir)
    name = feedback_filename(unit_id, lang)
    path = folder / name
    if path.parent != folder or path.name != name or any(c in name for c in "/\\\0:"):
        raise KaoheError(f"单位编号 {unit_id!r} 不能用作文件名，未写入",
                         f"unit id {unit_id!r} cannot be used as a file name; nothing written")
    return path


def distinct_names(units: Sequence[Mapping[str, Any]], lang: str = "zh") -> None:
    """Refuse (KaoheError, before anything is written) two units whose workbooks would share
    a name: one would silently replace the other's feedback."""
    from kaohe.errors import KaoheError

    seen: dict[str, str] = {}
    for unit in units:
        name = feedback_filename(str(unit["unit_id"]), lang)
        if name in seen:
            raise KaoheError(
                f"结果中单位 {seen[name]!r} 与 {unit['unit_id']!r} 的反馈文件同名"
                f"（{name}），未写入",
                f"units {seen[name]!r} and {unit['unit_id']!r} would share the feedback file "
                f"{name}; nothing written")
        seen[name] = str(unit["unit_id"])


# Either language's name: a run in one language replaces the other's workbooks too.
_OWN_NAME = re.compile(r"^(?:结果反馈|feedback)_(?P<unit_id>[A-Za-z][A-Za-z0-9_.-]*)\.xlsx$")


def _written_by_kaohe(path: Path) -> bool:
    """True when the workbook's creator property is kaohe (read from docProps/core.xml)."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return "<dc:creator>kaohe</dc:creator>" in core


def check_feedback_folder(out_dir: Path, lang: str = "zh") -> None:
    """Raise OutputError before anything is written if the feedback folder, or a feedback
    workbook in it, could not be written (a file where the folder goes, a folder where a
    workbook of this language goes, a workbook open in Excel)."""
    from kaohe.pipeline.io import check_writable

    folder = Path(out_dir)
    check_writable(folder, folder=True)
    prefix = _PREFIX["en" if lang == "en" else "zh"] + "_"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if _OWN_NAME.match(path.name) and path.name.startswith(prefix):
                check_writable(path)


def remove_stale_feedback(results: Mapping[str, Any], out_dir: Path,
                          lang: str = "zh") -> list[Path]:
    """Remove the feedback workbooks an earlier run wrote that this run did not: those of
    units not in these results, and those in the other language (结果反馈_x.xlsx after an
    English run wrote feedback_x.xlsx).

    Only files named as kaohe names them whose creator property is kaohe are removed;
    anything else in the folder is left alone. Returns what was removed.

    Example: remove_stale_feedback(results, Path("反馈"))  # [Path("反馈/结果反馈_fuyun.xlsx")]
    """
    removed = stale_feedback(results, out_dir, lang)
    for path in removed:
        path.unlink()
    return removed


def stale_feedback(results: Mapping[str, Any], out_dir: Path, lang: str = "zh") -> list[Path]:
    """The workbooks remove_stale_feedback would remove (nothing is touched)."""
    keep = {feedback_filename(u["unit_id"], lang) for u in results.get("units") or []}
    folder = Path(out_dir)
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.iterdir())
            if _OWN_NAME.match(path.name) and path.name not in keep and path.is_file()
            and not path.is_symlink() and _written_by_kaohe(path)]
