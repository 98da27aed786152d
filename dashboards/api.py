"""``GET /api/v1/histogram-quantiles/?series=<bucket ids>&start=&end=&step=``: one classic
histogram's p50/p90/p99 over time, in the shape of ``/api/v1/metrics/`` (charts.js draws
it with ``data-source="histogram"``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards.histograms import MAX_BUCKETS, histogram_quantiles
from metrics.models import Series
from metrics.query.params import US, SeriesQuerySerializer, now_us


class HistogramQuerySerializer(SeriesQuerySerializer):
    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        ids = attrs.get("series") or []
        if not ids:
            raise serializers.ValidationError({"series": "give the histogram's bucket series"})
        if len(ids) > MAX_BUCKETS:
            raise serializers.ValidationError({"series": f"at most {MAX_BUCKETS} bucket series"})
        found = list(Series.objects.filter(pk__in=ids))
        if len(found) != len(set(ids)):
            raise serializers.ValidationError({"series": "unknown series id"})
        keys = {(s.name, s.host, tuple(sorted(s.labels.items() - {("le", s.labels.get("le"))})))
                for s in found}  # fmt: skip
        if any(not s.name.endswith("_bucket") or "le" not in s.labels for s in found) or (
            len(keys) != 1
        ):
            raise serializers.ValidationError(
                {"series": "series must be the _bucket series (with le) of one histogram"}
            )
        attrs["found"] = found
        return attrs


class HistogramQuantilesApi(APIView):
    required_perms = {"GET": "metrics.view_series"}

    @extend_schema(
        parameters=[HistogramQuerySerializer],
        responses={
            200: inline_serializer(
                name="HistogramQuantiles",
                fields={
                    "series": serializers.ListField(child=serializers.DictField()),
                    "step": serializers.FloatField(),
                },
            )
        },
    )
    def get(self, request):
        query = HistogramQuerySerializer(data=request.query_params, context={"now_us": now_us()})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        series = histogram_quantiles(
            series=data["found"],
            start_us=data["start"],
            end_us=data["end"],
            step_s=data["step_us"] / US,
        )
        return Response({"series": series, "step": data["step_us"] / US})
