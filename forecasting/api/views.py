"""The forecasting API: configs CRUD, the latest prediction, and "forecast now"."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from forecasting import selectors, services
from forecasting.api.serializers import (
    ForecastConfigSerializer,
    ForecastRunSerializer,
    PredictionMissingSerializer,
    PredictionQuerySerializer,
    PredictionQueuedSerializer,
    PredictionRunSerializer,
    PredictionSerializer,
)
from forecasting.models import Forecast, ForecastConfig
from metrics.models import Series


class ForecastConfigViewSet(viewsets.ModelViewSet):
    """``/api/v1/forecast-configs/``: per-series or per-selector forecast settings."""

    serializer_class = ForecastConfigSerializer
    queryset = ForecastConfig.objects.order_by("id")


def _series_from(query: dict) -> Series | None:
    if "series" in query:
        return Series.objects.filter(pk=query["series"]).first()
    return Series.objects.filter(name=query["name"], host=query["host"]).order_by("id").first()


def _missing_detail(series: Series, run: Forecast | None) -> str:
    """Why there is no forecast of ``series`` to show, and what to do."""
    if run is None:
        return f"No forecast for series {series.pk} yet: POST /api/v1/predictions/run."
    if run.status == Forecast.Status.ERROR:
        return f"No forecast for series {series.pk}: its last run failed: {run.error}"
    return f"No forecast for series {series.pk} yet: a run is {run.status}; ask again shortly."


def _breach(forecast: Forecast, query: dict) -> dict:
    at = services.forecast_time_to_breach(
        forecast=forecast,
        threshold=query["threshold"],
        direction=query["direction"],
        bound=query["bound"],
    )
    seconds = None if at is None else round((at - timezone.now()).total_seconds(), 3)
    return {
        "threshold": query["threshold"],
        "direction": query["direction"],
        "bound": query["bound"],
        "at": at.isoformat().replace("+00:00", "Z") if at else None,
        "in_seconds": seconds,
    }


class PredictionApi(APIView):
    """``GET /api/v1/predictions/?series=<id>`` or ``?name=&host=``: the latest forecast, the
    newest run (queued, running, ok or failed with its reason) and, with ``threshold``, when
    the forecast first crosses it."""

    required_perms = {"GET": "forecasting.view_forecast"}

    @extend_schema(
        parameters=[PredictionQuerySerializer],
        responses={200: PredictionSerializer, 404: PredictionMissingSerializer},
    )
    def get(self, request):
        query = PredictionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        series = _series_from(query.validated_data)
        if series is None:
            return Response({"detail": "No such series."}, status=status.HTTP_404_NOT_FOUND)
        forecast, run = selectors.latest_forecast(series), selectors.latest_run(series=series)
        last_run = ForecastRunSerializer(run).data if run else None
        if forecast is None:
            body = {"detail": _missing_detail(series, run), "last_run": last_run}
            return Response(body, status=status.HTTP_404_NOT_FOUND)
        data = {**PredictionSerializer(forecast).data, "last_run": last_run}
        if "threshold" in query.validated_data:
            data["breach"] = _breach(forecast, query.validated_data)
        return Response(data)


class PredictionRunApi(APIView):
    """``POST /api/v1/predictions/run {"series": id, ...overrides}``: forecast it now (202);
    the answer names the queued run, which ``GET /api/v1/predictions/`` reports."""

    required_perms = {"POST": "forecasting.run_forecast"}

    @extend_schema(request=PredictionRunSerializer, responses={202: PredictionQueuedSerializer})
    def post(self, request):
        body = PredictionRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        series = get_object_or_404(Series, pk=data.pop("series"))
        try:
            spec, run = services.forecast_request(series=series, overrides=data)
        except ValueError as exc:
            raise serializers.ValidationError({"detail": str(exc)}) from None
        body_out = {
            "series": series.pk,
            "queued": True,
            "run": ForecastRunSerializer(run).data,
            "settings": spec.as_dict(),
        }
        return Response(body_out, status=status.HTTP_202_ACCEPTED)
