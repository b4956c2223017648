"""Templates handed out: one zip per unit and per scoring department, named by its name.

Each zip holds the owner's own template, named after the owner (单位自评表_阿勒泰市.xlsx, as
workbook_templates names them), and the scheme workbook 考核方案.xlsx for reference. The
full set is kept beside the zips for the office (its registers: 加扣分登记表, 平时考核汇总表,
民主测评及满意度统计表).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kaohe.engine.model import Scheme
from kaohe.pipeline.io import write_atomic

__all__ = ["Parcel", "distribute_templates", "file_safe", "ALL_FOLDER"]

ALL_FOLDER = {"zh": "全部模板", "en": "all templates"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class Parcel:
    """One zip ready to mail: whose it is (the kinds and ids of its forms) and what it holds."""

    kinds: tuple[str, ...]
    owners: tuple[str, ...]
    name: str
    path: Path
    members: tuple[str, ...]


def file_safe(text: str) -> str:
    """A name usable as a file name on Windows (no \\ / : * ? " < > |), never empty."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    return cleaned or "_"


def _zip(path: Path, members: list[tuple[Path, str]]) -> Path:
    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for source, arcname in members:
                archive.write(source, arcname)

    return write_atomic(path, write)


def distribute_templates(scheme: Scheme, out: Path, lang: str = "zh",
                         progress: Callable[[int, int], None] | None = None) -> list[Parcel]:
    """Build the template set into out/全部模板 and one zip per unit or department (by name)
    into out; returns them."""
    from workbook_templates import (  # type: ignore[attr-defined]
        build_templates,
        template_name,
    )
    from workbook_templates.build import template_names

    out = Path(out)
    every = out / ALL_FOLDER["en" if lang == "en" else "zh"]
    build_templates(scheme, every, lang, progress=progress)
    reference = every / template_name("scheme", lang)
    files = template_names(scheme, lang)  # already named by the owner (made safe)
    owners = [("unit_report", u.id, u.name, u.name_en or u.id) for u in scheme.units]
    owners += [("lead_scores", d.id, d.name, d.name_en or d.id)
               for d in scheme.lead_departments if scheme.indicators_of(d.id)]
    # A department that is assessed and also scores others gets both its forms in one zip.
    grouped: dict[str, list[tuple[str, str, Path, str]]] = {}
    for kind, owner, name, name_en in owners:
        shown = file_safe(name_en if lang == "en" else name)
        template = every / files.get((kind, owner), template_name(kind, lang, owner))
        if template.is_file():
            grouped.setdefault(shown, []).append((kind, owner, template, template.name))
    parcels = []
    for shown, forms in grouped.items():
        members = [(t, inside) for _, _, t, inside in forms] + [(reference, reference.name)]
        path = _zip(out / f"{shown}.zip", members)
        parcels.append(Parcel(tuple(k for k, _, _, _ in forms), tuple(o for _, o, _, _ in forms),
                              shown, path, tuple(inside for _, inside in members)))
    return parcels
