"""OTLP metrics -> a ``Batch`` of Prometheus-style series (rules in README "Prometheus and
OpenTelemetry"; attributes in ``prom.otlp.attributes``).

- The metric name is kept (dots are native in Hydra); characters outside
  ``[a-zA-Z0-9_:.]`` become ``_``.
- Gauge -> a gauge series. Sum -> a counter series when monotonic, else a gauge; a delta
  Sum is made cumulative per series (``prom.otlp.delta``).
- Histogram -> ``<name>_bucket{le=…}`` (cumulative, ``le="+Inf"`` = count), ``<name>_sum``,
  ``<name>_count``, so ``histogram_quantile`` works; delta histograms are made cumulative.
- Summary -> ``<name>{quantile=…}``, ``<name>_sum``, ``<name>_count``.
- A point flagged "no recorded value" is a staleness marker.
- Exponential histograms, and sums without a temporality, are refused in the answer's
  ``partial_success`` (the rest of the request is stored).
- Refused as a whole (400): invalid names, too many labels, a timestamp outside the
  accepted window.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from metrics.ingest import Batch, IngestError, PointError, SeriesMeta
from metrics.ingest.rules import RuleError, Window
from prom.labels import LabelError, series_key
from prom.otlp.attributes import labels_of, resource_labels
from prom.otlp.delta import accumulate

DELTA, CUMULATIVE = 1, 2
NO_RECORDED_VALUE = 1
INVALID_NAME_CHARS = re.compile(r"[^a-zA-Z0-9_:.]")


def bound(value: float) -> str:
    """A bucket bound or quantile as Prometheus writes it: ``1``, ``0.005``, ``+Inf``."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


@dataclass
class Mapped:
    """The batch to store, plus what was refused (for ``partial_success``)."""

    batch: Batch = field(default_factory=Batch)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)
    deltas: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    errors: list[PointError] = field(default_factory=list)

    def reject(self, count: int, reason: str) -> None:
        self.rejected += count
        if reason not in self.reasons:
            self.reasons.append(reason)


class Mapper:
    """Walks one ``ExportMetricsServiceRequest``."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.out = Mapped()

    def run(self, request) -> Mapped:
        for resource_metrics in request.resource_metrics:
            host, base = resource_labels(resource_metrics.resource.attributes)
            for scope in resource_metrics.scope_metrics:
                for metric in scope.metrics:
                    self._metric(metric, host, base)
        if self.out.errors:
            raise IngestError(self.out.errors)
        accumulate(self.out)
        return self.out

    def _metric(self, metric, host: str, base: dict[str, str]) -> None:
        name = INVALID_NAME_CHARS.sub("_", metric.name)
        kind = metric.WhichOneof("data")
        meta = (metric.description, metric.unit[:32])
        if kind == "gauge":
            self._numbers(name, host, base, metric.gauge.data_points, False, ("gauge", *meta))
        elif kind == "sum":
            self._sum(name, host, base, metric.sum, meta)
        elif kind == "histogram":
            self._histogram(name, host, base, metric.histogram, meta)
        elif kind == "summary":
            self._summary(name, host, base, metric.summary.data_points, meta)
        elif kind == "exponential_histogram":
            self.out.reject(
                len(metric.exponential_histogram.data_points),
                f"exponential histograms are not supported ({metric.name}): use the SDK's "
                "explicit bucket histogram aggregation",
            )

    def _sum(self, name: str, host: str, base, data, meta) -> None:
        if data.aggregation_temporality not in (DELTA, CUMULATIVE):
            self.out.reject(len(data.data_points), f"sum {name} has no aggregation temporality")
            return
        kind = "counter" if data.is_monotonic else "gauge"
        delta = data.aggregation_temporality == DELTA
        self._numbers(name, host, base, data.data_points, delta, (kind, *meta))

    def _numbers(self, name, host, base, points, delta: bool, meta) -> None:
        self._meta(meta, name)
        for point in points:
            position, ts = self._where(name, host, base, point)
            if position is None:
                continue
            if point.flags & NO_RECORDED_VALUE:
                self._stale(position, ts)
                continue
            value = point.as_double if point.WhichOneof("value") == "as_double" else point.as_int
            self._add(position, ts, float(value), delta)

    def _histogram(self, name: str, host: str, base, data, meta) -> None:
        delta = data.aggregation_temporality == DELTA
        self._meta(("histogram", *meta), f"{name}_bucket", f"{name}_sum", f"{name}_count")
        for point in data.data_points:
            series: list[tuple[str, dict[str, str], float]] = [
                (f"{name}_count", {}, float(point.count))
            ]
            if point.HasField("sum"):
                series.append((f"{name}_sum", {}, point.sum))
            cumulative = 0
            for upper, count in zip(point.explicit_bounds, point.bucket_counts, strict=False):
                cumulative += count
                series.append((f"{name}_bucket", {"le": bound(upper)}, float(cumulative)))
            series.append((f"{name}_bucket", {"le": "+Inf"}, float(point.count)))
            self._points(series, host, base, point, delta)

    def _summary(self, name: str, host: str, base, points, meta) -> None:
        self._meta(("summary", *meta), name, f"{name}_sum", f"{name}_count")
        for point in points:
            series: list[tuple[str, dict[str, str], float]] = [
                (f"{name}_count", {}, float(point.count)),
                (f"{name}_sum", {}, point.sum),
            ]
            series += [
                (name, {"quantile": bound(q.quantile)}, q.value) for q in point.quantile_values
            ]
            self._points(series, host, base, point, False)

    def _points(self, series, host: str, base, point, delta: bool) -> None:
        for series_name, extra, value in series:
            position, ts = self._where(series_name, host, base, point, extra)
            if position is None:
                continue
            if point.flags & NO_RECORDED_VALUE:
                self._stale(position, ts)
            else:
                self._add(position, ts, value, delta)

    def _where(self, name, host, base, point, extra=None) -> tuple[int | None, int]:
        """The batch position of the point's series and its timestamp (µs), or (None, 0)
        after recording an error."""
        labels = {**base, **labels_of(point.attributes), **(extra or {})}
        try:
            key, _ = series_key([("__name__", name), *labels.items()], derive=False)
            ts = self.window.check(point.time_unix_nano // 1000)
        except (LabelError, RuleError) as exc:
            if len(self.out.errors) < IngestError.MAX_LISTED:
                self.out.errors.append({"index": 0, "field": name, "message": str(exc)})
            return None, 0
        if host:
            key = (key[0], host[:200], key[2])
        return self.out.batch.series_position(key), ts

    def _add(self, position: int, ts: int, value: float, delta: bool) -> None:
        if delta:
            self.out.deltas.setdefault(position, []).append((ts, value))
        else:
            self.out.batch.add(position, ts, value)

    def _stale(self, position: int, ts: int) -> None:
        self.out.batch.stale_index.append(position)
        self.out.batch.stale_ts.append(ts)

    def _meta(self, meta: tuple[str, str, str], *names: str) -> None:
        kind, text, unit = meta
        for name in names:
            self.out.batch.meta[name] = SeriesMeta(kind, text, unit)
