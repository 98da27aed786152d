"""Classic histograms (``<name>_bucket`` series with an ``le`` label, from Prometheus
scrapes, remote write or OTLP) shown as percentiles: ``histogram_quantile(q, sum by (le)
(rate(<name>_bucket[w])))`` run by Hydra's PromQL engine (``prom.promql``) over the raw
points of one histogram's bucket series, for p50, p90 and p99."""

from __future__ import annotations

from collections import defaultdict

from metrics.models import Series
from metrics.selectors import raw_points
from prom.promql import Engine, EngineOptions, MemoryStorage

QUANTILES = (0.5, 0.9, 0.99)
MIN_WINDOW_S = 60
MAX_BUCKETS = 200  # bucket series in one histogram
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


def window_s(step_s: float) -> int:
    """The rate window: at least a minute and two steps (a scrape every 15 s gives ~4
    samples a window, as Prometheus's own advice asks)."""
    return int(max(MIN_WINDOW_S, 2 * step_s))


def histogram_quantiles(
    *, series: list[Series], start_us: int, end_us: int, step_s: float
) -> list[dict]:
    """p50/p90/p99 of one histogram's bucket series over ``[start, end]`` at ``step_s``:
    ``[{"id", "name", "host", "labels", "type", "unit", "points": [[epoch s, value]]}]``
    (the shape of ``/api/v1/metrics/``); steps without data are left out."""
    window = window_s(step_s)
    raw = raw_points(
        series_ids=[s.pk for s in series], start_us=start_us - window * US, end_us=end_us
    )
    storage = MemoryStorage()
    for s in series:
        if s.pk in raw:
            ts, values = raw[s.pk]
            storage.add({"__name__": "h", "le": s.labels["le"]}, ts // MS, values)
    engine = Engine(storage, EngineOptions(lookback_ms=300_000))
    first = series[0]
    family = first.name.removesuffix("_bucket")
    labels = {k: v for k, v in first.labels.items() if k != "le"}
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
        out.append(
            {
                "id": f"{first.pk}:p{round(q * 100)}",
                "name": f"{family} p{round(q * 100)}",
                "host": first.host,
                "labels": labels,
                "type": "gauge",
                "unit": first.unit,
                "points": points,
            }
        )
    return out
