"""Saving an openpyxl workbook the way every output is saved: atomically (a temporary file,
then a rename), and — for what kaohe builds — the same bytes for the same workbook.

openpyxl stamps a save with the time twice: the workbook's `modified` property, and each
zip member's date. A template built twice from one scheme then differed in its bytes (and
its SHA-256, which the history records for every input). `save_workbook` writes the
properties' dates as `stamp` and every member dated 1980-01-01, the zip format's epoch.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from kaohe.pipeline.io import write_atomic

__all__ = ["save_workbook", "FIXED_STAMP"]

#: The date written into the workbooks kaohe builds (their content says the year).
FIXED_STAMP = datetime(2000, 1, 1)
_EPOCH = (1980, 1, 1, 0, 0, 0)


class _DatedZip(zipfile.ZipFile):
    """A zip writer that dates every member at the epoch, whatever the clock says."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_EPOCH)
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        # openpyxl writes each worksheet to a temporary file first, then adds it by name.
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes(),
                      compress_type, compresslevel)


def save_workbook(wb: Any, path: Path | str, *, stamp: datetime | None = FIXED_STAMP) -> Path:
    """Write an openpyxl workbook to `path` atomically; with `stamp` (the default) its
    created/modified properties say `stamp` and its bytes depend on its content alone.
    `stamp=None` keeps openpyxl's own dating (the time of saving).

    >>> import openpyxl, tempfile, hashlib
    >>> folder = Path(tempfile.mkdtemp())
    >>> a = save_workbook(openpyxl.Workbook(), folder / "a.xlsx")
    >>> b = save_workbook(openpyxl.Workbook(), folder / "b.xlsx")
    >>> a.read_bytes() == b.read_bytes()
    True
    """
    from openpyxl.writer.excel import ExcelWriter

    def write(tmp: Path) -> None:
        if stamp is None:
            wb.save(tmp)
            return
        wb.properties.created = wb.properties.modified = stamp
        archive = _DatedZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        ExcelWriter(wb, archive).save()

    return write_atomic(Path(path), write)
