"""The forecasting API: configs CRUD, the latest prediction, and "forecast now"."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasting import selectors, services
from forecasting.api.serializers import (
    ForecastConfigSerializer,
    PredictionQuerySerializer,
    PredictionRunSerializer,
    PredictionSerializer,
)
from forecasting.models import ForecastConfig
from metrics.models import Series


class ForecastConfigViewSet(viewsets.ModelViewSet):
    """``/api/v1/forecast-configs/``: per-series or per-selector forecast settings."""

    serializer_class = ForecastConfigSerializer
    queryset = ForecastConfig.objects.order_by("id")


def _series_from(query: dict) -> Series | None:
    if "series" in query:
        return Series.objects.filter(pk=query["series"]).first()
    return Series.objects.filter(name=query["name"], host=query["host"]).order_by("id").first()


class PredictionApi(APIView):
    """``GET /api/v1/predictions/?series=<id>`` or ``?name=&host=``: the latest forecast."""

    required_perms = {"GET": "forecasting.view_forecast"}

    @extend_schema(parameters=[PredictionQuerySerializer], responses={200: PredictionSerializer})
    def get(self, request):
        query = PredictionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        series = _series_from(query.validated_data)
        if series is None:
            return Response({"detail": "No such series."}, status=status.HTTP_404_NOT_FOUND)
        forecast = selectors.latest_forecast(series)
        if forecast is None:
            message = f"No forecast for series {series.pk} yet: POST /api/v1/predictions/run."
            return Response({"detail": message}, status=status.HTTP_404_NOT_FOUND)
        return Response(PredictionSerializer(forecast).data)


class PredictionRunApi(APIView):
    """``POST /api/v1/predictions/run {"series": id, ...overrides}``: forecast it now (202)."""

    required_perms = {"POST": "forecasting.run_forecast"}

    @extend_schema(request=PredictionRunSerializer, responses={202: None})
    def post(self, request):
        body = PredictionRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        series = get_object_or_404(Series, pk=data.pop("series"))
        try:
            spec = services.forecast_request(series=series, overrides=data)
        except ValueError as exc:
            raise serializers.ValidationError({"detail": str(exc)}) from None
        body_out = {"series": series.pk, "queued": True, "settings": spec.as_dict()}
        return Response(body_out, status=status.HTTP_202_ACCEPTED)
