"""Times as the office reads them: stored as UTC, shown in the office's time zone, zone named.

The zone is the scheme's ``time_zone`` (an IANA name), else the command's ``--tz``, else
Asia/Shanghai (北京时间). Pure: no clock is read here, only timestamps given are converted.

>>> local_time("2017-01-05T02:30:00+00:00")
'2017-01-05 10:30（北京时间）'
>>> local_time("2017-01-05T02:30:00+00:00", "Asia/Urumqi", "en")
'2017-01-05 08:30 (Asia/Urumqi, UTC+06:00)'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kaohe.errors import KaoheError

__all__ = ["DEFAULT_ZONE", "check_zone", "local_time", "zone_of", "zone_label"]

DEFAULT_ZONE = "Asia/Shanghai"
_NAMES = {"Asia/Shanghai": ("北京时间", "Beijing time, UTC+08:00")}
#: Zones without daylight saving, for a Python without a time-zone database (Pyodide, the
#: browser's xlwings Lite, ships none): their offset is fixed.
_FIXED = {"Asia/Shanghai": 8, "Asia/Urumqi": 6, "UTC": 0, "Etc/UTC": 0}


def check_zone(name: str) -> tzinfo:
    """The zone of an IANA name; a name the time-zone database lacks is refused plainly."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        if str(name) in _FIXED:   # no database here (Pyodide): the fixed offset is exact
            return timezone(timedelta(hours=_FIXED[str(name)]), str(name))
        raise KaoheError(f"未知的时区：{name}（请用 IANA 时区名，如 Asia/Shanghai）",
                         f"unknown time zone {name!r} (use an IANA name such as "
                         "Asia/Shanghai)") from exc


def zone_of(*sources: Mapping[str, Any] | str | None) -> str:
    """The first time zone named: an option's value, or a scheme's or results' time_zone."""
    for source in sources:
        name = source.get("time_zone") if isinstance(source, Mapping) else source
        if name:
            return str(name)
    return DEFAULT_ZONE


def zone_label(zone: str = DEFAULT_ZONE, lang: str = "zh", when: datetime | None = None) -> str:
    """北京时间, or the zone's name and offset: "Asia/Urumqi, UTC+06:00"."""
    if zone in _NAMES:
        return _NAMES[zone][lang == "en"]
    moment = (when or datetime(2000, 1, 1, tzinfo=UTC)).astimezone(check_zone(zone))
    offset = moment.strftime("%z")
    return f"{zone}, UTC{offset[:3]}:{offset[3:]}"


def local_time(stamp: str | None, zone: str = DEFAULT_ZONE, lang: str = "zh") -> str:
    """An ISO 8601 UTC timestamp (as the history database keeps it) in the zone, to the
    minute, with the zone named; "" for none, the text itself when it is not a timestamp."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(check_zone(zone))
    label = zone_label(zone, lang, moment)
    text = local.strftime("%Y-%m-%d %H:%M")
    return f"{text} ({label})" if lang == "en" else f"{text}（{label}）"
