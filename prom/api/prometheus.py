"""The Prometheus HTTP API under ``/prometheus`` (Grafana's data source URL:
``http://HOST/prometheus``): query, query_range, series, labels, label values, metadata,
buildinfo, exemplars (none) and format_query, answering as Prometheus 2.42 does."""

from __future__ import annotations

import re
import time

import promql_parser
from django.http import HttpResponse

from prom import selectors
from prom.api.prometheus_http import Params, PrometheusApi, success, success_data
from prom.promql import BadDataError, parse
from prom.queries import promql_instant, promql_range

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
BUILD_INFO = {  # Grafana reads the version to pick its query features
    "version": "2.42.0",
    "revision": "hydra",
    "branch": "hydra",
    "buildUser": "hydra",
    "buildDate": "20261204-00:00:00",
    "goVersion": "go1.19",
}
META_PERMS = {"GET": "metrics.view_series", "POST": "metrics.view_series"}


def now_ms() -> int:
    return int(time.time() * 1000)


class QueryApi(PrometheusApi):
    """``query``, ``time`` (default now), ``timeout``: an instant query."""

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        at = params.time("time", default=now_ms())
        timeout = params.timeout_s()
        result = promql_instant(query=params.get("query"), time_ms=at, timeout_s=timeout)
        return success(result.json())


class QueryRangeApi(PrometheusApi):
    """``query``, ``start``, ``end``, ``step``, ``timeout``: a range query."""

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        start, end = params.time("start"), params.time("end")
        step = params.duration_ms("step")
        result = promql_range(
            query=params.get("query"),
            start_ms=start,
            end_ms=end,
            step_ms=step,
            timeout_s=params.timeout_s(),
        )
        return success(result.json())


def _range(params: Params) -> dict:
    return {"start_ms": params.optional_time("start"), "end_ms": params.optional_time("end")}


class SeriesApi(PrometheusApi):
    """``match[]`` (one or more), ``start``, ``end``: the matching series' label sets."""

    required_perms = META_PERMS

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        if not params.all("match[]"):
            raise BadDataError("no match[] parameter provided")
        found = selectors.series_labels(selectors=params.selectors(), **_range(params))
        return success_data(found)


class LabelsApi(PrometheusApi):
    """``match[]`` (optional), ``start``, ``end``: label names, sorted."""

    required_perms = META_PERMS

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        chosen = params.selectors() or selectors.ALL
        return success_data(selectors.label_names(selectors=chosen, **_range(params)))


class LabelValuesApi(PrometheusApi):
    """``/label/<name>/values`` with optional ``match[]``, ``start``, ``end``."""

    required_perms = META_PERMS

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        name = kwargs["name"]
        if not LABEL_NAME.match(name):
            raise BadDataError(f'invalid label name: "{name}"')
        chosen = params.selectors() or selectors.ALL
        found = selectors.label_values(name=name, selectors=chosen, **_range(params))
        return success_data(found)


class MetadataApi(PrometheusApi):
    """``metric``, ``limit``: type, help and unit per metric family."""

    required_perms = META_PERMS

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        text = params.get("limit")
        try:
            limit = int(text) if text else -1
        except ValueError:
            raise BadDataError("limit must be a number") from None
        return success_data(selectors.metric_metadata(metric=params.get("metric"), limit=limit))


class BuildInfoApi(PrometheusApi):
    required_perms = META_PERMS

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        return success_data(BUILD_INFO)


class ExemplarsApi(PrometheusApi):
    """Hydra keeps no exemplars: always an empty list (after checking the query)."""

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        parse(params.get("query"))
        return success_data([])


class FormatQueryApi(PrometheusApi):
    """``query``: the expression pretty-printed."""

    required_perms = META_PERMS

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        query = params.get("query")
        parse(query)  # Prometheus's errors, and the engine's refusals
        return success_data(promql_parser.parse(query).prettify())
