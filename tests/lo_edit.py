"""Edit workbooks in headless LibreOffice as a clerk would, and save them as .xlsx.

Run by Debian's own python3 (it has the Python-UNO bridge, package python3-uno), never
imported by the test suite: ``python3 tests/lo_edit.py JOBS.json``. JOBS.json is a list of
``{"src": …, "dst": …, "edits": [...]}``; each edit is one of
``{"op": "type", "sheet": …, "cell": "I11", "text": "7.5%"}`` (keys typed into the cell and
Enter: LibreOffice's own input recognition, as on the keyboard — "7.5%" becomes 0.075 with a
percent format, "'5" text, "２４０００" text), ``{"op": "delete_row", "sheet": …, "row": 12}``,
``{"op": "insert_row", "sheet": …, "row": 12}``, ``{"op": "width", "sheet": …,
"column": "J", "width": 40}`` (in characters, roughly), ``{"op": "clear", "sheet": …, "cell": …}``
(the Delete key), ``{"op": "paste", "sheet": …, "cell": …, "value": 5, "format": "#,##0.00"}``
(a value pasted with its source's number format). Structural edits lift the sheet's
protection (no password: the templates' default) and put it back, as a clerk who knows how
would. One soffice process does every job (a private profile, a pipe, no display).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(pipe: str, deadline: float):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 - soffice still starting
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def _edit(doc, frame, dispatcher, edit) -> None:
    sheet = doc.Sheets.getByName(edit["sheet"])
    op = edit["op"]
    if op == "type":
        controller = doc.CurrentController
        controller.setActiveSheet(sheet)
        controller.select(sheet.getCellRangeByName(edit["cell"]))
        dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0,
                                   (_prop("StringName", edit["text"]),))
        return
    if op == "clear":
        # VALUE, DATETIME, STRING, FORMULA: the Delete key
        sheet.getCellRangeByName(edit["cell"]).clearContents(1 | 2 | 4 | 16)
        return
    if op == "paste":  # a value pasted with its source's number format
        cell = sheet.getCellRangeByName(edit["cell"])
        if isinstance(edit["value"], str):
            cell.setString(edit["value"])
        else:
            cell.setValue(edit["value"])
        if edit.get("format"):
            formats, locale = doc.NumberFormats, uno.createUnoStruct("com.sun.star.lang.Locale")
            key = formats.queryKey(edit["format"], locale, False)
            cell.NumberFormat = key if key != -1 else formats.addNew(edit["format"], locale)
        return
    protected = sheet.isProtected()
    if protected:
        sheet.unprotect("")
    if op == "delete_row":
        sheet.Rows.removeByIndex(edit["row"] - 1, 1)
    elif op == "insert_row":
        sheet.Rows.insertByIndex(edit["row"] - 1, 1)
    elif op == "width":
        column = sheet.Columns.getByIndex(_column(edit["column"]))
        column.Width = int(edit["width"] * 200)  # 1/100 mm; ~2 mm a character
    else:
        raise ValueError(f"unknown edit {op!r}")
    if protected:
        sheet.protect("")


class _Office:
    """One headless soffice with a private profile, reached through a pipe."""

    def __init__(self, root: Path, number: int) -> None:
        pipe = f"kaohe_edit_{os.getpid()}_{number}"
        soffice = os.environ.get("KAOHE_SOFFICE") or shutil.which("soffice") or "soffice"
        env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
        self.proc = subprocess.Popen(
            [soffice, f"-env:UserInstallation={(root / f'profile{number}').as_uri()}",
             "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"--accept=pipe,name={pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True)
        ctx = _connect(pipe, time.time() + 60)
        smgr = ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        self.dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                         ctx)

    def run(self, job) -> None:
        src = Path(job["src"]).resolve()
        doc = self.desktop.loadComponentFromURL(src.as_uri(), "_blank", 0,
                                                (_prop("Hidden", True),))
        try:
            frame = doc.CurrentController.Frame
            for edit in job["edits"]:
                _edit(doc, frame, self.dispatcher, edit)
            doc.storeToURL(Path(job["dst"]).resolve().as_uri(),
                           (_prop("FilterName", "Calc MS Excel 2007 XML"),))
        finally:
            doc.close(True)

    def stop(self) -> None:
        try:
            self.desktop.terminate()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - the bridge goes away with the process
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()


def main(jobs_file: str) -> int:
    jobs = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    root = Path(tempfile.mkdtemp(prefix="kaohe-lo-edit-"))
    starts = 0
    office = None
    try:
        for job in jobs:
            for attempt in range(3):  # soffice may die under load: a fresh one, the job again
                if office is None:
                    starts += 1
                    office = _Office(root, starts)
                try:
                    office.run(job)
                    break
                except Exception:  # noqa: BLE001
                    office.stop()
                    office = None
                    if attempt == 2:
                        raise
    finally:
        if office is not None:
            office.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
