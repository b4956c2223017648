"""Everything the Pyodide test target needs, fetched once into build/pyodide/ (ignored by git).

- node: /usr/bin/node if there is one, else Debian's nodejs (apt-get, only where node is
  missing and we are root);
- the npm package `pyodide`, pinned (PYODIDE): the WebAssembly Python with its standard library;
- wheels from PyPI for that Pyodide's platform (WASM_PLATFORM, cp314): python-calamine and
  xlwings are compiled for it on PyPI; the rest are pure Python, at the versions installed
  in this environment, so both sides run the same code. rpds-py has no Pyodide wheel on
  PyPI and Pyodide's CDN is not used: tests/pyodide/shim/rpds stands in (test-only).

Pyodide's own package CDN is never contacted: every file comes from npm or PyPI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["PYODIDE", "WASM_PLATFORM", "COMPILED", "PURE", "Target", "find_node", "prepare"]

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "pyodide"
RUNNER = Path(__file__).with_name("run.mjs")

PYODIDE = "314.0.8"  # Python 3.14.2, ABI 2026_0 (the first with python-calamine on PyPI)
WASM_PLATFORM = "pyemscripten_2026_0_wasm32"
WASM_PYTHON = "3.14"
#: Compiled for Pyodide on PyPI: pinned to versions that have a wheel for WASM_PLATFORM.
COMPILED = {"python-calamine": "0.9.1", "xlwings": "0.37.8"}
#: Pure Python: the versions installed here (kaohe's dependencies and the test tools).
PURE = ("openpyxl", "et_xmlfile", "jsonschema", "jsonschema-specifications", "referencing",
        "attrs", "click", "defusedxml", "xlsxwriter", "typing_extensions", "pytest", "pluggy",
        "iniconfig", "packaging", "pygments", "hypothesis", "sortedcontainers")
#: The test-only stand-in for rpds-py (see tests/pyodide/shim/rpds).
STAND_IN = {"pyrsistent": "0.20.0", "pyrsistent-as-rpds-py": "2.1.0"}


@dataclass(frozen=True)
class Target:
    """Where things are: node, the Pyodide distribution and the wheel folder."""

    node: str
    pyodide: Path
    wheels: Path

    def command(self, script: str, *args: str) -> list[str]:
        """The node command that runs a Python script (path relative to the repo) in Pyodide."""
        return [self.node, str(RUNNER), str(self.pyodide), str(self.wheels), str(ROOT),
                script, *args]


def find_node() -> str | None:
    """node with npm, installing Debian's nodejs and npm only where they are missing (as
    root, normally done by scripts/install-sysdeps.sh); None if impossible."""
    missing = [pkg for pkg, tool in (("nodejs", "node"), ("npm", "npm")) if not shutil.which(tool)]
    if missing and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], capture_output=True,
                       check=False, timeout=900)
    return shutil.which("node") if shutil.which("npm") or _installed_version(
        BUILD / "node_modules" / "pyodide") == PYODIDE else None


def _requirements() -> list[str]:
    wanted = {**COMPILED, **STAND_IN}
    for name in PURE:
        try:
            wanted[name] = version(name)
        except PackageNotFoundError as exc:  # pragma: no cover - each is a (test) dependency
            raise RuntimeError(f"{name} is not installed here: pip install -e '.[test]'") from exc
    return [f"{name}=={pin}" for name, pin in sorted(wanted.items())]


def _npm_pyodide(node: str) -> Path:
    """node_modules/pyodide of the pinned version (npm install once)."""
    folder = BUILD / "node_modules" / "pyodide"
    if _installed_version(folder) != PYODIDE:
        npm = shutil.which("npm") or str(Path(node).with_name("npm"))  # find_node checked
        BUILD.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(BUILD), "--no-audit", "--no-fund",
                        "--silent", f"pyodide@{PYODIDE}"], check=True, capture_output=True,
                       timeout=600)
    return folder


def _installed_version(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def _wheels() -> Path:
    """build/pyodide/wheels with exactly the wanted wheels (downloaded once per change)."""
    folder, wanted = BUILD / "wheels", _requirements()
    stamp = folder / "requirements.txt"
    if stamp.is_file() and stamp.read_text().split() == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--only-binary=:all:", "--platform", WASM_PLATFORM, "--platform", "any",
                    "--python-version", WASM_PYTHON, "--implementation", "cp",
                    "--abi", "cp314", "--abi", "none", "-d", str(folder), *wanted],
                   check=True, capture_output=True, timeout=600)
    stamp.write_text("\n".join(wanted) + "\n")
    return folder


def prepare() -> Target | None:
    """Node, Pyodide and the wheels, ready; None when node cannot be had."""
    node = find_node()
    if node is None:
        return None
    return Target(node, _npm_pyodide(node), _wheels())
