"""Scenario specification: dataclasses with field-naming validation and a JSON round-trip.

A spec is plain data (the Django model stores ``ScenarioSpec.to_dict()`` as JSON); the
engine turns it into a load profile (``ScenarioSpec.profile()``): piecewise-linear points
``(seconds, value)`` where value is a VU count or a request rate per second.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from core.text import control_message

EXECUTORS = (
    "constant-vus",
    "ramping-vus",
    "constant-arrival-rate",
    "ramping-arrival-rate",
    "spike",
    "soak",
)
VU_EXECUTORS = frozenset({"constant-vus", "ramping-vus"})
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CLIENTS = ("fast", "aiohttp")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class SpecError(ValueError):
    """An invalid scenario spec; the message names the offending field."""


def parse_duration(value: Any, name: str) -> float:
    """Parse ``30``, ``"30s"``, ``"1m30s"``, ``"500ms"`` or ``"2h"`` into seconds."""
    if isinstance(value, bool):
        raise SpecError(f"{name}: expected a duration, got {value!r}")
    if isinstance(value, int | float):
        return _non_negative(float(value), name)
    text = str(value).strip().replace(" ", "")
    if text and _DURATION_PART.sub("", text) == "":
        parts = _DURATION_PART.findall(text)
        return sum(float(num) * _UNIT_SECONDS[unit] for num, unit in parts)
    try:
        return _non_negative(float(text), name)
    except ValueError:
        hint = "use e.g. 30, '30s', '2m'"
        raise SpecError(f"{name}: cannot parse duration {value!r} ({hint})") from None


def _non_negative(value: float, name: str) -> float:
    """Return ``value`` or raise when it is negative or not finite."""
    if not value >= 0 or value == float("inf"):
        raise SpecError(f"{name}: must be a finite number >= 0, got {value!r}")
    return value


def _number(data: dict, key: str, default: Any, name: str, *, minimum: float = 0) -> Any:
    """Read a numeric field, checking its type and lower bound."""
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(f"{name}: expected a number, got {value!r}")
    if value < minimum:
        raise SpecError(f"{name}: must be >= {minimum}, got {value!r}")
    return value


HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")  # RFC 9110 token


def _plain(name: str, text: str, *, spaces: bool = True) -> None:
    """No CR, LF or other control character (they would split the request), no space in
    a URL."""
    message = control_message(name, text)
    if message is not None:
        raise SpecError(message)
    if not spaces and " " in text:
        raise SpecError(f"{name} contains a space (encode it as %20)")


def _headers(headers: object, name: str) -> dict[str, str]:
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise SpecError(f"{name}: expected an object of string values")
    for key, value in headers.items():
        if not HEADER_NAME.match(key):
            raise SpecError(f"{name}: {key[:60]!r} is not a valid header name")
        _plain(f"{name}.{key}", value)
    return dict(headers)


@dataclass
class RequestSpec:
    """One weighted HTTP request of the target."""

    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | dict | list | None = None
    weight: float = 1.0
    name: str = ""

    @classmethod
    def from_dict(cls, data: Any, name: str = "requests[0]") -> RequestSpec:
        """Validate and build a request from a JSON-like dict."""
        if not isinstance(data, dict):
            raise SpecError(f"{name}: expected an object, got {type(data).__name__}")
        url = data.get("url")
        if isinstance(url, str):
            _plain(f"{name}.url", url, spaces=False)
        parts = urlsplit(url) if isinstance(url, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
            raise SpecError(f"{name}.url: expected an http(s) URL with a host, got {url!r}")
        method = str(data.get("method", "GET")).upper()
        if method not in METHODS:
            raise SpecError(f"{name}.method: {method!r} is not one of {sorted(METHODS)}")
        headers = _headers(data.get("headers") or {}, f"{name}.headers")
        weight = _number(data, "weight", 1.0, f"{name}.weight", minimum=0)
        if weight == 0:
            raise SpecError(f"{name}.weight: must be > 0")
        body = data.get("body")
        if body is not None and not isinstance(body, str | dict | list):
            raise SpecError(f"{name}.body: expected a string, object or list")
        label = str(data.get("name") or f"{method} {parts.path or '/'}")
        return cls(str(url), method, dict(headers), body, float(weight), label)

    def body_bytes(self) -> bytes | None:
        """The body as bytes (objects and lists are JSON-encoded)."""
        if self.body is None:
            return None
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form accepted by ``from_dict``."""
        return {
            "url": self.url,
            "method": self.method,
            "headers": dict(self.headers),
            "body": self.body,
            "weight": self.weight,
            "name": self.name,
        }


