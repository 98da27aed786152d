"""The ingestion front serves only tokens whose user's role may ingest (editors, admins); a
viewer's token is handed to Django, which refuses it with the API's 403."""

from __future__ import annotations

import orjson
import pytest
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_started

from core.services import api_token_create
from metrics.api.ingest_front import IngestFront
from metrics.models import Point

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def served_by_django():
    calls: list[int] = []

    def count(**kwargs):
        calls.append(1)

    request_started.connect(count)
    yield calls
    request_started.disconnect(count)


async def post(user, path: str, body: bytes, ctype: str) -> dict:
    key = api_token_create(user=user)[1]
    headers = [
        (b"host", b"localhost"),
        (b"content-type", ctype.encode()),
        (b"authorization", f"Token {key}".encode()),
    ]
    front = IngestFront(ASGIHandler())
    return await HttpCommunicator(front, "POST", path, body, headers).get_response(timeout=5)


@pytest.mark.parametrize(
    ("path", "ctype", "body"),
    [
        ("/api/v1/metrics/", "application/json", orjson.dumps({"name": "cpu", "value": 1})),
        ("/write?precision=s", "text/plain", b"cpu,host=a v=1"),  # stamped now by the server
    ],
    ids=["json", "line protocol"],
)
async def test_a_viewers_token_is_refused_and_nothing_is_written(
    viewer, served_by_django, path, ctype, body
):
    response = await post(viewer, path, body, ctype)
    assert response["status"] == 403
    assert b"Your role (viewer) may not do this" in response["body"]
    assert served_by_django == [1]  # the front handed it on
    assert await Point.objects.acount() == 0


async def test_an_editors_token_is_served_by_the_front(owner, served_by_django):
    body = orjson.dumps({"name": "cpu", "value": 1})
    response = await post(owner, "/api/v1/metrics/", body, "application/json")
    assert (response["status"], response["body"]) == (201, b'{"accepted":1}')
    assert served_by_django == []
    assert await Point.objects.acount() == 1
