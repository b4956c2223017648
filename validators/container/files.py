"""Untrusted files: refuse what no parser should touch, before any parser touches it.

`inspect_file` looks at the raw bytes, the zip directory and a bounded streaming scan
of the XML parts, and returns at most ONE file-level Issue (the first fatal problem):
not a file, empty, not a zip, truncated, encrypted, a legacy .xls/.et or .ods, a zip
bomb, an oversized sheet, XML entity declarations, an unreadable encoding. Memory is
bounded by `Limits.chunk_bytes`; time by the size limits (nothing is decompressed
beyond the sizes the zip directory declares, which are themselves limited).

`open_checked` does the same checks on the file's bytes, read once, and hands them on with
the sheet XML it decompressed, so the readers after it neither read the file nor inflate
those parts again.

Every part is decoded whole (a byte its encoding cannot read is refused) and every sheet
part is scanned whole for its used range. Entity declarations can only stand in a part's
prolog (a DOCTYPE comes before the root element), so when the first chunk holds the whole
prolog — declaration, comments, processing instructions, then the root's start tag — only
the prolog is searched; anything else in the first chunk (a DOCTYPE, text, a prolog longer
than the chunk) and the whole part is searched, as before.

The zip-level refusals (path and size, first bytes, zip directory, a member's decompression
errors) are `validators.container.zip_checks`; this module orders them and scans the XML parts.

>>> inspect_file("/nonexistent.xlsx")[0].rule
'missing-file'
"""

from __future__ import annotations

import errno
import html
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from validators.container import zipdir
from validators.container.part_scan import Limits, PartScan, Refused, refuse
from validators.container.zip_checks import (
    OLE_MAGIC,
    ZIP_MAGICS,
    check_directory,
    check_kind,
    check_path,
    directory_entries,
    has_encryption_streams,
    member_chunks,
    read_whole,
    seek_errors,
)
from validators.messages import finding
from validators.report import Issue

__all__ = ["Limits", "Checked", "inspect_file", "open_checked", "sheet_parts", "FILE_RULES",
           "read_error"]

FILE_RULES = (
    "missing-file", "unreadable", "empty-file", "file-too-large", "not-a-zip", "not-xlsx",
    "truncated", "corrupt", "encrypted", "legacy-format", "ods-format", "zip-bomb",
    "too-many-cells", "xml-entities", "bad-encoding",
)

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_NAMING_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
#: Kept too: the readers take the number formats of typed inputs from it (a typed 7.5%).
STYLES_PART = "xl/styles.xml"
_KEEP_PARTS = (*_NAMING_PARTS, STYLES_PART)
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE = re.compile(rb"([\w:]+)=\"([^\"]*)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
# Sheet parts up to this size (declared) are kept for the readers by `open_checked`.
_KEEP_SHEET_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Checked:
    """A file that passed inspection: its bytes, and what the scan already decompressed."""

    data: bytes
    sheet_xml: Mapping[str, bytes] = field(default_factory=dict)  # part name -> XML (+styles)
    sheet_names: Mapping[str, str] = field(default_factory=dict)  # part name -> sheet name


def open_checked(path: str | Path, limits: Limits | None = None) -> tuple[list[Issue],
                                                                           Checked | None]:
    """`inspect_file`'s findings, and when there are none the file's bytes (read once) with
    the sheet XML decompressed on the way.

    Example: ``issues, checked = open_checked("县市填报_阿勒泰市.xlsx")`` → ``[]`` and a
    `Checked` whose `data` the readers open from memory.
    """
    path, limits = Path(path), limits or Limits()
    name = str(path)
    kept: dict[str, bytes] = {}
    try:
        size = check_path(path, name, limits)
        with path.open("rb") as handle:
            data = handle.read(size)
            if len(data) != size or handle.read(1):
                raise refuse("unreadable", name, reason="文件在读取时被改动",
                              reason_en="the file changed while it was read")
        sheet_names = _inspect(io.BytesIO(data), len(data), name, limits, kept, data)
    except Refused as refused:
        return [refused.issue], None
    except OSError as exc:
        return [finding("unreadable", file=name, params=read_error(exc))], None
    return [], Checked(data, kept, sheet_names)


_OS_ERROR = re.compile(r"\(os error (\d+)\)")  # python-calamine's OSError: "… (os error 13)"


def read_error(exc: OSError) -> dict[str, str]:
    """Why a file could not be read, in plain words ({"reason", "reason_en"}): the system's
    own text ("Permission denied", "[Errno 2] …") is English and means little to a clerk."""
    code = exc.errno
    if code is None and (found := _OS_ERROR.search(str(exc))):
        code = int(found[1])
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        zh, en = ("文件不存在（可能已被移走、改名或删除）",
                  "the file is not there (moved, renamed or deleted?)")
    elif code == errno.ELOOP:
        zh, en = ("这是一个循环的快捷方式（符号链接指向自身），不是文件",
                  "this is a shortcut (symbolic link) that loops back on itself, not a file")
    elif isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        zh, en = "这是一个文件夹，不是文件", "this is a folder, not a file"
    elif (isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM)
          or getattr(exc, "winerror", None) in (32, 33)):
        zh, en = ("没有读取权限，或文件正被其他程序独占打开",
                  "permission denied, or another program holds the file open")
    else:
        detail = exc.strerror or _OS_ERROR.sub("", str(exc)).strip() or type(exc).__name__
        zh, en = f"系统拒绝读取（{detail}）", f"the system refused the read ({detail})"
    return {"reason": zh, "reason_en": en}


