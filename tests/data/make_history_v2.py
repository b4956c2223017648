"""Write tests/data/history-v2.sqlite.gz: a history file as kaohe at 5af1806 wrote it
(schema version 2, before provisional runs were kept apart).

    PYTHONPATH=<a checkout of 5af1806> python tests/data/make_history_v2.py [OUT]

2014-r1 and 2015-r1 recorded and published; 2016-r1 recorded complete, 2016-r2 recorded
provisional (the routine-assessment summary missing), neither published; 2017-r1 recorded
provisional only. Small: the embedded scheme's units, synthetic documents (seed 7).
"""

from __future__ import annotations

import copy
import gzip
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kaohe.engine import score
from kaohe.pipeline.documents import default_scheme_document, documents_from, load_scheme
from kaohe.store import open_store
from kaohe.synth import synthesize

OUT = Path(__file__).resolve().parent / "history-v2.sqlite.gz"
MISSING = [{"reason": "未收到平时考核汇总表，各单位的平时考核得分按 0 分计",
            "reason_en": "no routine assessment summary received: the Routine assessment "
                         "score of every unit counts as 0"}]


def results_for(year: int, provisional: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    scheme = load_scheme()
    gen = synthesize(scheme, seed=7)
    docs = list(gen["unit_reports"].values()) + list(gen["lead_scores"])
    docs += [gen["adjustments"], gen["ballots"]] + ([] if provisional else [gen["routine"]])
    results = score(scheme, documents_from(copy.deepcopy(docs)))
    scheme_doc = default_scheme_document()
    results["year"] = scheme_doc["year"] = year
    results["provisional"] = MISSING if provisional else []
    return scheme_doc, results


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "history.sqlite"
        with open_store(db) as store:
            for i, (year, provisional) in enumerate(
                    [(2014, False), (2015, False), (2016, False), (2016, True), (2017, True)]):
                now = datetime(year + 1, 1, 10 + i, 9, 0, tzinfo=UTC)
                scheme_doc, results = results_for(year, provisional)
                inputs = [{"path": f"submissions/单位自评表_{year}.xlsx", "sha256": f"{i:02d}" * 32,
                           "kind": "unit_report", "unit_id": "fuyun", "status": "used"}]
                store.record_run(scheme_doc, store.annotate(results), inputs=inputs,
                                 reason=f"{year} 年终考核", now=now)
                if year < 2016:
                    store.publish(year, now=now)
        with sqlite3.connect(db) as conn:  # one self-contained file, without its WAL
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        out.write_bytes(gzip.compress(db.read_bytes(), mtime=0))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