@dataclass
class Stage:
    """One ramp stage: move linearly to ``target`` (VUs or req/s) over ``duration`` seconds."""

    duration: float
    target: float

    @classmethod
    def from_dict(cls, data: Any, name: str) -> Stage:
        """Validate and build a stage."""
        if not isinstance(data, dict):
            raise SpecError(f"{name}: expected an object with duration and target")
        duration = parse_duration(data.get("duration", 0), f"{name}.duration")
        target = _number(data, "target", None, f"{name}.target")
        if target is None:
            raise SpecError(f"{name}.target: required")
        return cls(duration, float(target))


@dataclass
class ScenarioSpec:
    """A load test: requests, an executor with its load shape, thresholds and limits."""

    requests: list[RequestSpec]
    executor: str = "constant-vus"
    name: str = "scenario"
    duration: float = 10.0
    vus: int = 10
    rate: float = 10.0
    stages: list[Stage] = field(default_factory=list)
    start_vus: int = 0
    start_rate: float = 0.0
    spike_multiplier: float = 5.0
    spike_at: float | None = None
    spike_duration: float | None = None
    spike_ramp: float = 0.0
    max_inflight: int | None = None
    think_time: float = 0.0
    timeout: float = 10.0
    thresholds: list[str] = field(default_factory=list)
    window: float = 10.0
    abort_on_fail: bool = False
    expected_statuses: list[int] | None = None
    client: str = "fast"

    @classmethod
    def from_dict(cls, data: Any) -> ScenarioSpec:
        """Validate a JSON-like dict; raises ``SpecError`` naming the bad field."""
        if not isinstance(data, dict):
            raise SpecError(f"spec: expected an object, got {type(data).__name__}")
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise SpecError(f"spec: unknown field(s) {sorted(unknown)}")
        from .spec_parse import parse_spec_fields

        spec = cls(**parse_spec_fields(data))
        spec.validate()
        return spec

    def validate(self) -> None:
        """Check cross-field consistency (stages present for ramping executors, ...)."""
        from .spec_parse import validate_spec

        validate_spec(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form; ``from_dict(to_dict())`` round-trips."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["requests"] = [r.to_dict() for r in self.requests]
        out["stages"] = [{"duration": s.duration, "target": s.target} for s in self.stages]
        out["thresholds"] = list(self.thresholds)
        if self.expected_statuses is not None:
            out["expected_statuses"] = list(self.expected_statuses)
        return out

    @property
    def is_arrival_rate(self) -> bool:
        """True for open-model executors (requests started on a schedule)."""
        return self.executor not in VU_EXECUTORS

    def total_duration(self) -> float:
        """Planned run length in seconds."""
        if self.executor in ("ramping-vus", "ramping-arrival-rate"):
            return sum(s.duration for s in self.stages)
        return self.duration

    def profile(self) -> list[tuple[float, float]]:
        """Piecewise-linear load shape: ``(t, VUs or req/s)`` points from 0 to the end."""
        from .spec_parse import build_profile

        return build_profile(self)

    def peak(self) -> float:
        """Highest VU count (VU executors) or request rate (arrival-rate executors)."""
        return max(v for _, v in self.profile())

    def inflight_cap(self) -> int:
        """Max concurrent requests: the VU peak, or ``max_inflight`` for arrival-rate runs
        (default: the peak rate, i.e. one second of requests, within 100..5000)."""
        if not self.is_arrival_rate:
            return max(1, int(round(self.peak())))
        if self.max_inflight is not None:
            return self.max_inflight
        return min(max(100, int(self.peak())), 5000)
