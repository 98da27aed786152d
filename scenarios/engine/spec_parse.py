"""Field parsing, cross-field validation and load-profile construction for ``ScenarioSpec``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .spec import (
    CLIENTS,
    EXECUTORS,
    RequestSpec,
    SpecError,
    Stage,
    _number,
    parse_duration,
)

if TYPE_CHECKING:
    from .spec import ScenarioSpec

_DURATIONS = ("duration", "spike_at", "spike_duration", "spike_ramp", "think_time")
_INTS = ("vus", "start_vus", "max_inflight")
_FLOATS = ("rate", "start_rate", "spike_multiplier")


def parse_spec_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Turn a raw dict into validated keyword arguments for ``ScenarioSpec``."""
    out: dict[str, Any] = {"requests": _parse_requests(data.get("requests"))}
    executor = data.get("executor", "constant-vus")
    if executor not in EXECUTORS:
        raise SpecError(f"executor: {executor!r} is not one of {list(EXECUTORS)}")
    out["executor"] = executor
    out["name"] = str(data.get("name", "scenario"))
    for key in _DURATIONS:
        if data.get(key) is not None:
            out[key] = parse_duration(data[key], key)
    for key in ("timeout", "window"):
        if key in data:
            out[key] = parse_duration(data[key], key)
    out.update(_parse_numbers(data))
    out["stages"] = _parse_stages(data.get("stages", []))
    out.update(_parse_checks(data))
    return out


def _parse_requests(raw: Any) -> list[RequestSpec]:
    """Parse the ``requests`` list (at least one request)."""
    if not isinstance(raw, list) or not raw:
        raise SpecError("requests: expected a non-empty list of requests")
    return [RequestSpec.from_dict(item, f"requests[{i}]") for i, item in enumerate(raw)]


def _parse_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Parse the integer and float knobs."""
    out: dict[str, Any] = {}
    for key in _INTS:
        value = _number(data, key, None, key)
        if value is not None:
            if value != int(value):
                raise SpecError(f"{key}: expected an integer, got {value!r}")
            out[key] = int(value)
    for key in _FLOATS:
        value = _number(data, key, None, key)
        if value is not None:
            out[key] = float(value)
    return out


def _parse_stages(raw: Any) -> list[Stage]:
    """Parse the ``stages`` list."""
    if not isinstance(raw, list):
        raise SpecError("stages: expected a list of {duration, target}")
    return [Stage.from_dict(item, f"stages[{i}]") for i, item in enumerate(raw)]


def _parse_checks(data: dict[str, Any]) -> dict[str, Any]:
    """Parse thresholds, abort flag, expected statuses and client choice."""
    from .thresholds import parse_thresholds

    out: dict[str, Any] = {}
    thresholds = data.get("thresholds", [])
    if isinstance(thresholds, str):
        thresholds = [thresholds]
    if not isinstance(thresholds, list):
        raise SpecError("thresholds: expected a list of strings like 'p95 < 300ms'")
    try:
        parse_thresholds(thresholds)
    except ValueError as exc:
        raise SpecError(f"thresholds: {exc}") from None
    out["thresholds"] = [str(t) for t in thresholds]
    out["abort_on_fail"] = bool(data.get("abort_on_fail", False))
    out["expected_statuses"] = _parse_statuses(data.get("expected_statuses"))
    client = data.get("client", "fast")
    if client not in CLIENTS:
        raise SpecError(f"client: {client!r} is not one of {list(CLIENTS)}")
    out["client"] = client
    return out


def _parse_statuses(raw: Any) -> list[int] | None:
    """Parse ``expected_statuses`` (HTTP codes 100-599) or None for the 2xx/3xx default."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        raise SpecError("expected_statuses: expected a non-empty list of HTTP status codes")
    for code in raw:
        if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
            raise SpecError(f"expected_statuses: {code!r} is not an HTTP status code")
    return list(raw)


def validate_spec(spec: ScenarioSpec) -> None:
    """Cross-field checks: every executor has what it needs and a positive duration."""
    ramping = spec.executor in ("ramping-vus", "ramping-arrival-rate")
    if ramping and not spec.stages:
        raise SpecError(f"stages: executor {spec.executor!r} needs at least one stage")
    if spec.executor == "constant-vus" and spec.vus < 1:
        raise SpecError("vus: constant-vus needs at least 1 VU")
    if spec.executor in ("constant-arrival-rate", "soak", "spike") and spec.rate <= 0:
        raise SpecError(f"rate: executor {spec.executor!r} needs a rate > 0")
    if spec.total_duration() <= 0:
        raise SpecError("duration: the run must last more than 0 s")
    if spec.timeout <= 0:
        raise SpecError("timeout: must be > 0 s")
    if spec.window < 1:
        raise SpecError("window: must be at least 1 s")
    if spec.max_inflight is not None and spec.max_inflight < 1:
        raise SpecError("max_inflight: must be at least 1")
    if spec.executor == "spike":
        _validate_spike(spec)


def _validate_spike(spec: ScenarioSpec) -> None:
    """The spike (with its ramps) must fit inside the run."""
    at, length = spike_window(spec)
    if spec.spike_multiplier < 1:
        raise SpecError("spike_multiplier: must be >= 1")
    if at + length + 2 * spec.spike_ramp > spec.duration:
        raise SpecError(
            f"spike_at: the spike ({at:g}s + {length:g}s + ramps) must end before "
            f"duration ({spec.duration:g}s)"
        )


def spike_window(spec: ScenarioSpec) -> tuple[float, float]:
    """Spike start and length (defaults: start at 40 % of the run, last 20 % of it)."""
    at = spec.spike_at if spec.spike_at is not None else spec.duration * 0.4
    length = spec.spike_duration if spec.spike_duration is not None else spec.duration * 0.2
    return at, length


def build_profile(spec: ScenarioSpec) -> list[tuple[float, float]]:
    """Piecewise-linear ``(t, value)`` points describing the whole run."""
    if spec.executor in ("ramping-vus", "ramping-arrival-rate"):
        start = spec.start_vus if spec.executor == "ramping-vus" else spec.start_rate
        points = [(0.0, float(start))]
        for stage in spec.stages:
            points.append((points[-1][0] + stage.duration, stage.target))
        return points
    if spec.executor == "constant-vus":
        return [(0.0, float(spec.vus)), (spec.duration, float(spec.vus))]
    if spec.executor == "spike":
        return _spike_profile(spec)
    return [(0.0, spec.rate), (spec.duration, spec.rate)]


def _spike_profile(spec: ScenarioSpec) -> list[tuple[float, float]]:
    """Baseline, (ramp to) the spike, hold, (ramp) back, baseline until the end."""
    at, length = spike_window(spec)
    base, high, ramp = spec.rate, spec.rate * spec.spike_multiplier, spec.spike_ramp
    return [
        (0.0, base),
        (at, base),
        (at + ramp, high),
        (at + ramp + length, high),
        (at + 2 * ramp + length, base),
        (spec.duration, base),
    ]
