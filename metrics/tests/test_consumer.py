"""The live websocket: subscriptions, one message per series per batch, refusals."""

from __future__ import annotations

import asyncio
import time

import orjson
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from metrics.consumers import LiveConsumer
from metrics.models import Series

pytestmark = [pytest.mark.django_db(transaction=True)]


async def connect(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def post_batch(client, now: int, n: int) -> None:
    body = {
        "series": [
            {"name": "cpu", "host": "web-1", "points": [[now - i, float(i)] for i in range(n)]}
        ]
    }
    response = client.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")
    assert response.status_code == 201


async def test_a_subscriber_gets_one_message_for_a_whole_batch(owner, token_client):
    client = await sync_to_async(token_client)()
    now = int(time.time())
    await sync_to_async(post_batch)(client, now, 1)  # creates the series
    series = await Series.objects.aget()
    ws = await connect(owner)
    await ws.send_json_to({"action": "subscribe", "topics": [f"series:{series.pk}", "host:web-1"]})
    assert (await ws.receive_json_from())["type"] == "subscribed"
    await sync_to_async(post_batch)(client, now + 1, 500)
    messages = [await ws.receive_json_from(timeout=2), await ws.receive_json_from(timeout=2)]
    by_type = {m["type"]: m for m in messages}
    assert len(by_type["points"]["points"]) == 500
    assert by_type["points"]["series"] == series.pk
    assert by_type["points"]["points"][-1] == [now + 1, 0.0]
    assert by_type["host_points"]["series"] == {str(series.pk): [now + 1, 0.0]}
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_after_unsubscribing_nothing_arrives(owner, token_client):
    client = await sync_to_async(token_client)()
    now = int(time.time())
    await sync_to_async(post_batch)(client, now, 1)
    series = await Series.objects.aget()
    ws = await connect(owner)
    topic = f"series:{series.pk}"
    await ws.send_json_to({"action": "subscribe", "topics": [topic]})
    await ws.receive_json_from()
    await ws.send_json_to({"action": "unsubscribe", "topics": [topic]})
    assert (await ws.receive_json_from())["type"] == "unsubscribed"
    await sync_to_async(post_batch)(client, now + 5, 3)
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_an_anonymous_socket_is_refused():
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = AnonymousUser()
    connected, code = await communicator.connect()
    assert not connected and code == 4401


async def test_unknown_topics_and_bad_messages_get_an_error(owner):
    ws = await connect(owner)
    await ws.send_json_to({"action": "subscribe", "topics": ["secrets:1"]})
    assert "unknown topics" in (await ws.receive_json_from())["message"]
    await ws.send_json_to({"hello": 1})
    assert (await ws.receive_json_from())["type"] == "error"
    await ws.disconnect()
    await asyncio.sleep(0)
