"""The metrics API: ``/api/v1/metrics/`` (GET query, POST ingest), series, trends, writes."""

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from metrics.api.ingest_views import LineProtocolWriteApi, ingest_json
from metrics.api.query_views import SeriesViewSet, TrendsApi, query_points
from metrics.query.params import SeriesQuerySerializer

__all__ = ["LineProtocolWriteApi", "MetricsApi", "SeriesViewSet", "TrendsApi"]


class MetricsApi(APIView):
    """GET: bucketed points of the matching series. POST: ingest (three JSON shapes, gzip ok)."""

    @extend_schema(parameters=[SeriesQuerySerializer])
    def get(self, request, *args, **kwargs):
        return query_points(request)

    @extend_schema(request=dict, responses={201: dict})
    def post(self, request, *args, **kwargs):
        return ingest_json(request)
