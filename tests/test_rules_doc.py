"""docs/validation.md lists every rule as the code has it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_rules_page_is_current() -> None:
    spec = importlib.util.spec_from_file_location("make_rules_doc",
                                                  ROOT / "scripts" / "make_rules_doc.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "validation.md").read_text(encoding="utf-8") == module.render(), \
        "run: python scripts/make_rules_doc.py"
