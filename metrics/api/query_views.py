"""Query endpoints: bucketed points (JSON or CSV), the series list, trends."""

from __future__ import annotations

import csv

import orjson
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpResponse, StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.api.pagination import OneQueryPaginator
from metrics.api.renderers import OrjsonRenderer
from metrics.api.schema import TRENDS
from metrics.api.serializers import SERIES_FIELDS, SeriesSerializer, iso_us, series_rows
from metrics.filters import SeriesFilter
from metrics.models import Series
from metrics.query.json_points import matching_series, series_json
from metrics.query.params import SeriesQuerySerializer, label_filters, now_us
from metrics.query.trends import TrendsQuerySerializer, trends
from metrics.selectors import TooManySeries, points_query, series_for_query


def _params(request, serializer_class):
    serializer = serializer_class(data=request.query_params, context={"now_us": now_us()})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def query_points(request) -> HttpResponse | StreamingHttpResponse:
    """GET /api/v1/metrics/: ``{"series": [{"id","name","host","labels","points"}]}``."""
    p = _params(request, SeriesQuerySerializer)
    filters = {
        "name": p.get("name"),
        "host": p.get("host"),
        "labels": label_filters(request.query_params),
        "ids": p.get("series"),
    }
    window = {"start_us": p["start"], "end_us": p["end"], "step_us": p["step_us"], "agg": p["agg"]}
    try:
        if p["format"] == "csv":
            return _csv(points_query(series=series_for_query(**filters), **window))
        result = series_json(rows=matching_series(**filters), **window)
    except TooManySeries as exc:
        return HttpResponse(
            orjson.dumps({"name": [str(exc)]}), status=400, content_type="application/json"
        )
    body = {
        "series": result,
        "step": p["step_us"] / 1e6,
        "start": p["start"] / 1e6,
        "end": p["end"] / 1e6,
    }
    return HttpResponse(orjson.dumps(body), content_type="application/json")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(result: list[dict]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["series_id", "name", "host", "labels", "timestamp", "value"])
        for s in result:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s["labels"].items()))
            for ts, value in s["points"]:
                yield writer.writerow(
                    [s["id"], s["name"], s["host"], labels, iso_us(int(ts * 1e6)), value]
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="hydra-metrics.csv"'
    return response


class SeriesPagination(PageNumberPagination):
    django_paginator_class = OneQueryPaginator
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 5_000


class SeriesViewSet(viewsets.ReadOnlyModelViewSet):
    """Series with their latest value. Filters: name, host, search, ``label.<k>=<v>``;
    ``page_size`` up to 5,000."""

    serializer_class = SeriesSerializer
    queryset = Series.objects.with_latest().order_by("name", "host", "id")
    filter_backends = [DjangoFilterBackend]
    filterset_class = SeriesFilter
    pagination_class = SeriesPagination
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    def list(self, request, *args, **kwargs) -> Response:
        """Rows straight from ``values()``: the latest values of 1,000 series in one query."""
        latest = Series.objects.latest_columns()
        ordered = Series.objects.with_latest_pair().order_by("name", "host", "id")
        fields = [Cast(f, TextField()) if f == "labels" else f for f in SERIES_FIELDS]
        rows = self.filter_queryset(ordered).values_list(*fields, *latest)
        page = self.paginate_queryset(rows) or []
        return self.get_paginated_response(series_rows(page, pair=latest == ("last_pair",)))


class TrendsApi(APIView):  # one object, not a list (the schema said an array)
    """Min, max, avg, p95, stddev, slope per hour and change vs the previous equal range."""

    required_perms = {"GET": "metrics.view_series"}

    @extend_schema(parameters=[TrendsQuerySerializer], responses={200: TRENDS})
    def get(self, request) -> Response:
        p = _params(request, TrendsQuerySerializer)
        series = series_for_query(
            name=p.get("name"), host=p.get("host"), labels=label_filters(request.query_params)
        )
        try:
            return Response({"series": trends(series=series, start_us=p["start"], end_us=p["end"])})
        except TooManySeries as exc:
            return Response({"name": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
