"""``GET /api/v1/histogram-quantiles/?series=<bucket ids>&start=&end=&step=`` (or
``name=<metric>_bucket&host=&label.<k>=<v>`` instead of ``series``): the p50/p90/p99 of a
classic histogram, or of several of one metric summed by ``le``, over time, in the shape of
``/api/v1/metrics/`` (charts.js draws it with ``data-source="histogram"``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards.histograms import MAX_BUCKETS, histogram_quantiles
from metrics.query.params import US, SeriesQuerySerializer, label_filters, now_us
from metrics.selectors import series_matching


class HistogramQuerySerializer(SeriesQuerySerializer):
    """The bucket series: ``series`` ids, or a ``name`` (``host``, ``label.<k>`` from the
    context's ``labels``) selecting them."""

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        ids = attrs.get("series") or []
        field = "series" if ids else "name"
        selected = series_matching(
            ids=ids, name=attrs.get("name"), host=attrs.get("host"), labels=self.context["labels"]
        )
        found = list(selected[: MAX_BUCKETS + 1])
        if len(found) > MAX_BUCKETS or len(set(ids)) > MAX_BUCKETS:
            raise serializers.ValidationError({field: f"at most {MAX_BUCKETS} bucket series"})
        if ids and len(found) != len(set(ids)):
            raise serializers.ValidationError({field: "unknown series id"})
        if not found:
            raise serializers.ValidationError({field: "no series match"})
        if len({s.name for s in found}) != 1 or any(
            not s.name.endswith("_bucket") or "le" not in s.labels for s in found
        ):
            raise serializers.ValidationError(
                {field: "series must be _bucket series (with le) of one metric's histograms"}
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
        context = {"now_us": now_us(), "labels": label_filters(request.query_params)}
        query = HistogramQuerySerializer(data=request.query_params, context=context)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        series = histogram_quantiles(
            series=data["found"],
            start_us=data["start"],
            end_us=data["end"],
            step_s=data["step_us"] / US,
        )
        return Response({"series": series, "step": data["step_us"] / US})
