"""The one place notifiers make HTTP requests (httpx); tests set ``transport``."""

from __future__ import annotations

import httpx

from alerts.notifiers.base import Outcome

TIMEOUT_S = 10.0
transport: httpx.BaseTransport | None = None  # tests inject httpx.MockTransport here


def client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT_S, transport=transport, follow_redirects=False)


def post(url: str, content: bytes, headers: dict[str, str]) -> Outcome:
    try:
        with client() as http:
            response = http.post(url, content=content, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}")
    if response.is_success:
        return Outcome(ok=True, status_code=response.status_code)
    return Outcome(ok=False, status_code=response.status_code, error=response.text[:500])
