"""Slack-compatible incoming webhook (also Mattermost, Rocket.Chat): ``{"text": ...}``."""

from __future__ import annotations

import json

from alerts.notifiers import http
from alerts.notifiers.base import Outcome, line

EMOJI = {"firing": ":rotating_light:", "resolved": ":white_check_mark:", "flapping": ":warning:"}


def send_slack(channel, items: list[dict]) -> Outcome:
    lines = [f"{EMOJI.get(i['kind'], ':bell:')} {line(i)}" for i in items]
    body = json.dumps({"text": "\n".join(lines)}).encode()
    return http.post(channel.target.strip(), body, {"Content-Type": "application/json"})
