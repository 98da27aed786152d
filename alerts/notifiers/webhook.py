"""Generic webhook: JSON body, ``X-Hydra-Signature: sha256=<hex hmac of the body>``."""

from __future__ import annotations

import hashlib
import hmac
import json

from alerts.notifiers import http
from alerts.notifiers.base import Outcome

SIGNATURE_HEADER = "X-Hydra-Signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(channel, items: list[dict]) -> Outcome:
    body = json.dumps({"source": "hydra", "alerts": items}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "hydra-alerts"}
    if channel.secret:
        headers[SIGNATURE_HEADER] = signature(channel.secret, body)
    return http.post(channel.target.strip(), body, headers)
