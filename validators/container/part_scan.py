"""The streaming scan of one XML part of an untrusted workbook, and the limits it enforces.

`validators.container.files` feeds each part to a `PartScan`, whole or in chunks: every byte is
decoded in the part's declared encoding (a byte it cannot read is refused), entity declarations are
looked for in the prolog (or everywhere, when the prolog is unusual), and a sheet part's used
range and cell count are kept within `Limits.max_cells`. A problem raises `Refused`, carrying
the one file-level finding.

>>> scan = PartScan("xl/worksheets/sheet1.xml", "a.xlsx", Limits(), True, "Sheet1")
>>> scan.feed(b'<?xml version="1.0"?><worksheet><row r="2"><c r="C2"/></row></worksheet>')
>>> scan.finish()
>>> scan.used
(2, 3, 1)
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from validators.messages import finding
from validators.report import Issue

__all__ = ["Limits", "Refused", "refuse", "PartScan", "col_letters"]

_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']{1,40})[\"']")
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
# In a worksheet part only cells carry ` r="E7"` and only rows carry ` r="7"`; the plain
# attribute patterns are several times faster than matching whole tags.
_CELL_REF = re.compile(rb" r=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_REF = re.compile(rb" r=\"([0-9]{1,7})\"")
# The used range is measured from every r attribute however written: ` r="E7"` as every
# writer writes it, but also r='E7', a tab or spaces around "=", lower case, and any
# number of letters and digits (r="A99999999" made python-calamine ask for 41 GB and abort
# the process). One pass, no faster than the two plain patterns above (used for naming the
# cell to blame); `header="0.3"` or `filter="1"` read as row 0 or 1, which changes nothing.
_ANY_REF = re.compile(rb"""r\s*=\s*["']([A-Za-z]*)([0-9]+)""")
_OVERLAP = 64  # longer than every pattern scanned for
# A row that holds no cell (LibreOffice writes <row r="1048576" ht="12.8" …></row> after a row
# is deleted; Excel writes <row r="30" ht="24" customHeight="1"/> for a row only resized) is
# no content: no reader makes a row of it, so it does not widen the used range.
_EMPTY_ROW = re.compile(rb"<(?:\w++:)?row\b[^>]*+(?:(?<=/)>|>\s*+</(?:\w++:)?row>)")
# A row's start tag at the end of a piece: carried over, to see whether a cell follows.
_ROW_START_AT_END = re.compile(rb"<(?:\w++:)?row\b[^>]*+(?<!/)>\s*+\Z")
# What an attribute's name, "=", quotes and value may be made of: a piece is never cut
# inside one (a cut r="A99999999" would count as two smaller numbers).
_ATTRIBUTE_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                             b"\"'= \t\r\n")
# A prolog: white space, processing instructions (the XML declaration) and comments, then
# the root element's start tag. A DOCTYPE (or anything else) stops the match.
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_ROOT_START = re.compile(rb"<[A-Za-z_:\x80-\xff]")


@dataclass(frozen=True)
class Limits:
    """Bounds on what a submitted workbook may be; our templates are far below all of them."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_members: int = 1000
    max_directory_bytes: int = 2 * 1024 * 1024
    max_total_uncompressed: int = 200 * 1024 * 1024
    max_member_uncompressed: int = 100 * 1024 * 1024
    max_ratio: float = 200.0            # uncompressed / compressed, per member
    ratio_min_bytes: int = 1024 * 1024  # small members may compress as well as they like
    # Used-range area of one sheet (A1 to the last cell): the largest register of a
    # 10,000-unit scheme (ballots: 50,000 rows × 12 columns) fits; a sheet claiming a cell
    # at XFD1048576 (17 billion) does not. 2 million cells are 100–200 MB once read.
    max_cells: int = 2_000_000
    chunk_bytes: int = 64 * 1024


class Refused(Exception):
    """Internal: carries the one finding that stops the inspection."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.rule)
        self.issue = issue


def refuse(rule: str, name: str, **params: object) -> Refused:
    """The exception that stops an inspection with one file-level finding of `rule`."""
    return Refused(finding(rule, file=name, params=params))


