"""A register of 1,000 units validated against the wrong (34-unit) scheme: about 5,000
findings, each located at its cell. Locating used to scan every cell per finding (82 s);
it is linear now (the issue's bound: under 5 s).

    python bench/wrong_scheme.py            # builds the register, validates it, prints the time
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def register(folder: Path, units: int = 1000) -> Path:
    """The 民主测评及满意度统计表 of a scheme scaled to `units` units, filled."""
    from kaohe.engine import Scheme
    from kaohe.pipeline.documents import default_scheme_document
    from kaohe.synth import scale_scheme, synthesize
    from workbook_templates import fill_workbook
    from workbook_templates.tallies import build_ballots

    scheme = Scheme.from_document(scale_scheme(default_scheme_document(), units))
    template = build_ballots(scheme, folder / "template.xlsx")
    return Path(fill_workbook(template, synthesize(scheme, seed=1)["ballots"],
                              folder / "民主测评及满意度统计表.xlsx"))


def main() -> None:
    from kaohe.pipeline.documents import load_scheme
    from validators.workbook import validate_workbook

    path = register(Path(tempfile.mkdtemp(prefix="kaohe-wrong-scheme-")))
    scheme = load_scheme()
    started = time.perf_counter()
    report = validate_workbook(path, scheme)
    took = time.perf_counter() - started
    located = sum(1 for i in report.issues if i.cell)
    print(f"{len(report.issues)} findings ({located} located) in {took:.2f} s")
    sys.exit(0 if took < 5 else 1)


if __name__ == "__main__":
    main()
