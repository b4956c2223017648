"""Zip-level refusals of an untrusted file (see validators.container.files): the path and size, the
first bytes (a legacy or encrypted compound file, not a zip), the end-of-central-directory
record read before zipfile builds its member list, the sizes and ratios the directory
declares, the kind of package, and zipfile's errors while decompressing one member.

Each raises `Refused` (validators.container.part_scan) carrying the one file-level Issue.
"""

from __future__ import annotations

import contextlib
import errno
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from validators.container.part_scan import Limits, Refused, refuse

__all__ = ["OLE_MAGIC", "ZIP_MAGICS", "check_directory", "check_kind", "check_path",
           "directory_entries", "has_encryption_streams", "member_chunks", "member_refusals",
           "read_whole", "seek_errors"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
# Names of the streams Office writes into an encrypted package (ECMA-376 Agile/Standard
# encryption): directory entries of a compound file are UTF-16LE.
_ENCRYPTED_STREAMS = tuple(n.encode("utf-16-le") for n in ("EncryptionInfo", "EncryptedPackage"))
_ODS_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet",)


def check_path(path: Path, name: str, limits: Limits) -> int:
    """The file's size, after refusing a missing file, a folder, an empty or too large file."""
    if not path.exists():
        if path.is_symlink():  # a link to nothing, or to itself (a loop)
            raise refuse("unreadable", name, reason="这是一个失效或循环的快捷方式（符号链接），"
                         "指向的文件不存在", reason_en="this is a shortcut (symbolic link) "
                         "that leads nowhere or loops back on itself")
        raise refuse("missing-file", name)
    if path.is_dir():
        raise refuse("unreadable", name, reason="这是一个文件夹", reason_en="it is a folder")
    size = path.stat().st_size
    if size == 0:
        raise refuse("empty-file", name)
    if size > limits.max_file_bytes:
        raise refuse("file-too-large", name, size=_mb(size), limit=_mb(limits.max_file_bytes))
    return size


@contextlib.contextmanager
def seek_errors(name: str) -> Iterator[None]:
    """An offset in the zip directory before the file's start makes zipfile seek below 0: a
    file refuses that (EINVAL), bytes in memory raise ValueError (refused where caught)."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.EINVAL:
            raise
        raise refuse("truncated", name) from None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def has_encryption_streams(handle: object, limits: Limits) -> bool:
    """Whether a compound (OLE) file holds Office's encryption streams, by a bounded scan."""
    tail = b""
    keep = max(len(n) for n in _ENCRYPTED_STREAMS)
    while True:
        chunk = handle.read(limits.chunk_bytes)  # type: ignore[attr-defined]
        if not chunk:
            return False
        window = tail + chunk
        if any(n in window for n in _ENCRYPTED_STREAMS):
            return True
        tail = window[-keep:]


def directory_entries(handle: object, size: int, name: str, limits: Limits) -> int:
    """Member count from the end-of-central-directory record, checked before zipfile reads it.

    zipfile builds one object per member; a directory claiming millions is refused here.
    """
    tail_size = min(size, 65_557)
    handle.seek(size - tail_size)  # type: ignore[attr-defined]
    tail = handle.read(tail_size)  # type: ignore[attr-defined]
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise refuse("truncated", name)
    (_, _, _, _, entries, directory_size, directory_offset,
     _) = struct.unpack("<4s4H2LH", tail[at:at + 22])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF or directory_offset == 0xFFFFFFFF:
        locator = tail.rfind(_EOCD64_LOCATOR, 0, at)
        if locator < 0:
            raise refuse("truncated", name)
        (offset64,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
        if offset64 + 56 > size:
            raise refuse("truncated", name)
        handle.seek(offset64)  # type: ignore[attr-defined]
        record = handle.read(56)  # type: ignore[attr-defined]
        if not record.startswith(_EOCD64):
            raise refuse("truncated", name)
        entries, directory_size = struct.unpack("<QQ", record[32:48])
    if entries > limits.max_members:
        raise refuse("zip-bomb", name,
                      reason=f"含 {entries} 个内部文件（上限 {limits.max_members}）",
                      reason_en=f"{entries} members (limit {limits.max_members})")
    if directory_size > limits.max_directory_bytes:
        raise refuse("zip-bomb", name, reason=f"目录大小 {_mb(directory_size)}",
                      reason_en=f"a directory of {_mb(directory_size)}")
    handle.seek(0)  # type: ignore[attr-defined]
    return int(entries)


def check_directory(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """Refuse an encrypted member, or sizes and ratios the zip directory declares too large."""
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse("encrypted", name)
        if info.file_size > limits.max_member_uncompressed:
            limit = _mb(limits.max_member_uncompressed)
            raise refuse("zip-bomb", name,
                          reason=f"{info.filename} 解压后 {_mb(info.file_size)}（上限 {limit}）",
                          reason_en=f"{info.filename} expands to {_mb(info.file_size)} "
                                    f"(limit {limit})")
        if (info.file_size >= limits.ratio_min_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            ratio = info.file_size / max(info.compress_size, 1)
            raise refuse("zip-bomb", name,
                          reason=f"{info.filename} 压缩比 {ratio:.0f}:1"
                                 f"（上限 {limits.max_ratio:.0f}:1）",
                          reason_en=f"{info.filename} compresses {ratio:.0f}:1 "
                                    f"(limit {limits.max_ratio:.0f}:1)")
        total += info.file_size
    if total > limits.max_total_uncompressed:
        limit = _mb(limits.max_total_uncompressed)
        raise refuse("zip-bomb", name, reason=f"解压后共 {_mb(total)}（上限 {limit}）",
                      reason_en=f"expands to {_mb(total)} in all (limit {limit})")


def check_kind(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse an OpenDocument spreadsheet, or a zip without the parts of an .xlsx."""
    names = {info.filename for info in infos}
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        with member_refusals(info, name), archive.open(info) as member:
            if member.read(80).strip().startswith(_ODS_MIMETYPES):
                raise refuse("ods-format", name)
    if "content.xml" in names and "META-INF/manifest.xml" in names:
        raise refuse("ods-format", name)
    for needed in ("[Content_Types].xml", "xl/workbook.xml"):
        if needed not in names:
            raise refuse("not-xlsx", name, missing=needed)


@contextlib.contextmanager
def member_refusals(info: zipfile.ZipInfo, name: str) -> Iterator[None]:
    """Turn zipfile's errors while decompressing one member into one file-level refusal."""
    try:
        yield
    except RuntimeError:  # zipfile: "File ... is encrypted, password required"
        raise refuse("encrypted", name) from None
    except NotImplementedError as exc:
        raise refuse("corrupt", name, reason=f"{info.filename} 使用了不支持的压缩方式",
                      reason_en=f"{info.filename}: {exc}") from None
    except EOFError:
        raise refuse("truncated", name) from None
    except (zipfile.BadZipFile, zlib.error, ValueError) as exc:
        raise _damaged(info, name, exc) from None


def read_whole(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """One small member, whole, with the same refusals as `member_chunks`."""
    with member_refusals(info, name):
        return archive.read(info)


def member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
            limits: Limits) -> Iterator[bytes]:
    """Decompressed chunks of one member; zipfile stops at the declared size and checks CRC."""
    with member_refusals(info, name), archive.open(info) as member:
        # The first chunk holds the whole XML declaration, whatever the chunk size.
        size = max(limits.chunk_bytes, 1024)
        while True:
            chunk = member.read(size)
            size = limits.chunk_bytes
            if not chunk:
                return
            yield chunk


def _damaged(info: zipfile.ZipInfo, name: str, exc: Exception) -> Refused:
    text = str(exc)
    if "Bad CRC" in text or "Error -3" in text or "Bad magic" in text:
        return refuse("corrupt", name, reason=f"{info.filename} 的数据校验失败",
                       reason_en=f"{info.filename}: {text}")
    return refuse("truncated", name)
