"""Generate the corpus of broken and hostile files under tests/data/bad/ (one file per case).

    python tests/data/make_bad.py [OUT_DIR]

Every case is a file a clerk (or an attacker) could hand in: a renamed text file, a
truncated download, an encrypted workbook, an old .xls, an .ods, zip bombs, a sheet whose
used range is a whole worksheet, XML entity attacks, unreadable encodings. `CASES` maps
each file name to the one file-level rule the validators must report. Deterministic
except `encrypted.xlsx` when msoffcrypto-tool is installed (its salt is random).
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "bad"

# ---------------------------------------------------------------- a minimal valid .xlsx

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="单位填报" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')
_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    'uniqueCount="1"><si><t>{text}</t></si></sst>')
_ROWS = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>7.5</v></c></row>'
         '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>')


def xlsx_parts(*, sheet: str | None = None, strings: str | None = None,
               workbook_encoding: str = "UTF-8") -> dict[str, bytes]:
    """The parts of a small, valid workbook (one sheet, one shared string)."""
    return {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _ROOT_RELS.encode(),
        "xl/workbook.xml": _WORKBOOK.format(encoding=workbook_encoding).encode(),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.encode(),
        "xl/worksheets/sheet1.xml": (sheet if sheet is not None else _SHEET.format(
            doctype="", dimension="A1:B2", rows=_ROWS)).encode("utf-8"),
        "xl/sharedStrings.xml": (strings if strings is not None else _STRINGS.format(
            doctype="", text="阿勒泰市")).encode("utf-8"),
    }


def zip_bytes(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Parts packed into a zip, in order, with a fixed timestamp (reproducible bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2017, 1, 10, 9, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def valid_xlsx() -> bytes:
    """A small valid workbook that is not one of our templates (no _meta sheet)."""
    return zip_bytes(xlsx_parts())


# ---------------------------------------------------------------- compound (OLE) files

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal CFB v3 file (the container of .xls, .et and encrypted .xlsx).

    Each stream is padded to 4096 bytes so it lives in regular sectors (no mini stream).
    """
    sector = 512
    padded = {name: data.ljust(max(4096, len(data)), b"\0") for name, data in streams.items()}
    fat = [_FATSECT, _END]
    starts = {}
    for name, data in padded.items():
        count = -(-len(data) // sector)
        start = len(fat)
        starts[name] = start
        fat.extend(range(start + 1, start + count))
        fat.append(_END)
    if len(fat) > sector // 4 or len(padded) > 3:
        raise ValueError("compound_file: at most 3 small streams")
    fat.extend([_FREE] * (sector // 4 - len(fat)))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name.encode("utf-16-le") + b"\0\0") if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB3L", len(encoded), kind, 1,
                                                       _NOSTREAM, right, child)
                + b"\0" * 36 + struct.pack("<LQ", start, size))

    names = list(padded)
    entries = [entry("Root Entry", 5, 1, _NOSTREAM, _END, 0)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else _NOSTREAM
        entries.append(entry(name, 2, _NOSTREAM, right, starts[name], len(streams[name])))
    while len(entries) < 4:
        entries.append(b"\0" * 64 + struct.pack("<HBB3L", 0, 0, 0, _NOSTREAM, _NOSTREAM,
                                                _NOSTREAM) + b"\0" * 48)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<5H6x", 0x3E, 3, 0xFFFE, 9, 6)
              + struct.pack("<9L", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109L", 0, *([_FREE] * 108)))
    body = b"".join(struct.pack("<L", f) for f in fat) + b"".join(entries)
    return header + body + b"".join(padded.values())


def _biff_workbook() -> bytes:
    bof = struct.pack("<HH4H", 0x0809, 8, 0x0600, 0x0005, 0x0DBB, 0x07CC)
    eof = struct.pack("<HH", 0x000A, 0)
    return bof + eof


def encrypted_xlsx() -> bytes:
    """An encrypted workbook as Excel saves it: a compound file with EncryptionInfo."""
    try:
        import msoffcrypto  # type: ignore[import-untyped]
        from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]
    except ImportError:
        msoffcrypto = None
    if msoffcrypto is not None:
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(valid_xlsx())).encrypt("123456", out)
        return out.getvalue()
    info = struct.pack("<HHL", 4, 4, 0x40) + b"<encryption/>"
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": valid_xlsx()})


# ---------------------------------------------------------------- the hostile cases

def _truncated() -> bytes:
    data = valid_xlsx()
    return data[: len(data) // 2]


def _corrupt() -> bytes:
    data = bytearray(zip_bytes(xlsx_parts(), zipfile.ZIP_STORED))
    at = bytes(data).index(b"<sheetData>")
    data[at + 1:at + 10] = b"XXXXXXXXX"  # stored bytes changed behind the CRC's back
    return bytes(data)


def _zip_encrypted() -> bytes:
    """Zip-level (“traditional PKWARE”) encryption flag on every member."""
    data = bytearray(valid_xlsx())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := bytes(data).find(signature, start)) >= 0:
            data[at + flag_at] |= 0x01
            start = at + 4
    return bytes(data)


def _ods() -> bytes:
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    return zip_bytes({"mimetype": mimetype,
                      "content.xml": b'<?xml version="1.0"?><office:document-content/>',
                      "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest/>'},
                     zipfile.ZIP_STORED)


def _docx() -> bytes:
    return zip_bytes({"[Content_Types].xml": _CONTENT_TYPES.encode(),
                      "word/document.xml": b'<?xml version="1.0"?><document/>'})


def _ratio_bomb() -> bytes:
    """A sheet that inflates ~1000:1 (a real deflate bomb, 32 MB from ~32 KB)."""
    parts = xlsx_parts()
    head = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = head + b" " * (32 * 1024 * 1024)
    return zip_bytes(parts)


def _declared_huge() -> bytes:
    """A member whose directory entry claims 3 GB (zip directories can lie)."""
    data = bytearray(valid_xlsx())
    name = b"xl/sharedStrings.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := bytes(data).find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if bytes(data[name_at:name_at + len(name)]) == name:
                data[at + size_at:at + size_at + 4] = struct.pack("<L", 3 * 1024 ** 3)
            start = at + 4
    return bytes(data)


def _many_members() -> bytes:
    parts = xlsx_parts()
    for index in range(1500):
        parts[f"xl/media/x{index}.bin"] = b""
    return zip_bytes(parts, zipfile.ZIP_STORED)


def _huge_range() -> bytes:
    """Two cells, A1 and XFD1048576: a reader that allocates the used range needs ~400 GB."""
    rows = ('<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    sheet = _SHEET.format(doctype="", dimension="A1:XFD1048576", rows=rows)
    return zip_bytes(xlsx_parts(sheet=sheet))


def _xxe() -> bytes:
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return zip_bytes(xlsx_parts(sheet=_SHEET.format(doctype=doctype, dimension="A1",
                                                    rows=rows)))


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)]
    doctype = f"<!DOCTYPE sst [{''.join(entities)}]>"
    return zip_bytes(xlsx_parts(strings=_STRINGS.format(doctype=doctype, text="&lol9;")))


def _unknown_encoding() -> bytes:
    return zip_bytes(xlsx_parts(workbook_encoding="x-klingon"))


def _invalid_utf8() -> bytes:
    parts = xlsx_parts()
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        "阿勒泰市".encode(), b"\xb0\xa2\xc0\xd5\xcc\xa9\xca\xd0")  # the same name in GBK
    return zip_bytes(parts)


