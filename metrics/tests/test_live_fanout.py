"""Full mode: several daphne processes behind one address all deliver live updates."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from core.services import api_token_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="fan-out across processes needs channels_redis"
    ),
]


def test_a_point_ingested_on_one_process_reaches_a_socket_on_another(
    asgi_server, second_asgi_server, owner
):
    client = Client()
    client.force_login(owner)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    token = api_token_create(user=owner)[1]
    headers = {"Authorization": f"Token {token}"}
    now = time.time()
    body = {"series": [{"name": "cpu", "host": "web-9", "points": [[now - 1, 1.0]]}]}
    assert (
        httpx.post(f"{second_asgi_server}/api/v1/metrics/", json=body, headers=headers).status_code
        == 201
    )
    series_id = httpx.get(f"{asgi_server}/api/v1/series/", headers=headers).json()["results"][0][
        "id"
    ]
    ws_url = asgi_server.replace("http://", "ws://") + "/ws/live/"
    with connect(ws_url, additional_headers={"Cookie": cookie, "Origin": asgi_server}) as ws:
        ws.send(json.dumps({"action": "subscribe", "topics": [f"series:{series_id}"]}))
        assert json.loads(ws.recv(timeout=5))["type"] == "subscribed"
        body["series"][0]["points"] = [[now, 42.0]]
        assert (
            httpx.post(
                f"{second_asgi_server}/api/v1/metrics/", json=body, headers=headers
            ).status_code
            == 201
        )
        message = json.loads(ws.recv(timeout=5))
    assert (message["type"], message["series"]) == ("points", series_id)
    ((ts, value),) = message["points"]
    assert value == 42.0 and ts == pytest.approx(now, abs=1e-6)
