"""`kaohe addin`: the Excel side — build the office console workbook for the xlwings add-in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = ["COMMANDS"]


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """kaohe.cli.friendly, looked up when called (kaohe.cli imports this module while loading)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kaohe.cli import friendly

        return friendly(func)(*args, **kwargs)

    return wrapper


@click.group("addin")
def addin() -> None:
    """Excel add-in tools: the office console workbook (xlwings). 考核工作台

    Example: kaohe addin build console
    """


@addin.command("build")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--standalone", is_flag=True, default=False,
              help="Embed xlwings' VBA module (no add-in needed, only pip install xlwings).")
@_friendly
def build(directory: Path, standalone: bool) -> None:
    """Write kaohe.xlsm (buttons, named cells, xlwings.conf) and kaohe_console.py into DIRECTORY.
    The console speaks the language of --lang (kaohe --lang en addin build DIR: English).

    Example: kaohe addin build console
    """
    from kaohe.cli import current_lang
    from xl_addin.console import build_console

    for path in build_console(directory, standalone=standalone, lang=current_lang()):
        click.echo(f"→ {path}")

    click.echo("Open kaohe.xlsm in Excel with the xlwings add-in installed; see docs/excel.md."
               if current_lang() == "en" else
               "请在装有 xlwings 加载项的 Excel 中打开 kaohe.xlsm；使用说明见 docs/excel.md。")


@addin.command("bundle")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--python", "pythons", multiple=True, metavar="3.X",
              help="Python version(s) of the office PCs (default: 3.11 to 3.14).")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A folder of wheels downloaded before (reused, then added to).")
@_friendly
def bundle(directory: Path, pythons: tuple[str, ...], cache: Path | None) -> None:
    """Write an offline install folder for Windows into DIRECTORY: wheelhouse, install.bat,
    the console and 安装说明.txt (needs PyPI here, nothing on the office PC).

    Example: kaohe addin bundle kaohe-offline --python 3.12
    """
    from kaohe.cli import current_lang
    from xl_addin.bundle import build_bundle
    from xl_addin.wheelhouse import PYTHONS, wheels_in

    chosen = pythons or PYTHONS
    written = build_bundle(directory, chosen, cache, echo=click.echo)
    for path in written:
        click.echo(f"→ {path}")
    count = len(wheels_in(directory / "wheelhouse"))
    click.echo(f"{count} wheels for Windows x64, Python {', '.join(chosen)}; copy the folder "
               "to the office PC and run install.bat" if current_lang() == "en" else
               f"共 {count} 个 Windows x64 安装包（Python {'、'.join(chosen)}）；把整个文件夹"
               "复制到办公电脑，双击 install.bat")


COMMANDS = [addin]
