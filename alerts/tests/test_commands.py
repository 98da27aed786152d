"""``manage.py detect_anomalies``: a good CSV is scored causally; bad CSVs are explained."""

from __future__ import annotations

import csv
import math

import pytest
from django.core.management import CommandError, call_command

from alerts.detectors import get_detector


def write(path, text: str):
    path.write_text(text)
    return path


def series_csv(tmp_path, n: int = 600, spike: int = 500):
    lines = ["timestamp,value"]
    for i in range(n):
        value = 10 + math.sin(i / 20) + (15 if i == spike else 0)
        lines.append(f"{1774742400 + i * 60},{value}")
    return write(tmp_path / "in.csv", "\n".join(lines) + "\n")


def read(path) -> list[dict]:
    with path.open() as f:
        return list(csv.DictReader(f))


def test_it_scores_a_csv_with_the_production_detector(tmp_path):
    src, out = series_csv(tmp_path), tmp_path / "out.csv"
    call_command("detect_anomalies", "--csv", str(src), "--out", str(out), "--detector", "zscore")
    rows = read(out)
    assert list(rows[0]) == ["timestamp", "value", "anomaly_score", "is_anomaly"]
    assert len(rows) == 600 and rows[500]["is_anomaly"] == "1"
    assert all(0 <= float(r["anomaly_score"]) <= 1 for r in rows)
    values = [float(r["value"]) for r in read(src)]
    from datetime import UTC, datetime

    times = [datetime.fromtimestamp(int(r["timestamp"]), tz=UTC) for r in read(src)]
    expected = get_detector("zscore").update(times, values).score
    assert [float(r["anomaly_score"]) for r in rows] == pytest.approx(list(expected), abs=1e-6)


def test_it_is_causal_a_prefix_scores_the_same(tmp_path):
    src = series_csv(tmp_path)
    prefix = write(tmp_path / "prefix.csv", "\n".join(src.read_text().splitlines()[:301]) + "\n")
    call_command("detect_anomalies", "--csv", str(src), "--out", str(tmp_path / "a.csv"))
    call_command("detect_anomalies", "--csv", str(prefix), "--out", str(tmp_path / "b.csv"))
    whole, part = read(tmp_path / "a.csv")[:300], read(tmp_path / "b.csv")
    assert [r["anomaly_score"] for r in whole] == [r["anomaly_score"] for r in part]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("time,val\n1,2\n", "the header must have 'timestamp' and 'value' columns"),
        ("timestamp,value\n", "no data rows"),
        ("timestamp,value\n1700000000,abc\n", "line 2: value 'abc' is not a number"),
        ("timestamp,value\nyesterday,1\n", "line 2: 'yesterday' is not a timestamp"),
        ("timestamp,value\n1700000000,nan\n", "line 2: value 'nan' is not a finite number"),
        (
            "timestamp,value\n1700000060,1\n1700000000,2\n",
            "line 3: timestamps must be in increasing order",
        ),
        ("timestamp,value\n1700000000\n", "line 2: missing value"),
    ],
)
def test_it_explains_a_bad_csv(tmp_path, text, message):
    src = write(tmp_path / "bad.csv", text)
    with pytest.raises(CommandError, match=message):
        call_command("detect_anomalies", "--csv", str(src), "--out", str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_it_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "detect_anomalies",
            "--csv",
            str(tmp_path / "nope.csv"),
            "--out",
            str(tmp_path / "o.csv"),
        )
