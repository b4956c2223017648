"""The folder of per-unit feedback workbooks: their file names, the check that every one can
be written before any is replaced, and the removal of those an earlier run wrote for units
no longer in the results.

>>> remove_stale_feedback(results, Path("反馈"))  # doctest: +SKIP
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["feedback_filename", "feedback_names", "check_feedback_folder",
           "remove_stale_feedback"]


#: The file name's prefix by language: the English workbooks are called feedback_<unit>.xlsx.
_PREFIX = {"zh": "结果反馈", "en": "feedback"}


def feedback_filename(unit_id: str, lang: str = "zh", name: str = "") -> str:
    """结果反馈_<unit name>.xlsx by the unit's `name` (made safe), 结果反馈_<unit_id>.xlsx
    without one (feedback_… in English)."""
    from workbook_templates.build import safe_file_name

    return f"{_PREFIX['en' if lang == 'en' else 'zh']}_{safe_file_name(name) or unit_id}.xlsx"


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
    prefix = feedback_filename("", lang).removesuffix(".xlsx")
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
    keep = set(feedback_names(results, lang).values())
    removed = []
    folder = Path(out_dir)
    if not folder.is_dir():
        return []
    for path in sorted(folder.iterdir()):
        if (_OWN_NAME.match(path.name) and path.name not in keep and path.is_file()
                and _written_by_kaohe(path)):
            path.unlink()
            removed.append(path)
    return removed