def inspect_file(path: str | Path, limits: Limits | None = None) -> list[Issue]:
    """At most one file-level Issue saying why this file must not be parsed; [] if it may be.

    Example: ``inspect_file("县市填报_阿勒泰市.xlsx")`` → ``[]`` for a sound workbook.
    """
    path, limits = Path(path), limits or Limits()
    name = str(path)
    try:
        size = check_path(path, name, limits)
        with path.open("rb") as handle:
            _inspect(handle, size, name, limits, None)
    except Refused as refused:
        return [refused.issue]
    except OSError as exc:
        return [finding("unreadable", file=name, params=read_error(exc))]
    return []


def _inspect(handle: IO[bytes], size: int, name: str, limits: Limits,
             kept: dict[str, bytes] | None, data: bytes | None = None) -> dict[str, str]:
    """Every check after the path's; returns part -> sheet name. Sheet parts read whole go
    into `kept` when it is given. With the file's `data`, a plain archive is read straight
    from it (`validators.container.zipdir`); anything unusual falls back to zipfile."""
    head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        handle.seek(0)
        raise refuse("encrypted" if has_encryption_streams(handle, limits) else
                      "legacy-format", name)
    if not head.startswith(ZIP_MAGICS):
        raise refuse("not-a-zip", name)
    entries = directory_entries(handle, size, name, limits)
    if data is not None:
        found = _inspect_plain(data, entries, name, limits, kept)
        if found is not None:
            return found
        if kept is not None:
            kept.clear()
    try:
        with seek_errors(name):
            archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError):
        raise refuse("truncated", name) from None
    with archive, seek_errors(name):
        infos = archive.infolist()
        if len(infos) != entries and entries >= 0:
            raise refuse("truncated", name)
        check_directory(infos, name, limits)
        check_kind(archive, infos, name)
        parts = [i for i in infos if i.filename.lower().endswith(_XML_SUFFIXES)]
        # The workbook part and its relationships first: they name the sheets.
        naming: dict[str, bytes] = {}
        for info in parts:
            if info.filename in _NAMING_PARTS:
                _scan_part(archive, info, name, limits, {}, naming)
        if all(part in naming for part in _NAMING_PARTS):
            sheet_names = _sheet_parts_of(naming[_NAMING_PARTS[0]], naming[_NAMING_PARTS[1]])
        else:
            sheet_names = sheet_parts(archive)
        for info in parts:
            if info.filename not in _NAMING_PARTS:
                _scan_part(archive, info, name, limits, sheet_names, kept)
    return sheet_names


