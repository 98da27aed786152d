"""Notifiers: one function per channel kind, ``send(channel, items) -> Outcome``.

They never raise: a failing channel is an ``Outcome(ok=False)`` recorded as an attempt.
Outbound HTTP goes through ``alerts.notifiers.http.client()`` (tests inject a transport).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from alerts.notifiers.base import Outcome
from alerts.notifiers.email import send_email
from alerts.notifiers.log import send_log
from alerts.notifiers.slack import send_slack
from alerts.notifiers.webhook import send_webhook

NOTIFIERS: dict[str, Callable[..., Outcome]] = {
    "email": send_email,
    "webhook": send_webhook,
    "slack": send_slack,
    "log": send_log,
}

__all__ = ["NOTIFIERS", "Outcome", "deliver"]


def deliver(channel, items: list[dict]) -> Outcome:
    started = time.monotonic()
    try:
        outcome = NOTIFIERS[channel.kind](channel, items)
    except Exception as exc:  # a notifier bug must not look like a success or stop the sweep
        outcome = Outcome(ok=False, error=f"{type(exc).__name__}: {exc}")
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome
