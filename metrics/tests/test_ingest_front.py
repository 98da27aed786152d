"""The ingestion front: batches served without Django answer as Django does; the rest is
handed to Django with nothing written or counted twice."""

from __future__ import annotations

import gzip
import time

import orjson
import pytest
from channels.testing import ApplicationCommunicator, HttpCommunicator, WebsocketCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_started

from core.services import api_token_create
from metrics.api.ingest_front import IngestFront
from metrics.consumers import LiveConsumer
from metrics.models import Point, Series

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def django_app():
    return ASGIHandler()


@pytest.fixture
def front(django_app):
    return IngestFront(django_app)


@pytest.fixture
def served_by_django():
    """How many requests reached Django."""
    calls = []

    def count(**kwargs):
        calls.append(1)

    request_started.connect(count)
    yield calls
    request_started.disconnect(count)


@pytest.fixture
def keys(owner):
    return {
        "rw": api_token_create(user=owner)[1],
        "ro": api_token_create(user=owner, read_only=True)[1],
    }


def headers(key: str | None, ctype: str = "application/json", **extra: str) -> list:
    out = [(b"host", b"localhost"), (b"content-type", ctype.encode())]
    if key:
        out.append((b"authorization", f"Token {key}".encode()))
    return out + [(k.replace("_", "-").encode(), v.encode()) for k, v in extra.items()]


async def post(app, path: str, body: bytes, hdrs: list) -> dict:
    response = await HttpCommunicator(app, "POST", path, body, hdrs).get_response(timeout=5)
    response["headers"] = sorted((k.lower(), v) for k, v in response["headers"])
    return response


def json_batch(name: str, now: int, n: int = 3) -> bytes:
    points = [[now - i, float(i)] for i in range(n)]
    return orjson.dumps({"series": [{"name": name, "host": "web-1", "points": points}]})


def line_batch(measurement: str, now: int, n: int = 3) -> bytes:
    return "\n".join(f"{measurement},host=web-1 v={i}.5 {now - i}" for i in range(n)).encode()


async def points(name: str) -> int:
    return await Point.objects.filter(series__name=name).acount()


@pytest.mark.parametrize(
    "path, ctype, make",
    [
        ("/api/v1/metrics/", "application/json", json_batch),
        ("/api/v2/write?precision=s", "text/plain", line_batch),
        ("/write?precision=s", "text/plain", line_batch),
        # curl's default type, and none at all: InfluxDB takes any type on its write paths
        ("/api/v2/write?precision=s", "application/x-www-form-urlencoded", line_batch),
        ("/write?precision=s", "", line_batch),
    ],
)
async def test_a_batch_is_stored_and_answered_exactly_as_django_answers_it(
    front, django_app, keys, served_by_django, path, ctype, make
):
    now = int(time.time())
    fast = await post(front, path, make("fast", now), headers(keys["rw"], ctype))
    assert served_by_django == []
    slow = await post(django_app, path, make("slow", now), headers(keys["rw"], ctype))
    assert served_by_django == [1]
    assert fast["status"] == slow["status"] in (201, 204)
    assert fast["body"] == slow["body"]
    assert fast["headers"] == slow["headers"]
    stored = "fast" if path.startswith("/api/v1/") else "fast.v"
    assert await points(stored) == 3


@pytest.mark.parametrize(
    "case",
    ["bad point", "read-only token", "no token", "unknown token", "wrong type", "bad gzip"],
)
async def test_what_the_front_does_not_serve_django_answers_and_nothing_is_written(
    front, django_app, keys, served_by_django, case
):
    now = int(time.time())
    body, hdrs = json_batch("cpu", now), headers(keys["rw"])
    if case == "bad point":
        body = orjson.dumps({"series": [{"name": "cpu", "points": [[now, "high"]]}]})
    elif case == "read-only token":
        hdrs = headers(keys["ro"])
    elif case == "no token":
        hdrs = headers(None)
    elif case == "unknown token":
        hdrs = headers("not-a-key")
    elif case == "wrong type":
        hdrs = headers(keys["rw"], "text/csv")
    elif case == "bad gzip":
        hdrs = headers(keys["rw"], content_encoding="gzip")
    fast = await post(front, "/api/v1/metrics/", body, hdrs)
    slow = await post(django_app, "/api/v1/metrics/", body, hdrs)
    assert fast["status"] == slow["status"] in (400, 401, 403, 415)
    assert fast["body"] == slow["body"]
    assert b'"detail"' in fast["body"] or b'"errors"' in fast["body"]
    assert fast["headers"] == slow["headers"]
    assert served_by_django == [1, 1]
    assert await Point.objects.acount() == 0 and await Series.objects.acount() == 0


async def test_a_gzipped_batch_is_served_by_the_front(front, keys, served_by_django):
    now = int(time.time())
    body = gzip.compress(json_batch("zipped", now, 50))
    response = await post(
        front, "/api/v1/metrics/", body, headers(keys["rw"], content_encoding="gzip")
    )
    assert (response["status"], response["body"]) == (201, b'{"accepted":50}')
    assert served_by_django == [] and await points("zipped") == 50


