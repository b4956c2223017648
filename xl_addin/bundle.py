"""`kaohe addin bundle DIR`: everything an office PC without internet needs, in one folder.

    DIR/wheelhouse/     every wheel kaohe needs on Windows x64, for each supported Python
    DIR/install.bat     pip install --no-index from the wheelhouse, the xlwings add-in, the console
    DIR/console/        kaohe.xlsm and kaohe_console.py (a ready console; install.bat builds
                        another one that names the office PC's own Python)
    DIR/安装说明.txt     one page: what to copy, what to click, what to check

Collected on any machine with access to PyPI (xl_addin.wheelhouse explains why Windows-only
dependencies need care); kaohe's own wheel is built from this source tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from kaohe.errors import KaoheError
from kaohe.pipeline.io import write_atomic
from xl_addin.console import build_console
from xl_addin.wheelhouse import PLATFORM, PYTHONS, collect, missing_for_windows, wheels_in

__all__ = ["build_bundle", "install_script", "guide_text", "WHEELHOUSE", "INSTALL", "GUIDE"]

WHEELHOUSE = "wheelhouse"
INSTALL = "install.bat"
GUIDE = "安装说明.txt"
CONSOLE = "console"
SOURCE = Path(__file__).resolve().parents[1]  # the checkout that holds setup.cfg


def _kaohe_wheel(scratch: Path) -> Path:
    """kaohe's own wheel, built from the source tree (pip wheel --no-deps)."""
    if not (SOURCE / "setup.cfg").is_file():
        raise KaoheError(f"找不到 kaohe 的源代码（{SOURCE} 下没有 setup.cfg）：请在源代码目录中"
                         "安装（pip install -e .）后再打包",
                         f"kaohe's source tree is not here (no setup.cfg in {SOURCE}): "
                         "install from a checkout (pip install -e .) to bundle")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                           str(scratch), str(SOURCE)], capture_output=True, text=True,
                          check=False, timeout=1800)
    found = sorted(scratch.glob("kaohe-*.whl"))
    if done.returncode != 0 or not found:
        tail = "\n".join(done.stderr.splitlines()[-3:])
        raise KaoheError(f"生成 kaohe 安装包失败：\n{tail}",
                         f"could not build kaohe's wheel:\n{tail}")
    return found[-1]


def install_script(pythons: Sequence[str] = PYTHONS) -> str:
    """install.bat: install from the wheelhouse only, then the add-in and the console."""
    versions = ", ".join(pythons)
    lines = [
        "@echo off",
        "rem kaohe offline install, written by `kaohe addin bundle`. No internet needed.",
        f"rem Needs 64-bit Python {versions} (python.org installer, 'Add python.exe to PATH').",
        "setlocal",
        'cd /d "%~dp0"',
        "set PY=",
        "where py >nul 2>nul && set PY=py -3",
        "if not defined PY where python >nul 2>nul && set PY=python",
        "if not defined PY (",
        f"  echo Python {pythons[0]} or later, 64-bit, is not installed: install it first.",
        "  pause",
        "  exit /b 1",
        ")",
        f'%PY% -m pip install --no-index --find-links "%~dp0{WHEELHOUSE}" --upgrade kaohe',
        "if errorlevel 1 (",
        f"  echo pip could not install kaohe from {WHEELHOUSE}: is this Python {versions}, "
        "64-bit?",
        "  pause",
        "  exit /b 1",
        ")",
        # xlwings has no __main__: its command line, called through this very Python
        '%PY% -c "from xlwings.cli import main; main()" addin install',
        "if errorlevel 1 (",
        "  echo The xlwings add-in could not be installed: close Excel and run this again.",
        "  pause",
        "  exit /b 1",
        ")",
        '%PY% -m kaohe addin build "%USERPROFILE%\\Documents\\kaohe"',
        "if errorlevel 1 (",
        "  echo The console could not be written to Documents\\kaohe.",
        "  pause",
        "  exit /b 1",
        ")",
        "echo.",
        "echo Done. Open Documents\\kaohe\\kaohe.xlsm in Excel.",
        "pause",
    ]
    return "\r\n".join(lines) + "\r\n"


