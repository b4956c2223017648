"""A wheelhouse for Windows x64 collected on any machine, and the check that it is complete.

pip collects wheels for another platform with `--platform/--python-version/--only-binary`,
but evaluates dependency markers for the machine it runs on: a Linux-side download for
win_amd64 misses Windows-only dependencies (xlwings needs pywin32, click needs colorama on
Windows), and a Linux-side dry run does not notice. So after each download every wheel's
`Requires-Dist` is evaluated here with a Windows marker environment (`windows_markers`), and
what is missing is downloaded too, until nothing is (`collect`). `missing_for_windows` is
the same check on its own, for the tests and for `kaohe addin bundle`'s last word.

No xlwings here (and no Excel): only pip, run as a subprocess, and `packaging`.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from kaohe.errors import KaoheError

__all__ = ["PYTHONS", "PLATFORM", "Wheel", "windows_markers", "wheels_in", "missing_for_windows",
           "collect", "pip_download", "resolve_offline"]

#: The Python versions an office PC may have (kaohe needs 3.11 or later).
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
PLATFORM = "win_amd64"
ROUNDS = 5  # Windows-only dependencies of Windows-only dependencies: a few rounds at most


@dataclass(frozen=True)
class Wheel:
    """A wheel file of the wheelhouse: its project, version and tags."""

    path: Path
    name: str
    version: str
    tags: frozenset[Tag]

    def fits(self, python: str) -> bool:
        """Installable on Windows x64 by CPython `python` ("3.12"): its tags and its
        Requires-Python."""
        if not self.tags & _supported(python):
            return False
        wanted = self._metadata().get("Requires-Python")
        return wanted is None or SpecifierSet(wanted).contains(f"{python}.0", True)

    def _metadata(self) -> Message:
        with zipfile.ZipFile(self.path) as whl:
            meta = next(n for n in whl.namelist()
                        if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            return HeaderParser().parsestr(whl.read(meta).decode("utf-8", "replace"))

    def requires(self) -> list[Requirement]:
        """The wheel's Requires-Dist, each parsed (an unreadable one is skipped)."""
        headers = self._metadata()
        found = []
        for text in headers.get_all("Requires-Dist") or []:
            try:
                found.append(Requirement(text))
            except InvalidRequirement:
                continue
        return found


def _supported(python: str) -> frozenset[Tag]:
    major, minor = (int(p) for p in python.split(".")[:2])
    abi = f"cp{major}{minor}"
    return frozenset([*cpython_tags((major, minor), [abi, "abi3", "none"], [PLATFORM]),
                      *compatible_tags((major, minor), abi, [PLATFORM])])


def windows_markers(python: str) -> dict[str, str]:
    """The marker environment of CPython `python` on 64-bit Windows (PEP 508)."""
    return {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
            "platform_machine": "AMD64", "platform_release": "10", "platform_version": "",
            "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "implementation_version": f"{python}.0",
            "platform_python_implementation": "CPython", "extra": ""}


def wheels_in(folder: Path) -> list[Wheel]:
    """Every wheel file in the folder."""
    found = []
    for path in sorted(Path(folder).glob("*.whl")):
        name, version, _, tags = parse_wheel_filename(path.name)
        found.append(Wheel(path, str(name), str(version), frozenset(tags)))
    return found


def missing_for_windows(folder: Path, python: str, roots: Iterable[str] = ("kaohe",)) -> list[str]:
    """The requirements (Windows markers applied, then dropped) that no wheel in the folder fits,
    walking from `roots` through every Requires-Dist; [] when the wheelhouse is complete."""
    env = windows_markers(python)
    fitting: dict[str, list[Wheel]] = {}
    for wheel in wheels_in(folder):
        if wheel.fits(python):
            fitting.setdefault(wheel.name, []).append(wheel)
    todo = [Requirement(root) for root in roots]
    seen: set[str] = set()
    missing: list[str] = []
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = canonicalize_name(req.name)
        chosen = [w for w in fitting.get(name, []) if req.specifier.contains(w.version, True)]
        if not chosen:  # the marker is applied: pip must not evaluate it again for this host
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            missing.append(f"{req.name}{extras}{req.specifier}")
            continue
        if name not in seen:
            seen.add(name)
            todo.extend(max(chosen, key=lambda w: w.version).requires())
    return sorted(set(missing))


def _pip(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True,
                          check=False, timeout=1800)


def _target(python: str) -> list[str]:
    abi = "cp" + python.replace(".", "")
    return ["--only-binary=:all:", "--platform", PLATFORM, "--python-version", python,
            "--implementation", "cp", "--abi", abi, "--abi", "abi3", "--abi", "none"]


def pip_download(requirements: Sequence[str], dest: Path, python: str,
                 find_links: Sequence[Path] = ()) -> None:
    """pip download for Windows x64 and `python` into dest: first from the wheels already at
    hand (no network), else from the index."""
    links = [arg for folder in [dest, *find_links] for arg in ("--find-links", str(folder))]
    base = ["download", "-q", "-d", str(dest), *_target(python), *links, *requirements]
    if _pip([*base[:1], "--no-index", *base[1:]]).returncode == 0:
        return
    done = _pip(base)
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines()
                 if line.startswith("ERROR")] or done.stderr.splitlines()[-3:]
        reason = "\n".join(lines)
        raise KaoheError(f"下载 Windows 版（Python {python}）的安装包失败（需要能访问 PyPI）：\n"
                         f"{reason}",
                         f"could not download the Windows wheels for Python {python} "
                         f"(PyPI must be reachable):\n{reason}")


def collect(root: Path, dest: Path, pythons: Sequence[str] = PYTHONS,
            find_links: Sequence[Path] = ()) -> None:
    """Download what the wheel `root` (kaohe's own) needs on Windows x64, for each Python,
    into dest, Windows-only dependencies included."""
    dest.mkdir(parents=True, exist_ok=True)
    name = str(parse_wheel_filename(root.name)[0])
    for python in pythons:
        pip_download([str(root)], dest, python, find_links)
        for _ in range(ROUNDS):
            missing = missing_for_windows(dest, python, [name])
            if not missing:
                break
            pip_download(missing, dest, python, find_links)
        else:
            raise KaoheError(f"Python {python} 的安装包仍不完整：{', '.join(missing)}",
                             f"the wheels for Python {python} are still incomplete: "
                             f"{', '.join(missing)}")


def resolve_offline(folder: Path, python: str, scratch: Path,
                    requirement: str = "kaohe") -> subprocess.CompletedProcess[str]:
    """pip's own dry-run install of `requirement` from the folder alone (no index) for
    Windows x64 and `python`. pip evaluates markers for this machine (see the module doc),
    and its install command checks Requires-Python against this interpreter, not the target:
    so it is told to ignore Requires-Python, which `missing_for_windows` checks instead."""
    return _pip(["install", "--dry-run", "--ignore-installed", "--no-index",
                 "--ignore-requires-python", "--find-links", str(folder), *_target(python),
                 "--target", str(scratch), requirement])
