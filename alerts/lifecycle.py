"""The alert state machine: a pure function of (previous state, observation, now, params).

No Django, no clock: every input is explicit, so it is tested with plain timestamps and
replayed over history by the backtest. Times are epoch seconds (floats).

States: ``inactive`` (no alert yet), ``pending`` (condition true, ``for`` not yet
elapsed), ``firing``, ``resolved``. Hysteresis: once firing, the alert holds while the
value is beyond the *resolve* threshold (not the firing threshold). ``keep_firing_for``
keeps a firing alert firing that long after the condition last held. Flapping: at least
``flap_max`` transitions within ``flap_window`` marks the alert flapping (one event,
notified once); it ends when the window holds at most half as many.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, replace

INACTIVE, PENDING, FIRING, RESOLVED = "inactive", "pending", "firing", "resolved"
TRANSITION, FLAPPING, FLAPPING_END = "transition", "flapping", "flapping_end"

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


PRESENT = "present"  # not an operator users choose: any observed value is active


@dataclass(frozen=True)
class Params:
    """What the state machine needs of a rule."""

    op: str = ">"
    threshold: float = 0.0
    resolve_threshold: float | None = None
    for_s: float = 0.0
    keep_firing_for_s: float = 0.0
    flap_window_s: float = 600.0
    flap_max: int = 6

    def breaches(self, value: float) -> bool:
        if self.op == PRESENT:  # a PromQL rule: every output sample, NaN too, as Prometheus
            return True
        return not math.isnan(value) and OPS[self.op](value, self.threshold)

    def holds(self, value: float) -> bool:
        """While firing: still bad unless the value is back past the resolve threshold."""
        if self.resolve_threshold is None:
            return self.breaches(value)
        return not math.isnan(value) and OPS[self.op](value, self.resolve_threshold)


@dataclass(frozen=True)
class State:
    state: str = INACTIVE
    since: float | None = None  # when ``state`` was entered
    pending_since: float | None = None
    last_active_at: float | None = None
    transitions: tuple[float, ...] = ()
    flapping: bool = False


@dataclass(frozen=True)
class Event:
    kind: str  # transition | flapping | flapping_end
    from_state: str
    to_state: str
    at: float
    value: float | None = field(default=None)


def step(prev: State, value: float | None, now: float, p: Params) -> tuple[State, list[Event]]:
    """One evaluation: ``value`` is the observation (None = no data, never breaching)."""
    active = value is not None and (p.holds(value) if prev.state == FIRING else p.breaches(value))
    cur = replace(prev, last_active_at=now) if active else prev
    target = _target(cur, active, now, p)
    if target == cur.state:
        return settle(cur, now, p)
    return _move(cur, target, now, value, p)


def _target(cur: State, active: bool, now: float, p: Params) -> str:
    if cur.state == FIRING:
        if active:
            return FIRING
        last = cur.last_active_at
        kept = last is not None and now - last < p.keep_firing_for_s
        return FIRING if kept else RESOLVED
    if not active:
        return RESOLVED if cur.state == PENDING else cur.state
    if cur.state == PENDING:
        started = cur.pending_since if cur.pending_since is not None else now
        return FIRING if now - started >= p.for_s else PENDING
    return FIRING if p.for_s <= 0 else PENDING


def _move(
    cur: State, target: str, now: float, value: float | None, p: Params
) -> tuple[State, list[Event]]:
    events = [Event(TRANSITION, cur.state, target, now, value)]
    recent = tuple(t for t in cur.transitions if now - t < p.flap_window_s) + (now,)
    pending_since = now if target == PENDING else None
    new = replace(cur, state=target, since=now, pending_since=pending_since, transitions=recent)
    if not cur.flapping and len(recent) >= p.flap_max:
        new = replace(new, flapping=True)
        events.append(Event(FLAPPING, cur.state, target, now, value))
    return new, events


def settle(prev: State, now: float, p: Params) -> tuple[State, list[Event]]:
    """End flapping once the window has calmed down (called after ``step``)."""
    if not prev.flapping:
        return prev, []
    recent = tuple(t for t in prev.transitions if now - t < p.flap_window_s)
    if len(recent) > p.flap_max // 2:
        return prev, []
    calm = replace(prev, flapping=False, transitions=recent)
    return calm, [Event(FLAPPING_END, prev.state, prev.state, now)]
