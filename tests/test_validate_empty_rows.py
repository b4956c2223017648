"""Rows that only carry a height or a format are not content: LibreOffice writes one at row
1048576 after a row is deleted, Excel one per resized row. A cell there still is."""

from __future__ import annotations

import pytest

from validators.container.part_scan import Limits, PartScan, Refused

CELLS = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="M%d"><v>2</v></c></row>'
                 % (r, r, r) for r in range(1, 40))
LO_EMPTY = b'<row r="1048576" customFormat="false" ht="12.8" hidden="false"></row>'
EXCEL_EMPTY = b'<row r="1048576" ht="24" customHeight="1"/>'
A_CELL = b'<row r="1048576" ht="24"><c r="A1048576"><v>3</v></c></row>'


def _scan(rows: bytes, chunk: int = 64 * 1024) -> tuple[int, int, int]:
    xml = b'<?xml version="1.0"?><worksheet><sheetData>' + rows + b"</sheetData></worksheet>"
    scan = PartScan("xl/worksheets/sheet1.xml", "a.xlsx", Limits(), True, "S")
    for start in range(0, len(xml), chunk):
        scan.feed(xml[start:start + chunk])
    scan.finish()
    return scan.used


@pytest.mark.parametrize("empty", [LO_EMPTY, EXCEL_EMPTY], ids=["libreoffice", "excel"])
@pytest.mark.parametrize("chunk", [64 * 1024, 37, 101], ids=["whole", "cut-37", "cut-101"])
def test_an_empty_row_far_below_is_not_content(empty: bytes, chunk: int) -> None:
    assert _scan(CELLS + empty, chunk)[:2] == (39, 13)


@pytest.mark.parametrize("chunk", [64 * 1024, 37], ids=["whole", "cut-37"])
def test_a_cell_far_below_is_still_refused(chunk: int) -> None:
    with pytest.raises(Refused) as refused:
        _scan(CELLS + A_CELL, chunk)
    assert refused.value.issue.rule == "too-many-cells"
