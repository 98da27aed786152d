"""The one helper that publishes live updates to channel groups.

Topics (what a page subscribes to) are ``series:<id>``, ``host:<host>``, ``alerts``,
``run:<id>`` and ``training:<id>``; channel group names only allow ``[A-Za-z0-9._-]``, so ``group_for`` maps a
topic to a safe group name. Publishing never raises: a live update is best effort and
must not fail the write that caused it (the write is already committed).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.outage import REDIS_ERRORS, redis_failed

logger = logging.getLogger(__name__)
TOPIC_RE = re.compile(
    r"^(series:\d{1,18}|host:[^\s]{1,200}|alerts|run:\d{1,18}|training:\d{1,18})$"
)
BROADCAST = "live:points"  # internal: the metrics batch broadcast every live socket joins
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,80}$")


def valid_topic(topic: str) -> bool:
    return bool(TOPIC_RE.match(topic))


def group_for(topic: str) -> str:
    """``series:12`` → ``series.12``; unusual host names are hashed to stay valid."""
    kind, _, rest = topic.partition(":")
    if not rest:
        return kind
    if _SAFE.match(rest):
        return f"{kind}.{rest}"
    return f"{kind}.h{hashlib.sha1(rest.encode()).hexdigest()}"


def publish_now(messages: Iterable[tuple[str, Mapping]]) -> None:
    """Send ``(topic, message)`` pairs; each message has a ``type`` the consumer handles."""
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(_send_all)
    try:
        send(layer, list(messages))
    except REDIS_ERRORS as exc:
        redis_failed("live_publish", exc)
    except Exception:
        logger.warning("live publish failed", exc_info=True)


async def _send_all(layer, messages: list[tuple[str, Mapping]]) -> None:
    for topic, message in messages:
        await layer.group_send(group_for(topic), dict(message))


def publish(messages: Iterable[tuple[str, Mapping]]) -> None:
    """Publish after the current transaction commits (at once when there is none)."""
    batch = list(messages)
    if batch:
        transaction.on_commit(lambda: publish_now(batch))
