"""How the store writes documents as text, and the hashes of those texts."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from typing import Any

from kaohe.errors import KaoheError
from kaohe.pipeline.io import dump_json, inflate

__all__ = ["MAX_RESULTS_TEXT", "canonical", "compact", "content_hash", "packed_results",
           "results_hash", "sha256_text", "unpack_results"]

# A stored results document (results_docs.content) is its compact JSON text deflated, in
# base64, after this mark (since store schema 6: 7–10 MB of text a run at 1,000 units became
# about 1.5 MB, and a run's commit writes that much less); a text starting "{" is the plain
# JSON that earlier versions stored, read as it is.
_PACKED = "deflate:"


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


def packed_results(document: Any) -> tuple[str, str]:
    """(what results_docs keeps, results_hash) of a results document: its compact text
    deflated, in base64 after the mark, and that text's SHA-256. The text is made, hashed
    and deflated a piece at a time (a unit of the results, or a top-level value), not all
    at once: at 5,000 units the text and its UTF-8 bytes would hold some 130 MB together."""
    digest = hashlib.sha256()
    squeeze = zlib.compressobj(1)
    packed = []
    for piece in _compact_pieces(document):
        data = piece.encode("utf-8")
        digest.update(data)
        packed.append(squeeze.compress(data))
    packed.append(squeeze.flush())
    return _PACKED + base64.b64encode(b"".join(packed)).decode("ascii"), digest.hexdigest()


def _compact_pieces(document: Any) -> Any:
    """`compact(document)` in pieces whose concatenation is that text: a dict with text keys
    key by key, a list of those item by item (json writes a container as its members'
    texts joined by the separators)."""
    if isinstance(document, dict) and all(type(key) is str for key in document):
        yield "{"
        for i, (key, value) in enumerate(document.items()):
            yield ("," if i else "") + compact(key) + ":"
            yield from _compact_pieces(value)
        yield "}"
    elif isinstance(document, list) and len(document) > 1:
        yield "["
        for i, item in enumerate(document):
            if i:
                yield ","
            yield compact(item)
        yield "]"
    else:
        yield compact(document)


def unpack_results(content: Any) -> str:
    """The JSON text of a results_docs row (packed or plain); ValueError when it is neither."""
    if not isinstance(content, str):
        raise ValueError(f"应为文本，实为 {type(content).__name__}")
    if not content.startswith(_PACKED):
        return content
    try:
        return inflate(base64.b64decode(content[len(_PACKED):], validate=True),
                       MAX_RESULTS_TEXT).decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError) as exc:
        raise ValueError(f"无法解压（{type(exc).__name__}）") from None


#: The most a stored results document may inflate to (a province's results are tens of MB):
#: the database is not trusted, and a few bytes can inflate to gigabytes.
MAX_RESULTS_TEXT = 1 << 30
