"""The demo: the embedded scheme, synthetic data, and the whole path available."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaohe.engine import score
from kaohe.pipeline.documents import default_scheme_document, documents_from, scheme_from_document
from kaohe.pipeline.io import write_json
from kaohe.synth import scale_scheme, synthesize

__all__ = ["run_demo", "write_documents"]


def write_documents(docs: dict[str, Any], data_dir: Path) -> list[Path]:
    """Write generated documents as JSON files, one per document."""
    paths = []
    for unit_id, report in sorted(docs["unit_reports"].items()):
        paths.append(write_json(data_dir / "unit_reports" / f"{unit_id}.json", report))
    for sheet in docs["lead_scores"]:
        paths.append(write_json(data_dir / "lead_scores" / f"{sheet['lead_department']}.json",
                                sheet))
    for kind in ("adjustments", "routine", "ballots"):
        paths.append(write_json(data_dir / f"{kind}.json", docs[kind]))
    return paths


def run_demo(out: Path, units: int | None = None, seed: int = 2016,
             echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Scheme → synthetic documents → scores → results.json; returns the results."""
    out = Path(out)
    scheme_doc = default_scheme_document()
    if units:
        scheme_doc = scale_scheme(scheme_doc, units)
    scheme = scheme_from_document(scheme_doc)
    write_json(out / "scheme.json", scheme_doc)
    echo(f"方案 scheme: {scheme.name}（{len(scheme.units)} 个被考核单位 units）")
    generated = synthesize(scheme, seed=seed)
    paths = write_documents(generated, out / "data")
    echo(f"示例数据 synthetic documents: {len(paths)} files in {out / 'data'}")
    results = score(scheme, documents_from(_flatten(generated)))
    write_json(out / "results.json", results)
    echo(f"结果 results: {out / 'results.json'}")
    return results


def _flatten(generated: dict[str, Any]) -> list[dict[str, Any]]:
    docs = list(generated["unit_reports"].values()) + list(generated["lead_scores"])
    return docs + [generated[k] for k in ("adjustments", "routine", "ballots")]
