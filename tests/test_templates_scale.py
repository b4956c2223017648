"""Templates grow with the scheme: a register for many units holds all of a year's events."""

from __future__ import annotations

from pathlib import Path

from kaohe.pipeline.documents import default_scheme_document, scheme_from_document
from kaohe.synth import scale_scheme, synthesize
from workbook_templates import build_adjustments, fill_workbook, read_workbook


def test_register_for_400_units_round_trips_every_event(tmp_path: Path) -> None:
    scheme = scheme_from_document(scale_scheme(default_scheme_document(), 400))
    register = synthesize(scheme, seed=3)["adjustments"]
    assert len(register["events"]) > 200  # more than the smallest register holds
    template = build_adjustments(scheme, tmp_path / "t.xlsx")
    filled = fill_workbook(template, register, tmp_path / "f.xlsx")
    read = read_workbook(filled)
    assert read.errors == []
    assert [e["id"] for e in read.document["events"]] == [e["id"] for e in register["events"]]
