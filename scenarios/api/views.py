"""The scenarios API: scenarios CRUD, generate, run, runs and stop, training."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from scenarios import selectors, services
from scenarios.api.serializers import (
    RunSerializer,
    ScenarioGenerateSerializer,
    ScenarioSerializer,
    TrainingSessionSerializer,
    TrainingStartSerializer,
    safety_error,
)
from scenarios.filters import RunFilter, ScenarioFilter
from scenarios.models import Scenario, ScenarioRun, TrainingSession


class ScenarioViewSet(viewsets.ModelViewSet):
    """``/api/v1/scenarios/``: load-test scenarios (spec validated, allow-listed, capped)."""

    serializer_class = ScenarioSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ScenarioFilter

    def get_queryset(self):
        return selectors.scenario_list()


class ScenarioGenerateApi(APIView):
    """``POST /api/v1/scenarios/generate {"type"?, "difficulty", "target_url"}`` (201)."""

    required_perms = {"POST": "scenarios.add_scenario"}

    @extend_schema(request=ScenarioGenerateSerializer, responses={201: ScenarioSerializer})
    def post(self, request):
        body = ScenarioGenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            scenario = services.scenario_generate(
                kind=data.get("type"), difficulty=data["difficulty"],
                target_url=data["target_url"], user=request.user,
            )  # fmt: skip
        except services.SafetyError as exc:
            raise safety_error(exc) from None
        return Response(ScenarioSerializer(scenario).data, status=status.HTTP_201_CREATED)


class ScenarioRunApi(APIView):
    """``POST /api/v1/scenarios/{id}/run``: queue a run on the ``scenarios`` queue (202)."""

    required_perms = {"POST": "scenarios.run_scenario"}

    @extend_schema(request=None, responses={202: RunSerializer})
    def post(self, request, pk: int):
        scenario = get_object_or_404(Scenario, pk=pk)
        try:
            run = services.run_request(scenario=scenario, user=request.user)
        except services.SafetyError as exc:
            raise safety_error(exc) from None
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    """``/api/v1/runs/``: runs with status, live state and summary; ``?start=&end=``
    selects the runs overlapping a time range (charts shade them)."""

    serializer_class = RunSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RunFilter

    def get_queryset(self):
        return selectors.run_list()


class RunStopApi(APIView):
    """``POST /api/v1/runs/{id}/stop``: cancel a queued run or stop a running one."""

    required_perms = {"POST": "scenarios.run_scenario"}

    @extend_schema(request=None, responses={202: RunSerializer})
    def post(self, request, pk: int):
        run = get_object_or_404(ScenarioRun, pk=pk)
        if not run.active:
            message = f"Run {run.pk} is already {run.status}."
            return Response({"detail": message}, status=status.HTTP_409_CONFLICT)
        run = services.run_cancel(run=run)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class TrainingStartApi(APIView):
    """``POST /api/v1/training/start {"target_url", "slo", "max_rps", ...}`` (202)."""

    required_perms = {"POST": "scenarios.run_training"}

    @extend_schema(request=TrainingStartSerializer, responses={202: TrainingSessionSerializer})
    def post(self, request):
        body = TrainingStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            session = services.training_start(user=request.user, **body.validated_data)
        except services.SafetyError as exc:
            raise safety_error(exc) from None
        except services.TrainingBusy as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(TrainingSessionSerializer(session).data, status=status.HTTP_202_ACCEPTED)


class TrainingStopApi(APIView):
    """``POST /api/v1/training/stop``: stop the running session."""

    required_perms = {"POST": "scenarios.run_training"}

    @extend_schema(request=None, responses={202: TrainingSessionSerializer})
    def post(self, request):
        session = services.training_stop()
        if session is None:
            return Response({"detail": "No training session is running."}, status=409)
        return Response(TrainingSessionSerializer(session).data, status=status.HTTP_202_ACCEPTED)


class TrainingStatusApi(APIView):
    """``GET /api/v1/training/status``: the running session, else the latest (with steps)."""

    required_perms = {"GET": "scenarios.view_trainingsession"}

    @extend_schema(responses={200: TrainingSessionSerializer})
    def get(self, request):
        session = selectors.training_current()
        if session is None:
            return Response({"detail": "No training session yet."}, status=404)
        return Response(TrainingSessionSerializer(session).data)


class TrainingSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """``/api/v1/training/sessions/``: every session (capacity over releases)."""

    serializer_class = TrainingSessionSerializer
    queryset = TrainingSession.objects.order_by("-id")
