"""click's own usage errors (a missing argument, an unknown option, a path that does not
exist, a value not in the list, a number that is not one) in the user's language.

click writes them in English. `KaoheGroup` — the root `kaohe` command — catches them where
they are raised (parsing the root's options, or invoking a command, which parses its own)
and, unless the language is English, raises them again in Chinese with the same exit code 2.
The language is the root's --lang; when the root's own options do not parse, it is read from
the arguments ("--lang en" / "--lang=en"), else Chinese, the default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError

__all__ = ["KaoheGroup", "usage_zh"]

_NAMES = r"'[^']*'(?: / '[^']*')*"  # how click names a parameter: '--out' / '-o', 'PATHS...'
_PATH_KIND = {"Path": "路径", "File": "文件", "Directory": "文件夹"}

#: What a parameter's value is wrong with: English (click's types) -> Chinese.
_VALUE_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), zh) for pattern, zh in (
        (r"(?P<kind>Path|File|Directory) (?P<name>'.*') does not exist\.", "{kind} {name} 不存在"),
        (r"(?P<kind>Path|File|Directory) (?P<name>'.*') is a file\.",
         "{name} 是一个文件，这里要的是文件夹"),
        (r"(?P<kind>Path|File|Directory) (?P<name>'.*') is a directory\.",
         "{name} 是一个文件夹，这里要的是文件"),
        (r"(?P<kind>Path|File|Directory) (?P<name>'.*') is not readable\.",
         "没有权限读取{kind} {name}"),
        (r"(?P<kind>Path|File|Directory) (?P<name>'.*') is not writable\.",
         "没有权限写入{kind} {name}"),
        (r"(?P<value>.*) is not one of (?P<choices>.*)\.", "{value} 不是可选的值，可选：{choices}"),
        (r"(?P<value>.*) is not (?P<choices>'[^']*')\.", "{value} 不是可选的值，只能是 {choices}"),
        (r"(?P<value>.*) is not a valid integer(?: range)?\.",
         "{value} 不是整数，请写一个整数，如 34"),
        (r"(?P<value>.*) is not a valid float(?: range)?\.",
         "{value} 不是数字，请写一个数字，如 0.5"),
        (r"(?P<value>.*) is not in the range (?P<range>.*)\.", "{value} 超出允许的范围 {range}"),
    ))

#: click's usage messages: English -> Chinese ({detail} is a value's problem, translated).
_USAGE_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), zh) for pattern, zh in (
        (r"Invalid value for (?P<param>.+?): (?P<detail>.*)", "{param} 的值有误：{detail}。"),
        (r"Invalid value: (?P<detail>.*)", "值有误：{detail}。"),
        (rf"Missing argument (?P<param>{_NAMES})\.(?P<rest>.*)",
         "缺少参数 {param}：请在命令后写上它。{rest}"),
        (rf"Missing option (?P<param>{_NAMES})\.(?P<rest>.*)",
         "缺少选项 {param}：这个选项必须写。{rest}"),
        (rf"Missing parameter (?P<param>{_NAMES})\.(?P<rest>.*)", "缺少参数 {param}。{rest}"),
        (r"No such option (?P<option>'.*?')\.(?P<maybe>.*)", "没有 {option} 这个选项。{maybe}"),
        (r"No such command (?P<command>'.*?')\.(?P<maybe>.*)", "没有 {command} 这个命令。{maybe}"),
        (r"Option (?P<option>'.*?') requires an argument\.", "选项 {option} 后面要写一个值。"),
        (r"Option (?P<option>'.*?') does not take a value\.", "选项 {option} 后面不能写值。"),
        (r"Got unexpected extra arguments? \((?P<extra>.*)\)",
         "多出了参数：{extra}（含空格的路径请加引号）。"),
    ))


#: click's guesses after an unknown option or command.
_MAYBE_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Did you mean (?P<names>'.*?')\?"), "是不是 {names}？"),
    (re.compile(r"\(Did you mean one of: (?P<names>.*)\?\)"), "是不是以下之一：{names}？"),
)


def _maybe_zh(guess: str) -> str:
    for pattern, zh in _MAYBE_ZH:
        if found := pattern.fullmatch(guess.strip()):
            return zh.format(**found.groupdict())
    return guess.strip()


def _value_zh(detail: str) -> str:
    for pattern, zh in _VALUE_ZH:
        if found := pattern.fullmatch(detail):
            parts = found.groupdict()
            if "kind" in parts:
                parts["kind"] = _PATH_KIND[parts["kind"]]
            return zh.format(**parts)
    return detail.rstrip("。.")


def usage_zh(message: str) -> str:
    """click's English usage message in Chinese (a message it does not know, as it is).

    >>> usage_zh("Missing argument 'FOLDER'.")
    "缺少参数 'FOLDER'：请在命令后写上它。"
    """
    for pattern, zh in _USAGE_ZH:
        if found := pattern.fullmatch(message.strip()):
            parts = found.groupdict()
            if "detail" in parts:
                parts["detail"] = _value_zh(parts["detail"])
            if "maybe" in parts:
                parts["maybe"] = _maybe_zh(parts["maybe"])
            if "rest" in parts:
                parts["rest"] = parts["rest"].strip()
            return zh.format(**parts)
    return message


class _ChineseUsageError(click.UsageError):
    """A usage error shown in Chinese: usage line, where to get help, what is wrong."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(usage_zh(original.format_message()), original.ctx)

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        ctx, hint = self.ctx, ""
        if ctx is not None:
            usage = ctx.get_usage().replace("Usage: ", "用法：", 1)
            if ctx.command.get_help_option(ctx) is not None:
                hint = f"请运行 {ctx.command_path} --help 查看说明。\n"
            click.echo(f"{usage}\n{hint}", file=file, err=file is None)
        click.echo(f"错误：{self.message}", file=file, err=file is None)


def _lang_in(args: Sequence[str]) -> str:
    """The --lang given in the arguments (when the root's options could not be parsed)."""
    for i, arg in enumerate(args):
        if arg == "--lang=en" or (arg == "--lang" and args[i + 1:i + 2] == ["en"]):
            return "en"
    return "zh"


def _in_lang(exc: click.UsageError, lang: str) -> click.UsageError:
    if lang == "en" or isinstance(exc, NoArgsIsHelpError | _ChineseUsageError):
        return exc
    return _ChineseUsageError(exc)


class KaoheGroup(click.Group):
    """The root command: click's usage errors in the language of --lang."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, list(args), parent, **extra)
        except click.UsageError as exc:
            raise _in_lang(exc, _lang_in(args)) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _in_lang(exc, str(ctx.find_root().params.get("lang", "zh"))) from None
