"""The shared ``timestamp,value`` CSV reader of ``detect_anomalies`` and ``forecast``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.csvio import CsvError, read_points


def write(tmp_path, text: str):
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_reads_rows_in_any_column_order_and_keeps_the_timestamps_as_written(tmp_path):
    src = write(tmp_path, "\ufeffValue, Timestamp\n1.5,1700000000\n\n2,1700000060\n")
    points = read_points(src)
    assert points.raw == ["1700000000", "1700000060"]
    assert points.times == [
        datetime.fromtimestamp(1700000000, tz=UTC),
        datetime.fromtimestamp(1700000060, tz=UTC),
    ]
    assert points.values == [1.5, 2.0] and points.epoch is True


def test_iso_times_without_a_zone_stay_naive_unless_a_zone_is_given(tmp_path):
    src = write(tmp_path, "timestamp,value\n2026-03-29T01:30:00,1\n2026-03-29T03:30:00+02:00,2\n")
    naive = read_points(src)
    assert naive.times[0].tzinfo is None and naive.epoch is False
    assert naive.times[1].utcoffset() == timedelta(hours=2)
    utc = read_points(src, naive_tz=UTC)
    assert utc.times[0] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert utc.times[1].tzinfo == timezone(timedelta(hours=2))  # an explicit zone is kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,value\n1,2\n", "the header must have 'timestamp' and 'value' columns"),
        ("", "the header must have 'timestamp' and 'value' columns"),
        ("timestamp,value\n\n", "no data rows"),
        ("timestamp,value\n1700000000\n", "line 2: missing value"),
        ("timestamp,value\n,1\n", "line 2: missing timestamp"),
        ("timestamp,value\n1e300,1\n", "line 2: '1e300' is not a timestamp"),
        ("timestamp,value\n1700000000,inf\n", "line 2: value 'inf' is not a finite number"),
    ],
)
def test_it_explains_a_bad_file(tmp_path, text, message):
    with pytest.raises(CsvError, match=message):
        read_points(write(tmp_path, text))


def test_it_explains_a_missing_file(tmp_path):
    with pytest.raises(CsvError, match="cannot read"):
        read_points(tmp_path / "missing.csv")
