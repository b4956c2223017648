"""Score the embedded scheme and validate files; print one JSON document of what came out.

    python tests/pyodide/probe.py DATA_DIR OUT.json

Run by tests/test_pyodide.py twice, under CPython and inside Pyodide, on the same files:
DATA_DIR/demo (the demo's filled submissions) and DATA_DIR/bad (tests/data/make_bad.py's
damaged files). The two documents must be equal. Consolidation is asked for two workers, so
under Pyodide it proves the serial fallback of validators.pool (45 files are over its
threshold); the outputs are written with write_atomic, whose mode is checked.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from typing import Any


def _findings(folder: Path, scheme: Any) -> dict[str, list[list[Any]]]:
    from validators.batch import validate_one

    return {path.name: sorted(validate_one(path, scheme).report.flatten(
        ["sheet", "cell", "rule", "severity", "message"]), key=str)
        for path in sorted(folder.iterdir()) if path.is_file()}


def probe(data: Path, out: Path) -> dict[str, Any]:
    """What the engine and the validators make of the files under data."""
    from kaohe.engine import Scheme
    from kaohe.pipeline.consolidate import consolidate_folder
    from kaohe.pipeline.documents import default_scheme_document
    from kaohe.pipeline.io import write_json
    from validators.pool import processes_available

    scheme = Scheme.from_document(default_scheme_document())
    run = consolidate_folder(data / "demo", scheme, workers=2)
    units = {u["unit_id"]: [u["group"], u["total"], u["rank"], u["grade"]]
             for u in run.results["units"]}
    written = write_json(out.with_suffix(".results.json"), run.results)
    found = {"platform": sys.platform, "processes": processes_available(),
             "accepted": sorted(Path(s.path).name for s in run.submissions if s.accepted),
             "units": units, "demo": _findings(data / "demo", scheme),
             "bad": _findings(data / "bad", scheme),
             "output_mode": oct(stat.S_IMODE(written.stat().st_mode) & 0o600)}
    out.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True),
                   encoding="utf-8")
    return found


if __name__ == "__main__":
    probe(Path(sys.argv[1]), Path(sys.argv[2]))