async def test_a_body_sent_in_pieces_is_put_together(front, keys):
    now = int(time.time())
    body = line_batch("pieces", now, 100)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v2/write",
        "query_string": b"precision=s",
        "headers": headers(keys["rw"], "text/plain"),
    }
    app = ApplicationCommunicator(front, scope)
    third = len(body) // 3
    for start in (0, third, 2 * third):
        piece = body[start : start + third] if start < 2 * third else body[start:]
        await app.send_input(
            {"type": "http.request", "body": piece, "more_body": start < 2 * third}
        )
    assert (await app.receive_output(5))["status"] == 204
    assert await points("pieces.v") == 100


async def test_an_oversize_body_without_a_length_gets_django_s_413(front, keys, settings):
    settings.HYDRA_INGEST_MAX_BYTES = 1_000
    body = json_batch("big", int(time.time()), 200)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/metrics/",
        "query_string": b"",
        "headers": headers(keys["rw"]),
    }
    app = ApplicationCommunicator(front, scope)
    for start in range(0, len(body), 600):
        more = start + 600 < len(body)
        await app.send_input(
            {"type": "http.request", "body": body[start : start + 600], "more_body": more}
        )
    assert (await app.receive_output(5))["status"] == 413
    assert await Point.objects.acount() == 0


async def test_a_declared_oversize_body_gets_django_s_413(front, keys, settings, served_by_django):
    settings.HYDRA_INGEST_MAX_BYTES = 1_000
    body = json_batch("big", int(time.time()), 200)
    hdrs = headers(keys["rw"], content_length=str(len(body)))
    response = await post(front, "/api/v1/metrics/", body, hdrs)
    assert response["status"] == 413 and served_by_django == [1]
    assert await Point.objects.acount() == 0


async def test_a_host_not_allowed_is_refused_by_django(front, keys):
    hdrs = [(b"host", b"evil.example")] + headers(keys["rw"])[1:]
    response = await post(front, "/api/v1/metrics/", json_batch("cpu", int(time.time())), hdrs)
    assert response["status"] == 400
    assert await Point.objects.acount() == 0


async def test_a_request_handed_to_django_is_throttled_once(front, keys, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/min"},
    }
    now = int(time.time())
    bad = orjson.dumps({"name": "t", "value": "high"})
    codes = []
    for body in (bad, json_batch("t", now), json_batch("t", now - 60)):
        codes.append((await post(front, "/api/v1/metrics/", body, headers(keys["rw"])))["status"])
    assert codes == [400, 201, 429]
    assert await points("t") == 3


async def test_other_methods_and_paths_go_to_django(front, keys, served_by_django):
    response = await HttpCommunicator(
        front, "GET", "/api/v1/series/", headers=headers(keys["rw"])
    ).get_response(timeout=5)
    assert response["status"] == 200 and served_by_django == [1]


async def test_a_live_subscriber_gets_the_batch_the_front_stored(front, keys, owner):
    now = int(time.time())
    await post(front, "/api/v1/metrics/", json_batch("live", now, 1), headers(keys["rw"]))
    series = await Series.objects.aget(name="live")
    ws = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    ws.scope["user"] = owner
    assert (await ws.connect())[0]
    await ws.send_json_to({"action": "subscribe", "topics": [f"series:{series.pk}"]})
    assert (await ws.receive_json_from())["type"] == "subscribed"
    await post(front, "/api/v1/metrics/", json_batch("live", now + 5, 4), headers(keys["rw"]))
    message = await ws.receive_json_from(timeout=3)
    assert message["type"] == "points" and message["series"] == series.pk
    assert [p[0] for p in message["points"]] == [now + 2, now + 3, now + 4, now + 5]
    await ws.disconnect()


async def test_connections_are_given_back_after_each_batch(front, keys, settings):
    """More batches than the connection pool holds: each gives its connection back."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {})
    now = int(time.time())
    for i in range(pool.get("max_size", 20) + 5):
        body = json_batch("conn", now - 10 * i, 1)
        response = await post(front, "/api/v1/metrics/", body, headers(keys["rw"]))
        assert response["status"] == 201
    assert await points("conn") == pool.get("max_size", 20) + 5


async def test_a_store_failure_is_handed_to_django_and_counted_once(
    front, keys, settings, monkeypatch, served_by_django
):
    """The front's store fails (once): Django writes the batch, the throttle counts it once."""
    from metrics.api import ingest_front

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/min"},
    }
    real = ingest_front.store

    def failing_once(batch):
        monkeypatch.setattr(ingest_front, "store", real)
        raise OSError("database went away")

    monkeypatch.setattr(ingest_front, "store", failing_once)
    now = int(time.time())
    codes = []
    for i in range(3):
        response = await post(
            front, "/api/v1/metrics/", json_batch("f", now - 60 * i), headers(keys["rw"])
        )
        codes.append(response["status"])
    assert codes == [201, 201, 429]
    assert served_by_django == [1, 1]  # the failed one, then the throttled one
    assert await points("f") == 6
