"""Trends from the history database: published years only, each from its latest
publication; a year published again on a later revision is marked revised."""

from __future__ import annotations

import copy
from pathlib import Path

from kaohe.engine import score
from kaohe.pipeline.demo import flatten
from kaohe.pipeline.documents import default_scheme_document, documents_from, scheme_from_document
from kaohe.store import open_store
from kaohe.synth import synthesize


def _results(year: int, seed: int) -> tuple[dict, dict]:
    doc = copy.deepcopy(default_scheme_document())
    doc["year"] = year
    scheme = scheme_from_document(doc)
    return doc, score(scheme, documents_from(flatten(synthesize(scheme, seed=seed))))


def test_trends_are_published_years_with_revisions_marked(tmp_path: Path) -> None:
    with open_store(tmp_path / "h.db") as store:
        for year in range(2010, 2016):   # six years: the table keeps the last five
            doc, results = _results(year, year)
            store.record_run(doc, results)
            store.publish(year)
        doc, appeal = _results(2015, 99)   # 2015 again after an appeal, published on r2
        store.record_run(doc, appeal, reason="申诉")
        store.publish(2015, "2015-r2", reason="申诉复核")
        doc, unpublished = _results(2016, 7)
        store.record_run(doc, unpublished)   # not published: not in the trends
        trends = store.trends(2016)
    assert trends["years"] == [2012, 2013, 2014, 2015]
    unit = appeal["units"][0]
    points = trends["units"][unit["unit_id"]]
    assert [p["year"] for p in points] == [2012, 2013, 2014, 2015]
    assert [p["revised"] for p in points] == [False, False, False, True]
    assert points[-1]["total"] == unit["total"] and points[-1]["run_id"] == "2015-r2"
    assert points[-1]["rank"] == unit["rank"] and points[-1]["grade"] == unit["grade"]
