from datetime import UTC, datetime, timedelta

import numpy as np
import orjson
from rest_framework import serializers

from metrics.models import Series

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso_us(ts_us: int | None) -> str | None:
    """RFC 3339 in UTC, exact to the microsecond (fraction left out when zero)."""
    if ts_us is None:
        return None
    return (EPOCH + timedelta(microseconds=ts_us)).isoformat().replace("+00:00", "Z")


def iso_us_many(values: list[int | None]) -> list[str | None]:
    """``iso_us`` of many timestamps at once (numpy formats them: ~20x faster)."""
    known = [v for v in values if v is not None]
    texts = np.datetime_as_string(np.array(known, dtype="datetime64[us]"), unit="us").tolist()
    formatted = iter(t[:-7] + "Z" if t.endswith(".000000") else t + "Z" for t in texts)
    return [None if v is None else next(formatted) for v in values]


SERIES_FIELDS = ("id", "name", "host", "labels", "type", "unit", "help", "watch")
N_FIELDS = len(SERIES_FIELDS)


def _unpair(row: tuple) -> tuple:
    pair = row[N_FIELDS]
    return row[:N_FIELDS] + ((int(pair[0]), pair[1]) if pair else (None, None))


def series_rows(rows: list[tuple], *, pair: bool) -> list[dict]:
    """``values_list(*SERIES_FIELDS, *latest_columns())`` rows (labels as JSON text; a last
    column, the page's total, is ignored) in the API's shape: what SeriesSerializer gives,
    without its cost. The latest point is one ``[ts, value]`` column when ``pair``."""
    rows = [_unpair(r) if pair else r[: N_FIELDS + 2] for r in rows]
    stamps = iso_us_many([r[N_FIELDS] for r in rows])
    return [
        {
            "id": sid,
            "name": name,
            "host": host,
            "labels": orjson.Fragment(labels),  # already JSON: passed through
            "type": kind,
            "unit": unit,
            "help": help_text,
            "description": help_text,  # the name before issue 15
            "last_ts": stamp,
            "last_value": value,
            "watch": watch,
            "last_epoch": None if last is None else last / 1e6,
        }
        for (sid, name, host, labels, kind, unit, help_text, watch, last, value), stamp in zip(
            rows, stamps, strict=True
        )
    ]


class SeriesSerializer(serializers.ModelSerializer):
    last_ts = serializers.SerializerMethodField(help_text="RFC 3339")
    last_epoch = serializers.SerializerMethodField(help_text="epoch seconds")
    last_value = serializers.FloatField(read_only=True, allow_null=True)
    description = serializers.CharField(
        source="help", read_only=True, help_text="the same as help (its name before issue 15)"
    )

    class Meta:
        model = Series
        fields = [
            "id",
            "name",
            "host",
            "labels",
            "type",
            "unit",
            "help",
            "description",
            "last_ts",
            "last_epoch",
            "last_value",
            "watch",
        ]
        read_only_fields = fields

    def get_last_ts(self, obj: Series) -> str | None:
        return iso_us(obj.last_ts)  # type: ignore[attr-defined]  # with_latest()

    def get_last_epoch(self, obj: Series) -> float | None:
        last = obj.last_ts  # type: ignore[attr-defined]
        return None if last is None else last / 1e6
