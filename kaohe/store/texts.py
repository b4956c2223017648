"""How the store writes documents as text, and the hashes of those texts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kaohe.errors import KaoheError
from kaohe.pipeline.io import dump_json

__all__ = ["canonical", "compact", "content_hash", "results_hash", "sha256_text"]


def content_hash(document: Any) -> str:
    """sha256 (hex) of a document's canonical JSON text."""
    return sha256_text(canonical(document))


def results_hash(document: Any) -> str:
    """sha256 (hex) of a results document as the store keeps it: compact JSON text."""
    return sha256_text(compact(document))


def canonical(document: Any) -> str:
    """The canonical JSON text (kaohe.pipeline.io.dump_json); a clean error if there is none."""
    try:
        return dump_json(document)
    except (TypeError, ValueError) as exc:
        raise KaoheError(f"文档无法写成 JSON：{exc}", f"document is not valid JSON: {exc}") from exc


def compact(document: Any) -> str:
    """Compact JSON text (json's C encoder: megabytes of results in a fraction of the time)."""
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise KaoheError(f"文档无法写成 JSON：{exc}", f"document is not valid JSON: {exc}") from exc


def sha256_text(text: str) -> str:
    """sha256 (hex) of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
