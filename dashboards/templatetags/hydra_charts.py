"""Server-side sparklines: an SVG polyline per series, so a 200-host grid needs no JS charts.

The grid's per-host markup is built here in one pass (``{% host_card card %}``) rather
than with nested template tags: ~600 sparklines through Django's template engine cost
more than the SQL behind them. The polylines are precomputed (``metrics.sparklines``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from metrics.sparklines import EMPTY, HEIGHT, WIDTH, Spark, Window

register = template.Library()
US = 1_000_000


def spark_svg(spark: Spark | None, series_id: int, window: Window | None, label: str) -> str:
    """The SVG of one sparkline; ``data-*`` let overview.js map points back to values and
    times when it extends the line live. ``label`` must be escaped already."""
    if window is None:
        return ""
    points, lo, hi, _ = spark or EMPTY
    return (
        f'<svg class="spark" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}" '
        f'data-series="{series_id}" data-start="{window.start_us // 1000}" '
        f'data-end="{window.end_us // 1000}" data-lo="{lo:.6g}" data-hi="{hi:.6g}" '
        f'preserveAspectRatio="none"><polyline points="{points}"/></svg>'
    )


def _figure(key: dict) -> str:
    """The key metric's value; a counter's is its per-second rate, and the element keeps
    its latest raw point for overview.js to turn live points into rates."""
    sid = key["id"]
    if not key["counter"]:
        return f'<span class="kpi-value" data-value-for="{sid}">{metric_value(key["value"])}</span>'
    raw = "" if key["value"] is None else repr(float(key["value"]))
    raw_ts = "" if key["ts"] is None else repr(key["ts"] / US)
    title = f"per-second rate (a counter); latest value {metric_value(key['value'])}"
    return (
        f'<span class="kpi-value" data-value-for="{sid}" data-counter="1" data-raw="{raw}" '
        f'data-raw-ts="{raw_ts}" title="{title}">{metric_value(key["rate"])}/s</span>'
    )


def _kpis(card, window: Window | None, label: str) -> str:
    if not card.key:
        return f'<p class="muted">{card.series} series</p>'
    parts = []
    for key in card.key:
        name, sid = escape(key["name"]), key["id"]
        shown = f"{name} per second" if key["counter"] else name
        svg = spark_svg(key["spark"], sid, window, f"{shown}, {label}")
        wrappable = name.replace(".", ".<wbr>")  # a long name wraps at its dots, whole
        parts.append(
            f'<div class="kpi"><span class="muted kpi-name" title="{name}">{wrappable}</span>'
            f"{_figure(key)}{svg}</div>"
        )
    return "".join(parts)


@register.simple_tag(takes_context=True)
def host_card(context, card) -> SafeString:
    """``{% host_card card %}``: one host of the grid: link, status, key metrics with their
    values and sparklines (``spark_window``, ``spark_label`` come from the context)."""
    host, status = escape(card.host), card.status
    prefix = context.get("_host_url_prefix")
    if prefix is None:  # reverse() once per page, not once per card
        prefix = context["_host_url_prefix"] = reverse("host-detail", args=["-"])[:-2]
    url = escape(prefix + quote(card.host, safe="") + "/")
    body = _kpis(card, context.get("spark_window"), escape(context.get("spark_label", "")))
    return mark_safe(  # noqa: S308 (every interpolated text is escaped)
        f'<article class="card host-card status-{status}" data-host="{host}">'
        f'<header class="row"><a href="{url}"><strong>{host}</strong></a> '
        f'<span class="badge {status}" title="stale: no points in 5 minutes">{status}</span>'
        f"</header>{body}</article>"
    )


@register.filter
def metric_value(value) -> str:
    if value is None:
        return "–"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


@register.filter
def us_datetime(value) -> datetime | None:
    """µs since the epoch (how points and anomalies store time) -> an aware datetime."""
    if value is None:
        return None
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC)
