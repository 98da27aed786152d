"""The live websocket: ``/ws/live/``. Pages subscribe to topics and receive updates."""

from __future__ import annotations

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from core.live import BROADCAST, group_for, valid_topic
from core.sessions import session_group, session_user_id
from metrics.live import PRESENCE_TTL_S, amark_subscribed
from metrics.payloads import HostPoints, SeriesPoints

MAX_TOPICS = 500
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
READ_PERMISSION = "metrics.view_series"  # every role has it; an account in no role has not


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Session-authenticated; ``{"action": "subscribe"|"unsubscribe", "topics": [...]}``."""

    async def connect(self) -> None:
        self.topics: set[str] = set()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(user.has_perm)(READ_PERMISSION):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        self.session_key = self._session_key()
        if self.session_key:
            await self.channel_layer.group_add(session_group(self.session_key), self.channel_name)
        self._refresher = asyncio.create_task(self._refresh_presence())

    def _session_key(self) -> str | None:
        """The login session's key (None for a scope without a session: in-process tests)."""
        session = self.scope.get("session")
        return getattr(session, "session_key", None) if session is not None else None

    async def _session_still_valid(self) -> bool:
        if "session" not in self.scope:
            return True
        user_id = await database_sync_to_async(session_user_id)(self.session_key)
        return user_id is not None and user_id == self.scope["user"].pk

    async def session_ended(self, event: dict) -> None:
        """The session logged out (``core.sessions``): nothing more for this socket."""
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _refresh_presence(self) -> None:
        """Publishers skip topics nobody listens to: keep ours marked while connected."""
        while True:
            await asyncio.sleep(PRESENCE_TTL_S / 4)
            if self.topics:
                await amark_subscribed(self.topics)

    async def disconnect(self, code: int) -> None:
        session_key = getattr(self, "session_key", None)
        if session_key:
            await self.channel_layer.group_discard(session_group(session_key), self.channel_name)
        if getattr(self, "topics", None):
            await self.channel_layer.group_discard(group_for(BROADCAST), self.channel_name)
        refresher = getattr(self, "_refresher", None)
        if refresher is not None:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
        for topic in getattr(self, "topics", set()):
            await self.channel_layer.group_discard(group_for(topic), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """A frame that is not JSON text gets an error message; the socket stays open."""
        if text_data is None:
            await self.send_json({"type": "error", "message": "send JSON text frames"})
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_json({"type": "error", "message": "the frame is not valid JSON"})
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        topics = content.get("topics") if isinstance(content, dict) else None
        if action not in ("subscribe", "unsubscribe") or not isinstance(topics, list):
            await self.send_json({"type": "error", "message": "expected {action, topics: [...]}"})
            return
        bad = [t for t in topics if not isinstance(t, str) or not valid_topic(t)]
        if bad:
            await self.send_json({"type": "error", "message": f"unknown topics: {bad[:5]}"})
            return
        handler = self._subscribe if action == "subscribe" else self._unsubscribe
        await handler(topics)

    async def _subscribe(self, topics: list[str]) -> None:
        if not await self._session_still_valid():
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        new = [t for t in topics if t not in self.topics]
        if len(self.topics) + len(new) > MAX_TOPICS:
            await self.send_json({"type": "error", "message": f"at most {MAX_TOPICS} topics"})
            return
        for topic in new:
            await self.channel_layer.group_add(group_for(topic), self.channel_name)
            self.topics.add(topic)
        if any(t.startswith(("series:", "host:")) for t in new):
            await self.channel_layer.group_add(group_for(BROADCAST), self.channel_name)
        await amark_subscribed(new)
        await self.send_json({"type": "subscribed", "topics": sorted(self.topics)})

    async def _unsubscribe(self, topics: list[str]) -> None:
        for topic in topics:
            if topic in self.topics:
                await self.channel_layer.group_discard(group_for(topic), self.channel_name)
                self.topics.discard(topic)
        await self.send_json({"type": "unsubscribed", "topics": topics})

    async def _forward(self, event: dict) -> None:
        """Re-check permission before sending: a deactivated user gets nothing more."""
        user = self.scope.get("user")
        if user is None or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.send_json(event["payload"])

    async def series_batch(self, event: dict) -> None:
        """One ingested batch for everybody: send this socket its own topics' share."""
        user = self.scope.get("user")
        if user is None or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        for sid, points in event["series"].items():
            if f"series:{sid}" in self.topics:
                await self.send_json(SeriesPoints(type="points", series=int(sid), points=points))
        for host, latest in event["hosts"].items():
            if f"host:{host}" in self.topics:
                await self.send_json(HostPoints(type="host_points", host=host, series=latest))

    async def alert_changed(self, event: dict) -> None:
        await self._forward(event)

    async def run_progress(self, event: dict) -> None:
        await self._forward(event)

    async def training_progress(self, event: dict) -> None:
        await self._forward(event)

    async def forecast_ready(self, event: dict) -> None:
        await self._forward(event)

    async def forecast_run(self, event: dict) -> None:
        await self._forward(event)
