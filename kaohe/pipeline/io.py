"""File edges shared by every command: atomic writes and JSON documents."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["write_atomic", "write_json", "read_json", "dump_json"]


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call write(tmp) on a temporary file beside `path`, then rename it over `path`.

    A reader never sees a half-written output, and a crash leaves the old file intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared files
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def dump_json(document: Any) -> str:
    """Canonical JSON text: same document, same bytes."""
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def write_json(path: Path, document: Any) -> Path:
    """Write a JSON document atomically, UTF-8, deterministic."""
    text = dump_json(document)
    return write_atomic(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_json(path: Path) -> Any:
    """Read a UTF-8 JSON file (a BOM, as Windows Notepad writes, is accepted)."""
    return json.loads(Path(path).read_text(encoding="utf-8-sig"))
