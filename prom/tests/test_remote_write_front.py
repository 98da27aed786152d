"""Remote write through the ASGI ingestion front (as ``hydra.asgi`` wires it): served without
Django, answered exactly as Django answers; what it can't serve goes to Django, written once."""

from __future__ import annotations

import pytest
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_started

from core.services import api_token_create
from metrics.api.ingest_front import IngestFront
from metrics.models import Point, StaleMark
from prom.api.remote_write import FRONT_ROUTE
from prom.promql.storage import STALE_NAN
from prom.tests.conftest import now_ms, snappy, write_request

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def django_app():
    return ASGIHandler()


@pytest.fixture
def front(django_app):
    return IngestFront(django_app, routes={"/api/v1/write": FRONT_ROUTE})


@pytest.fixture
def served_by_django():
    calls: list[int] = []

    def count(**kwargs):
        calls.append(1)

    request_started.connect(count)
    yield calls
    request_started.disconnect(count)


@pytest.fixture
def key(owner) -> str:
    return api_token_create(user=owner)[1]


def headers(key: str, encoding: str = "snappy") -> list:
    return [
        (b"host", b"localhost"),
        (b"content-type", b"application/x-protobuf"),
        (b"content-encoding", encoding.encode()),
        (b"authorization", f"Bearer {key}".encode()),
        (b"x-prometheus-remote-write-version", b"0.1.0"),
    ]


async def post(app, body: bytes, hdrs: list) -> dict:
    response = await HttpCommunicator(app, "POST", "/api/v1/write", body, hdrs).get_response(
        timeout=5
    )
    response["headers"] = sorted((k.lower(), v) for k, v in response["headers"])
    return response


def body(name: str, t: int) -> bytes:
    samples = [(t - 2000, 1.0), (t - 1000, 2.0), (t, STALE_NAN)]
    return snappy(write_request([({"__name__": name, "instance": "a:1"}, samples)]))


async def test_a_request_is_stored_and_answered_exactly_as_django_answers_it(
    front, django_app, key, served_by_django
):
    t = now_ms()
    fast = await post(front, body("fast", t), headers(key))
    assert served_by_django == []
    slow = await post(django_app, body("slow", t), headers(key))
    assert served_by_django == [1]
    assert fast["status"] == slow["status"] == 204
    assert fast["body"] == slow["body"] == b""
    assert fast["headers"] == slow["headers"]
    assert await Point.objects.filter(series__name="fast").acount() == 2
    assert await StaleMark.objects.filter(series__name="fast").acount() == 1


@pytest.mark.parametrize("case", ["truncated", "identity", "bad label"])
async def test_what_the_front_refuses_django_answers_and_nothing_is_written(
    front, key, served_by_django, case
):
    data, hdrs = body("cpu", now_ms()), headers(key)
    if case == "truncated":
        data = data[:-5]
    elif case == "identity":
        hdrs = headers(key, "identity")
    else:
        data = snappy(write_request([({"__name__": "cpu", "a-b": "x"}, [(now_ms(), 1.0)])]))
    response = await post(front, data, hdrs)
    assert served_by_django == [1]
    assert response["status"] in (400, 415)
    assert await Point.objects.acount() == 0
