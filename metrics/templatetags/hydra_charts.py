"""Server-side sparklines: an SVG polyline per series, so a 200-host grid needs no JS charts."""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html

register = template.Library()


def _polyline(points: list[list[float]], width: int, height: int) -> str:
    if len(points) < 2:
        return ""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, xspan = xs[0], (xs[-1] - xs[0]) or 1.0
    lo, yspan = min(ys), (max(ys) - min(ys)) or 1.0
    return " ".join(
        f"{(x - x0) / xspan * width:.1f},{height - 2 - (y - lo) / yspan * (height - 4):.1f}"
        for x, y in zip(xs, ys, strict=True)
    )


@register.simple_tag
def sparkline(points, series_id, width=120, height=32):
    """``{% sparkline key.spark key.id %}``: live code appends to ``data-series``'s line."""
    return format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="last hour" data-series="{sid}" data-points="{data}" preserveAspectRatio="none">'
        '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{pts}"/></svg>',
        w=width,
        h=height,
        sid=series_id,
        data=json.dumps(
            [[round(t), float(f"{v:.4g}")] for t, v in points or ()], separators=(",", ":")
        ),
        pts=_polyline(points or [], width, height),
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
