"""Put our own VBA macros into a copy of xlwings' quickstart VBA project (xl/vbaProject.bin).

xlwings' `quickstart.xlsm` carries a VBA project compiled by Excel whose Module1 calls
RunPython and which references the xlwings add-in. We keep that project and replace only
Module1's source. Excel runs the compiled p-code ("performance cache") when it is there, so
the copy drops it: every module offset in the `dir` stream becomes 0 and `_VBA_PROJECT`
becomes the 7-byte header with version 0xFFFF, which makes Excel compile the project from
its source when the workbook opens (the format documented in [MS-OVBA] 2.3.4.1; Office
tools call this removal of the cache "purging"). The streams are written back into a new
compound file ([MS-CFB], version 3). Nothing here imports xlwings or needs Excel, and
nothing beyond the standard library: `kaohe addin build` must work on a plain install
(oletools and olefile, which read the same formats, check this module in the tests).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["compress", "decompress", "replace_module", "read_cfb", "write_cfb",
           "module_sources"]

CHUNK = 4096
# _VBA_PROJECT without a performance cache: reserved 0x61CC, version 0xFFFF, reserved 0, 0.
PURGED_VBA_PROJECT = b"\xcc\x61\xff\xff\x00\x00\x00"
MODULE_OFFSET = 0x0031
PROJECT_VERSION = 0x0009


# -- [MS-OVBA] 2.4.1 compression ------------------------------------------------------------


def decompress(data: bytes) -> bytes:
    """A compressed container, decompressed ([MS-OVBA] 2.4.1.3.1)."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed VBA container")
    out, pos = bytearray(), 1
    while pos + 2 <= len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        chunk = data[pos + 2:pos + 3 + (header & 0x0FFF)]
        pos += 3 + (header & 0x0FFF)
        if header & 0x8000:
            _expand(chunk, out)
        else:
            out += chunk[:CHUNK]
    return bytes(out)


def _expand(chunk: bytes, out: bytearray) -> None:
    """Decode one compressed chunk's tokens onto out."""
    start, i = len(out), 0
    while i < len(chunk):
        flags, i = chunk[i], i + 1
        for bit in range(8):
            if i >= len(chunk):
                break
            if not flags >> bit & 1:
                out.append(chunk[i])
                i += 1
                continue
            token, i = struct.unpack_from("<H", chunk, i)[0], i + 2
            bit_count = max(4, (len(out) - start - 1).bit_length())
            offset, length = (token >> (16 - bit_count)) + 1, (token & (0xFFFF >> bit_count)) + 3
            for _ in range(length):
                out.append(out[-offset])


def compress(data: bytes) -> bytes:
    """A compressed container: signature 0x01, then one compressed chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _chunk(data[start:start + CHUNK])
    return bytes(out)


def _chunk(data: bytes) -> bytes:
    """One chunk: flag bytes each followed by up to 8 literal or copy tokens."""
    body = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions, for matching
    pos = done = 0
    while pos < len(data):
        flag_at, flags = len(body), 0
        body.append(0)
        for bit in range(8):
            if pos >= len(data):
                break
            for start in range(done, pos):
                seen.setdefault(data[start:start + 3], []).append(start)
            done = pos
            offset, length, bit_count = _match(data, pos, seen.get(data[pos:pos + 3], []))
            if length >= 3:
                flags |= 1 << bit
                body += struct.pack("<H", ((offset - 1) << (16 - bit_count)) | (length - 3))
                pos += length
            else:
                body.append(data[pos])
                pos += 1
        body[flag_at] = flags
    if len(body) + 2 <= CHUNK + 2:
        return struct.pack("<H", 0xB000 | (len(body) - 1)) + bytes(body)
    if len(data) == CHUNK:  # incompressible: a raw chunk (flag 0, size field 4095)
        return struct.pack("<H", 0x3FFF) + data
    raise ValueError("VBA source chunk does not compress")


def _match(data: bytes, pos: int, candidates: list[int]) -> tuple[int, int, int]:
    """(offset, length, bit_count) of the longest earlier match ([MS-OVBA] 2.4.1.3.19).

    Candidates are the earlier positions with the same first 3 bytes, nearest last; a
    shorter match is never worth a copy token.
    """
    bit_count = 4
    while (1 << bit_count) < pos:
        bit_count += 1
    max_length = (0xFFFF >> bit_count) + 3
    best_length, best_offset = 0, 0
    for candidate in reversed(candidates):
        length = 0
        while (pos + length < len(data) and length < max_length
               and data[candidate + length] == data[pos + length]):
            length += 1
        if length > best_length:
            best_length, best_offset = length, pos - candidate
    return best_offset, best_length, bit_count


# -- the VBA project ------------------------------------------------------------------------


def _records(data: bytes) -> list[tuple[int, int, int]]:
    """(id, start of value, size) of every record of a decompressed `dir` stream."""
    records, pos = [], 0
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == PROJECT_VERSION:  # Reserved (4 bytes) stands where the size would be
            size = 6
        records.append((rid, pos + 6, size))
        pos += 6 + size
    return records


def module_sources(vba_project: bytes) -> dict[str, str]:
    """Stream name → VBA source text of every module of a vbaProject.bin."""
    streams = read_cfb(vba_project)
    directory = decompress(streams["VBA/dir"])
    sources, name = {}, ""
    for rid, start, size in _records(directory):
        if rid == 0x001A:  # MODULESTREAMNAME
            name = directory[start:start + size].decode("latin-1")
        elif rid == MODULE_OFFSET:
            offset = struct.unpack_from("<I", directory, start)[0]
            raw = streams[f"VBA/{name}"]
            sources[name] = decompress(raw[offset:]).decode("cp1252")
    return sources


def replace_module(vba_project: bytes, module: str, source: str) -> bytes:
    """The project with one module's source replaced and the p-code cache purged."""
    streams = read_cfb(vba_project)
    sources = module_sources(vba_project)
    if module not in sources:
        raise KeyError(f"the VBA project has no module {module!r}")
    sources[module] = source.replace("\r\n", "\n").replace("\n", "\r\n")
    directory = bytearray(decompress(streams["VBA/dir"]))
    for rid, start, _ in _records(bytes(directory)):
        if rid == MODULE_OFFSET:
            directory[start:start + 4] = b"\x00\x00\x00\x00"
    streams = {path: data for path, data in streams.items() if not path.startswith("VBA/")}
    streams["VBA/dir"] = compress(bytes(directory))
    streams["VBA/_VBA_PROJECT"] = PURGED_VBA_PROJECT
    streams.update({f"VBA/{name}": compress(text.encode("cp1252"))
                    for name, text in sources.items()})
    return write_cfb(streams)


