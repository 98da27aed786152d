"""Alertmanager time intervals: ranges, negative days of month, time zones, validation."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from alerts.routing.timeintervals import (
    TimeIntervalError,
    in_intervals,
    parse_interval,
    parse_named_intervals,
)

BERLIN = ZoneInfo("Europe/Berlin")


def _at(text: str, tz=UTC) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def test_times_are_a_half_open_range_of_minutes():
    interval = parse_interval({"times": [{"start_time": "09:00", "end_time": "17:30"}]})
    assert interval.contains(_at("2026-03-02T09:00"))
    assert interval.contains(_at("2026-03-02T17:29"))
    assert not interval.contains(_at("2026-03-02T17:30"))
    assert not interval.contains(_at("2026-03-02T08:59"))


def test_an_end_of_24_00_covers_the_last_minute_of_the_day():
    interval = parse_interval({"times": [{"start_time": "22:00", "end_time": "24:00"}]})
    assert interval.contains(_at("2026-03-02T23:59"))


def test_weekday_ranges_are_inclusive_and_names_are_case_insensitive():
    interval = parse_interval({"weekdays": ["Monday:friday"]})
    assert interval.contains(_at("2026-03-02T12:00"))  # a Monday
    assert interval.contains(_at("2026-03-06T12:00"))  # Friday
    assert not interval.contains(_at("2026-03-07T12:00"))  # Saturday


def test_negative_days_of_month_count_from_the_month_end():
    last_three = parse_interval({"days_of_month": ["-3:-1"]})
    assert last_three.contains(_at("2026-02-26T00:00"))  # Feb 2026 has 28 days
    assert not last_three.contains(_at("2026-02-25T23:59"))
    assert last_three.contains(_at("2024-02-27T00:00"))  # leap year: 27..29
    assert not last_three.contains(_at("2024-02-26T00:00"))
    assert last_three.contains(_at("2026-01-29T00:00"))  # 31 days: 29..31


def test_a_positive_start_and_negative_end_span_the_month():
    interval = parse_interval({"days_of_month": ["1:-1"]})
    assert all(interval.contains(_at(f"2026-02-{d:02d}T12:00")) for d in (1, 14, 28))


def test_a_day_past_the_end_of_a_short_month_never_matches():
    interval = parse_interval({"days_of_month": ["31"]})
    assert not interval.contains(_at("2026-04-30T12:00"))
    assert interval.contains(_at("2026-05-31T12:00"))


def test_months_and_years_accept_names_numbers_and_ranges():
    interval = parse_interval({"months": ["january:march", "12"], "years": ["2025:2026"]})
    assert interval.contains(_at("2026-02-10T00:00"))
    assert interval.contains(_at("2025-12-10T00:00"))
    assert not interval.contains(_at("2026-04-10T00:00"))
    assert not interval.contains(_at("2027-01-10T00:00"))


def test_every_given_list_must_contain_the_time():
    interval = parse_interval(
        {
            "weekdays": ["saturday", "sunday"],
            "times": [{"start_time": "00:00", "end_time": "06:00"}],
        }
    )
    assert interval.contains(_at("2026-03-07T05:00"))  # Saturday night
    assert not interval.contains(_at("2026-03-07T07:00"))
    assert not interval.contains(_at("2026-03-06T05:00"))  # Friday


def test_the_location_decides_the_local_time_day_and_weekday():
    interval = parse_interval(
        {
            "times": [{"start_time": "00:00", "end_time": "01:00"}],
            "weekdays": ["saturday"],
            "location": "Europe/Berlin",
        }
    )
    # 23:30 UTC on Friday is 00:30 on Saturday in Berlin (winter, UTC+1).
    assert interval.contains(_at("2026-03-06T23:30"))
    assert not interval.contains(_at("2026-03-07T00:30"))  # 01:30 in Berlin


def test_the_location_follows_daylight_saving_time():
    nine_to_five = parse_interval(
        {"times": [{"start_time": "09:00", "end_time": "17:00"}], "location": "Europe/Berlin"}
    )
    # The same UTC time is 08:30 CET in winter (outside) and 09:30 CEST in summer (inside).
    assert not nine_to_five.contains(_at("2026-01-15T07:30"))
    assert nine_to_five.contains(_at("2026-07-15T07:30"))
    assert nine_to_five.contains(_at("2026-07-15T16:59", BERLIN))


def test_a_month_boundary_is_local_to_the_location():
    last_day = parse_interval({"days_of_month": ["-1"], "location": "Pacific/Auckland"})
    assert last_day.contains(_at("2026-03-30T12:00"))  # already March 31st in Auckland
    assert not last_day.contains(_at("2026-03-31T12:00"))  # April 1st there


def test_in_intervals_names_the_first_interval_containing_the_time():
    named = parse_named_intervals(
        [
            {"name": "weekend", "time_intervals": [{"weekdays": ["saturday", "sunday"]}]},
            {"name": "always", "time_intervals": [{}]},
        ],
        "time_intervals",
    )
    assert in_intervals(_at("2026-03-07T12:00"), named, ["weekend", "always"]) == "weekend"
    assert in_intervals(_at("2026-03-02T12:00"), named, ["weekend", "always"]) == "always"
    assert in_intervals(_at("2026-03-02T12:00"), named, ["weekend"]) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"times": [{"start_time": "10:00", "end_time": "09:00"}]}, "cannot be equal or greater"),
        ({"times": [{"start_time": "9:00", "end_time": "10:00"}]}, "invalid format"),
        ({"times": [{"start_time": "10:00"}]}, "both start and end"),
        ({"weekdays": ["friday:monday"]}, "start day cannot be after end day"),
        ({"weekdays": ["saturday:sunday"]}, "start day cannot be after end day"),  # 6:0
        ({"weekdays": ["funday"]}, "not a valid weekday"),
        ({"days_of_month": ["0"]}, "out of range"),
        ({"days_of_month": ["-3:5"]}, "end day must be negative"),
        ({"days_of_month": ["10:2"]}, "always before start day"),
        ({"months": ["march:january"]}, "end month january is before start month march"),
        ({"months": ["13"]}, "not a valid month"),
        ({"years": ["2026:2020"]}, "end year 2020 is before start year 2026"),
        ({"location": "Mars/Olympus"}, "unknown time zone"),
        ({"weekday": ["monday"]}, "unknown field"),
    ],
)
def test_it_rejects_invalid_intervals_with_alertmanagers_reasons(data, message):
    with pytest.raises(TimeIntervalError, match=message):
        parse_interval(data)
