"""The pure state machine with explicit timestamps: for, hysteresis, keep_firing_for, flapping."""

from __future__ import annotations

from alerts.lifecycle import (
    FIRING,
    FLAPPING,
    FLAPPING_END,
    INACTIVE,
    PENDING,
    RESOLVED,
    Params,
    State,
    step,
)

T0 = 1_800_000_000.0


def run(params: Params, observations: list[tuple[float, float | None]], state=None):
    """Feed (seconds after T0, value) pairs; return the final state and all events."""
    state, events = state or State(), []
    for dt, value in observations:
        state, new = step(state, value, T0 + dt, params)
        events += new
    return state, events


def moves(events):
    return [(e.from_state, e.to_state, e.at - T0) for e in events if e.kind == "transition"]


def test_without_for_it_fires_at_once_and_resolves_when_the_value_recovers():
    state, events = run(Params(op=">", threshold=90), [(0, 95), (15, 96), (30, 50)])
    assert moves(events) == [(INACTIVE, FIRING, 0), (FIRING, RESOLVED, 30)]
    assert state.state == RESOLVED


def test_for_keeps_it_pending_until_the_duration_has_elapsed():
    p = Params(op=">", threshold=90, for_s=60)
    state, events = run(p, [(0, 95), (15, 95), (45, 95), (60, 95)])
    assert moves(events) == [(INACTIVE, PENDING, 0), (PENDING, FIRING, 60)]
    assert state.state == FIRING


def test_a_pending_alert_that_clears_before_for_resolves_without_firing():
    p = Params(op=">", threshold=90, for_s=60)
    state, events = run(p, [(0, 95), (30, 10), (45, 95)])
    assert moves(events) == [
        (INACTIVE, PENDING, 0),
        (PENDING, RESOLVED, 30),
        (RESOLVED, PENDING, 45),
    ]
    assert state.pending_since == T0 + 45


def test_hysteresis_holds_a_firing_alert_until_the_resolve_threshold():
    p = Params(op=">", threshold=90, resolve_threshold=80)
    state, events = run(p, [(0, 95), (15, 85), (30, 81), (45, 79)])
    assert moves(events) == [(INACTIVE, FIRING, 0), (FIRING, RESOLVED, 45)]


def test_hysteresis_works_for_below_thresholds_too():
    p = Params(op="<", threshold=10, resolve_threshold=20)
    _, events = run(p, [(0, 5), (15, 15), (30, 25)])
    assert moves(events) == [(INACTIVE, FIRING, 0), (FIRING, RESOLVED, 30)]


def test_keep_firing_for_bridges_short_recoveries():
    p = Params(op=">", threshold=90, keep_firing_for_s=60)
    state, events = run(p, [(0, 95), (15, 50), (45, 50), (60, 95), (100, 50), (160, 50)])
    assert moves(events) == [(INACTIVE, FIRING, 0), (FIRING, RESOLVED, 160)]
    assert state.state == RESOLVED


def test_no_data_never_breaches_and_resolves_a_firing_alert():
    _, events = run(Params(op=">", threshold=1), [(0, 5), (15, None)])
    assert moves(events) == [(INACTIVE, FIRING, 0), (FIRING, RESOLVED, 15)]


def test_many_transitions_in_the_window_mark_flapping_once_and_calm_down_later():
    p = Params(op=">", threshold=90, flap_window_s=300, flap_max=4)
    values = [(i * 15, 95 if i % 2 == 0 else 50) for i in range(8)]
    state, events = run(p, values)
    flaps = [e for e in events if e.kind == FLAPPING]
    assert len(flaps) == 1 and flaps[0].at == T0 + 45  # the 4th transition
    assert state.flapping
    state, later = run(p, [(1000, 50)], state)
    assert [e.kind for e in later] == [FLAPPING_END] and not state.flapping


def test_a_steady_state_produces_no_events():
    p = Params(op=">", threshold=90)
    state, _ = run(p, [(0, 95)])
    state, events = run(p, [(15, 96), (30, 97)], state)
    assert events == [] and state.state == FIRING and state.since == T0
    assert state.last_active_at == T0 + 30
