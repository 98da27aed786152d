"""One HTTP scrape with aiohttp: Prometheus's Accept header, the target's timeout, a cap on
the body (read in chunks and abandoned past the cap, so a 100 MB body costs at most the cap
in memory), no redirects (a scrape goes only where an admin pointed it)."""

from __future__ import annotations

import base64
import os

import aiohttp

from prom.scraper.assemble import TargetInfo
from prom.scraper.parse import ACCEPT

CHUNK = 64 * 1024
USER_AGENT = "Hydra-scraper/1.0"


class ScrapeError(Exception):
    """The scrape failed; the message is the target's ``last_error``."""


def headers(target: TargetInfo) -> dict[str, str]:
    out = {
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip",
        "User-Agent": USER_AGENT,
        "X-Prometheus-Scrape-Timeout-Seconds": f"{target.timeout_ms / 1000:g}",
    }
    if target.bearer_env:
        out["Authorization"] = f"Bearer {_secret(target.bearer_env)}"
    elif target.username:
        password = _secret(target.password_env) if target.password_env else ""
        raw = f"{target.username}:{password}".encode()
        out["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    return out


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise ScrapeError(f"environment variable {name} is not set")
    return value


async def fetch(session: aiohttp.ClientSession, target: TargetInfo, max_bytes: int):
    """(body, Content-Type) of a 200 answer, else ScrapeError."""
    timeout = aiohttp.ClientTimeout(total=target.timeout_ms / 1000)
    try:
        async with session.get(
            target.url, headers=headers(target), timeout=timeout, allow_redirects=False
        ) as response:
            if response.status != 200:
                raise ScrapeError(
                    f"server returned HTTP status {response.status} {response.reason}"
                )
            declared = response.content_length
            if declared is not None and declared > max_bytes:
                raise ScrapeError(f"body is {declared} bytes; the limit is {max_bytes}")
            body = await _read_capped(response, max_bytes)
            return body, response.headers.get("Content-Type", "")
    except TimeoutError:
        raise ScrapeError(f"context deadline exceeded (timeout {target.timeout_ms} ms)") from None
    except aiohttp.ClientError as exc:
        raise ScrapeError(f"{type(exc).__name__}: {exc}"[:500]) from None


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ScrapeError(f"body exceeds the limit of {max_bytes} bytes")
        parts.append(chunk)
    return b"".join(parts)
