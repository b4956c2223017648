"""Loading schemes and data documents from JSON, validated against their schemas."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaohe.engine.model import Scheme
from kaohe.errors import KaoheError
from kaohe.pipeline.io import read_json
from validators.rules.json_schema import validate_document

if TYPE_CHECKING:
    from kaohe.engine.scoring import Documents

__all__ = ["DEFAULT_SCHEME", "default_scheme_document", "load_scheme", "scheme_from_document",
           "documents_from", "load_data_dir"]

DEFAULT_SCHEME = "altay-2016.scheme.json"


def default_scheme_document() -> dict[str, Any]:
    """The embedded illustrative scheme (Altay prefecture, 2016)."""
    text = resources.files("kaohe").joinpath("data", DEFAULT_SCHEME).read_text(encoding="utf-8")
    return json.loads(text)


def scheme_from_document(doc: Mapping[str, Any]) -> Scheme:
    """Validate a scheme document against scheme.schema.json, then build the model."""
    validate_document(dict(doc), "scheme")
    return Scheme.from_document(doc)


def load_scheme(path: Path | None = None) -> Scheme:
    """Load and validate a scheme: a JSON file, an edited scheme workbook (.xlsx), or None for
    the embedded default. A workbook with problems raises KaoheError naming sheet and cell."""
    if path is None:
        return scheme_from_document(default_scheme_document())
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from workbook_templates import import_scheme_workbook

        doc, issues = import_scheme_workbook(path)
        errors = [i for i in issues if i.severity == "error"]
        if errors:
            shown = errors[:5]
            raise KaoheError("考核方案工作簿有误：" + "；".join(i.text("zh") for i in shown),
                             "the scheme workbook has problems: "
                             + "; ".join(i.text("en") for i in shown))
        return scheme_from_document(doc)
    try:
        doc = read_json(path)
    except (OSError, ValueError) as exc:
        raise KaoheError(f"无法读取考核方案 {path}：{exc}",
                         f"cannot read scheme {path}: {exc}") from exc
    return scheme_from_document(doc)


def documents_from(docs: Iterable[Mapping[str, Any]]) -> Documents:
    """Sort validated documents by kind into the engine's Documents."""
    from kaohe.engine.scoring import Documents

    reports: dict[str, Mapping[str, Any]] = {}
    leads: list[Mapping[str, Any]] = []
    single: dict[str, Mapping[str, Any]] = {}
    for doc in docs:
        kind = doc.get("kind")
        if kind == "unit_report":
            reports[doc["unit_id"]] = doc
        elif kind == "lead_scores":
            leads.append(doc)
        elif kind in {"adjustments", "routine", "ballots"}:
            single[kind] = doc
    return Documents(unit_reports=reports, lead_scores=tuple(leads),
                     adjustments=single.get("adjustments"), routine=single.get("routine"),
                     ballots=single.get("ballots"))


def load_data_dir(directory: Path) -> Documents:
    """Every *.json document under a folder, each validated against its schema."""
    docs = []
    for path in sorted(Path(directory).rglob("*.json")):
        doc = read_json(path)
        if not isinstance(doc, dict) or doc.get("kind") in {None, "scheme", "results"}:
            continue
        try:
            validate_document(doc)
        except KaoheError as exc:
            raise KaoheError(f"{path.name}: {exc.message}",
                             f"{path.name}: {exc.message_en}") from exc
        docs.append(doc)
    return documents_from(docs)