def _html_as_xls() -> bytes:
    return ("<html><head><meta charset='gbk'></head><body><table><tr><td>单位</td>"
            "</tr></table></body></html>").encode("gbk")


# file name -> (expected file-level rule, builder)
CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "empty.xlsx": ("empty-file", lambda: b""),
    "notes.txt": ("not-a-zip", lambda: "这是一个文本文件，不是工作簿。\n".encode()),
    "renamed_text.xlsx": ("not-a-zip", lambda: b"unit,actual\naltay_city,7.9\n"),
    "web_export.xls": ("not-a-zip", _html_as_xls),
    "truncated.xlsx": ("truncated", _truncated),
    "corrupt_crc.xlsx": ("corrupt", _corrupt),
    "encrypted.xlsx": ("encrypted", encrypted_xlsx),
    "zip_encrypted.xlsx": ("encrypted", _zip_encrypted),
    "legacy.xls": ("legacy-format", lambda: compound_file({"Workbook": _biff_workbook()})),
    "wps.et": ("legacy-format", lambda: compound_file({"WpsContent": b"WPS", "Workbook":
                                                       _biff_workbook()})),
    "sheet.ods": ("ods-format", _ods),
    "word.xlsx": ("not-xlsx", _docx),
    "zip_bomb_ratio.xlsx": ("zip-bomb", _ratio_bomb),
    "zip_bomb_declared.xlsx": ("zip-bomb", _declared_huge),
    "zip_bomb_members.xlsx": ("zip-bomb", _many_members),
    "huge_range.xlsx": ("too-many-cells", _huge_range),
    "xxe.xlsx": ("xml-entities", _xxe),
    "billion_laughs.xlsx": ("xml-entities", _billion_laughs),
    "unknown_encoding.xlsx": ("bad-encoding", _unknown_encoding),
    "invalid_utf8.xlsx": ("bad-encoding", _invalid_utf8),
    # Sound as a file, but not one of our templates: only the workbook validation sees it.
    "not_ours.xlsx": ("not-our-template", valid_xlsx),
}


def generate(out: Path = DEFAULT_OUT) -> dict[Path, str]:
    """Write every case into `out`; returns path → expected rule."""
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (rule, build) in CASES.items():
        path = out / name
        path.write_bytes(build())
        written[path] = rule
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for path, rule in generate(target).items():
        print(f"{path.stat().st_size:>9}  {rule:<16} {path}")
