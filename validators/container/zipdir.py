"""A zip archive's directory and members read straight from its bytes, for the common case.

`validators.container.files` inspects every submitted workbook as untrusted input. Python's zipfile
spends most of that time in its own bookkeeping (a ZipInfo per member, a file object per
read); for the archives Excel, WPS, LibreOffice and openpyxl write — one disk, no comment,
no zip64, no encryption, members stored or deflated — the same facts come from a few
`struct` reads and one `zlib` call per member.

Everything here answers "I can read this exactly as zipfile would" or None. None means
"something is unusual": the caller then reads the archive with zipfile, whose findings
(truncated, corrupt, encrypted …) stay the only ones a user sees. So this module never
refuses a file and never accepts one zipfile would not read: every member it returns has
the declared size and CRC-32, and its local header names the same member.

>>> import io, zipfile
>>> buffer = io.BytesIO()
>>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
...     archive.writestr("xl/workbook.xml", "<workbook/>")
>>> entries = directory(buffer.getvalue())
>>> [e.filename for e in entries], member(buffer.getvalue(), entries[0])
(['xl/workbook.xml'], b'<workbook/>')
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

__all__ = ["Entry", "directory", "member"]

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory header, 46 bytes
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header, 30 bytes
_UTF8_NAME = 0x800
# Encrypted, compressed patched data, strong encryption: zipfile refuses or needs a password.
_UNUSUAL_FLAGS = 0x1 | 0x20 | 0x40
_STORED, _DEFLATED = 0, 8
_MAX_VERSION = 63  # "version needed to extract" beyond which zipfile refuses (6.3)
_ZIP64 = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class Entry:
    """One member as the central directory declares it (the fields zipfile's ZipInfo has)."""

    filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int


def directory(data: bytes) -> list[Entry] | None:
    """The members of a plain single-disk archive without a comment, in directory order;
    None for anything else (zip64, a comment, data before the archive, an odd member)."""
    if len(data) < _EOCD.size:
        return None
    (signature, disk, cd_disk, _, entries, cd_size, cd_offset,
     comment) = _EOCD.unpack_from(data, len(data) - _EOCD.size)
    if (signature != b"PK\x05\x06" or disk or cd_disk or comment
            or cd_offset + cd_size != len(data) - _EOCD.size):
        return None
    found = []
    at = cd_offset
    for _ in range(entries):
        if at + _CENTRAL.size > cd_offset + cd_size:
            return None
        (signature, _, _, version, _, flags, method, _, _, crc, compress_size, file_size,
         name_len, extra_len, comment_len, _, _, _, offset) = _CENTRAL.unpack_from(data, at)
        if (signature != b"PK\x01\x02" or version > _MAX_VERSION or flags & _UNUSUAL_FLAGS
                or method not in (_STORED, _DEFLATED) or extra_len or comment_len
                or _ZIP64 in (compress_size, file_size, offset)):
            return None
        raw = data[at + _CENTRAL.size:at + _CENTRAL.size + name_len]
        name = _name(raw, flags)
        if name is None:
            return None
        found.append(Entry(name, flags, method, crc, compress_size, file_size, offset))
        at += _CENTRAL.size + name_len
    return found if at == cd_offset + cd_size else None


def member(data: bytes, entry: Entry) -> bytes | None:
    """The member's bytes, decompressed, exactly its declared size with its declared CRC-32;
    None when the local header, the size or the checksum disagree (zipfile then says why)."""
    at = entry.header_offset
    if at + _LOCAL.size > len(data):
        return None
    (signature, _, _, flags, _, _, _, _, _, _, name_len,
     extra_len) = _LOCAL.unpack_from(data, at)
    start = at + _LOCAL.size + name_len + extra_len
    if (signature != b"PK\x03\x04" or flags & _UNUSUAL_FLAGS
            or _name(data[at + _LOCAL.size:at + _LOCAL.size + name_len], flags)
            != entry.filename or start + entry.compress_size > len(data)):
        return None
    raw = data[start:start + entry.compress_size]
    if entry.file_size == 0:  # (zlib reads max_length 0 as "no limit")
        out = b""
    elif entry.compress_type == _STORED:
        out = raw[:entry.file_size]
    else:
        try:
            out = zlib.decompressobj(-15).decompress(raw, entry.file_size)
        except zlib.error:
            return None
    if len(out) != entry.file_size or zlib.crc32(out) != entry.CRC:
        return None
    return out


def _name(raw: bytes, flags: int) -> str | None:
    try:
        name = raw.decode("utf-8" if flags & _UTF8_NAME else "cp437")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in name else name  # zipfile cuts a name at NUL: let it
