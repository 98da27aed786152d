"""The page-wide time range: ``?range=1h`` (15m, 1h, 6h, 24h, 7d) or ``?start=&end=`` (custom)."""

from __future__ import annotations

from dataclasses import dataclass

from metrics.query.params import now_us, parse_duration_s, parse_time

CHOICES = ("15m", "1h", "6h", "24h", "7d")
US = 1_000_000


@dataclass(frozen=True)
class TimeRange:
    key: str  # one of CHOICES, or "custom"
    start_us: int
    end_us: int
    live: bool  # a range ending now can follow new points
    error: str = ""  # why a custom range was not used (the default was)

    @property
    def seconds(self) -> float:
        return (self.end_us - self.start_us) / US


def from_request(request, default: str = "1h") -> TimeRange:
    """Parse the range from the query string; bad values fall back to the default."""
    now = now_us()
    start, end = request.GET.get("start"), request.GET.get("end")
    error = ""
    if start:
        try:
            start_us = parse_time(start, now)
            end_us = parse_time(end, now) if end else now
            if start_us < end_us:
                return TimeRange("custom", start_us, end_us, live=not end)
            error = "the custom range ends before it starts"
        except ValueError as exc:
            error = f"the custom range was not understood ({exc})"
    key = request.GET.get("range", default)
    key = key if key in CHOICES else default
    return TimeRange(key, now - int(parse_duration_s(key) * US), now, live=True, error=error)
