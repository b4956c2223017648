"""click's usage errors in the user's language: Chinese by default, English with --lang en."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli import main

MISSING = "/no/such/folder"

# (arguments, Chinese error line, English error line): the usage errors a clerk hits.
CASES = [
    (["validate"], "错误：缺少参数 'PATHS...'：请在命令后写上它。",
     "Error: Missing argument 'PATHS...'."),
    (["templates"], "错误：缺少选项 '--out'：这个选项必须写。", "Error: Missing option '--out'."),
    (["validate", "--shceme", "x.json", "a.xlsx"],
     "错误：没有 '--shceme' 这个选项。是不是 '--scheme'？",
     "Error: No such option '--shceme'. Did you mean '--scheme'?"),
    (["score", "--data", MISSING], f"错误：'--data' 的值有误：文件夹 '{MISSING}' 不存在。",
     f"Error: Invalid value for '--data': Directory '{MISSING}' does not exist."),
    (["demo", "--units", "abc"], "错误：'--units' 的值有误：'abc' 不是整数，请写一个整数，如 34。",
     "Error: Invalid value for '--units': 'abc' is not a valid integer range."),
    (["demo", "--units", "0"], "错误：'--units' 的值有误：0 超出允许的范围 1<=x<=100000。",
     "Error: Invalid value for '--units': 0 is not in the range 1<=x<=100000."),
    (["demo", "--out"], "错误：选项 '--out' 后面要写一个值。",
     "Error: Option '--out' requires an argument."),
    (["valdiate"], "错误：没有 'valdiate' 这个命令。是不是 'validate'？",
     "Error: No such command 'valdiate'. Did you mean 'validate'?"),
]


def _error_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(("错误：", "Error:")))


@pytest.mark.parametrize(("args", "zh", "en"), CASES)
def test_a_usage_error_is_in_chinese_by_default_and_english_with_lang_en(
        args: list[str], zh: str, en: str) -> None:
    chinese = CliRunner().invoke(main, args)
    english = CliRunner().invoke(main, ["--lang", "en", *args])
    assert (chinese.exit_code, english.exit_code) == (2, 2)
    assert (_error_line(chinese.stderr), _error_line(english.stderr)) == (zh, en)


def test_a_chinese_usage_error_shows_how_to_get_help() -> None:
    result = CliRunner().invoke(main, ["validate"], prog_name="kaohe")
    assert result.stderr.splitlines()[:2] == ["用法：kaohe validate [OPTIONS] PATHS...",
                                              "请运行 kaohe validate --help 查看说明。"]


@pytest.mark.parametrize(("args", "zh"), [
    (["--lang", "fr", "demo"], "错误：'--lang' 的值有误：'fr' 不是可选的值，可选：'zh', 'en'。"),
    (["--bogus"], "错误：没有 '--bogus' 这个选项。"),
])
def test_an_error_in_the_root_options_is_in_chinese(args: list[str], zh: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and _error_line(result.stderr) == zh


def test_the_console_script_says_it_in_chinese(tmp_path: Path) -> None:
    kaohe = str(Path(sys.executable).with_name("kaohe"))
    proc = subprocess.run([kaohe, "score", "--data", str(tmp_path / "无")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"错误：'--data' 的值有误：文件夹 '{tmp_path / '无'}' 不存在。" in proc.stderr
    assert "Usage:" not in proc.stderr and "Error:" not in proc.stderr


def test_each_command_is_found_in_the_module_the_index_names() -> None:
    """`kaohe validate …` imports only kaohe.commands.validate: the index must be right."""
    import importlib

    from kaohe import cli

    cli.load_commands()
    defined = {command.name: module for module in cli._COMMAND_MODULES
               for command in importlib.import_module(f"kaohe.commands.{module}").COMMANDS}
    assert cli._COMMAND_INDEX == defined
