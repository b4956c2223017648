"""File edges shared by every command: atomic writes and JSON documents."""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaohe.errors import KaoheError

__all__ = ["OutputError", "write_atomic", "output_mode", "write_json", "read_json", "dump_json",
           "check_writable", "inflate"]


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call write(tmp) on a temporary file beside `path`, then rename it over `path`.

    A reader never sees a half-written output, and a crash leaves the old file intact. A
    file system refusal (the target open in Excel, a read-only folder, a full disk, a
    folder of that name) becomes an OutputError naming the target and what to do; the
    temporary file is removed either way.
    """
    path = Path(path)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                                        dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        write(tmp)
        os.chmod(tmp, output_mode())  # mkstemp makes 0600; outputs are shared files
        os.replace(tmp, path)
    except KaoheError:
        raise
    except Exception as exc:
        cause = _os_error(exc)
        if cause is None:
            raise
        raise OutputError(path, cause) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    return path


def check_writable(path: Path, *, folder: bool = False) -> None:
    """Raise OutputError now for an output that could not be written later: a folder where
    a file goes (or a file where a folder goes), a folder that refuses a new file, a file
    locked by another program (Windows: open in Excel). Commands check every output before
    they start, so one refused output does not leave the others half replaced.
    """
    path = Path(path)
    try:
        if folder and path.exists() and not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(path))
        if not folder and path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        place = path if folder else path.parent
        while not place.exists() and place != place.parent:
            place = place.parent
        if not place.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", str(place))
        fd, probe = tempfile.mkstemp(prefix=".kaohe-probe.", dir=place)
        os.close(fd)
        os.unlink(probe)
        if not folder and os.name == "nt" and path.exists():
            with open(path, "r+b"):  # a workbook open in Excel cannot be replaced
                pass
    except KaoheError:
        raise
    except OSError as exc:
        raise OutputError(path, exc) from exc


class OutputError(KaoheError):
    """An output could not be written: `path` is the target, `reason` the system's error."""

    def __init__(self, path: Path, reason: OSError) -> None:
        self.path = path
        self.reason = reason
        what, what_en, hint, hint_en = _why(path, reason)
        detail = reason.strerror or str(reason)
        super().__init__(f"无法写入 {path}：{what}。{hint}（系统提示：{detail}）",
                         f"cannot write {path}: {what_en}. {hint_en} (system says: {detail})")


_EXCEL_HINT = ("如该文件正在 Excel 或其他程序中打开，请先关闭它；并检查该文件夹是否允许写入",
               "if the file is open in Excel or another program, close it; and check that the "
               "folder may be written to")


def _why(path: Path, error: OSError) -> tuple[str, str, str, str]:
    """What went wrong and what to do, in plain words (zh, en, hint zh, hint en)."""
    if isinstance(error, IsADirectoryError) or path.is_dir():
        return ("同名的文件夹已存在", "a folder of that name is in the way",
                "请换一个输出文件名，或移走该文件夹",
                "choose another output name or move the folder")
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", -1):
        return ("磁盘空间不足", "the disk is full", "请清理磁盘空间后重试",
                "free some disk space and try again")
    if error.errno == errno.EROFS:
        return ("所在磁盘为只读", "the disk is read-only", "请选择可写入的文件夹",
                "choose a folder that can be written to")
    if isinstance(error, PermissionError):
        return ("没有写入权限，或文件正被其他程序占用", "permission denied, or the file is in use",
                *_EXCEL_HINT)
    if isinstance(error, NotADirectoryError | FileExistsError):
        return ("路径中有一部分是文件而不是文件夹", "part of the path is a file, not a folder",
                "请检查输出路径", "check the output path")
    return ("系统拒绝写入", "the system refused the write", *_EXCEL_HINT)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind exc: itself, or one a library wrapped (xlsxwriter's FileCreateError)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def output_mode() -> int:
    """The mode of a written output: 0o666 less the umask, never below 0o600 (owner read and
    write). Pyodide 0.27 reads its umask back as 0o777, which gave outputs mode 000."""
    return (0o666 & ~_umask()) | 0o600


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


def inflate(data: bytes, limit: int) -> bytes:
    """zlib-deflated bytes inflated, at most `limit` of them; ValueError when they would be
    more (a bomb, or damage) or do not end. For what kaohe deflated itself but reads back
    from a file anyone could have changed (the examination cache, the history database).

    >>> import zlib
    >>> inflate(zlib.compress(b"kaohe"), 5)
    b'kaohe'
    """
    import zlib

    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit)
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError(f"解压后超过 {limit} 字节，或数据不完整")
    return out
