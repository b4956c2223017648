"""Headless LibreOffice: forced recalculation of .xlsx files, and pictures of them.

Files written by openpyxl carry formulas but no cached results, and files saved
by Excel or LibreOffice carry results that may be stale. :func:`recalculate`
opens a copy in headless LibreOffice with "recalculate on load" forced to
*always* and saves it again as .xlsx, so a reader (``openpyxl`` with
``data_only=True``, ``python-calamine``) sees values LibreOffice computed itself.
:func:`render_png` turns a workbook into PNG pictures (xlsx -> PDF -> pdftoppm), and
:func:`render_pdf` into the PDF itself (what a printer gets: its text can be searched).

How the recalculation is forced
    Every call runs ``soffice`` with its own throw-away user profile
    (``-env:UserInstallation=file:///tmp/kaohe-lo-.../``) whose
    ``user/registrymodifications.xcu`` is written before launch and sets
    ``org.openoffice.Office.Calc/Formula/Load``: ``OOXMLRecalcMode = 0`` and
    ``ODFRecalcMode = 0`` ("always recalculate"). LibreOffice's default (1,
    "never") keeps whatever results the file caches: a file whose input was
    changed behind its back would come out with the old totals. A private
    profile also means calls can run concurrently (LibreOffice otherwise hands
    a second invocation to the first one's process through the profile's pipe)
    and never touch the user's own profile. The source is copied into a private
    temporary directory and converted from there, so it is never modified (not
    even by LibreOffice's ``.~lock`` files).

Measured on the development machine (2 cores, LibreOffice 7.4.7, Debian 12; page
cache warm, i.e. not the very first start after boot)
    - one :func:`recalculate` call (cold soffice start, fresh profile): 1.1-1.5 s,
      nearly all of it LibreOffice starting up; reusing an initialised profile
      would only save ~0.2 s, so every call gets its own for isolation;
    - several files: one soffice start per file costs that each time (10 small
      files one after another: ~12 s), while ONE invocation converting them all
      (:func:`recalculate_many`) took ~1.7 s for the same 10 small files and
      ~9 s for 50 filled-template-sized files (3 sheets, ~2,400 cells, ~250
      formulas each), i.e. ~0.15 s per extra file. Batch whenever there are
      several files;
    - :func:`render_png` of one page: ~1.2-1.5 s (soffice to PDF, then pdftoppm).

Formula coverage checked by ``tests/test_xlharness.py``: arithmetic, ``&``
with CJK text, SUMPRODUCT, ROUND, IF, RANK, ``_xlfn.RANK.EQ``, COUNTIFS, INDEX,
MATCH, cross-sheet references; ROUND rounds halves away from zero as Excel does
(``ROUND(2.675,2)`` = 2.68, where Python's ``round`` gives 2.67). Functions
newer than Excel 2007 must be written with their ``_xlfn.`` prefix (openpyxl
writes formula text verbatim), exactly as Excel stores them.

System packages (Debian): ``libreoffice-calc-nogui``, ``poppler-utils``
(pdftoppm) and ``fonts-noto-cjk`` for Chinese text in pictures; ``make sysdeps``
installs them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "RecalcError",
    "have_libreoffice",
    "have_pdftoppm",
    "find_soffice",
    "recalculate",
    "recalculate_many",
    "render_pdf",
    "render_png",
]

#: LibreOffice's export filter for .xlsx ("Excel 2007-365").
XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
#: Files converted per soffice invocation in :func:`recalculate_many`.
BATCH_SIZE = 200

_RECALC_ALWAYS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

_SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


class RecalcError(Exception):
    """LibreOffice or pdftoppm is missing, timed out, or produced no output."""


def find_soffice() -> str | None:
    """Path of the ``soffice`` executable, or None.

    ``$KAOHE_SOFFICE`` overrides the search; then ``soffice`` and ``libreoffice``
    on PATH; then the usual install locations.
    """
    override = os.environ.get("KAOHE_SOFFICE")
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _SOFFICE_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def have_libreoffice() -> bool:
    """True if a headless-capable ``soffice`` was found."""
    return find_soffice() is not None


def have_pdftoppm() -> bool:
    """True if poppler's ``pdftoppm`` is on PATH (needed by :func:`render_png`)."""
    return shutil.which("pdftoppm") is not None


