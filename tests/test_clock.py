"""Times in the office's time zone: stored as UTC, shown local with the zone named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli import main
from kaohe.clock import DEFAULT_ZONE, local_time, zone_label, zone_of
from kaohe.errors import KaoheError


@pytest.mark.parametrize(("stamp", "zone", "lang", "shown"), [
    ("2017-01-05T02:30:00+00:00", DEFAULT_ZONE, "zh", "2017-01-05 10:30（北京时间）"),
    ("2017-01-05T17:30:00+00:00", DEFAULT_ZONE, "en",
     "2017-01-06 01:30 (Beijing time, UTC+08:00)"),
    ("2017-01-05T02:30:00", "Asia/Urumqi", "zh", "2017-01-05 08:30（Asia/Urumqi, UTC+06:00）"),
    ("2017-07-05T02:30:00+00:00", "Europe/Berlin", "en",
     "2017-07-05 04:30 (Europe/Berlin, UTC+02:00)"),   # summer time: the offset of that day
    ("", DEFAULT_ZONE, "zh", ""),
    ("not a time", DEFAULT_ZONE, "zh", "not a time"),
])
def test_local_time(stamp: str, zone: str, lang: str, shown: str) -> None:
    assert local_time(stamp, zone, lang) == shown


def test_zone_comes_from_the_option_then_the_scheme_then_the_default() -> None:
    assert zone_of(None, {"time_zone": "Asia/Urumqi"}) == "Asia/Urumqi"
    assert zone_of("UTC", {"time_zone": "Asia/Urumqi"}) == "UTC"
    assert zone_of(None, {}) == DEFAULT_ZONE
    with pytest.raises(KaoheError, match="未知的时区"):
        zone_label("Mars/Base")


def test_revisions_show_times_in_the_office_zone(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from kaohe.engine import score
    from kaohe.pipeline.demo import flatten
    from kaohe.pipeline.documents import (
        default_scheme_document,
        documents_from,
        scheme_from_document,
    )
    from kaohe.store import open_store
    from kaohe.synth import synthesize

    doc = default_scheme_document()
    scheme = scheme_from_document(doc)
    results = score(scheme, documents_from(flatten(synthesize(scheme, seed=1))))
    db = tmp_path / "h.db"
    with open_store(db) as store:
        store.record_run(doc, results, now=datetime(2017, 1, 5, 2, 30, tzinfo=UTC))
        store.publish(2016, now=datetime(2017, 1, 5, 17, 45, tzinfo=UTC))
    runner = CliRunner()
    out = runner.invoke(main, ["revisions", "--db", str(db), "--year", "2016"]).output
    assert "记录时间（北京时间）" in out and "2017-01-05 10:30" in out
    assert "发布时间（北京时间）" in out and "2017-01-06 01:45" in out
    assert "UTC)" not in out
    out = runner.invoke(main, ["--lang", "en", "revisions", "--db", str(db), "--year", "2016",
                               "--tz", "Asia/Urumqi"]).output
    assert "recorded (Asia/Urumqi, UTC+06:00)" in out and "2017-01-05 08:30" in out
    got = runner.invoke(main, ["revisions", "--db", str(db), "--year", "2016", "--tz", "X/Y"])
    assert got.exit_code != 0 and "未知的时区" in got.output and "Traceback" not in got.output


def test_times_without_a_time_zone_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pyodide (xlwings Lite) ships no tz database: zones without daylight saving still work."""
    import zoneinfo

    import kaohe.clock as clock

    def missing(name: str) -> None:
        raise zoneinfo.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(clock, "ZoneInfo", missing)
    assert local_time("2017-01-05T02:30:00+00:00") == "2017-01-05 10:30（北京时间）"
    assert local_time("2017-01-05T02:30:00+00:00", "Asia/Urumqi", "en") == (
        "2017-01-05 08:30 (Asia/Urumqi, UTC+06:00)")
    with pytest.raises(KaoheError):
        local_time("2017-01-05T02:30:00+00:00", "Europe/Berlin")
