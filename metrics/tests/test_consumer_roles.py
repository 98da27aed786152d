"""The live websocket reads data: any role may connect, an account in no role may not."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from metrics.consumers import CLOSE_FORBIDDEN, LiveConsumer

pytestmark = [pytest.mark.django_db(transaction=True)]


async def _connect(user) -> tuple[WebsocketCommunicator, bool, int | None]:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_a_viewer_subscribes(viewer):
    ws, connected, _ = await _connect(viewer)
    assert connected
    await ws.send_json_to({"action": "subscribe", "topics": ["alerts"]})
    assert (await ws.receive_json_from())["type"] == "subscribed"
    await ws.disconnect()


async def test_an_account_without_a_role_is_refused(django_user_model):
    nobody = await sync_to_async(django_user_model.objects.create_user)("erin")
    _, connected, code = await _connect(nobody)
    assert not connected and code == CLOSE_FORBIDDEN