# -- [MS-CFB] reader and version 3 writer -------------------------------------------------

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def read_cfb(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file by path ("VBA/dir")."""
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    fat_count, first_dir = struct.unpack_from("<II", data, 44)
    first_mini_fat, _, next_difat = struct.unpack_from("<III", data, 60)
    difat = list(struct.unpack_from("<109I", data, 76))
    while next_difat < FATSECT:  # more FAT sector numbers, in a chain of DIFAT sectors
        more = struct.unpack_from(f"<{size // 4}I", data, (next_difat + 1) * size)
        difat, next_difat = difat + list(more[:-1]), more[-1]
    fat = [x for s in difat[:fat_count] for x in _words(data[(s + 1) * size:(s + 2) * size])]

    def chain(start: int, table: list[int]) -> list[int]:
        sectors: list[int] = []
        while start < FATSECT and len(sectors) <= len(table):
            sectors, start = sectors + [start], table[start]
        return sectors

    def read(start: int) -> bytes:
        return b"".join(data[(s + 1) * size:(s + 2) * size] for s in chain(start, fat))

    entries = read(first_dir)
    root = _dir_entry(entries, 0)
    mini_stream, mini_fat = read(root[3])[:root[4]], _words(read(first_mini_fat))
    found: dict[str, bytes] = {}
    _walk(entries, root[2], "", found, lambda e: read(e[3])[:e[4]] if e[4] >= CUTOFF else
          b"".join(mini_stream[s * MINI:(s + 1) * MINI] for s in chain(e[3], mini_fat))[:e[4]])
    return found


def _words(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 4}I", data[:len(data) // 4 * 4]))


def _dir_entry(entries: bytes, index: int) -> tuple[str, int, int, int, int, int, int]:
    """(name, type, child, start, size, left, right) of a directory entry."""
    raw = entries[index * 128:(index + 1) * 128]
    length, kind = struct.unpack_from("<HB", raw, 64)
    left, right, child = struct.unpack_from("<III", raw, 68)
    start, size = struct.unpack_from("<II", raw, 116)
    return raw[:max(length - 2, 0)].decode("utf-16-le"), kind, child, start, size, left, right


def _walk(entries: bytes, index: int, prefix: str, found: dict[str, bytes], read: Any) -> None:
    """Collect the streams of a storage's sibling tree (and of its sub-storages)."""
    if index >= NOSTREAM or index * 128 >= len(entries):
        return
    entry = _dir_entry(entries, index)
    name, kind, child, _, _, left, right = entry
    if kind == 2:
        found[prefix + name] = read(entry)
    elif kind == 1:
        _walk(entries, child, f"{prefix}{name}/", found, read)
    _walk(entries, left, prefix, found, read)
    _walk(entries, right, prefix, found, read)


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    start: int = END
    index: int = 0


def _tree(streams: Mapping[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", 5)
    for path, data in streams.items():
        node = root
        *storages, leaf = path.split("/")
        for part in storages:
            node = node.children.setdefault(part, _Entry(part, 1))
        node.children[leaf] = _Entry(leaf, 2, data)
    return root


def _order(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: shorter names first, then by upper-case comparison."""
    return len(name), name.upper()


def _flatten(root: _Entry) -> list[_Entry]:
    entries, todo = [root], [root]
    while todo:
        for child in sorted(todo.pop(0).children.values(), key=lambda e: _order(e.name)):
            child.index = len(entries)
            entries.append(child)
            todo.append(child)
    return entries


def _balanced(children: list[_Entry]) -> tuple[int, dict[int, tuple[int, int]]]:
    """Root index and (left, right) of a balanced binary tree; all nodes black is allowed."""
    links: dict[int, tuple[int, int]] = {}

    def build(items: list[_Entry]) -> int:
        if not items:
            return NOSTREAM
        mid = len(items) // 2
        links[items[mid].index] = (build(items[:mid]), build(items[mid + 1:]))
        return items[mid].index

    return build(sorted(children, key=lambda e: _order(e.name))), links


def _sectors(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size].ljust(size, b"\x00") for i in range(0, len(data), size)]


def write_cfb(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding the streams ("VBA/dir" is stream dir in storage VBA)."""
    root = _tree(streams)
    entries = _flatten(root)
    small = [e for e in entries if e.kind == 2 and len(e.data) < CUTOFF]
    large = [e for e in entries if e.kind == 2 and len(e.data) >= CUTOFF]
    mini_fat: list[int] = []
    mini_stream = bytearray()
    for entry in small:
        count = -(-len(entry.data) // MINI)
        entry.start = len(mini_fat) if count else END
        mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + ([END] if count else [])
        mini_stream += b"".join(_sectors(entry.data, MINI))
    chains: list[tuple[str, list[bytes]]] = [
        ("dir", _sectors(_directory(entries), SECTOR)),
        ("minifat", _sectors(b"".join(struct.pack("<I", x) for x in mini_fat), SECTOR)),
        ("ministream", _sectors(bytes(mini_stream), SECTOR)),
    ] + [(str(e.index), _sectors(e.data, SECTOR)) for e in large]
    starts, fat, body = _allocate(chains)
    root.start = starts["ministream"] if mini_stream else END
    for entry in large:
        entry.start = starts[str(entry.index)]
    body[:len(chains[0][1])] = _sectors(_directory(entries, len(mini_stream)), SECTOR)
    header = _header(fat, starts, len(chains[1][1]), len(body))
    return header + b"".join(body) + b"".join(_sectors(
        b"".join(struct.pack("<I", x) for x in fat), SECTOR))


def _allocate(chains: list[tuple[str, list[bytes]]]
              ) -> tuple[dict[str, int], list[int], list[bytes]]:
    """Lay the chains end to end, then the FAT sectors; returns starts, FAT and the sectors."""
    starts: dict[str, int] = {}
    fat: list[int] = []
    body: list[bytes] = []
    for name, sectors in chains:
        starts[name] = len(body) if sectors else END
        fat += [len(body) + i + 1 for i in range(len(sectors) - 1)] + ([END] if sectors else [])
        body += sectors
    fat_count = 1
    while fat_count * (SECTOR // 4) < len(body) + fat_count:
        fat_count += 1
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * (SECTOR // 4) - len(fat))
    return starts, fat, body


def _header(fat: list[int], starts: dict[str, int], mini_fat_sectors: int, body: int) -> bytes:
    fat_sectors = len(fat) // (SECTOR // 4)
    difat = [body + i for i in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    head = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16,
                       0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6, 0, fat_sectors, starts["dir"], 0,
                       CUTOFF, starts["minifat"], mini_fat_sectors, END, 0)
    return head + b"".join(struct.pack("<I", x) for x in difat)


def _directory(entries: list[_Entry], mini_size: int = 0) -> bytes:
    links: dict[int, tuple[int, int]] = {}
    child_of: dict[int, int] = {}
    for entry in entries:
        if entry.children:
            top, sub = _balanced(list(entry.children.values()))
            child_of[entry.index] = top
            links.update(sub)
    out = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-16-le") + b"\x00\x00"
        left, right = links.get(entry.index, (NOSTREAM, NOSTREAM))
        size = mini_size if entry.kind == 5 else len(entry.data)
        start = entry.start if entry.kind != 1 else 0
        out += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), entry.kind, 1, left, right,
                           child_of.get(entry.index, NOSTREAM), b"\x00" * 16, 0, 0, 0,
                           start, size)
    while len(out) % SECTOR:  # unused entries: type 0, no siblings, no child
        out += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                           b"\x00" * 16, 0, 0, 0, 0, 0)
    return bytes(out)
