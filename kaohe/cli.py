"""The `kaohe` command line: thin verbs over kaohe.pipeline; errors become messages, not
tracebacks."""

from __future__ import annotations

import functools
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kaohe.cli_usage import KaoheGroup
from kaohe.errors import KaoheError

__all__ = ["main", "friendly", "current_lang", "load_commands"]


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a KaoheError (or a missing file) into a clean message and exit code 2.

    Output into a pipe closed early (``kaohe revisions … | head``) ends quietly, exit 0.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(0)
        except KaoheError as exc:
            en = click.get_current_context().find_root().params.get("lang", "zh") == "en"
            click.echo(f"error: {exc.message_en}" if en else f"错误：{exc.message}", err=True)
            sys.exit(2)
        except OSError as exc:
            en = click.get_current_context().find_root().params.get("lang", "zh") == "en"
            click.echo(f"error: {exc}" if en else f"错误：{exc}", err=True)
            sys.exit(2)

    return wrapper


def _silence_stdout() -> None:
    """Point stdout at the null device: what is still buffered cannot fail again at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, io.UnsupportedOperation):  # no real file (a test runner's)
        pass


class _LazyGroup(KaoheGroup):
    """The root group: a command's module is imported when that command is run (`kaohe
    validate x.xlsx` loads no other command's module); listing them loads them all."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            load_commands(_COMMAND_INDEX.get(cmd_name))
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_commands()
        return super().list_commands(ctx)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of messages and workbooks (中文 zh / English en).")
@click.version_option(package_name="kaohe")
def main(lang: str) -> None:
    """kaohe 考核: templates, validation, scoring and rankings for comprehensive assessment.

    Example: kaohe demo --out demo-out
    """
    # numpy's BLAS threads only spin for kaohe's small matrix products (the stability draws,
    # AHP), against this program's own worker processes: one thread, the same numbers, the
    # same wall time, half the CPU. Set before numpy is first imported; a user's setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True,
              help="Folder for everything the demo writes.")
@click.option("--units", type=click.IntRange(1, 100000), default=None,
              help="Number of units (default: the scheme's 34).")
@click.option("--seed", type=int, default=2016, show_default=True,
              help="Seed of the synthetic data.")
@friendly
def demo(out: Path, units: int | None, seed: int) -> None:
    """Run the whole path on the embedded illustrative scheme and synthetic data.

    Example: kaohe demo --out demo-out --units 34
    """
    from kaohe.pipeline.demo import run_demo

    word = "已检查" if current_lang() == "zh" else "examined"

    def progress(n: int, total: int) -> None:
        if n == total or n % 50 == 0:
            click.echo(f"\r{word} {n}/{total}", nl=n == total, err=True)

    run_demo(out, units=units, seed=seed, lang=current_lang(), echo=click.echo, progress=progress)


@main.command("score")
@click.option("--scheme", "scheme_path",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Scheme JSON (default: the embedded illustrative scheme).")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="Folder of JSON documents (unit_report, lead_scores, …).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("results.json"), show_default=True, help="Results JSON to write.")
@click.option("--stability/--no-stability", default=True, show_default=True,
              help="Rank stability under varied weights (the scheme's stability section).")
@friendly
def score_cmd(scheme_path: Path | None, data_dir: Path, out: Path, stability: bool) -> None:
    """Score JSON documents without Excel and write results.json.

    Example: kaohe score --scheme scheme.json --data demo-out/data --out results.json
    """
    from kaohe.engine import score
    from kaohe.pipeline.documents import load_data_dir, load_scheme
    from kaohe.pipeline.io import write_json
    from kaohe.pipeline.summary import ranking_tables

    scheme = load_scheme(scheme_path)
    results = score(scheme, load_data_dir(data_dir))
    if stability:
        from kaohe.analysis.stability import attach_stability

        attach_stability(results, scheme)
    write_json(out, results)
    click.echo(ranking_tables(results, lang=current_lang()))
    click.echo(f"→ {out}")


def current_lang() -> str:
    """The language chosen with the root command's --lang option ("zh" unless given)."""
    return str(click.get_current_context().find_root().params.get("lang", "zh"))


# Modules under kaohe/commands/ that each define click commands in a COMMANDS list.
# One line per module; each module keeps its own imports lazy (inside the command).
_COMMAND_MODULES = [
    "addin",
    "history",
    "consolidate",
    "results",
    "leaders",
    "validate",
    "templates",
    "weights",
]
# Which module defines a command, so running it imports only that module (a test holds
# this to the modules' COMMANDS); a command missing here is found by loading them all.
_COMMAND_INDEX = {"addin": "addin", "history": "history", "publish": "history",
                  "revisions": "history", "consolidate": "consolidate", "feedback": "results",
                  "results-book": "results", "validate": "validate", "scheme": "templates",
                  "templates": "templates", "indicators": "weights", "weights": "weights",
                  "notice": "leaders", "summary": "leaders"}
_LOADED: set[str] = set()


def load_commands(module: str | None = None) -> None:
    """Register the commands of one module under kaohe/commands/ (of every one by default)."""
    import importlib

    for name in [module] if module else _COMMAND_MODULES:
        if name not in _LOADED:
            _LOADED.add(name)
            for command in importlib.import_module(f"kaohe.commands.{name}").COMMANDS:
                main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
