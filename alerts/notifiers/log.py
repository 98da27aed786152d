"""A channel that writes each notification to Hydra's log (logger ``hydra.notifications``,
level WARNING): the demo's channel, and a way to see what would be sent without a mail
server or a webhook."""

from __future__ import annotations

import logging

from alerts.notifiers.base import Outcome, line

logger = logging.getLogger("hydra.notifications")


def send_log(channel, items: list[dict]) -> Outcome:
    for item in items:
        logger.warning("[%s] %s", channel.name, line(item))
    return Outcome(ok=True)