def _require_soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise RecalcError(
            "LibreOffice (soffice) not found: install Debian's libreoffice-calc-nogui "
            "(run `make sysdeps`) or set KAOHE_SOFFICE to the soffice executable"
        )
    return soffice


@contextmanager
def _workspace() -> Iterator[Path]:
    """A private temporary directory holding the LibreOffice profile, inputs, outputs."""
    root = Path(tempfile.mkdtemp(prefix="kaohe-lo-"))
    try:
        user = root / "profile" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_RECALC_ALWAYS_XCU, encoding="utf-8")
        (root / "in").mkdir()
        (root / "out").mkdir()
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(cmd: Sequence[str], timeout: float, what: str) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in its own process group; kill the whole group on timeout."""
    env = dict(os.environ)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")  # never try to reach a display
    proc = subprocess.Popen(
        list(cmd),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise RecalcError(f"{what}: timed out after {timeout:g} s") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _soffice_convert(
    root: Path,
    soffice: str,
    fmt: str,
    inputs: Sequence[Path],
    timeout: float,
    originals: Sequence[Path],
) -> subprocess.CompletedProcess[str]:
    cmd = [
        soffice,
        f"-env:UserInstallation={(root / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(root / "out"),
        *(str(p) for p in inputs),
    ]
    names = ", ".join(str(p) for p in originals[:3]) + (" ..." if len(originals) > 3 else "")
    return _run(cmd, timeout, f"LibreOffice converting {names}")


def _stage(root: Path, srcs: Sequence[Path]) -> list[Path]:
    """Copy sources into the workspace (unique names, same stems' order kept)."""
    staged = []
    for i, src in enumerate(srcs):
        if not src.is_file():
            raise FileNotFoundError(src)
        # A numeric prefix keeps copies of equally named files apart.
        dst = root / "in" / f"{i:05d}_{src.name}"
        shutil.copyfile(src, dst)
        staged.append(dst)
    return staged


def _check_dest(srcs: Sequence[Path], dest_dir: Path, suffix: str) -> list[Path]:
    dests = [dest_dir / (src.stem + suffix) for src in srcs]
    seen: dict[Path, Path] = {}
    for src, dest in zip(srcs, dests, strict=True):
        if dest in seen:
            raise ValueError(
                f"{src} and {seen[dest]} would both be written to {dest}; "
                "give them different names or convert them separately"
            )
        seen[dest] = src
        if dest.resolve() == src.resolve():
            raise ValueError(f"refusing to overwrite the source {src}: pick another dest_dir")
    return dests


def _failure(what: str, proc: subprocess.CompletedProcess[str]) -> str:
    detail = (proc.stderr or "").strip() or (proc.stdout or "").strip()
    return f"{what} (soffice exit code {proc.returncode}): {detail[-2000:]}"


def recalculate_many(
    srcs: Iterable[Path | str], dest_dir: Path | str, timeout: float | None = None
) -> list[Path]:
    """Recalculate several workbooks in one LibreOffice start; return the outputs.

    Each ``src`` is written to ``dest_dir/<stem>.xlsx`` (same order as ``srcs``).
    ``timeout`` (seconds, per soffice invocation of up to :data:`BATCH_SIZE`
    files) defaults to 60 + 2 s per file. Raises :class:`RecalcError` if
    LibreOffice is missing, times out or leaves any output missing (outputs
    that were produced are still written), ``ValueError`` if two sources share
    a stem or an output would overwrite its source.
    """
    sources = [Path(s) for s in srcs]
    dest = Path(dest_dir)
    if not sources:
        return []
    for src in sources:
        if not src.is_file():
            raise FileNotFoundError(src)
    dests = _check_dest(sources, dest, ".xlsx")
    soffice = _require_soffice()
    dest.mkdir(parents=True, exist_ok=True)
    missing: list[str] = []
    for start in range(0, len(sources), BATCH_SIZE):
        chunk = sources[start : start + BATCH_SIZE]
        chunk_dests = dests[start : start + BATCH_SIZE]
        limit = timeout if timeout is not None else 60.0 + 2.0 * len(chunk)
        with _workspace() as root:
            staged = _stage(root, chunk)
            proc = _soffice_convert(root, soffice, XLSX_FILTER, staged, limit, chunk)
            lost = []
            for src, copy, out in zip(chunk, staged, chunk_dests, strict=True):
                produced = root / "out" / (copy.stem + ".xlsx")
                if produced.is_file() and produced.stat().st_size > 0:
                    shutil.move(str(produced), out)
                else:
                    lost.append(str(src))
            if lost:
                missing.append(_failure(f"no output for {', '.join(lost)}", proc))
    if missing:
        raise RecalcError("LibreOffice failed to recalculate: " + "; ".join(missing))
    return dests


def recalculate(src: Path | str, dest_dir: Path | str, timeout: float = 120) -> Path:
    """Recalculate ``src`` in headless LibreOffice; return ``dest_dir/<stem>.xlsx``.

    Recalculation on load is forced (see the module docstring), so every
    formula's cached value in the output is LibreOffice's own. ``src`` is never
    modified. Raises :class:`RecalcError` on a missing LibreOffice, a timeout or
    a missing output.
    """
    return recalculate_many([src], dest_dir, timeout=timeout)[0]


def _printed(root: Path, soffice: str, source: Path, timeout: float) -> Path:
    """The workbook printed to PDF by LibreOffice inside the workspace `root`."""
    (staged,) = _stage(root, [source])
    proc = _soffice_convert(root, soffice, "pdf", [staged], timeout, [source])
    pdf = root / "out" / (staged.stem + ".pdf")
    if not (pdf.is_file() and pdf.stat().st_size > 0):
        raise RecalcError(_failure(f"LibreOffice wrote no PDF for {source}", proc))
    return pdf


def render_pdf(src: Path | str, dest_dir: Path | str, timeout: float = 120) -> Path:
    """Print a workbook to PDF as LibreOffice prints it; returns ``dest_dir/<stem>.pdf``.

    Every visible sheet, cut by its print area and page setup. ``src`` is never modified.
    """
    source = Path(src)
    if not source.is_file():
        raise FileNotFoundError(source)
    soffice = _require_soffice()
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with _workspace() as root:
        pdf = _printed(root, soffice, source, timeout)
        target = dest / (source.stem + ".pdf")
        shutil.move(str(pdf), target)
    return target


def render_png(
    src: Path | str,
    dest_dir: Path | str,
    dpi: int = 110,
    first_page_only: bool = True,
    timeout: float = 120,
) -> list[Path]:
    """Picture a workbook: soffice -> PDF (recalculated, as printed) -> PNG pages.

    Returns ``[dest_dir/<stem>.png]`` when ``first_page_only``, else
    ``dest_dir/<stem>-<page>.png`` for every page in order. Pages are what
    LibreOffice prints: every visible sheet, cut by its print area/page setup.
    """
    source = Path(src)
    dest = Path(dest_dir)
    if not source.is_file():
        raise FileNotFoundError(source)
    soffice = _require_soffice()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise RecalcError("pdftoppm not found: install Debian's poppler-utils (run `make sysdeps`)")
    dest.mkdir(parents=True, exist_ok=True)
    with _workspace() as root:
        pdf = _printed(root, soffice, source, timeout)
        pngdir = root / "png"
        pngdir.mkdir()
        cmd = [pdftoppm, "-png", "-r", str(int(dpi))]
        if first_page_only:
            cmd += ["-f", "1", "-l", "1", "-singlefile"]
        cmd += [str(pdf), str(pngdir / source.stem)]
        proc = _run(cmd, timeout, f"pdftoppm rendering {source.name}")
        if proc.returncode != 0:
            raise RecalcError(f"pdftoppm failed on {source}: {proc.stderr.strip()}")
        # pdftoppm zero-pads page numbers to a common width: name order is page order.
        pages = sorted(pngdir.glob("*.png"))
        if not pages:
            raise RecalcError(f"pdftoppm produced no PNG for {source}")
        results = []
        for page in pages:
            target = dest / page.name
            shutil.move(str(page), target)
            results.append(target)
    return results
