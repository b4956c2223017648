"""Locating findings (validators.reading.locate) is linear in the size of the sheet, whatever the
number of findings: a register of 1,000 units checked against the wrong scheme gave 4,999
findings and took 82 s, each finding scanning every cell (bench/wrong_scheme.py: ~2 s now)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from validators.reading.locate import locate


class CountingMap(Mapping[str, tuple[str, str]]):
    """A cell map that counts how often it is walked whole."""

    def __init__(self, cells: dict[str, tuple[str, str]]) -> None:
        self.cells = cells
        self.walks = 0

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self.cells[key]

    def __iter__(self) -> Iterator[str]:
        self.walks += 1
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)


def test_many_findings_walk_the_cell_map_once() -> None:
    cells = {f"$.conduct[{i}].counts.好": ("测评", f"D{i + 5}") for i in range(5000)}
    cell_map = CountingMap(cells)
    # a missing field of each row: located at the row's first located part
    found = [locate(("conduct", i, "unit_id"), cell_map) for i in range(5000)]
    assert found == [("测评", f"D{i + 5}") for i in range(5000)]
    assert cell_map.walks == 1
    assert locate(("conduct", 7000, "unit_id"), cell_map) == ("", "")


def test_the_first_located_part_in_the_maps_order_is_kept() -> None:
    cell_map = {"$.items[3].actual": ("单位自评表", "I9"),
                "$.items[3].evidence": ("单位自评表", "J9"),
                "$.items[30].actual": ("单位自评表", "I36")}
    assert locate(("items", 3, "remarks"), cell_map) == ("单位自评表", "I9")
    assert locate(("items", 30), cell_map) == ("单位自评表", "I36")
    assert locate(("items", 4, "actual"), cell_map) == ("", "")
    cell_map["$.items[4].actual"] = ("单位自评表", "I10")  # a map added to is indexed again
    assert locate(("items", 4, "actual"), cell_map) == ("单位自评表", "I10")
    assert locate(("items", 4, "remarks"), cell_map) == ("单位自评表", "I10")