def _inspect_plain(data: bytes, entries: int, name: str, limits: Limits,
                   kept: dict[str, bytes] | None) -> dict[str, str] | None:
    """`_inspect`'s checks, in its order, on an archive `zipdir` can read; None when it
    cannot (zipfile then reads the archive and gives the finding, if there is one)."""
    infos = zipdir.directory(data)
    if infos is None or len(infos) != entries:
        return None
    check_directory(infos, name, limits)  # type: ignore[arg-type]  # ZipInfo's fields
    names = {info.filename for info in infos}
    if "mimetype" in names or ("content.xml" in names and "META-INF/manifest.xml" in names):
        return None  # perhaps OpenDocument: `check_kind` reads and says
    for needed in ("[Content_Types].xml", "xl/workbook.xml"):
        if needed not in names:
            raise refuse("not-xlsx", name, missing=needed)
    parts = [i for i in infos if i.filename.lower().endswith(_XML_SUFFIXES)]
    if any(i.file_size > _KEEP_SHEET_BYTES for i in parts):
        return None  # a large part: zipfile streams it in chunks
    naming: dict[str, bytes] = {}
    for info in parts:
        if info.filename in _NAMING_PARTS:
            content = zipdir.member(data, info)
            if content is None:
                return None
            _scan_content(content, info.filename, name, limits, {}, naming)
    if not all(part in naming for part in _NAMING_PARTS):
        return None
    sheet_names = _sheet_parts_of(naming[_NAMING_PARTS[0]], naming[_NAMING_PARTS[1]])
    for info in parts:
        if info.filename not in _NAMING_PARTS:
            content = zipdir.member(data, info)
            if content is None:
                return None
            _scan_content(content, info.filename, name, limits, sheet_names, kept)
    return sheet_names


def _scan_content(content: bytes, part: str, name: str, limits: Limits,
                  sheet_names: dict[str, str], kept: dict[str, bytes] | None) -> None:
    """`_scan_part` on a member already decompressed, fed in the chunks it would read."""
    first, step = max(limits.chunk_bytes, 1024), limits.chunk_bytes
    chunks = (content[at:at + (first if at == 0 else step)]
              for at in [0, *range(first, len(content), step)])
    _scan(part, chunks, len(content), name, limits, sheet_names, kept)


def _scan(part: str, chunks: Iterable[bytes], size: int, name: str, limits: Limits,
          sheet_names: dict[str, str], kept: dict[str, bytes] | None) -> None:
    """Feed one XML part's chunks to a PartScan (entity declarations, encoding, and for a
    sheet its used range); a sheet or naming part of a size the readers take goes into
    `kept`, whole."""
    is_sheet = part.startswith("xl/worksheets/") and part.endswith(".xml")
    scan = PartScan(part, name, limits, is_sheet,
                    sheet_names.get(part, part.rsplit("/", 1)[-1].removesuffix(".xml")))
    keep = kept is not None and (is_sheet or part in _KEEP_PARTS) and size <= _KEEP_SHEET_BYTES
    pieces: list[bytes] = []
    for chunk in chunks:
        if chunk:
            scan.feed(chunk)
        if keep:
            pieces.append(chunk)
    scan.finish()
    if keep and kept is not None:
        kept[part] = b"".join(pieces)


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits,
               sheet_names: dict[str, str], kept: dict[str, bytes] | None = None) -> None:
    """Scan one XML part: entity declarations, encoding, and (for sheets) the used range.

    A part no larger than the first chunk is read in one piece (as streaming would have
    read it); a larger one is streamed in chunks. Sheet parts read whole are put in `kept`
    (the naming parts too, when `kept` is the naming dict)."""
    if info.file_size <= max(limits.chunk_bytes, 1024):
        chunks: Iterable[bytes] = [read_whole(archive, info, name)]
    else:
        chunks = member_chunks(archive, info, name, limits)
    _scan(info.filename, chunks, info.file_size, name, limits, sheet_names, kept)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name → sheet name, read by regular expressions (after inspect_file passed the parts)."""
    try:
        workbook = archive.read(_NAMING_PARTS[0])
        rels = archive.read(_NAMING_PARTS[1])
    except KeyError:
        return {}
    return _sheet_parts_of(workbook, rels)


def _sheet_parts_of(workbook: bytes, rels: bytes) -> dict[str, str]:
    targets = {}
    for tag in _RELATIONSHIP.findall(rels):
        attrs = dict(_ATTRIBUTE.findall(tag))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attrs.get(b"Id", b"")] = target
    names = {}
    for tag in _SHEET_TAG.findall(workbook):
        attrs = {key.rsplit(b":", 1)[-1]: value for key, value in _ATTRIBUTE.findall(tag)}
        part = targets.get(attrs.get(b"id", b""))
        if part:
            names[part] = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
    return names