class PartScan:
    """The streaming scan of one part, fed chunk by chunk."""

    def __init__(self, part: str, name: str, limits: Limits, is_sheet: bool,
                 sheet: str) -> None:
        self.part, self.name, self.limits = part, name, limits
        self.is_sheet, self.sheet = is_sheet, sheet
        self.decoder: codecs.IncrementalDecoder | None = None
        self.raw = True
        self.whole_search = True  # search every chunk for entities (prolog not settled)
        self.used = (0, 0, 0)  # max row, max column, cells
        # The cell that made the used range widest, and the width before it: a range
        # stretched by one stray cell is refused naming that cell.
        self.widest: tuple[str, int] = ("", 0)
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        """Decode one chunk (refusing bad bytes), search it, count its cells."""
        first = self.decoder is None
        if self.decoder is None:
            self.decoder, self.raw = decoder_for(chunk, self.part, self.name)
        # ASCII is valid UTF-8: such a chunk needs no decoding unless a sequence is pending.
        if not (self.raw and chunk.isascii() and not self.decoder.getstate()[0]):
            try:
                text = self.decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise bad_bytes(self.name, self.part, self.decoder, exc) from None
        # Patterns are ASCII: scan UTF-8 bytes as they are, anything else re-encoded.
        data = chunk if self.raw else text.encode("utf-8")
        if first:
            root = prolog_end(data)
            if root is not None:
                self.whole_search = False
                if _ENTITY.search(data, 0, root):  # declared in a comment: refused all the same
                    raise refuse("xml-entities", self.name, part=self.part)
        # Tags may straddle chunks: scan up to the last "<", carry the rest over.
        window = self.carry + data
        cut = window.rfind(b"<")
        if cut < 0 or len(window) - cut > _OVERLAP:
            cut = len(window) - _OVERLAP  # long text: keep enough for any pattern we look for
            # (not inside an attribute: back at most _OVERLAP bytes more; an attribute
            # longer than that has enough digits before the cut to be refused anyway)
            stop = max(cut - _OVERLAP, 0)
            while cut > stop and window[cut - 1] in _ATTRIBUTE_BYTES:
                cut -= 1
        body, self.carry = window[:cut], window[cut:]
        if self.is_sheet and (row := _ROW_START_AT_END.search(body, max(len(body) - 512, 0))):
            body, self.carry = body[:row.start()], body[row.start():] + self.carry
        self._search(body)

    def finish(self) -> None:
        """The carried-over tail, then the decoder's end (a truncated character is refused)."""
        if self.carry:
            self._search(self.carry)
        if self.decoder is not None:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                raise bad_bytes(self.name, self.part, self.decoder, exc) from None

    def _search(self, body: bytes) -> None:
        if self.whole_search and _ENTITY.search(body):
            raise refuse("xml-entities", self.name, part=self.part)
        if self.is_sheet:
            self._measure(body)

    def _measure(self, body: bytes) -> None:
        """Widen the used range by this piece of a sheet; refuse a range that is too large."""
        max_row, max_col, cells = before = self.used
        if b"</row>" in body or b"/>" in body:
            body = _EMPTY_ROW.sub(b"", body)
        refs = _ANY_REF.findall(body)  # cells (E7) and rows (7, letters b"")
        if refs:
            # zip/set/max run in C; only the few distinct columns and rows reach Python code.
            letters, numbers = zip(*refs, strict=True)
            columns = sorted({c.upper() for c in set(letters) if c}, key=lambda c: (len(c), c))
            if columns and col_number(columns[-1]) > max_col:  # rare: a sheet's width is set
                # early (the widest but one so far: the width the sheet had without that cell)
                narrower = col_number(columns[-2]) if len(columns) > 1 else 0
                self.widest = (_first_cell(body, columns[-1]), max(max_col, narrower))
                max_col = col_number(columns[-1])
            # (int() of thousands of digits raises: any number of 13 or more is too many)
            max_row = max(max_row, max(int(r) if len(r) < 13 else 10**12 for r in set(numbers)))
        cells += body.count(b"<c ") + body.count(b"<c>") + body.count(b"<c/>")
        self.used = (max_row, max_col, cells)
        area = max(max_row * max(max_col, 1), cells)
        if area > self.limits.max_cells:
            raise self._too_large(body, before[0], area)

    def _too_large(self, body: bytes, row_before: int, area: int) -> Refused:
        """The refusal of a sheet whose used range is too large, naming the cells that
        stretch it when removing one of them would bring it within the limit."""
        max_row, max_col, cells = self.used
        limit = self.limits.max_cells
        params: dict[str, object] = {"sheet": self.sheet, "area": area, "limit": limit,
                                     "ref": f"A1:{col_letters(max(max_col, 1))}{max(max_row, 1)}"}
        if cells > limit:  # really that many cells: no one cell is to blame
            return Refused(finding("too-many-cells", file=self.name, sheet=self.sheet,
                                   params=params))
        far_col, col_before = self.widest
        last, above = "", max_row
        if row_before < max_row:  # the last row is in this piece: how far below the rest?
            here = {*_ROW_REF.findall(body), *(n for _, n in _CELL_REF.findall(body))}
            above = max([row_before, *(r for r in map(int, here) if r < max_row)])
            last = _last_row_cell(body, max_row) or str(max_row)
        blamed = [x for x, alone in ((last, above * max(max_col, 1) <= limit),
                                     (far_col, max_row * max(col_before, 1) <= limit))
                  if x and alone]
        if not blamed and last and far_col:  # neither alone: both
            blamed = [last, far_col]
        blamed = list(dict.fromkeys(blamed))
        if not blamed:
            return Refused(finding("too-many-cells", file=self.name, sheet=self.sheet,
                                   params=params))
        zh = "、".join(f"第 {b} 行" if b.isdigit() else f"单元格 {b}" for b in blamed)
        en = ", ".join(f"row {b}" if b.isdigit() else f"cell {b}" for b in blamed)
        first = blamed[0]
        return Refused(finding(
            "too-many-cells", key="too-many-cells-at", file=self.name, sheet=self.sheet,
            cell="" if first.isdigit() else first,
            row_number=int(first) if first.isdigit() else None,
            params={**params, "where": zh, "where_en": en}))


