"""The metrics API: ``/api/v1/metrics/`` (GET query, POST ingest), series, trends, writes."""

from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from metrics.api.ingest_views import LineProtocolWriteApi, ingest_json
from metrics.api.query_views import SeriesViewSet, TrendsApi, query_points
from metrics.api.schema import ACCEPTED, INGEST_ERRORS, JSON_BODY, POINTS, TOO_LARGE, WRONG_TYPE
from metrics.query.params import SeriesQuerySerializer

__all__ = ["LineProtocolWriteApi", "MetricsApi", "SeriesViewSet", "TrendsApi"]


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """``?format=csv`` is this endpoint's own parameter, not DRF's renderer override."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class MetricsApi(APIView):
    """GET: bucketed points of the matching series. POST: ingest (three JSON shapes, gzip ok)."""

    content_negotiation_class = JsonOnlyNegotiation
    required_perms = {"GET": "metrics.view_series", "POST": "metrics.add_point"}

    @extend_schema(parameters=[SeriesQuerySerializer], responses={200: POINTS})
    def get(self, request, *args, **kwargs):
        return query_points(request)

    @extend_schema(
        request=JSON_BODY,
        responses={201: ACCEPTED, 400: INGEST_ERRORS, 413: TOO_LARGE, 415: WRONG_TYPE},
    )
    def post(self, request, *args, **kwargs):
        return ingest_json(request)