def guide_text(pythons: Sequence[str] = PYTHONS) -> str:
    """安装说明: one page for the office (Chinese; the console itself has a language cell)."""
    versions = "、".join(pythons)
    return "\r\n".join([
        "考核工作台（kaohe）离线安装说明",
        "================================",
        "",
        "本文件夹可复制到不能上网的办公电脑上安装，全程不需要网络。",
        "",
        "一、准备",
        "  1. 电脑为 64 位 Windows，已安装 Excel（2016 或 Microsoft 365）。",
        f"  2. 已安装 64 位 Python（版本 {versions} 之一），安装时勾选“Add python.exe to PATH”。",
        "     没有 Python 的，请另行拷贝 python.org 的安装程序一并安装。",
        "",
        "二、安装（约 1 分钟）",
        f"  1. 关闭 Excel，双击本文件夹中的 {INSTALL}。",
        f"     它只从本文件夹的 {WHEELHOUSE} 安装（pip --no-index），然后安装 xlwings 加载项，",
        "     并在“文档\\kaohe”中生成考核工作台 kaohe.xlsm 和 kaohe_console.py。",
        "  2. 窗口最后显示 Done 即成功；如显示错误，按提示处理后重新运行。",
        "",
        "三、Excel 设置（只需一次）",
        "  1. 文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置：选“禁用 VBA 宏，并发出通知”，",
        "     并勾选“信任对 VBA 工程对象模型的访问”；或把“文档\\kaohe”加入“受信任位置”。",
        "  2. 从邮件或网上得到的工作台：右键 → 属性 → 勾选“解除锁定”。",
        "",
        "四、检查",
        "  1. 重新打开 Excel，功能区出现 xlwings 选项卡。",
        "  2. 打开“文档\\kaohe\\kaohe.xlsm”，点“启用内容”，看到“控制台”表和各按钮。",
        "  3. 语言单元格选 zh（中文）或 en（英文）；不填考核方案则使用内置示例方案。",
        "  4. 填写输出文件夹，按“分发模板”，运行结果区列出生成的文件即安装成功。",
        "",
        f"备用：{CONSOLE} 文件夹中有一份现成的工作台；用它时须在 xlwings 选项卡中指定 Python。",
        "详细说明见 docs/excel.md。",
        ""])


def build_bundle(out: Path, pythons: Sequence[str] = PYTHONS, cache: Path | None = None,
                 echo: Callable[[str], object] = print) -> list[Path]:
    """Write the offline bundle into `out`; returns what was written (wheelhouse last)."""
    out = Path(out)
    wheelhouse = out / WHEELHOUSE
    shutil.rmtree(wheelhouse, ignore_errors=True)
    wheelhouse.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="kaohe-wheel-") as scratch:
        own = _kaohe_wheel(Path(scratch))
        shutil.copy2(own, wheelhouse / own.name)
    echo(f"kaohe → {wheelhouse / own.name}")
    for python in pythons:
        echo(f"Python {python} {PLATFORM} …")
        collect(wheelhouse / own.name, wheelhouse, [python], [cache] if cache else [])
    for python in pythons:  # the last word: every Windows dependency is there
        missing = missing_for_windows(wheelhouse, python)
        if missing:
            raise KaoheError(f"Python {python} 缺少：{', '.join(missing)}",
                             f"Python {python} lacks: {', '.join(missing)}")
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for wheel in wheels_in(wheelhouse):
            if wheel.name != "kaohe" and not (cache / wheel.path.name).exists():
                shutil.copy2(wheel.path, cache / wheel.path.name)
    written = build_console(out / CONSOLE)
    written.append(write_atomic(out / INSTALL, lambda tmp: tmp.write_bytes(
        install_script(pythons).encode("ascii"))))
    written.append(write_atomic(out / GUIDE, lambda tmp: tmp.write_bytes(
        guide_text(pythons).encode("utf-8-sig"))))  # BOM: Notepad on old Windows reads UTF-8
    return [*written, wheelhouse]