def prolog_end(data: bytes) -> int | None:
    """Where the root element starts in the first chunk, if all before it is a plain prolog."""
    start = 3 if data.startswith(codecs.BOM_UTF8) else 0
    match = _PROLOG.match(data, start)  # always matches, perhaps nothing
    end = match.end() if match else start
    return end if _ROOT_START.match(data, end) else None


def bad_bytes(name: str, part: str, decoder: codecs.IncrementalDecoder,
               exc: UnicodeDecodeError) -> Refused:
    encoding = getattr(decoder, "encoding", None) or exc.encoding
    return refuse("bad-encoding", name, part=part,
                   reason=f"内容不是有效的 {encoding} 文字",
                   reason_en=f"invalid {encoding}: {exc.reason}")


def decoder_for(first: bytes, part: str,
                 name: str) -> tuple[codecs.IncrementalDecoder, bool]:
    """A decoder for the part's encoding (UTF-8 unless a BOM or declaration says otherwise),
    and whether the raw bytes can be scanned as they are (UTF-8)."""
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return codecs.getincrementaldecoder("utf-16")(), False
    if first.startswith((b"<\0", b"\0<")):  # UTF-16 without a byte-order mark
        encoding = "utf-16-le" if first.startswith(b"<") else "utf-16-be"
        return codecs.getincrementaldecoder(encoding)(), False
    match = _DECLARATION.match(first.removeprefix(codecs.BOM_UTF8))
    encoding = match.group(1).decode("ascii", "replace") if match else "utf-8"
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise refuse("bad-encoding", name, part=part,
                      reason=f"未知编码 “{encoding}”",
                      reason_en=f"unknown encoding {encoding!r}") from None
    return info.incrementaldecoder(), info.name in ("utf-8", "utf-8-sig")


def col_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _first_cell(body: bytes, letters: bytes) -> str:
    """The first cell of a column (given by its letters) in a piece of sheet XML."""
    match = re.search(rb" r=\"" + letters + rb"([0-9]{1,7})\"", body)
    return (letters + match.group(1)).decode("ascii") if match else ""


def _last_row_cell(body: bytes, row: int) -> str:
    """The first cell of a row in a piece of sheet XML; "" when the row has none in it."""
    match = re.search(rb" r=\"([A-Z]{1,3})" + str(row).encode() + rb"\"", body)
    return f"{match.group(1).decode('ascii')}{row}" if match else ""


def col_letters(number: int) -> str:
    """Column letters of a 1-based column number (28 -> "AB")."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
