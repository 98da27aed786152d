"""OpenAPI shapes of the metrics endpoints that answer without a serializer (speed)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

_IDENTITY: dict[str, serializers.Field] = {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "host": serializers.CharField(),
    "labels": serializers.DictField(child=serializers.CharField()),
}
POINTS = inline_serializer(
    "MetricsQueryResult",
    {
        "series": inline_serializer(
            "MetricsQuerySeries",
            {
                **_IDENTITY,
                "points": serializers.ListField(
                    child=serializers.ListField(child=serializers.FloatField()),
                    help_text="[[epoch seconds, value], ...]",
                ),
            },
            many=True,
        ),
        "step": serializers.FloatField(help_text="seconds (fractional when asked so)"),
        "start": serializers.FloatField(help_text="epoch seconds"),
        "end": serializers.FloatField(help_text="epoch seconds"),
    },
)
TRENDS = inline_serializer(
    "TrendsResult",
    {
        "series": inline_serializer(
            "TrendsSeries",
            {
                **_IDENTITY,
                "stats": serializers.DictField(help_text="min, max, avg, p95, stddev, slope"),
                "previous": serializers.DictField(help_text="the same over the previous range"),
                "change": serializers.DictField(),
            },
            many=True,
        )
    },
)
ACCEPTED = inline_serializer("IngestAccepted", {"accepted": serializers.IntegerField()})
INGEST_ERRORS = OpenApiResponse(
    inline_serializer(
        "IngestErrors",
        {
            "errors": serializers.ListField(
                child=serializers.DictField(), help_text="[{index, field, message}, ...]"
            ),
            "error_count": serializers.IntegerField(),
            "message": serializers.CharField(help_text="the first error"),
        },
    ),
    description="Invalid points: nothing was written.",
)
TOO_LARGE = OpenApiResponse(description="Over HYDRA_INGEST_MAX_BYTES or _MAX_POINTS.")
WRONG_TYPE = OpenApiResponse(description="A body that isn't JSON, or an unknown encoding.")
JSON_BODY = {"application/json": OpenApiTypes.OBJECT}
