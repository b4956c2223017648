"""dump_json writes exactly what json.dumps(ensure_ascii=False, indent=1, allow_nan=False)
writes, and refuses (or converts) exactly what it refuses (or converts)."""

from __future__ import annotations

import enum
import json
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.pipeline.io import dump_json, write_json


def _reference(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


class Level(enum.IntEnum):
    HIGH = 2


class Text(str):
    pass


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([0.0, -0.0, 1e300, 5e-324, 0.1 + 0.2, "\u2028\"\\\n\x00",
                                     "阿勒泰市", Level.HIGH, Text("t")]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=5), st.sampled_from([Text("k")])), inner,
                    max_size=5)), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_same_text_as_json_dumps(document: Any) -> None:
    assert dump_json(document) == _reference(document)


@settings(max_examples=200, deadline=None)
@given(st.one_of(VALUES, st.dictionaries(st.text(max_size=4), st.lists(VALUES, max_size=4),
                                         max_size=4)))
def test_written_as_made_and_still_the_same_text(document: Any) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = write_json(Path(folder) / "d.json", document)
        assert path.read_text(encoding="utf-8") == _reference(document)


@pytest.mark.parametrize("document", [
    {3: "a", 2.5: "b", True: "c", None: "d"},          # keys json.dumps turns into text
    [{"a": [OrderedDict(b=1)]}, {}, [], ""],
])
def test_converted_like_json_dumps(document: Any) -> None:
    assert dump_json(document) == _reference(document)


@pytest.mark.parametrize("document", [
    {"x": math.nan}, [math.inf], {"d": {1, 2}}, {("a", "b"): 1}, object(),
])
def test_refused_like_json_dumps(document: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as want:
        _reference(document)
    with pytest.raises(want.type) as got:
        dump_json(document)
    assert str(got.value) == str(want.value)


def test_a_refused_document_leaves_no_file(tmp_path: Any) -> None:
    document = {"units": [{"a": 1}, {"b": math.nan}], "inputs": []}
    with pytest.raises(ValueError, match="Out of range float"):
        write_json(tmp_path / "r.json", document)
    assert list(tmp_path.iterdir()) == []
    odd = {"units": [{"a": 1}], 3: "converted"}  # json.dumps turns the key into text
    assert (write_json(tmp_path / "r.json", odd).read_text(encoding="utf-8")
            == _reference(odd))


def test_a_cycle_is_refused_like_json_dumps() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dump_json({"loop": loop})
