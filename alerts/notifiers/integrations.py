"""Receivers' integrations: what a notification policy's receiver sends for one group.

``data`` is Alertmanager's template data of the group (``webhook_payload``: receiver,
status, alerts, groupLabels, commonLabels, commonAnnotations, externalURL, version "4",
groupKey, truncatedAlerts). Each integration sends only to the URL its configuration
names (or PagerDuty's default events URL).

* ``webhook``: the data as JSON, exactly Alertmanager's webhook v4 body;
* ``hydra``: the same body, signed: ``X-Hydra-Signature: t=<unix ts>,v1=<hex
  HMAC-SHA256(secret, "<ts>." + body)>`` (verify: recompute over the raw body, compare
  in constant time, refuse a ``t`` older than a few minutes: replay protection);
* ``slack``: Block Kit (a header, a section per alert, a context line) to ``api_url``;
* ``pagerduty``: Events API v2 ``trigger`` / ``resolve`` with a dedup key per group;
* ``email``: a plain-text message to ``to`` through Django's e-mail backend.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.mail import EmailMessage

from alerts.notifiers import http
from alerts.notifiers.base import Outcome

PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue"
SIGNATURE_HEADER = "X-Hydra-Signature"
JSON = {"Content-Type": "application/json", "User-Agent": "hydra-alerts"}
SLACK_MAX_ALERTS = 20  # Slack allows 50 blocks per message
PD_SEVERITIES = ("critical", "error", "warning", "info")


def _body(data: Mapping) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def hydra_signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_hydra_signature(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance_s: int = 300
) -> bool:
    """What a receiver of Hydra's signed webhook does (documented; tested)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = hydra_signature(secret, timestamp, body)
    return hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")


def send_webhook(config: Mapping, data: Mapping) -> Outcome:
    return http.post(str(config["url"]), _body(data), dict(JSON))


def send_hydra(config: Mapping, data: Mapping) -> Outcome:
    body = _body(data)
    headers = dict(JSON)
    secret = config.get("secret") or os.environ.get(str(config.get("secret_env") or ""), "")
    if secret:
        headers[SIGNATURE_HEADER] = hydra_signature(secret, int(time.time()), body)
    return http.post(str(config["url"]), body, headers)


def _alert_line(alert: Mapping) -> str:
    labels = alert.get("labels", {})
    summary = alert.get("annotations", {}).get("summary", "")
    name = labels.get("alertname", "alert")
    where = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname")
    return f"*{name}* ({alert.get('status')}) {summary}\n`{where}`"[:2900]


def slack_blocks(data: Mapping) -> dict:
    alerts = list(data.get("alerts", []))
    firing = sum(1 for a in alerts if a.get("status") == "firing")
    status = str(data.get("status", "firing")).upper()
    group = ", ".join(f"{k}={v}" for k, v in sorted(data.get("groupLabels", {}).items()))
    title = f"[{status}:{firing if status == 'FIRING' else len(alerts)}] {group}"[:150]
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    for alert in alerts[:SLACK_MAX_ALERTS]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _alert_line(alert)}})
    more = f" (+{len(alerts) - SLACK_MAX_ALERTS} more)" if len(alerts) > SLACK_MAX_ALERTS else ""
    context = f"receiver {data.get('receiver')} · {data.get('externalURL', '')}{more}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {"text": title, "blocks": blocks}


def send_slack(config: Mapping, data: Mapping) -> Outcome:
    message = slack_blocks(data)
    if config.get("channel"):
        message["channel"] = str(config["channel"])
    return http.post(str(config["api_url"]), _body(message), dict(JSON))


def pagerduty_event(config: Mapping, data: Mapping) -> dict:
    key = config.get("routing_key") or config.get("service_key")
    severity = str(data.get("commonLabels", {}).get("severity", "error"))
    alerts = list(data.get("alerts", []))
    firing = [a for a in alerts if a.get("status") == "firing"]
    group = ", ".join(f"{k}={v}" for k, v in sorted(data.get("groupLabels", {}).items()))
    return {
        "routing_key": key,
        "event_action": "trigger" if data.get("status") == "firing" else "resolve",
        "dedup_key": hashlib.sha256(str(data.get("groupKey", "")).encode()).hexdigest(),
        "client": "Hydra",
        "client_url": data.get("externalURL", ""),
        "payload": {
            "summary": f"[{str(data.get('status')).upper()}:{len(firing)}] {group}"[:1024],
            "source": str(config.get("source") or "hydra"),
            "severity": severity if severity in PD_SEVERITIES else "error",
            "custom_details": {
                "firing": [a.get("labels") for a in firing],
                "num_firing": len(firing),
                "num_resolved": len(alerts) - len(firing),
            },
        },
    }


def send_pagerduty(config: Mapping, data: Mapping) -> Outcome:
    url = str(config.get("url") or PAGERDUTY_URL)
    return http.post(url, _body(pagerduty_event(config, data)), dict(JSON))


def email_message(config: Mapping, data: Mapping) -> EmailMessage:
    alerts = list(data.get("alerts", []))
    firing = sum(1 for a in alerts if a.get("status") == "firing")
    group = " ".join(f"{k}={v}" for k, v in sorted(data.get("groupLabels", {}).items()))
    subject = f"[{str(data.get('status')).upper()}:{firing}] {group}"[:200]
    lines = [_alert_line(a).replace("*", "").replace("`", "") for a in alerts]
    to = [a.strip() for a in str(config["to"]).split(",") if a.strip()]
    sender = str(config.get("from") or settings.DEFAULT_FROM_EMAIL)
    return EmailMessage(subject, "\n\n".join(lines), sender, to)


def send_email(config: Mapping, data: Mapping) -> Outcome:
    try:
        email_message(config, data).send()
    except Exception as exc:  # SMTP errors come in many classes
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}")
    return Outcome(ok=True)


INTEGRATIONS: dict[str, Callable[[Mapping, Mapping], Outcome]] = {
    "webhook": send_webhook,
    "hydra": send_hydra,
    "slack": send_slack,
    "pagerduty": send_pagerduty,
    "email": send_email,
}


def deliver_integration(kind: str, config: Mapping, data: Mapping) -> Outcome:
    started = time.monotonic()
    sender = INTEGRATIONS.get(kind)
    if sender is None:
        return Outcome(ok=False, error=f"Hydra cannot send {kind} notifications")
    try:
        outcome = sender(config, data)
    except Exception as exc:  # a notifier bug must not look like a success
        outcome = Outcome(ok=False, error=f"{type(exc).__name__}: {exc}")
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome
