"""validators.container.zipdir reads plain archives straight from their bytes; anything else is
zipfile's.

The contract: what zipdir returns is exactly what zipfile reads, and where zipdir declines
(None), `open_checked` falls back to zipfile, so its findings are those of `inspect_file`
(which always uses zipfile) for every file, sound or damaged.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_validate_files import DATA, make_bad
from validators.container import files, zipdir
from validators.container.files import inspect_file, open_checked

SOUND = make_bad.valid_xlsx()


def _same_as_zipfile(data: bytes) -> None:
    """zipdir's directory and members, where it gives them, equal zipfile's."""
    entries = zipdir.directory(data)
    if entries is None:
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert [(e.filename, e.flag_bits, e.compress_type, e.CRC, e.compress_size, e.file_size,
                 e.header_offset) for e in entries] == [
            (i.filename, i.flag_bits, i.compress_type, i.CRC, i.compress_size, i.file_size,
             i.header_offset) for i in infos]
        for entry, info in zip(entries, infos, strict=True):
            content = zipdir.member(data, entry)
            if content is not None:
                assert content == archive.read(info), entry.filename


def _both_paths(tmp_path: Path, data: bytes) -> None:
    """open_checked (zipdir when it can) and inspect_file (zipfile) agree; so does `kept`."""
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    issues, checked = open_checked(path)
    assert issues == inspect_file(path)
    if checked is not None:
        with zipfile.ZipFile(path) as archive:
            for part, xml in checked.sheet_xml.items():
                assert xml == archive.read(part)
            assert dict(checked.sheet_names) == files.sheet_parts(archive)


def test_a_sound_workbook_is_read_without_zipfile() -> None:
    entries = zipdir.directory(SOUND)
    assert entries is not None and len(entries) > 5
    _same_as_zipfile(SOUND)
    assert all(zipdir.member(SOUND, e) is not None for e in entries)


def test_a_template_is_read_without_zipfile(tmp_path: Path) -> None:
    from kaohe.pipeline.documents import default_scheme_document, scheme_from_document
    from workbook_templates.unit_report import build_unit_report

    scheme = scheme_from_document(default_scheme_document())
    build_unit_report(scheme, scheme.units[0].id, tmp_path / "t.xlsx")
    data = (tmp_path / "t.xlsx").read_bytes()
    assert zipdir.directory(data) is not None
    _same_as_zipfile(data)
    _both_paths(tmp_path, data)


def _with_comment(data: bytes) -> bytes:
    return data[:-2] + struct.pack("<H", 5) + b"hello"


def _first_local_header_flags(data: bytes, flags: int) -> bytes:
    return data[:6] + struct.pack("<H", flags) + data[8:]


def _central(data: bytes) -> int:
    return data.rindex(b"PK\x01\x02", 0, data.rindex(b"PK\x05\x06"))


@pytest.mark.parametrize(("why", "mangle"), [
    ("a comment after the directory", _with_comment),
    ("data before the archive", lambda d: b"junk" + d),
    ("a truncated file", lambda d: d[: len(d) // 2]),
    ("a byte changed in compressed data", lambda d: d[:200] + bytes([d[200] ^ 0xFF]) + d[201:]),
    ("an encrypted flag in a local header", lambda d: _first_local_header_flags(d, 1)),
    ("a name that differs in the local header",
     lambda d: d[:30] + (b"Y" if d[30:31] != b"Y" else b"Z") + d[31:]),
    ("a version needed to extract beyond zipfile's 6.3",
     lambda d: d[:_central(d) + 6] + bytes([64]) + d[_central(d) + 7:]),
    ("a directory offset past its place (members before the file's start)",
     lambda d: d[:-6] + struct.pack("<L", struct.unpack("<L", d[-6:-2])[0] + 400) + d[-2:]),
    ("a declared size of zero over real data",
     lambda d: d[:_central(d) + 24] + struct.pack("<L", 0) + d[_central(d) + 28:]),
])
def test_unusual_archives_fall_back_and_agree(tmp_path: Path, why: str, mangle) -> None:
    data = mangle(SOUND)
    entries = zipdir.directory(data)
    assert entries is None or any(zipdir.member(data, e) is None for e in entries), why
    _same_as_zipfile(data)
    _both_paths(tmp_path, data)


def test_a_zero_size_member_is_not_inflated_without_limit() -> None:
    # zlib treats max_length 0 as "no limit": a member declared empty must not be inflated.
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = bomb.compress(b"\0" * 10_000_000) + bomb.flush()
    entry = zipdir.Entry("x.xml", 0, 8, 0, len(payload), 0, 0)
    header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, 0, 0, 0, len(payload), 0,
                         5, 0)
    assert zipdir.member(header + b"x.xml" + payload, entry) == b""


def test_the_corpus_agrees_on_both_paths(tmp_path: Path) -> None:
    for path in sorted((DATA / "bad").iterdir()):
        if path.suffix != ".py":
            _same_as_zipfile(path.read_bytes())
            _both_paths(tmp_path, path.read_bytes())


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(SOUND) - 1), st.integers(1, 255)),
                min_size=1, max_size=3))
def test_any_damaged_byte_gives_the_same_findings(tmp_path: Path,
                                                  flips: list[tuple[int, int]]) -> None:
    data = bytearray(SOUND)
    for at, mask in flips:
        data[at] ^= mask
    _same_as_zipfile(bytes(data))
    _both_paths(tmp_path, bytes(data))


@pytest.mark.parametrize("max_cells", [None, 8_999])
def test_a_sheet_longer_than_a_chunk_is_scanned_alike_on_both_paths(tmp_path: Path,
                                                                    max_cells: int | None) -> None:
    # 3,000 rows of 3 cells: about 170 KB of sheet XML, fed in 64 KB chunks on both paths
    # (a reference cut between two chunks still counts); 9,000 cells are refused by a limit below.
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c>'
                   f'<c r="C{r}"><v>2</v></c></row>' for r in range(1, 3001))
    sheet = make_bad._SHEET.format(doctype="", dimension="A1:C3000", rows=rows).encode()
    data = make_bad.zip_bytes({**make_bad.xlsx_parts(), "xl/worksheets/sheet1.xml": sheet})
    assert zipdir.directory(data) is not None and len(sheet) > 2 * 65536
    path = tmp_path / "long.xlsx"
    path.write_bytes(data)
    limits = files.Limits(max_cells=max_cells) if max_cells else files.Limits()
    issues, checked = open_checked(path, limits)
    assert issues == inspect_file(path, limits)
    if max_cells:
        assert [i.rule for i in issues] == ["too-many-cells"]
    else:
        assert checked is not None and checked.sheet_xml["xl/worksheets/sheet1.xml"] == sheet
