"""File edges shared by every command: atomic writes and JSON documents."""

from __future__ import annotations

import json
import math
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
    # The text of json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False), built
    # without its generators (a chunk of indented output passes up through every level of
    # nesting there): several times faster on a results document. Anything unusual (a
    # float that is not finite, a key or value json would convert or refuse, a cycle) is
    # left to json.dumps itself, which writes or raises exactly as before.
    out: list[str] = []
    try:
        _put(document, "", out)
    except (_Unusual, RecursionError):
        return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    out.append("\n")
    return "".join(out)


def write_json(path: Path, document: Any) -> Path:
    """Write a JSON document atomically, UTF-8, deterministic (the text of dump_json)."""
    return write_atomic(Path(path), lambda tmp: _write_text(tmp, document))


def _write_text(tmp: Path, document: Any) -> None:
    # Written as it is made, one element of the top-level lists at a time: a results
    # document of 5,000 units is 40 MB of text, never held whole (nor its pieces).
    with open(tmp, "w", encoding="utf-8") as handle:
        try:
            _stream(document, handle)
        except (_Unusual, RecursionError):
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False)
                         + "\n")


def _stream(document: Any, handle: Any) -> None:
    """dump_json's text, written to handle: each element of a top-level value that is a
    list is made and written on its own."""
    out: list[str] = []
    if isinstance(document, dict) and document and all(type(k) is str for k in document):
        lead = "{\n "
        for key, item in document.items():
            handle.write(lead + _STRING(key) + ": ")
            lead = ",\n "
            if isinstance(item, list) and item:
                inner = "[\n  "
                for element in item:
                    out.clear()
                    _put(element, "  ", out)
                    handle.write(inner + "".join(out))
                    inner = ",\n  "
                handle.write("\n ]")
            else:
                out.clear()
                _put(item, " ", out)
                handle.write("".join(out))
        handle.write("\n}\n")
    else:
        _put(document, "", out)
        handle.write("".join(out) + "\n")


def read_json(path: Path) -> Any:
    """Read a UTF-8 JSON file (a BOM, as Windows Notepad writes, is accepted)."""
    return json.loads(Path(path).read_text(encoding="utf-8-sig"))


class _Unusual(Exception):
    """Something the fast writer leaves to json.dumps."""


_STRING = json.encoder.encode_basestring  # what json.dumps uses when ensure_ascii=False
_FLOAT = float.__repr__
_INT = int.__repr__


def _scalar(value: Any) -> str | None:
    """The text of a str, int, float, bool or None of exactly that type; None otherwise."""
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if kind is float:
        if value != value or value in (math.inf, -math.inf):
            raise _Unusual
        return _FLOAT(value)
    if kind is int:
        return _INT(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return None


def _put(value: Any, indent: str, out: list[str]) -> None:
    """Append value's text as json.dumps(indent=1) writes it at this indent."""
    text = _scalar(value)
    if text is not None:
        out.append(text)
    elif isinstance(value, str):
        out.append(_STRING(value))
    elif isinstance(value, int):  # bool and None were scalars above
        out.append(_INT(value))
    elif isinstance(value, float):
        if value != value or value in (math.inf, -math.inf):
            raise _Unusual
        out.append(_FLOAT(value))
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = indent + " "
        separator = ",\n" + inner
        lead = "[\n" + inner
        for item in value:
            text = _scalar(item)
            if text is not None:
                out.append(lead + text)
            else:
                out.append(lead)
                _put(item, inner, out)
            lead = separator
        out.append("\n" + indent + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + " "
        separator = ",\n" + inner
        lead = "{\n" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual  # json.dumps turns 1, 1.5, True, None into text keys
            text = _scalar(item)
            if text is not None:
                out.append(lead + _STRING(key) + ": " + text)
            else:
                out.append(lead + _STRING(key) + ": ")
                _put(item, inner, out)
            lead = separator
        out.append("\n" + indent + "}")
    else:
        raise _Unusual
