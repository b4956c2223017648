"""kaohe inside Pyodide (WebAssembly, as xlwings Lite runs it), under node.

The engine tests and the add-in's UDF and script tests run inside Pyodide; a probe scores the
embedded scheme from the demo's submissions and validates them and the damaged-file corpus,
under CPython and inside Pyodide, and the two must agree. Everything is fetched once into
build/pyodide/ (tests/pyodide/prepare.py); skipped only when node cannot be installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.pyodide.prepare import Target, prepare

pytestmark = pytest.mark.pyodide

#: Run inside Pyodide: the engine's tests and the add-in's (UDFs, scripts through xlwings'
#: remote engine, the snapshot the scripts validate, the console's whole cycle, the Lite module).
INSIDE = ("tests/test_engine.py", "tests/test_engine_numbers.py", "tests/test_engine_places.py",
          "tests/test_methods.py", "tests/test_ranking.py", "tests/test_xl_udfs.py",
          "tests/test_xl_snapshot.py", "tests/test_xl_scripts.py", "tests/test_xl_office.py",
          "tests/test_xl_lite.py")


@pytest.fixture(scope="module")
def target() -> Target:
    found = prepare()
    if found is None:
        pytest.skip("node (with npm) is not installed and could not be installed "
                    "(apt-get install nodejs npm): the Pyodide tests need node")
    return found


def _run(target: Target, *args: str, data: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAOHE_PYODIDE_DATA": str(data)} if data else None
    return subprocess.run(target.command(*args), capture_output=True, text=True, env=env,
                          timeout=900, check=False)


def test_engine_and_addin_tests_pass_inside_pyodide(target: Target) -> None:
    done = _run(target, "tests/pyodide/pytest_main.py", *INSIDE)
    tail = (done.stdout + done.stderr)[-3000:]
    assert done.returncode == 0, tail
    last = done.stdout.strip().splitlines()[-1]
    passed = re.fullmatch(r"(\d+) passed(, \d+ warnings?)? in [\d.]+s( \([\d:]+\))?", last)
    assert passed, tail  # nothing failed, skipped or deselected (warnings: openpyxl's zips)
    assert int(passed.group(1)) >= 330, last


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 45 filled submissions (demo/) and the damaged-file corpus (bad/)."""
    from kaohe.engine import Scheme
    from kaohe.pipeline.demo import fill_submissions
    from kaohe.pipeline.documents import default_scheme_document
    from kaohe.synth import synthesize
    from tests.data.make_bad import generate
    from workbook_templates import build_templates

    root = tmp_path_factory.mktemp("pyodide-data")
    scheme = Scheme.from_document(default_scheme_document())
    build_templates(scheme, root / "templates", "zh")
    fill_submissions(synthesize(scheme, seed=2016), root / "templates", root / "demo")
    generate(root / "bad")
    return root


def _without_host(found: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in found.items() if k not in ("platform", "processes")}


def test_pyodide_scores_and_validates_as_cpython(target: Target, data: Path) -> None:
    from tests.pyodide.probe import probe

    here = probe(data, data / "cpython.json")
    done = _run(target, "tests/pyodide/probe.py", "/data", "/data/pyodide.json", data=data)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    there = json.loads((data / "pyodide.json").read_text(encoding="utf-8"))
    assert there["platform"] == "emscripten" and there["processes"] is False
    assert len(here["accepted"]) == 45 and len(here["units"]) == 34
    assert len(here["bad"]) >= 20 and all(here["bad"].values())
    assert here["output_mode"] == there["output_mode"] == "0o600"
    assert _without_host(there) == _without_host(here)
