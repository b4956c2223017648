"""The folder of per-unit feedback workbooks: their file names, the check that every one can
be written before any is replaced, and the removal of those an earlier run wrote for units
no longer in the results.

>>> remove_stale_feedback(results, Path("反馈"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["feedback_filename", "feedback_names", "feedback_path", "distinct_names",
           "check_feedback_folder", "stale_feedback", "remove_stale_feedback"]


#: The file name's prefix by language: the English workbooks are called feedback_<unit>.xlsx.
_PREFIX = {"zh": "结果反馈", "en": "feedback"}


def feedback_filename(unit_id: str, lang: str = "zh", name: str = "") -> str:
    """结果反馈_<unit name>.xlsx by the unit's `name` (made safe), 结果反馈_<unit_id>.xlsx
    without one (feedback_… in English)."""
    from workbook_templates.build import safe_file_name

    return (f"{_PREFIX['en' if lang == 'en' else 'zh']}_"
            f"{safe_file_name(name) or _safe_id(unit_id)}.xlsx")


_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")
_LONGEST = 80  # characters of an id kept in a file name (the rest is a digest)


def _safe_id(unit_id: str) -> str:
    """A unit id read back from a results document, made a plain file name part: anything
    but letters, digits, "_", "." and "-" becomes "_" (no "/" or "\\", no NUL, no leading
    dot), and a long id is cut with a digest of the whole, so that two ids never collide.

    >>> _safe_id("../../results"), _safe_id("fuyun")
    ('_.._results', 'fuyun')
    """
    text = str(unit_id)
    safe = _UNSAFE_ID.sub("_", text).lstrip(".") or "_"
    if len(safe) > _LONGEST:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        safe = f"{safe[:_LONGEST - 13]}-{digest}"
    return safe


def feedback_names(results: Mapping[str, Any], lang: str = "zh") -> dict[str, str]:
    """unit id -> its feedback workbook's name: by the unit's name in `lang` (name and id
    where two units share a name); the id stays inside the workbook."""
    from workbook_templates.build import safe_file_name

    units = list(results.get("units") or [])
    shown = {u["unit_id"]: (u.get("unit_name_en") if lang == "en" else None)
             or u.get("unit_name") or "" for u in units}
    taken = Counter(safe_file_name(n).casefold() for n in shown.values())
    return {uid: feedback_filename(uid, lang, n if n and taken[safe_file_name(n).casefold()] == 1
                                   else f"{n}_{uid}" if n else "")
            for uid, n in shown.items()}


def feedback_path(out_dir: Path, name: str) -> Path:
    """The workbook `name` (of feedback_names) in out_dir; refused (KaoheError) if it would
    be anywhere else."""
    from kaohe.errors import KaoheError

    folder = Path(out_dir)
    path = folder / name
    if path.parent != folder or path.name != name or any(c in name for c in "/\\\0:"):
        raise KaoheError(f"{name!r} 不能用作反馈文件名，未写入",
                         f"{name!r} cannot be a feedback file's name; nothing written")
    return path


def distinct_names(results: Mapping[str, Any], names: Mapping[str, str]) -> None:
    """Refuse (KaoheError, before anything is written) two units whose workbooks would share
    a name (feedback_names: unit id -> name), or one unit id twice in the results: one
    workbook would silently replace the other's."""
    from kaohe.errors import KaoheError

    ids = [str(u.get("unit_id")) for u in results.get("units") or []]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})[:3]
        raise KaoheError(f"结果中单位编号重复（{'、'.join(twice)}），未写入",
                         f"unit ids appear twice in the results ({', '.join(twice)}); "
                         "nothing written")
    seen: dict[str, str] = {}
    for unit_id, name in names.items():
        key = name.casefold()  # (Windows and macOS do not tell case apart)
        if key in seen:
            raise KaoheError(
                f"结果中单位 {seen[key]!r} 与 {unit_id!r} 的反馈文件同名（{name}），未写入",
                f"units {seen[key]!r} and {unit_id!r} would share the feedback file {name}; "
                "nothing written")
        seen[key] = unit_id


# Either language's name: a run in one language replaces the other's workbooks too.
_OWN_NAME = re.compile(r"^(?:结果反馈|feedback)_(?P<unit_id>[^/\\]+)\.xlsx$")


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

    Example: remove_stale_feedback(results, Path("反馈"))  # [Path("反馈/结果反馈_富蕴县.xlsx")]
    """
    removed = stale_feedback(results, out_dir, lang)
    for path in removed:
        path.unlink()
    return removed


def stale_feedback(results: Mapping[str, Any], out_dir: Path, lang: str = "zh") -> list[Path]:
    """The workbooks remove_stale_feedback would remove (nothing is touched)."""
    keep = set(feedback_names(results, lang).values())
    folder = Path(out_dir)
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.iterdir())
            if _OWN_NAME.match(path.name) and path.name not in keep and path.is_file()
            and not path.is_symlink() and _written_by_kaohe(path)]
