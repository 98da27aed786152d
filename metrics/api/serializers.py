from datetime import UTC, datetime

from rest_framework import serializers

from metrics.models import Series


def iso_us(ts_us: int | None) -> str | None:
    if ts_us is None:
        return None
    return datetime.fromtimestamp(ts_us / 1e6, tz=UTC).isoformat().replace("+00:00", "Z")


SERIES_FIELDS = (
    "id",
    "name",
    "host",
    "labels",
    "unit",
    "description",
    "last_ts",
    "last_value",
    "watch",
)


def series_row(row: dict) -> dict:
    """A ``values()`` row in the API's shape (what SeriesSerializer gives, without its cost)."""
    last = row["last_ts"]
    return {**row, "last_ts": iso_us(last), "last_epoch": None if last is None else last / 1e6}


class SeriesSerializer(serializers.ModelSerializer):
    last_ts = serializers.SerializerMethodField(help_text="RFC 3339")
    last_epoch = serializers.SerializerMethodField(help_text="epoch seconds")

    class Meta:
        model = Series
        fields = [
            "id",
            "name",
            "host",
            "labels",
            "unit",
            "description",
            "last_ts",
            "last_epoch",
            "last_value",
            "watch",
        ]
        read_only_fields = fields

    def get_last_ts(self, obj: Series) -> str | None:
        return iso_us(obj.last_ts)

    def get_last_epoch(self, obj: Series) -> float | None:
        return None if obj.last_ts is None else obj.last_ts / 1e6
