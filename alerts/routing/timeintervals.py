"""Alertmanager time intervals (``time_intervals`` / ``mute_time_intervals``).

An interval holds optional lists of ``times``, ``weekdays``, ``days_of_month`` (negative
days count from the month's end), ``months``, ``years`` and a ``location`` (an IANA time
zone; UTC when absent). A time is inside when every list given has a range containing it.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Range = tuple[int, int]
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
_TIME = re.compile(r"(([01][0-9])|(2[0-3])):[0-5][0-9]|24:00")  # fixed pattern
_FIELDS = {"times", "weekdays", "days_of_month", "months", "years", "location"}


class TimeIntervalError(ValueError):
    """An interval that Alertmanager would reject, with its message."""


@dataclass(frozen=True)
class TimeInterval:
    times: tuple[Range, ...] | None = None  # minutes of the day, end exclusive
    weekdays: tuple[Range, ...] | None = None  # 0 = Sunday
    days_of_month: tuple[Range, ...] | None = None
    months: tuple[Range, ...] | None = None
    years: tuple[Range, ...] | None = None
    location: tzinfo | None = None

    def contains(self, when: datetime) -> bool:
        """``TimeInterval.ContainsTime`` for an aware datetime."""
        t = when.astimezone(self.location or UTC)
        minute, weekday = t.hour * 60 + t.minute, (t.weekday() + 1) % 7
        return (
            _any(self.times, lambda r: r[0] <= minute < r[1])
            and _any(self.days_of_month, lambda r: _in_month_days(r, t))
            and _any(self.months, lambda r: r[0] <= t.month <= r[1])
            and _any(self.weekdays, lambda r: r[0] <= weekday <= r[1])
            and _any(self.years, lambda r: r[0] <= t.year <= r[1])
        )


def _any(ranges: tuple[Range, ...] | None, inside: Callable[[Range], bool]) -> bool:
    """No list given: no constraint; otherwise one of its ranges must contain the time."""
    return ranges is None or any(inside(r) for r in ranges)


def _in_month_days(r: Range, t: datetime) -> bool:
    days = calendar.monthrange(t.year, t.month)[1]
    begin = days + r[0] + 1 if r[0] < 0 else r[0]
    end = days + r[1] + 1 if r[1] < 0 else r[1]
    if begin > days:
        return False
    return max(begin, -days) <= t.day <= min(end, days)


def in_intervals(
    when: datetime, intervals: Mapping[str, Sequence[TimeInterval]], names: Sequence[str]
) -> str | None:
    """The first of ``names`` whose intervals contain ``when``, or None."""
    for name in names:
        if any(ti.contains(when) for ti in intervals[name]):
            return name
    return None


def parse_named_intervals(items: object, field: str) -> dict[str, list[TimeInterval]]:
    """``[{name, time_intervals: [...]}, ...]`` -> {name: [TimeInterval, ...]}."""
    if items is None:
        return {}
    if not isinstance(items, list):
        raise TimeIntervalError(f"{field} must be a list of {{name, time_intervals}}")
    named: dict[str, list[TimeInterval]] = {}
    for item in items:
        if not isinstance(item, Mapping) or not item.get("name"):
            raise TimeIntervalError(f"{field}: every entry needs a name")
        name = str(item["name"])
        try:
            named[name] = [parse_interval(d) for d in item.get("time_intervals") or []]
        except TimeIntervalError as exc:
            raise TimeIntervalError(f"time interval {name!r}: {exc}") from None
    return named


def parse_interval(data: object) -> TimeInterval:
    if not isinstance(data, Mapping):
        raise TimeIntervalError("a time interval must be a map")
    if unknown := set(data) - _FIELDS:
        raise TimeIntervalError(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    return TimeInterval(
        times=_list(data, "times", _time_range),
        weekdays=_list(data, "weekdays", _weekday_range),
        days_of_month=_list(data, "days_of_month", _day_range),
        months=_list(data, "months", _month_range),
        years=_list(data, "years", _year_range),
        location=_location(data.get("location")),
    )


def _list(data: Mapping, key: str, parse) -> tuple[Range, ...] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise TimeIntervalError(f"{key} must be a list")
    return tuple(parse(v) for v in value)


def _time_range(value: object) -> Range:
    if not isinstance(value, Mapping) or not value.get("start_time") or not value.get("end_time"):
        raise TimeIntervalError("both start and end times must be provided")
    start, end = _minutes(value["start_time"]), _minutes(value["end_time"])
    if start >= end:
        raise TimeIntervalError("start time cannot be equal or greater than end time")
    return start, end


def _minutes(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1440:
        return value  # "17:00" read by a YAML 1.1 parser as base 60 is already the minute
    text = str(value)
    if not _TIME.fullmatch(text):
        raise TimeIntervalError(f"couldn't parse timestamp {text}, invalid format")
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _split(value: object, member) -> Range:
    text = str(value).lower()
    parts = text.split(":")
    if len(parts) > 2:
        raise TimeIntervalError(f"couldn't parse range {text}, invalid format")
    return member(parts[0]), member(parts[-1])


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise TimeIntervalError(f"{text!r} is not a number") from None


def _weekday(text: str) -> int:
    if text not in WEEKDAYS:
        raise TimeIntervalError(f"{text} is not a valid weekday")
    return WEEKDAYS.index(text)


def _weekday_range(value: object) -> Range:
    begin, end = _split(value, _weekday)
    if begin > end:
        raise TimeIntervalError(f"{value}: start day cannot be after end day")
    return begin, end


def _day_range(value: object) -> Range:
    begin, end = _split(value, _int)
    for day in (begin, end):
        if day == 0 or not -31 <= day <= 31:
            raise TimeIntervalError(f"{day} is not a valid day of the month: out of range")
    if begin < 0 < end:
        raise TimeIntervalError("end day must be negative if start day is negative")
    if (28 + begin if begin < 0 else begin) > (28 + end if end < 0 else end):
        raise TimeIntervalError(f"end day {end} is always before start day {begin}")
    return begin, end


def _month(text: str) -> int:
    if text in MONTHS:
        return MONTHS.index(text) + 1
    number = _int(text)
    if not 1 <= number <= 12:
        raise TimeIntervalError(f"{text} is not a valid month")
    return number


def _month_range(value: object) -> Range:
    begin, end = _split(value, _month)
    if begin > end:
        raise TimeIntervalError(
            f"end month {MONTHS[end - 1]} is before start month {MONTHS[begin - 1]}"
        )
    return begin, end


def _year_range(value: object) -> Range:
    begin, end = _split(value, _int)
    if begin > end:
        raise TimeIntervalError(f"end year {end} is before start year {begin}")
    return begin, end


def _location(value: object) -> tzinfo | None:
    if value is None:
        return None
    name = str(value)
    if name == "Local":
        return _local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeIntervalError(f"unknown time zone {name!r} (e.g. Europe/Berlin)") from None


def _local_zone() -> tzinfo:
    """Go's ``time.Local``: ``$TZ``, else /etc/localtime, else UTC."""
    try:
        if tz := os.environ.get("TZ"):
            return ZoneInfo(tz.removeprefix(":"))
        with open("/etc/localtime", "rb") as fh:
            return ZoneInfo.from_file(fh)
    except (OSError, ZoneInfoNotFoundError, ValueError):
        return UTC
