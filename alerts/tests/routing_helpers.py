"""Small builders shared by the routing engine's tests (a config, alerts, a fake clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.routing import Alert, Dispatcher, load_config_yaml

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def config(route: str = "", receivers: str = "", extra: str = "", *, timers: str = ""):
    """Root receiver ``default`` (one webhook), group_wait 30s, interval 5m, repeat 4h."""
    text = f"""
route:
  receiver: default
  group_by: [alertname]
  {timers or "group_wait: 30s"}
{route}
receivers:
  - name: default
    webhook_configs: [{{url: http://hook.example/default}}]
{receivers}
{extra}
"""
    return load_config_yaml(text)


def firing(labels: dict, starts: float = 0, **kwargs) -> Alert:
    return Alert(labels=labels, starts_at=at(starts), ends_at=at(starts + 86400), **kwargs)


def resolved(labels: dict, starts: float, ends: float) -> Alert:
    return Alert(labels=labels, starts_at=at(starts), ends_at=at(ends))


def run(dispatcher: Dispatcher, until: float, step: float = 1.0, start: float = 0):
    """Flush every ``step`` seconds from ``start`` to ``until``: [(second, notification)]."""
    sent = []
    t = start
    while t <= until:
        sent += [(t, n) for n in dispatcher.flush(at(t))]
        t += step
    return sent


def alert_names(notification) -> list[str]:
    return [
        "{}:{}".format(
            a.labels.get("instance", a.labels.get("alertname")), "f" if a.ends_at is None else "r"
        )
        for a in notification.alerts
    ]
