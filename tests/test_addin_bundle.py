"""`kaohe addin bundle`: the offline install folder for Windows, and proof that it is complete.

The wheelhouse is collected from PyPI once and cached in build/addin-bundle-cache (ignored by
git); the bundle itself is written afresh by the real command. Completeness is shown twice
for each supported Python on win_amd64: pip's own dry-run resolution from the wheelhouse
alone (--no-index), and — because pip evaluates markers for this Linux host, not for
Windows — every Requires-Dist of every wheel, its markers evaluated for Windows.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli import main
from xl_addin.wheelhouse import PYTHONS, missing_for_windows, resolve_offline, wheels_in

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "addin-bundle-cache"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "kaohe-offline"
    result = CliRunner().invoke(main, ["addin", "bundle", str(out), "--cache", str(CACHE)])
    assert result.exit_code == 0, result.output
    assert "install.bat" in result.output
    return out


@pytest.mark.parametrize("python", PYTHONS)
def test_pip_resolves_kaohe_from_the_wheelhouse_alone(bundle: Path, python: str,
                                                      tmp_path: Path) -> None:
    done = resolve_offline(bundle / "wheelhouse", python, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    wanted = done.stdout.split("Would install")[-1].split()
    assert any(w.startswith("kaohe-") for w in wanted) and any(
        w.startswith("xlwings-") for w in wanted), done.stdout[-1000:]


@pytest.mark.parametrize("python", PYTHONS)
def test_every_windows_dependency_is_in_the_wheelhouse(bundle: Path, python: str) -> None:
    assert missing_for_windows(bundle / "wheelhouse", python) == []
    tag = "cp" + python.replace(".", "")
    names = {w.path.name for w in wheels_in(bundle / "wheelhouse")}
    for project in ("pywin32", "xlwings", "python_calamine", "rpds_py"):  # compiled, per Python
        assert any(n.startswith(f"{project}-") and f"-{tag}-" in n
                   and n.endswith("win_amd64.whl") for n in names), (project, python)


def test_a_wheelhouse_without_pywin32_is_found_incomplete(bundle: Path, tmp_path: Path) -> None:
    """The check pip does not make: without pywin32, pip on Linux still 'resolves' kaohe."""
    partial = tmp_path / "partial"
    shutil.copytree(bundle / "wheelhouse", partial,
                    ignore=shutil.ignore_patterns("pywin32-*"))
    for python in PYTHONS:
        assert missing_for_windows(partial, python) == ["pywin32>=224"]
    assert resolve_offline(partial, PYTHONS[0], tmp_path / "t").returncode == 0


def test_the_bundle_installs_without_an_index_and_brings_the_console(bundle: Path) -> None:
    script = (bundle / "install.bat").read_bytes().decode("ascii")
    assert "\r\n" in script
    assert '-m pip install --no-index --find-links "%~dp0wheelhouse" --upgrade kaohe' in script
    assert '-c "from xlwings.cli import main; main()" addin install' in script
    assert "-m kaohe addin build" in script
    import xlwings.cli

    assert callable(xlwings.cli.main)  # what install.bat calls (xlwings has no __main__)
    guide = (bundle / "安装说明.txt").read_text(encoding="utf-8-sig")
    assert "install.bat" in guide and "--no-index" in guide and "3.11" in guide
    assert len(guide.splitlines()) <= 60  # one page
    with zipfile.ZipFile(bundle / "console" / "kaohe.xlsm") as book:
        assert "xl/vbaProject.bin" in book.namelist()
    assert (bundle / "console" / "kaohe_console.py").is_file()
    own = [w for w in wheels_in(bundle / "wheelhouse") if w.name == "kaohe"]
    assert len(own) == 1
    with zipfile.ZipFile(own[0].path) as whl:
        assert "xl_addin/console.py" in whl.namelist()
        assert "kaohe/data/" in " ".join(whl.namelist())
