"""Classic histograms (``<name>_bucket`` series with an ``le`` label, from Prometheus
scrapes, remote write or OTLP) shown as percentiles: ``histogram_quantile(q, sum by (le)
(rate(<name>_bucket[w])))`` run by Hydra's PromQL engine (``prom.promql``) over the raw
points of the bucket series, for p50, p90 and p99. The bucket series of several histograms
of one metric (other hosts or labels) are summed by ``le``, as Grafana's usual query does.

A selection (explore's, a dashboard panel's) is drawn this way when it holds only a
metric's bucket series (``histograms_in``)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from metrics.models import Series
from metrics.selectors import raw_points, series_matching
from prom.promql import Engine, EngineOptions, MemoryStorage

QUANTILES = (0.5, 0.9, 0.99)
MIN_WINDOW_S = 60
MAX_BUCKETS = 1000  # bucket series summed in one chart (~80 histograms of 12 buckets)
US, MS = 1_000_000, 1000


def histogram_groups(series: list[Series]) -> tuple[list[dict], list[Series]]:
    """The histograms among ``series`` (their ``_bucket`` series grouped by name and labels
    other than ``le``: ``{"title", "ids", "unit"}``), and the other series."""
    groups: dict[tuple, list[Series]] = defaultdict(list)
    rest = []
    for s in series:
        if s.name.endswith("_bucket") and "le" in s.labels:
            others = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
            groups[(s.name, s.host, others)].append(s)
        else:
            rest.append(s)
    out = []
    for (name, _host, others), members in sorted(groups.items()):
        family = name.removesuffix("_bucket")
        labels = ",".join(f"{k}={v}" for k, v in others)
        out.append(
            {
                "title": f"{family}{{{labels}}} p50 / p90 / p99"
                if labels
                else f"{family} p50 / p90 / p99",
                "ids": ",".join(str(s.pk) for s in members[:MAX_BUCKETS]),
                "unit": members[0].unit,
            }
        )
    return out, rest


def histograms_in(*, name: str, host: str = "", labels: dict[str, str] | None = None) -> int:
    """How many histograms the selection is the bucket series of (one ``le="+Inf"`` bucket
    each), or 0: not a ``_bucket`` name, a series without ``le``, none, or over
    ``MAX_BUCKETS`` series. One query (none for other names)."""
    if not name.endswith("_bucket"):
        return 0
    counts = series_matching(name=name, host=host or None, labels=labels).aggregate(
        total=Count("pk"),
        buckets=Count("pk", filter=Q(labels__has_key="le")),
        histograms=Count("pk", filter=Q(labels__le="+Inf")),
    )
    if not counts["total"] or counts["buckets"] != counts["total"]:
        return 0
    return max(counts["histograms"], 1) if counts["total"] <= MAX_BUCKETS else 0


def window_s(step_s: float) -> int:
    """The rate window: at least a minute and two steps (a scrape every 15 s gives ~4
    samples a window, as Prometheus's own advice asks)."""
    return int(max(MIN_WINDOW_S, 2 * step_s))


def _storage(series: list[Series], start_us: int, end_us: int) -> MemoryStorage:
    """The bucket series' raw points as ``h{le, id}`` for the PromQL engine."""
    raw = raw_points(series_ids=[s.pk for s in series], start_us=start_us, end_us=end_us)
    storage = MemoryStorage()
    for s in series:
        if s.pk in raw:
            ts, values = raw[s.pk]
            storage.add({"__name__": "h", "le": s.labels["le"], "id": str(s.pk)}, ts // MS, values)
    return storage


def _shared(series: list[Series]) -> dict:
    """What the percentile series are named by: the first bucket series' name and unit, the
    host and labels (but ``le``) every histogram has."""
    first = series[0]
    same = set.intersection(*(set(s.labels.items()) for s in series))
    return {
        "family": first.name.removesuffix("_bucket"),
        "host": first.host if all(s.host == first.host for s in series) else "",
        "labels": {k: v for k, v in sorted(same) if k != "le"},
        "unit": first.unit,
    }


def histogram_quantiles(
    *, series: list[Series], start_us: int, end_us: int, step_s: float
) -> list[dict]:
    """p50/p90/p99 of bucket series of one metric (of one histogram, or of several summed
    by ``le``) over ``[start, end]`` at ``step_s``: ``[{"id", "name", "host", "labels",
    "type", "unit", "points": [[epoch s, value]]}]`` (the shape of ``/api/v1/metrics/``;
    host and labels: those the histograms share); steps without data are left out."""
    window = window_s(step_s)
    engine = Engine(
        _storage(series, start_us - window * US, end_us), EngineOptions(lookback_ms=300_000)
    )
    shared = _shared(series)
    out = []
    for q in QUANTILES:
        query = f"histogram_quantile({q}, sum by (le) (rate(h[{window}s])))"
        result = engine.range_query(
            query, start_us // US * MS, end_us // US * MS, max(1, round(step_s)) * MS
        )
        points = [
            [int(t) / MS, float(v)]
            for _, times, values in result.series()
            for t, v in zip(times, values, strict=True)
        ]
        percentile = f"p{round(q * 100)}"
        out.append(
            {
                "id": f"{series[0].pk}:{percentile}",
                "name": f"{shared['family']} {percentile}",
                "host": shared["host"],
                "labels": shared["labels"],
                "type": "gauge",
                "unit": shared["unit"],
                "points": points,
            }
        )
    return out
