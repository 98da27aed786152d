"""``manage.py forecast``: good and bad CSVs."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

START = 1_789_999_200  # on the hour: buckets align on the epoch


def write_csv(path: Path, rows: list[tuple]) -> Path:
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["timestamp", "value"])
        out.writerows(rows)
    return path


def hourly_rows(n: int = 96) -> list[tuple]:
    return [(START + i * 3600, 50 + 10 * math.sin(2 * math.pi * i / 24)) for i in range(n)]


def test_it_forecasts_a_csv_with_a_duration_horizon(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", hourly_rows())
    out = tmp_path / "out.csv"
    call_command("forecast", csv=str(src), horizon="6h", out=str(out), model="seasonal_naive")
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["timestamp", "yhat", "yhat_lower", "yhat_upper"]
    assert len(rows) == 6 and int(rows[0]["timestamp"]) == START + 96 * 3600
    assert all(float(r["yhat_lower"]) <= float(r["yhat"]) <= float(r["yhat_upper"]) for r in rows)
    assert "seasonal_naive: 6 steps of 3600s" in capsys.readouterr().out


def test_a_plain_number_is_a_number_of_steps_and_iso_times_stay_iso(tmp_path):
    rows = [
        (f"2026-01-{1 + i // 24:02d}T{i % 24:02d}:00:00Z", v)
        for i, (_, v) in enumerate(hourly_rows())
    ]
    src, out = write_csv(tmp_path / "in.csv", rows), tmp_path / "out.csv"
    call_command("forecast", csv=str(src), horizon="3", out=str(out), model="theta")
    stamps = [r["timestamp"] for r in csv.DictReader(out.open())]
    assert stamps == [f"2026-01-05T0{h}:00:00+00:00" for h in range(3)]


@pytest.mark.parametrize(
    ("rows", "horizon", "message"),
    [
        ([("when", "value")], "6h", "'when' is not a timestamp"),
        ([(START, "high")] * 12, "6h", "value 'high' is not a number"),
        ([(START + i, i) for i in range(3)], "6h", "need at least 10"),
        (hourly_rows(), "soon", "give a duration like 24h"),
        (hourly_rows(), "5000", "1 to 2016 steps"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, rows, horizon, message):
    src = write_csv(tmp_path / "in.csv", rows)
    with pytest.raises(CommandError, match=message):
        call_command("forecast", csv=str(src), horizon=horizon, out=str(tmp_path / "o.csv"))


def test_a_missing_column_or_file_is_a_clear_error(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("time,val\n1,2\n")
    with pytest.raises(CommandError, match="must have 'timestamp' and 'value'"):
        call_command("forecast", csv=str(src), horizon="1h", out=str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("forecast", csv=str(tmp_path / "nope.csv"), horizon="1h", out="o.csv")
