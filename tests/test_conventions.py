"""Conventions of STYLE.md enforced as tests: lint and types clean, xlwings only in the
Excel layer, a pure engine, modules of bounded size, docstrings on the public API."""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("kaohe", "validators", "workbook_templates", "outputs", "xl_addin")
ENGINE = REPO / "kaohe" / "engine"

#: STYLE.md rule 5: modules of about 400 lines, never 800+.
SOFT_LIMIT, HARD_LIMIT = 400, 800

#: Top-level modules the engine must not import (rule 1: it never opens files or reads
#: the environment, and knows nothing of workbooks, validation or Excel).
ENGINE_FORBIDDEN = frozenset({
    "workbook_templates", "validators", "outputs", "xl_addin", "xlwings",
    "openpyxl", "python_calamine", "xlsxwriter",
    "sqlite3", "os", "pathlib", "io", "shutil", "tempfile", "glob", "fileinput",
    "subprocess", "socket", "urllib", "http", "zipfile", "tarfile", "gzip", "bz2", "lzma",
    "csv", "pickle", "shelve", "dbm", "mmap",
})
#: Forbidden subpackages of our own (the engine may import kaohe.errors and itself).
ENGINE_FORBIDDEN_PREFIXES = ("kaohe.pipeline", "kaohe.store", "kaohe.commands", "kaohe.cli")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600, check=False)


def _modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (REPO / pkg).rglob("*.py"))


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the module, at any depth."""
    package = _module_name(path) if path.name == "__init__.py" else \
        _module_name(path).rpartition(".")[0]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # `from kaohe import pipeline` imports kaohe.pipeline
                yield node.lineno, f"{module}.{alias.name}"


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(REPO)}:{line}"


# ---------------------------------------------------------------- tools


def test_lint_and_type_tools_are_test_extras() -> None:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    extras = config["options.extras_require"]["test"].split()
    names = {e.split(">")[0].split("=")[0].split("<")[0].strip().lower() for e in extras}
    assert {"ruff", "mypy"} <= names, extras


def test_ruff_passes() -> None:
    result = _run("ruff", "check", str(REPO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes() -> None:
    result = _run("mypy", *PACKAGES)
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- layers


def test_xlwings_is_imported_only_by_the_excel_layer() -> None:
    found = [_where(path, line) + f" imports {name}"
             for path in _modules("kaohe", "workbook_templates", "outputs", "validators")
             for line, name in _imports(path)
             if name.split(".")[0] == "xlwings"]
    assert found == []


def test_engine_is_pure() -> None:
    found = [_where(path, line) + f" imports {name}"
             for path in sorted(ENGINE.rglob("*.py"))
             for line, name in _imports(path)
             if name.split(".")[0] in ENGINE_FORBIDDEN
             or any(name == p or name.startswith(p + ".") for p in ENGINE_FORBIDDEN_PREFIXES)]
    assert found == []


def test_engine_does_not_open_files_or_read_the_environment() -> None:
    found = [_where(path, node.lineno) + f" calls {node.func.id}()"
             for path in sorted(ENGINE.rglob("*.py"))
             for node in ast.walk(_tree(path))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id in {"open", "input", "__import__"}]
    assert found == []


def test_import_checks_see_imports() -> None:
    """The AST walk finds plain and from-imports of a real module (guards the guards)."""
    imports = {name for _, name in _imports(REPO / "kaohe" / "engine" / "scoring.py")}
    assert {"collections", "kaohe.engine.methods", "kaohe.errors"} <= imports


# ---------------------------------------------------------------- size and docs


def test_modules_stay_small() -> None:
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
             for p in _modules(*PACKAGES)}
    too_long = {m: n for m, n in sizes.items() if n >= HARD_LIMIT}
    assert too_long == {}, f"split these by concept (never {HARD_LIMIT}+ lines): {too_long}"
    long = {m: n for m, n in sizes.items() if n > SOFT_LIMIT}
    if long:  # a nudge, not a failure: rule 5 says "about 400"
        warnings.warn(f"modules over {SOFT_LIMIT} lines: {long}", stacklevel=1)


def _all_names(tree: ast.Module) -> list[str]:
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign) else
                   [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = node.value
            assert isinstance(value, ast.List | ast.Tuple), "__all__ must be a literal list"
            return [ast.literal_eval(e) for e in value.elts]
    return []


def _definition(module: str, name: str, seen: frozenset[str] = frozenset()
                ) -> tuple[Path, ast.AST] | None:
    """Where `name` of our module `module` is defined, following `from … import name`."""
    parts = module.split(".")
    path = REPO.joinpath(*parts, "__init__.py")
    if not path.exists():
        path = REPO.joinpath(*parts[:-1], parts[-1] + ".py")
    if not path.exists() or module in seen:
        return None
    for node in _tree(path).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) \
                and node.name == name:
            return path, node
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return _definition(node.module, alias.name, seen | {module})
    return None


def test_public_functions_have_docstrings() -> None:
    public = [(path, name) for path in _modules(*PACKAGES) for name in _all_names(_tree(path))]
    assert len(public) > 50  # the walk found the __all__ lists
    missing = []
    for path, name in public:
        found = _definition(_module_name(path), name)
        if found is None or not isinstance(found[1], ast.FunctionDef | ast.AsyncFunctionDef):
            continue  # a constant, a class, a type alias, or a name from another library
        where, node = found
        if not ast.get_docstring(node):
            missing.append(f"{_where(where, node.lineno)}: {name}()")
    assert missing == []
