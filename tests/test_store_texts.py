"""The store's results text made a piece at a time (kaohe.store.texts.packed_results): the
same text, hash and stored content as made at once."""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kaohe.engine import Scheme, score
from kaohe.pipeline.demo import flatten
from kaohe.pipeline.documents import default_scheme_document, documents_from
from kaohe.store.texts import (
    _compact_pieces,
    compact,
    packed_results,
    results_hash,
    unpack_results,
)
from kaohe.synth import synthesize

_SCALARS = (st.none() | st.booleans() | st.integers() | st.text()
            | st.floats(allow_nan=False, allow_infinity=False))
_KEYS = st.text() | st.integers() | st.booleans()   # json writes any of these as text keys
_DOCUMENTS = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=30)


@given(_DOCUMENTS)
def test_the_pieces_are_the_compact_text(document: Any) -> None:
    assert "".join(_compact_pieces(document)) == compact(document)
    content, digest = packed_results(document)
    assert unpack_results(content) == compact(document)
    assert digest == hashlib.sha256(compact(document).encode("utf-8")).hexdigest()


def test_a_results_document_packed_in_pieces_is_the_one_packed_at_once() -> None:
    scheme = Scheme.from_document(default_scheme_document())
    results = score(scheme, documents_from(flatten(synthesize(scheme, seed=5))))
    content, digest = packed_results(results)
    assert digest == results_hash(results)
    assert unpack_results(content) == compact(results)
    # pieces: a unit at a time, not the whole text at once
    pieces = list(_compact_pieces(results))
    assert len(pieces) > len(results["units"])
    assert max(map(len, pieces)) < len(compact(results)) / 10
