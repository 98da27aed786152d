"""The live websocket follows its login session (logout closes it, a dead session cannot
subscribe) and survives frames that are not JSON (issue 12, defects 9 and 13)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from hydra.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True)]
APP = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def socket_of(client: Client) -> WebsocketCommunicator:
    """A socket opened with the browser's session cookie, through the real auth stack."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    ws = WebsocketCommunicator(APP, "/ws/live/", headers=[(b"cookie", cookie.encode())])
    connected, _ = await ws.connect()
    assert connected
    return ws


async def subscribed(ws: WebsocketCommunicator) -> dict:
    await ws.send_json_to({"action": "subscribe", "topics": ["alerts"]})
    return await ws.receive_output(timeout=2)


async def test_logging_out_closes_that_sessions_sockets_only(owner):
    browser = await sync_to_async(logged_in)(owner)
    other_tab_elsewhere = await sync_to_async(logged_in)(owner)
    ws, other = await socket_of(browser), await socket_of(other_tab_elsewhere)
    assert (await subscribed(ws))["type"] == "websocket.send"
    response = await sync_to_async(browser.post)("/logout/")
    assert response.status_code == 302
    closed = await ws.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4401}
    assert (await subscribed(other))["type"] == "websocket.send"  # another login: still open
    await other.disconnect()


async def test_a_socket_whose_session_ended_cannot_subscribe(owner):
    browser = await sync_to_async(logged_in)(owner)
    ws = await socket_of(browser)
    await Session.objects.all().adelete()  # expired, flushed, or ended on another server
    assert await subscribed(ws) == {"type": "websocket.close", "code": 4401}


@pytest.mark.parametrize(
    "frame", [{"text_data": "not json"}, {"text_data": "{"}, {"bytes_data": b"\x00\x01"}]
)
async def test_a_frame_that_is_not_json_gets_an_error_and_the_socket_stays(owner, frame):
    ws = await socket_of(await sync_to_async(logged_in)(owner))
    if "text_data" in frame:
        await ws.send_to(text_data=frame["text_data"])
    else:
        await ws.send_to(bytes_data=frame["bytes_data"])
    error = await ws.receive_json_from(timeout=2)
    assert error["type"] == "error" and "JSON" in error["message"]
    await ws.send_json_to({"action": "subscribe", "topics": ["alerts"]})
    assert (await ws.receive_json_from(timeout=2))["type"] == "subscribed"
    await ws.disconnect()
